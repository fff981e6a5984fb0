// One real PostgreSQL server per test file (see pg-server.mjs), and a fresh database per test:
//   const pg = usePostgres();            // in the describe block: starts in beforeAll, stops in afterAll
//   const url = await pg.database();     // in a test: a new empty database's URL
import { afterAll, beforeAll } from "vitest";
import { PASSWORD, type PostgresServer, startPostgres } from "./pg-server.mjs";
import { Client } from "pg";

export { PASSWORD };

let counter = 0;

export interface PostgresFixture {
  readonly server: PostgresServer;
  /** Creates an empty database and returns its URL. */
  database(): Promise<string>;
  /** Runs SQL as the superuser against a database URL (for setting up and inspecting). */
  sql<T = Record<string, unknown>>(url: string, text: string, params?: unknown[]): Promise<T[]>;
}

export function usePostgres(): PostgresFixture {
  let server: PostgresServer | undefined;
  beforeAll(async () => {
    server = await startPostgres();
  }, 120_000);
  afterAll(() => server?.stop(), 60_000);
  const sql = async <T>(url: string, text: string, params?: unknown[]): Promise<T[]> => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  };
  return {
    get server() {
      if (!server) throw new Error("the PostgreSQL server is not running (use inside a test)");
      return server;
    },
    async database() {
      const name = `t${process.pid}_${++counter}`;
      await sql(this.server.url("postgres"), `CREATE DATABASE ${name}`);
      return this.server.url(name);
    },
    sql,
  };
}
