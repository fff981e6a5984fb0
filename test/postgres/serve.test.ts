// Black-box: two `apicred serve` instances on one PostgreSQL store, as two API servers of a fleet.
// A `credential delete` run by a third process is denied by both within 1 s (LISTEN/NOTIFY, with the
// 1 s revision poll behind it); the usage both record merges in the one table, the later use winning.
import { afterEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { usePostgres } from "../helpers/postgres.js";
import { type Running, startServe, within } from "../serve/server.js";

const pg = usePostgres();
let box: Sandbox;
const servers: Running[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  box?.cleanup();
});

async function decide(srv: Running, body: Record<string, string>): Promise<{ allowed: boolean; reason: string }> {
  const r = await fetch(`${srv.url}/v1/check`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  return (await r.json()) as { allowed: boolean; reason: string };
}

describe("serve on PostgreSQL", { timeout: 60_000 }, () => {
  it("two instances deny a deleted credential within 1 s, and their usage merges (later time wins)", async () => {
    box = new Sandbox();
    const env = { APICRED_STORE: await pg.database() };
    const ok = (args: string[]) => {
      const r = box.run([...args, "--json"], { env });
      expect(r.code, r.stderr).toBe(0);
      return r.json();
    };
    ok(["init"]);
    ok(["admin", "add", "alice"]);
    ok(["role", "create", "billing", "--allow", "GetInvoices"]);
    ok(["ip", "add", "203.0.113.0/24"]);
    const a = ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "a"]);
    const b = ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "b"]);
    // Usage written back every 100 ms, so the test sees it without stopping the servers.
    const serveEnv = { ...env, APICRED_USAGE_FLUSH_MS: "100" };
    servers.push(await startServe(box, undefined, serveEnv), await startServe(box, undefined, serveEnv));
    const [one, two] = servers as [Running, Running];
    const ask = (srv: Running, c: { identifier: string; secret: string }, ip: string) =>
      decide(srv, { credential: c.identifier, action: "GetInvoices", ip, secret: c.secret });

    // Usage: `a` used on one then later on two; `b` on two then later on one. Each instance flushes
    // its own uses; the stored one is the later, whichever instance wrote last.
    expect(await ask(one, a, "203.0.113.1")).toMatchObject({ allowed: true });
    expect(await ask(two, b, "203.0.113.2")).toMatchObject({ allowed: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(await ask(two, a, "203.0.113.3")).toMatchObject({ allowed: true });
    expect(await ask(one, b, "203.0.113.4")).toMatchObject({ allowed: true });
    const lastIps = async () =>
      Object.fromEntries(
        (await pg.sql<{ name: string; ip: string }>(env.APICRED_STORE, "SELECT c.name, u.last_used_ip AS ip FROM apicred.usage u JOIN apicred.credentials c USING (identifier) ORDER BY c.name")).map((r) => [r.name, r.ip]),
      );
    await within(5_000, async () => JSON.stringify(await lastIps()) === JSON.stringify({ a: "203.0.113.3", b: "203.0.113.4" }));
    expect(ok(["credential", "show", "a"])).toMatchObject({ lastUsedIp: "203.0.113.3" });

    // Revocation by a third process reaches both instances within 1 s.
    const deleted = box.run(["credential", "delete", "a", "--yes"], { env });
    expect(deleted.code, deleted.stderr).toBe(0);
    const elapsed = await Promise.all(
      servers.map((srv) => within(1_000, async () => (await ask(srv, a, "203.0.113.1")).reason === "unknown_credential")),
    );
    for (const ms of elapsed) expect(ms).toBeLessThanOrEqual(1_000);
    // The other credential still works on both.
    for (const srv of servers) expect(await ask(srv, b, "203.0.113.9")).toMatchObject({ allowed: true });
  });
});
