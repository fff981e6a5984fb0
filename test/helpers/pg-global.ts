// vitest globalSetup of the `postgres` project: one real PostgreSQL server for the whole pass of the
// CLI suite against PostgreSQL (each Sandbox then creates its own database on it). Its address
// reaches the test workers through the environment, which they inherit.
import { startPostgres } from "./pg-server.mjs";

export default async function setup(): Promise<() => void> {
  const server = await startPostgres();
  process.env.APICRED_TEST_PG_ADMIN_URL = server.url("postgres");
  return () => server.stop();
}
