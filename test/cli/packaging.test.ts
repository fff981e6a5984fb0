// Packaging: the V8 code cache lives in the user's cache folder, never in the package or its tarball;
// the published build runs in `prepack`, and `npm install` in a checkout still builds dist/.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

const DIST = join(ROOT, "dist");
const cachesIn = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".v8cache")) : []);

describe("the V8 code cache", () => {
  it("is written to $XDG_CACHE_HOME/apicred, read from there, and never beside the bundle", () => {
    const xdg = join(sb.dir, "xdg-cache");
    const home = join(sb.dir, "home");
    const env = { XDG_CACHE_HOME: xdg, HOME: home };
    expect(sb.runSpawned(["help", "environment"], { env }).code).toBe(0);
    expect(sb.runSpawned(["check", "x", "GetClients"], { env }).code).toBe(5); // no store: still a run of check
    const caches = cachesIn(join(xdg, "apicred"));
    // check runs from its own bundle, with its own cache.
    expect(caches.sort()).toEqual([expect.stringMatching(/^apicred\.cjs\.[0-9a-f]{16}\.v8cache$/), expect.stringMatching(/^check\.cjs\.[0-9a-f]{16}\.v8cache$/)]);
    expect(statSync(join(xdg, "apicred")).mode & 0o777).toBe(0o700);
    expect(existsSync(join(home, ".cache"))).toBe(false);
    expect(cachesIn(DIST)).toEqual([]);
    // The next run reads the cache and accepts it: it is not written again.
    const file = join(xdg, "apicred", caches.find((c) => c.startsWith("apicred."))!);
    const before = statSync(file).mtimeMs;
    expect(sb.runSpawned(["help", "exit-codes"], { env }).code).toBe(0);
    expect(statSync(file).mtimeMs).toBe(before);
  });

  it("without $XDG_CACHE_HOME (or with a relative one) it is kept in ~/.cache/apicred", () => {
    const home = join(sb.dir, "home");
    mkdirSync(home);
    for (const xdg of [undefined, "relative/cache"]) {
      rmSync(join(home, ".cache"), { recursive: true, force: true });
      expect(sb.runSpawned(["help"], { env: { HOME: home, XDG_CACHE_HOME: xdg } }).code).toBe(0);
      expect(cachesIn(join(home, ".cache", "apicred")), String(xdg)).toHaveLength(1);
    }
    expect(existsSync(join(sb.dir, "relative"))).toBe(false);
  });

  it("when no cache folder can be written, apicred runs without one, silently", () => {
    const blocker = join(sb.dir, "a-file");
    writeFileSync(blocker, "");
    // A folder under a regular file cannot be created, not even by root.
    const env = { XDG_CACHE_HOME: join(blocker, "cache"), HOME: join(blocker, "home") };
    sb.runSpawned(["admin", "add", "alice"]);
    const r = sb.runSpawned(["admin", "list", "--json"], { env });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.json()).toEqual([expect.objectContaining({ username: "alice" })]);
    expect(sb.runSpawned(["check", "alice-cred", "GetClients"], { env })).toMatchObject({ code: 1, stderr: "" }); // unknown_credential
    expect(cachesIn(DIST)).toEqual([]);
  });

  it("replaces the cache of an earlier build of the same bundle, and only of that bundle", () => {
    const xdg = join(sb.dir, "xdg");
    const dir = join(xdg, "apicred");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "apicred.cjs.0000000000000000.v8cache"), "stale");
    writeFileSync(join(dir, "check.cjs.0000000000000000.v8cache"), "stale");
    sb.runSpawned(["help"], { env: { XDG_CACHE_HOME: xdg } });
    const left = cachesIn(dir);
    expect(left).not.toContain("apicred.cjs.0000000000000000.v8cache");
    expect(left).toContain("check.cjs.0000000000000000.v8cache"); // check's own is replaced by check
    expect(left.filter((f) => f.startsWith("apicred."))).toHaveLength(1);
    sb.runSpawned(["check", "x", "GetClients"], { env: { XDG_CACHE_HOME: xdg } });
    expect(cachesIn(dir).filter((f) => f.startsWith("check."))).toEqual([expect.not.stringContaining("0000000000000000")]);
  });

  it("writes no cache of the check bundle for a command that only mentions check", () => {
    const xdg = join(sb.dir, "xdg-mention");
    expect(sb.runSpawned(["--store", "check", "help"], { env: { XDG_CACHE_HOME: xdg } }).code).toBe(0);
    expect(cachesIn(join(xdg, "apicred"))).toEqual([expect.stringMatching(/^apicred\.cjs\./)]);
  });

  it("removes the temp files of runs killed while writing their cache, once they are an hour old", () => {
    const xdg = join(sb.dir, "xdg-tmp");
    const dir = join(xdg, "apicred");
    mkdirSync(dir, { recursive: true });
    const killed = join(dir, "apicred.cjs.0000000000000000.v8cache.4242.tmp");
    const writing = join(dir, "apicred.cjs.0000000000000000.v8cache.4343.tmp");
    writeFileSync(killed, "half");
    writeFileSync(writing, "half");
    const hourAgo = new Date(Date.now() - 3_700_000);
    utimesSync(killed, hourAgo, hourAgo);
    sb.runSpawned(["help"], { env: { XDG_CACHE_HOME: xdg } });
    expect(existsSync(killed)).toBe(false);
    expect(existsSync(writing)).toBe(true);
  });
});

