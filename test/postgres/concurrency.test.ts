// 100 writer processes, each with its own connection, change one PostgreSQL store at once: the
// advisory lock serialises their read-modify-writes, so every change lands, each with its audit event.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openBackend } from "../../src/store/open.js";
import { bundleScript } from "../helpers/bundle.js";
import { usePostgres } from "../helpers/postgres.js";

const pg = usePostgres();
const dir = mkdtempSync(join(tmpdir(), "apicred-pgw-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runWriter(script: string, url: string, name: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, url, name], { env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("PostgreSQL store under concurrent writers", () => {
  it("100 parallel writer processes lose nothing", async () => {
    const script = await bundleScript(join(import.meta.dirname, "fixtures", "writer.ts"), dir, "writer");
    const url = await pg.database();
    const names = Array.from({ length: 100 }, (_, i) => `writer-${i}`);
    // No init first: the first writers also race to create the schema.
    const results = await Promise.all(names.map((n) => runWriter(script, url, n)));
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
    const b = await openBackend(url);
    try {
      const doc = await b.read();
      expect(doc.admins.map((a) => a.username).sort()).toEqual([...names].sort());
      const audit = await b.readAudit();
      expect(audit.events.filter((e) => e.command === "test writer").length).toBe(101); // 100 adds + the creation
      expect(audit.events.filter((e) => e.change.created === true).length).toBe(1);
    } finally {
      await b.close();
    }
  }, 240_000);
});
