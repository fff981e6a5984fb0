// The PostgreSQL backend through the storage port, against a real server (test/helpers/postgres.ts).
// `init` does not open its store through the port yet, so "init" here is what it runs: an update
// that records nothing.
import { describe, expect, it } from "vitest";
import { addAdmin } from "../../src/core/admins.js";
import { addIp } from "../../src/core/allowlist.js";
import { setAccessKey } from "../../src/core/access-key.js";
import { buildCatalog } from "../../src/core/catalog.js";
import { createCredential, deleteCredentials, rotateCredential } from "../../src/core/credentials.js";
import { addCustomAction } from "../../src/core/custom-actions.js";
import { decide, Snapshot } from "../../src/core/decide.js";
import { AppError } from "../../src/core/errors.js";
import { parseAddress } from "../../src/core/ip.js";
import { createRole } from "../../src/core/roles.js";
import type { StoreDoc } from "../../src/core/types.js";
import type { Backend } from "../../src/store/backend.js";
import { openBackend } from "../../src/store/open.js";
import { PostgresBackend } from "../../src/store/postgres/backend.js";
import { PASSWORD, usePostgres } from "../helpers/postgres.js";

const pg = usePostgres();

async function withBackend<T>(url: string, fn: (b: Backend) => Promise<T>): Promise<T> {
  const b = await openBackend(url);
  try {
    return await fn(b);
  } finally {
    await b.close();
  }
}

async function storeError(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).exitCode).toBe(5);
  return err as AppError;
}

/** A store with one of everything, made by the core's own mutations; returns the secrets. */
async function populate(b: Backend): Promise<{ web: string; api: string }> {
  return b.update({ command: "test populate" }, (doc, record, now) => {
    addAdmin(doc, "ops", now, record);
    addAdmin(doc, "Bob", now, record);
    addCustomAction(doc, "ModuleThing", "Addons", now, record);
    createRole(doc, buildCatalog(doc.actions), { name: "billing", description: "money", grants: ["Billing:*"] }, now, record);
    createRole(doc, buildCatalog(doc.actions), { name: "support", grants: ["GetClients", "ModuleThing"] }, now, record);
    addIp(doc, "203.0.113.0/24", "office", false, now, record);
    addIp(doc, "2001:db8::1", "", false, now, record);
    setAccessKey(doc, "k".repeat(40), now, record);
    const web = createCredential(doc, { admin: "ops", roles: ["support", "billing"], name: "web", ips: ["203.0.113.7", "198.51.100.0/24"] }, now, record);
    const api = createCredential(doc, { admin: "Bob", roles: ["support"], name: "Api-Server", expiresAt: new Date(Date.now() + 86_400_000) }, now, record);
    createCredential(doc, { admin: "ops", roles: [] }, now, record);
    return { web: web.secret, api: api.secret };
  });
}