describe("the package", () => {
  it("npm pack ships the bundles, completions and schema, and no code cache even when dist/ has one", () => {
    const planted = join(DIST, ".apicred.cjs.0123456789abcdef.v8cache");
    writeFileSync(planted, "a stale cache an older version left in dist/");
    try {
      const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
      expect(files.filter((f) => f.includes("v8cache"))).toEqual([]);
      expect(files).toEqual(
        expect.arrayContaining(["bin/apicred.js", "dist/apicred.cjs", "dist/check.cjs", "dist/complete.cjs", "dist/prompts.cjs", "dist/table.cjs", "schema/apply.schema.json", "completions/apicred.bash"]),
      );
      expect(files.filter((f) => f.startsWith("src/") || f.startsWith("test/"))).toEqual([]);
    } finally {
      rmSync(planted, { force: true });
    }
  });

  it("builds for publishing in prepack; prepare builds a checkout on npm install, and nothing else", () => {
    const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
    expect(scripts.prepack).toBe("node build.mjs && tsc -p tsconfig.types.json"); // the bundles and the library's types
    expect(scripts.prepare).toBe("node prepare.mjs");

    // A checkout without dist/: `npm install` runs prepare, which builds it.
    const clone = join(sb.dir, "clone");
    mkdirSync(clone);
    for (const f of ["build.mjs", "prepare.mjs", "package.json", "src", "bin", "completions", "schema"]) cpSync(join(ROOT, f), join(clone, f), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(clone, "node_modules"));
    const prepare = (npmCommand: string, cwd = clone) =>
      spawnSync(process.execPath, ["prepare.mjs"], { cwd, env: { PATH: process.env.PATH, npm_command: npmCommand }, encoding: "utf8" });
    expect(prepare("pack").status).toBe(0);
    expect(existsSync(join(clone, "dist"))).toBe(false); // pack and publish: prepack builds
    expect(prepare("install").status).toBe(0);
    expect(readdirSync(join(clone, "dist")).sort()).toEqual(["apicred.cjs", "check.cjs", "complete.cjs", "engine.cjs", "engine.mjs", "pg.cjs", "prompts.cjs", "serve.cjs", "table.cjs"]);
    const init = spawnSync(process.execPath, [join(clone, "bin", "apicred.js"), "--store", join(sb.dir, "try.json"), "init"], { env: sb.env(), encoding: "utf8" });
    expect(init.status, init.stderr).toBe(0);

    // An installed package (no src/): prepare does nothing, and needs no esbuild.
    const installed = join(sb.dir, "installed");
    mkdirSync(installed);
    cpSync(join(clone, "prepare.mjs"), join(installed, "prepare.mjs"));
    const r = prepare("install", installed);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(installed, "dist"))).toBe(false);
  });
});
