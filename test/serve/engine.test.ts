// The library: the package's export (`import { loadEngine } from "apicred"`, ESM and CommonJS) and
// the engine's behaviour on a real file store — decide with nothing skipped, reload, usage on close.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadEngine } from "../../src/engine.js";
import { openBackend } from "../../src/store/open.js";
import { ROOT, Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
let id: string;
let secret: string;
const req = () => ({ credential: "ci", action: "GetInvoices", ip: "203.0.113.7", secret });

beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing", "--allow", "GetInvoices"]);
  ({ identifier: id, secret } = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci"]));
  sb.ok(["ip", "add", "203.0.113.0/24"]);
});
afterEach(() => sb.cleanup());

describe("the package export", () => {
  it("loads with import and with require, from the built dist/ (what a user installs)", () => {
    // Resolved as a package from inside it (self-reference through "exports"), as a user's code would.
    const cjs = `const { loadEngine } = require("apicred"); loadEngine(process.env.APICRED_STORE, { recordUsage: false, watch: false }).then(async (e) => { console.log(JSON.stringify([e.decide({ credential: "ci", action: "GetInvoices" }).reason])); await e.close(); });`;
    const env = sb.env();
    const a = spawnSync(process.execPath, ["--input-type=module", "-e", `import { loadEngine } from "apicred"; ${esmBody(req())}`], { cwd: ROOT, env, encoding: "utf8" });
    expect(a.stderr).toBe("");
    expect(JSON.parse(a.stdout)).toEqual([true, "allowed", 1]);
    const b = spawnSync(process.execPath, ["-e", cjs], { cwd: ROOT, env, encoding: "utf8" });
    expect(b.stderr).toBe("");
    expect(JSON.parse(b.stdout)).toEqual(["bad_secret"]);
    // The use recorded by the ESM run was written by close().
    expect(sb.ok(["credential", "show", "ci"]).lastUsedIp).toBe("203.0.113.7");
  });
});

function esmBody(r: object): string {
  return `const e = await loadEngine(process.env.APICRED_STORE, { watch: false });
const d = e.decide(${JSON.stringify(r)});
console.log(JSON.stringify([d.allowed, d.reason, e.info().credentials]));
await e.close();`;
}

describe("the engine", () => {
  it("decides with nothing skipped and refuses a malformed request with a UsageError (exit code 2)", async () => {
    const e = await loadEngine(sb.store, { watch: false, recordUsage: false });
    try {
      expect(e.decide(req())).toMatchObject({ allowed: true, credential: id });
      expect(e.decide({ credential: "ci", action: "GetInvoices", ip: "203.0.113.7" }).reason).toBe("bad_secret");
      expect(e.decide({ credential: "ci", action: "GetInvoices", secret }).reason).toBe("ip_not_allowed");
      expect(() => e.decide({ ...req(), secert: "x" } as never)).toThrow(expect.objectContaining({ exitCode: 2, code: "invalid_input" }));
      expect(() => e.decide({ credential: "ci", action: "GetInvoices", ip: "1.2.3" })).toThrow(expect.objectContaining({ exitCode: 2 }));
    } finally {
      await e.close();
    }
  });

  it("reload() switches to the store as it is now; an invalid store keeps the last good one and says why", async () => {
    const warnings: string[] = [];
    const e = await loadEngine(sb.store, { watch: false, recordUsage: false, onWarning: (m) => warnings.push(m) });
    try {
      sb.ok(["credential", "delete", "ci", "--yes"]);
      expect(e.decide(req()).allowed).toBe(true); // not followed: still the loaded snapshot
      expect(await e.reload()).toBe(true);
      expect(e.decide(req()).reason).toBe("unknown_credential");
      writeFileSync(sb.store, "[]");
      expect(await e.reload()).toBe(false);
      expect(e.info()).toMatchObject({ healthy: false, credentials: 0 });
      expect(warnings).toHaveLength(1);
    } finally {
      await e.close();
    }
  });

  it("follows the store by itself (watch + poll) and takes a backend opened by the caller", async () => {
    const backend = await openBackend(sb.store);
    const e = await loadEngine(backend, { recordUsage: false });
    try {
      sb.ok(["credential", "edit", "ci", "--ip", "198.51.100.0/24"]);
      const start = Date.now();
      while (e.decide(req()).allowed && Date.now() - start < 1500) await new Promise((r) => setTimeout(r, 20));
      expect(e.decide(req()).reason).toBe("ip_not_allowed_for_credential");
      expect(Date.now() - start).toBeLessThan(1000);
    } finally {
      await e.close();
    }
  });

  it("records the last use of each credential: a later address replaces an earlier one", async () => {
    const e = await loadEngine(sb.store, { watch: false });
    e.decide(req());
    e.decide({ ...req(), ip: "203.0.113.9" });
    await e.close();
    expect(sb.ok(["credential", "show", "ci"]).lastUsedIp).toBe("203.0.113.9");
    const again = await loadEngine(sb.store, { watch: false });
    again.decide({ ...req(), ip: "203.0.113.9" });
    again.decide(req());
    await again.close();
    expect(sb.ok(["credential", "show", "ci"]).lastUsedIp).toBe("203.0.113.7");
  });

  it("a store that cannot be loaded is an error at load (exit code 5), never an empty engine", async () => {
    await expect(loadEngine(join(sb.dir, "typo.json"))).rejects.toMatchObject({ exitCode: 5 });
  });
});
