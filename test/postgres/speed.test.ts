// What keeps PostgreSQL writes and commands fast (the figures are `npm run bench`'s): bulk inserts go
// by COPY, a change's diff compares the rows as read instead of serialising every row, and a command
// loads no part of node-postgres it never uses. Each would fail on the code before it was made so.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { addAdmin } from "../../src/core/admins.js";
import { applyPlan, planApply } from "../../src/core/apply/index.js";
import type { Recorder, StoreDoc } from "../../src/core/types.js";
import type { Backend } from "../../src/store/backend.js";
import { openBackend } from "../../src/store/open.js";
import { diff } from "../../src/store/postgres/diff.js";
import { TABLES } from "../../src/store/postgres/rows.js";
import { loadWhole } from "../../src/store/postgres/load.js";
import { desiredDoc } from "../bench/desired.mjs";
import { BIN, cleanEnv } from "../helpers/cli.js";
import { usePostgres } from "../helpers/postgres.js";

const pg = usePostgres();
const dir = mkdtempSync(join(tmpdir(), "apicred-pgspeed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withBackend<T>(url: string, fn: (b: Backend) => Promise<T>): Promise<T> {
  const b = await openBackend(url, { lockTimeoutMs: 60_000 });
  try {
    return await fn(b);
  } finally {
    await b.close();
  }
}

/**
 * Applies the bench's document of `n` credentials (50 roles, 20 allowlist entries) in one change;
 * `edit` then changes the new items as it likes (text no command would accept, say).
 */
function applyDesired(b: Backend, n: number, edit: (d: StoreDoc, record: Recorder) => void = () => {}) {
  const input = desiredDoc(n);
  return b.update({ command: "apply" }, (doc, record, now) => {
    applyPlan(doc, planApply(doc, input, { prune: false }, Date.parse(now)), now, record);
    edit(doc, record);
  });
}

describe("PostgreSQL speed, by construction", { timeout: 180_000 }, () => {
  it("a bulk insert goes by COPY, in the change's transaction, and keeps any text as it is", async () => {
    const url = await pg.database();
    const db = new URL(url).pathname.slice(1);
    await pg.sql(pg.server.url(), `ALTER DATABASE ${db} SET log_statement = 'all'`);
    const log = join(pg.server.base, "server.log");
    const from = statSync(log).size;
    const odd = `tab \t newline \n return \r backslash \\ quote " {braces,} \\N NULL é 😀`;
    await withBackend(url, async (b) => {
      await applyDesired(b, 3000, (d, record) => {
        d.roles[1]!.description = odd;
        d.credentials[7]!.description = odd;
        record("odd", { odd });
      });
      await b.update({ command: odd }, (doc, record, now) => void addAdmin(doc, "after", now, record));
      const doc = await b.read();
      expect(doc.credentials).toHaveLength(3000);
      expect(doc.roles[1]!.description).toBe(odd);
      expect(doc.credentials[7]!.description).toBe(odd);
      expect(doc.credentials[8]!.roleIds).toEqual([doc.roles[8]!.id, doc.roles[6]!.id]);
      expect(doc.credentials[9]!.ips).toEqual(["203.0.113.0/24"]);
      const audit = await b.readAudit();
      expect(audit.events.filter((e) => e.command === "apply").length).toBeGreaterThan(3000);
      expect(audit.events.find((e) => e.object === "odd")!.change).toEqual({ odd });
      expect(audit.events.at(-1)!.command).toBe(odd);
    });
    const statements = readFileSync(log, "utf8").slice(from);
    for (const table of ["credentials", "credential_roles", "credential_ips", "roles", "audit"]) {
      expect(statements).toContain(`COPY apicred.${table} (`);
      expect(statements).not.toContain(`INSERT INTO apicred.${table} `);
    }
  });

  it("a change's diff on a store of 20,000 credentials compares rows as read, serialising only the cells kept as JSON", async () => {
    const url = await pg.database();
    await withBackend(url, (b) => applyDesired(b, 20_000));
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const loaded = await loadWhole(client);
      const doc = loaded.doc;
      const count = (d: StoreDoc) => diff(loaded.stored, d).map((c) => [c.table.name, c.deletes.length, c.updates.length, c.inserts.length]).filter((c) => c.some((x) => x !== 0 && typeof x === "number"));
      expect(count(doc)).toEqual([]);
      const changed = structuredClone(doc);
      addAdmin(changed, "extra", "2026-01-01T00:00:00.000Z", () => {});
      changed.credentials[10]!.roleIds.reverse();
      changed.credentials.splice(501, 1); // two roles and an IP
      expect(count(changed)).toEqual([["admins", 0, 0, 1], ["credentials", 1, 0, 0], ["credential_roles", 2, 2, 0], ["credential_ips", 1, 0, 0]]);
      // Before, a diff serialised every row of the document twice. Now only the cells kept as JSON
      // text are (a role's grants, a setting's value): counted, not timed, so the machine's load
      // cannot decide the outcome.
      const jsonCells = TABLES.reduce((n, t) => n + (loaded.stored.get(t.name)?.length ?? 0) * t.columns.filter((c) => c.type === "json" || c.type === "text[]").length, 0);
      expect(jsonCells).toBeLessThan(100); // 50 roles' grants and the settings, against 20,000 credentials
      const stringify = vi.spyOn(JSON, "stringify");
      try {
        diff(loaded.stored, doc);
        expect(stringify.mock.calls.length).toBeGreaterThan(0);
        expect(stringify.mock.calls.length).toBeLessThanOrEqual(jsonCells);
      } finally {
        stringify.mockRestore();
      }
    } finally {
      await client.end();
    }
  });

  it("a command loads neither fetch (undici), nor WebCrypto, nor DNS for an IP address", async () => {
    const url = await pg.database();
    await withBackend(url, (b) => applyDesired(b, 10));
    const list = join(dir, "modules");
    const r = spawnSync(process.execPath, ["-r", join(import.meta.dirname, "fixtures", "module-list.cjs"), BIN, "role", "list", "--json"], {
      env: cleanEnv({ APICRED_STORE: url, APICRED_MODULE_LIST: list }), encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(50);
    const modules = readFileSync(list, "utf8").split("\n");
    expect(modules.some((m) => m.includes("pg.cjs") || m === "NativeModule net")).toBe(true); // it did connect
    expect(modules.filter((m) => /undici|internal\/crypto\/webcrypto|NativeModule dns$/.test(m))).toEqual([]);
  });
});
