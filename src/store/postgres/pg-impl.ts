// The PostgreSQL client library (node-postgres), bundled on its own into dist/pg.cjs by build.mjs and
// required only when a store is a PostgreSQL URL: loading it costs ~50 ms, more than a whole `check`.
import pg from "pg";

export const Client = pg.Client;
export type Client = InstanceType<typeof pg.Client>;