describe("PostgreSQL backend", { timeout: 60_000 }, () => {
  it("init creates the versioned schema once, audits the creation, and is idempotent", async () => {
    const url = await pg.database();
    await withBackend(url, async (b) => {
      expect(await b.exists()).toBe(false);
      await storeError(b.read()).then((e) => expect(e.message).toMatch(/no store at postgresql:\/\/postgres@127\.0\.0\.1:\d+\/t\d+_\d+; run `apicred init`/));
      expect(await b.readOrEmpty()).toEqual({ version: 1, admins: [], actions: [], roles: [], credentials: [], ipAllowlist: [], accessKey: null });
      await b.update({ command: "init" }, () => undefined);
      await b.update({ command: "init" }, () => undefined);
      expect(await b.exists()).toBe(true);
      const audit = await b.readAudit();
      expect(audit.events.map((e) => [e.command, e.object, e.change])).toEqual([["init", `store:${b.location}`, { created: true }]]);
    });
    expect(await pg.sql(url, "SELECT version FROM apicred.schema_version")).toEqual([{ version: 1 }]);
  });

  it("round-trips a whole store in the core's shapes and order, and writes only the rows a change touches", async () => {
    const url = await pg.database();
    await withBackend(url, async (b) => {
      await populate(b);
      const doc = await b.read();
      expect(doc.admins.map((a) => a.username)).toEqual(["ops", "Bob"]);
      expect(doc.roles.map((r) => [r.name, r.grants])).toEqual([["billing", ["Billing:*"]], ["support", ["GetClients", "ModuleThing"]]]);
      expect(doc.credentials.map((c) => c.name)).toEqual(["web", "Api-Server", null]);
      expect(doc.credentials[0]!.ips).toEqual(["203.0.113.7", "198.51.100.0/24"]);
      expect(doc.credentials[0]!.roleIds).toEqual([doc.roles[1]!.id, doc.roles[0]!.id]); // order kept
      expect(doc.ipAllowlist.map((e) => e.address)).toEqual(["203.0.113.0/24", "2001:db8::1"]);
      expect(doc.accessKey?.hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // JSON key order too: a copy to a file writes what the file backend would.
      expect(Object.keys(doc)).toEqual(["version", "admins", "actions", "roles", "credentials", "ipAllowlist", "accessKey"]);
      expect(Object.keys(doc.credentials[0]!)).toEqual(ORDER);

      const before = new Map((await pg.sql<{ identifier: string; xmin: string }>(url, "SELECT identifier, xmin::text FROM apicred.credentials")).map((r) => [r.identifier, r.xmin]));
      const expected = structuredClone(doc);
      const change = (d: StoreDoc, record: (o: string, c: Record<string, unknown>) => void) => {
        deleteCredentials(d, ["web"], record);
        rotateCredential(d, "Api-Server", 3_600_000, "2030-01-01T00:00:00.000Z", record);
      };
      change(expected, () => {});
      await b.update({ command: "test change" }, (d, record) => change(d, record));
      const after = await b.read();
      expect(after.credentials.map((c) => c.name)).toEqual(["Api-Server", null]);
      expect(after.credentials[0]!.previousSecret).toEqual({ hash: doc.credentials[1]!.secretHash, until: expect.any(String) });
      expect(after.credentials[0]!.secretHash).not.toBe(doc.credentials[1]!.secretHash);
      expect(after.credentials[1]).toEqual(doc.credentials[2]); // untouched
      // Only the rotated credential's row was rewritten; the untouched one keeps its row version.
      const xmins = new Map((await pg.sql<{ identifier: string; xmin: string }>(url, "SELECT identifier, xmin::text FROM apicred.credentials")).map((r) => [r.identifier, r.xmin]));
      expect(xmins.get(doc.credentials[2]!.identifier)).toBe(before.get(doc.credentials[2]!.identifier));
      expect(xmins.get(doc.credentials[1]!.identifier)).not.toBe(before.get(doc.credentials[1]!.identifier));
      expect(await pg.sql(url, "SELECT count(*)::int AS n FROM apicred.credential_roles")).toEqual([{ n: 1 }]);
    });
  });

  it("a change that throws writes nothing; a change may swap two names (constraints checked at commit)", async () => {
    const url = await pg.database();
    await withBackend(url, async (b) => {
      await populate(b);
      const doc = await b.read();
      await expect(
        b.update({ command: "t" }, (d, record) => {
          d.admins = [];
          record("x", {});
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await b.read()).toEqual(doc);
      await b.update({ command: "swap" }, (d, record) => {
        d.credentials[0]!.name = "Api-Server";
        d.credentials[1]!.name = "web";
        record("swap", {});
      });
      expect((await b.read()).credentials.map((c) => c.name)).toEqual(["Api-Server", "web", null]);
      // A duplicate (case-insensitive) name is refused by the database even if a core bug let it through.
      const dup = await storeError(b.update({ command: "dup" }, (d, record) => {
        d.credentials[2]!.name = "WEB";
        record("dup", {});
      }));
      expect(dup.message).toMatch(/credentials_name_unique/);
    });
  });

  it("keeps any text as it is, and any order a change makes (reorders renumber, appends do not)", async () => {
    const url = await pg.database();
    await withBackend(url, async (b) => {
      await populate(b);
      const odd = `quote " backslash \\ apostrophe ' newline \n tab \t é 😀 {,} NULL`;
      await b.update({ command: "t" }, (d, record) => {
        d.roles[0]!.description = odd;
        d.roles.reverse();
        d.admins.splice(1, 0, { id: "ZZZ", username: "mid", disabled: true, createdAt: "2026-01-01T00:00:00.000Z" });
        record("t", { odd });
      });
      const doc = await b.read();
      expect(doc.roles.map((r) => r.name)).toEqual(["support", "billing"]);
      expect(doc.roles[1]!.description).toBe(odd);
      expect(doc.admins.map((a) => a.username)).toEqual(["ops", "mid", "Bob"]);
      expect((await b.readAudit()).events.at(-1)!.change).toEqual({ odd });
    });
  });

  it("readForCredential reads one credential with its admin and roles, by identifier or name, through indexes", async () => {
    const url = await pg.database();
    await withBackend(url, async (b) => {
      const { web } = await populate(b);
      const full = await b.read();
      const byName = await b.readForCredential("WEB");
      expect(byName.credentials).toEqual([full.credentials[0]]);
      expect(byName.admins).toEqual([full.admins[0]]);
      expect(byName.roles).toEqual(full.roles); // web holds both
      expect(byName.actions).toEqual(full.actions);
      expect(byName.ipAllowlist).toEqual(full.ipAllowlist);
      expect(byName.accessKey).toEqual(full.accessKey);
      const byId = await b.readForCredential(full.credentials[1]!.identifier);
      expect(byId.credentials.map((c) => c.name)).toEqual(["Api-Server"]);
      expect(byId.admins.map((a) => a.username)).toEqual(["Bob"]);
      expect(byId.roles.map((r) => r.name)).toEqual(["support"]);
      expect((await b.readForCredential("nope")).credentials).toEqual([]);

      const request = { credential: "web", action: "GetInvoices", ip: parseAddress("203.0.113.7"), secret: web, now: Date.now() };
      expect(decide(new Snapshot(byName), request)).toMatchObject({ allowed: true });
      // Another last character (a random secret ends in "x" one time in 64: then "y").
      const wrong = `${web.slice(0, -1)}${web.endsWith("x") ? "y" : "x"}`;
      expect(decide(new Snapshot(byName), { ...request, secret: wrong })).toMatchObject({ allowed: false });
      expect(decide(new Snapshot(byName), request)).toEqual(decide(new Snapshot(full), request));
    });
    // With many credentials, the lookups use the primary key and the lower(name) index, never a scan.
    await pg.sql(url, `INSERT INTO apicred.credentials (identifier, name, admin_id, description, created_at, secret_hash, pos)
      SELECT 'id' || g, 'c' || g, 'a', '', '2026-01-01T00:00:00.000Z', 'h', 100 + g FROM generate_series(1, 5000) g`);
    await pg.sql(url, "ANALYZE");
    for (const [id, name] of [["id42", "c42"], [null, "c42"]]) {
      const plan = await pg.sql<{ "QUERY PLAN": string }>(url, `EXPLAIN SELECT c.*, 0 AS pri FROM apicred.credentials c WHERE c.identifier = $1
        UNION ALL SELECT c.*, 1 AS pri FROM apicred.credentials c WHERE lower(c.name) = $2`, [id, name]);
      const text = plan.map((r) => r["QUERY PLAN"]).join("\n");
      expect(text).not.toMatch(/Seq Scan/);
      expect(text).toMatch(/Index Scan|Bitmap Index Scan/);
    }
  });

  it("a missing schema table, a newer schema, bad credentials and an unreachable server are exit 5 without the password", async () => {
    const url = await pg.database();
    await withBackend(url, (b) => b.update({ command: "init" }, () => undefined));
    await pg.sql(url, "INSERT INTO apicred.schema_version (version) VALUES (2)");
    await withBackend(url, async (b) => {
      expect((await storeError(b.read())).message).toMatch(/newer apicred \(schema version 2; this one reads 1\)/);
      expect((await storeError(b.readForCredential("x"))).code).toBe("store_newer");
      expect((await storeError(b.update({ command: "t" }, (_d, r) => r("x", {})))).code).toBe("store_newer");
    });
    const wrong = url.replace(PASSWORD, "not-the-Password-77");
    await withBackend(wrong, async (b) => {
      const err = await storeError(b.read());
      expect(err.message).toContain(`127.0.0.1:${pg.server.port}/`);
      expect(err.message).toMatch(/password authentication failed/);
      expect(err.message).not.toContain("not-the-Password-77");
      expect(b.location).not.toContain("not-the-Password-77");
    });
    const dead = `postgresql://postgres:${PASSWORD}@127.0.0.1:1/x`;
    await withBackend(dead, async (b) => {
      const err = await storeError(b.exists());
      expect(err.message).toMatch(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1\/x: /);
      expect(err.message).not.toContain(PASSWORD);
    });
    await withBackend(url.replace(/\/t\d+_\d+$/, "/no_such_db"), async (b) => {
      expect((await storeError(b.read())).message).toMatch(/no_such_db/);
    });
  });

  it("a login without the rights to create or read the schema is exit 5 naming the host, not the password", async () => {
    const url = await pg.database();
    const role = `lowly${Date.now()}`;
    await pg.sql(url, `CREATE ROLE ${role} LOGIN PASSWORD 'Lowly-pw-4242'`);
    const low = url.replace(`postgres:${PASSWORD}@`, `${role}:Lowly-pw-4242@`);
    await withBackend(low, async (b) => {
      const err = await storeError(b.update({ command: "init" }, () => undefined));
      expect(err.code).toBe("store_permission");
      expect(err.message).toMatch(new RegExp(`^permission denied by PostgreSQL at 127\\.0\\.0\\.1:${pg.server.port}/t`));
      expect(err.message).not.toContain("Lowly-pw-4242");
    });
    await withBackend(url, (b) => b.update({ command: "init" }, () => undefined));
    await withBackend(low, async (b) => {
      expect((await storeError(b.read())).code).toBe("store_permission");
    });
  });

  it("usage: recordUsage keeps the later time of each credential, readUsage returns it", async () => {
    const url = await pg.database();
    await withBackend(url, async (b) => {
      await b.update({ command: "init" }, () => undefined);
      await b.recordUsage(new Map([["A", { lastUsedAt: "2026-01-02T00:00:00.000Z", lastUsedIp: "10.0.0.1" }]]));
      await b.recordUsage(new Map([
        ["A", { lastUsedAt: "2026-01-01T00:00:00.000Z", lastUsedIp: "10.0.0.2" }],
        ["B", { lastUsedAt: "2026-01-03T00:00:00.000Z", lastUsedIp: null }],
      ]));
      expect(await b.readUsage()).toEqual(new Map([
        ["A", { lastUsedAt: "2026-01-02T00:00:00.000Z", lastUsedIp: "10.0.0.1" }],
        ["B", { lastUsedAt: "2026-01-03T00:00:00.000Z", lastUsedIp: null }],
      ]));
      await b.recordUsage(new Map([["A", { lastUsedAt: "2026-01-05T00:00:00.000Z", lastUsedIp: "10.0.0.3" }]]));
      expect((await b.readUsage()).get("A")).toEqual({ lastUsedAt: "2026-01-05T00:00:00.000Z", lastUsedIp: "10.0.0.3" });
    });
  });

  it("watch: a change committed through another connection reaches the listener within 1 s, a rolled-back one does not", async () => {
    const url = await pg.database();
    const watcher = new PostgresBackend(url);
    const writer = new PostgresBackend(url);
    try {
      await writer.update({ command: "init" }, () => undefined);
      let calls = 0;
      const stop = watcher.watch(() => calls++);
      await new Promise((r) => setTimeout(r, 300)); // LISTEN registered
      await writer.update({ command: "t" }, (d, record, now) => void addAdmin(d, "ops", now, record)).catch(() => {});
      const start = Date.now();
      while (calls === 0 && Date.now() - start < 1000) await new Promise((r) => setTimeout(r, 10));
      expect(calls).toBe(1);
      await writer.update({ command: "t" }, () => { throw new Error("no"); }).catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
      expect(calls).toBe(1);
      // The listening connection is killed: it reconnects and reports a possible change.
      await pg.sql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()");
      const t = Date.now();
      while (calls === 1 && Date.now() - t < 3000) await new Promise((r) => setTimeout(r, 10));
      expect(calls).toBe(2);
      await writer.update({ command: "t" }, (d, record, now) => void addAdmin(d, "ops2", now, record));
      const t2 = Date.now();
      while (calls === 2 && Date.now() - t2 < 1000) await new Promise((r) => setTimeout(r, 10));
      expect(calls).toBe(3);
      stop();
    } finally {
      await watcher.close();
      await writer.close();
    }
  });
});

const ORDER = ["identifier", "name", "adminId", "description", "roleIds", "ips", "expiresAt", "createdAt", "secretHash", "previousSecret", "rotatedAt"];
