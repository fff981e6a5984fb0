// The PostgreSQL client library (node-postgres, and pg-copy-streams for bulk inserts), bundled on its
// own into dist/pg.cjs by build.mjs and required only when a store is a PostgreSQL URL: loading it
// costs ~50 ms, more than a whole `check`.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

export const Client = pg.Client;
export type Client = InstanceType<typeof pg.Client>;

/** Runs `COPY … FROM STDIN` with the chunks as its data; rejects with the server's error. */
export async function copyIn(client: Client, sql: string, chunks: Iterable<Buffer>): Promise<void> {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
}
