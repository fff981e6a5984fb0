import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { diagnose } from "../../src/core/doctor.js";
import { StoreError } from "../../src/core/errors.js";
import { warningText } from "../../src/core/store-warnings.js";
import { emptyStore } from "../../src/core/types.js";
import { serialize } from "../../src/store/adapter.js";
import { acquireLock } from "../../src/store/lock.js";
import { auditPathFor, resolveStorePath } from "../../src/store/paths.js";
import { Store } from "../../src/store/store.js";
import { thrown } from "../helpers/thrown.js";

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "apicred-store-"));
  path = join(dir, "sub", "store.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function addAdmin(store: Store, username: string) {
  return store.update({ command: "test" }, (doc, record, now) => {
    doc.admins.push({ id: username, username, disabled: false, createdAt: now });
    record(`admin:${username}`, { added: true });
  });
}

const storeError = (fn: () => unknown): StoreError => thrown(fn, StoreError);

describe("paths", () => {
  it.each([
    [{ flag: "/x/s.json", env: { APICRED_STORE: "/y.json" } }, "/x/s.json"],
    [{ flag: undefined, env: { APICRED_STORE: "/y.json" } }, "/y.json"],
    [{ flag: undefined, env: { XDG_CONFIG_HOME: "/cfg" } }, "/cfg/apicred/store.json"],
  ])("resolves %j", ({ flag, env }, expected) => {
    expect(resolveStorePath(flag, env)).toBe(expected);
  });
  it("defaults to ~/.config/apicred/store.json", () => {
    expect(resolveStorePath(undefined, {})).toMatch(/\.config\/apicred\/store\.json$/);
  });
  it("puts the audit log beside the store", () => {
    expect(auditPathFor("/a/b/store.json")).toBe("/a/b/store.audit.jsonl");
  });
});

describe("Store", () => {
  it("creates the folder 0700 and the file 0600 on the first write, and records the change", () => {
    const store = new Store(path);
    expect(store.exists()).toBe(false);
    addAdmin(store, "alice");
    expect(statSync(join(dir, "sub")).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(store.read().admins.map((a) => a.username)).toEqual(["alice"]);
    const audit = readFileSync(store.auditPath, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(audit.map((e) => e.object)).toEqual([`store:${path}`, "admin:alice"]);
    expect(audit[1]).toMatchObject({ command: "test", change: { added: true } });
    expect(typeof audit[1].user).toBe("string");
    expect(statSync(store.auditPath).mode & 0o777).toBe(0o600);
  });

  it("keeps 0600 across rewrites and leaves no temp or lock files", () => {
    const store = new Store(path);
    for (const name of ["a", "b", "c"]) addAdmin(store, name);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, "sub")).sort()).toEqual(["store.audit.jsonl", "store.json"]);
  });

  it("a missing store is exit 5 for reads and is not created", () => {
    const store = new Store(path);
    const err = storeError(() => store.read());
    expect(err.exitCode).toBe(5);
    expect(err.message).toContain(path);
    expect(existsSync(path)).toBe(false);
    expect(store.readOrEmpty()).toEqual(emptyStore());
  });

  it("writes nothing when the change throws", () => {
    const store = new Store(path);
    addAdmin(store, "alice");
    const before = readFileSync(path, "utf8");
    expect(() =>
      store.update({ command: "t" }, (doc) => {
        doc.admins = [];
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(readFileSync(path, "utf8")).toBe(before);
    expect(readdirSync(join(dir, "sub")).sort()).toEqual(["store.audit.jsonl", "store.json"]);
  });

  it("does not rewrite an existing store when nothing changed", () => {
    const store = new Store(path);
    addAdmin(store, "alice");
    const inode = statSync(path).ino;
    store.update({ command: "t" }, () => undefined);
    expect(statSync(path).ino).toBe(inode);
  });

  const broken: [string, string, string][] = [
    ["not JSON", "{ nope", "store_corrupt"],
    ["empty file", "", "store_corrupt"],
    ["an array", "[]", "store_invalid"],
    ["newer version", JSON.stringify({ ...emptyStore(), version: 2 }), "store_newer"],
    ["version missing", JSON.stringify({ ...emptyStore(), version: undefined }), "store_invalid"],
    ["admins not an array", JSON.stringify({ ...emptyStore(), admins: {} }), "store_invalid"],
    [
      "a wrong field type",
      JSON.stringify({ ...emptyStore(), admins: [{ id: "1", username: "a", disabled: "no", createdAt: "x" }] }),
      "store_invalid",
    ],
    ["accessKey not an object", JSON.stringify({ ...emptyStore(), accessKey: 5 }), "store_invalid"],
  ];
  it.each(broken)("refuses a store with %s (exit 5) and never modifies it", (_name, content, code) => {
    const store = new Store(path);
    addAdmin(store, "seed");
    writeFileSync(path, content);
    const err = storeError(() => store.read());
    expect(err.code).toBe(code);
    expect(err.exitCode).toBe(5);
    expect(err.message).toContain(path);
    storeError(() => addAdmin(store, "bob"));
    expect(readFileSync(path, "utf8")).toBe(content);
  });

  it("names the offending field of a hand-edited store", () => {
    const store = new Store(path);
    addAdmin(store, "seed");
    const doc = JSON.parse(readFileSync(path, "utf8"));
    doc.admins[0].disabled = "yes";
    writeFileSync(path, JSON.stringify(doc));
    expect(storeError(() => store.read()).message).toContain("admins[0].disabled");
  });

  it("refuses a group/world-writable store with the chmod fix, warns when it is readable", () => {
    const store = new Store(path);
    addAdmin(store, "seed");
    chmodSync(path, 0o620);
    const err = storeError(() => store.read());
    expect(err.code).toBe("store_unsafe");
    expect(err.message).toContain(`chmod 600 ${path}`);
    chmodSync(path, 0o644);
    const reader = new Store(path);
    reader.read();
    // Data, not a sentence to parse: doctor reports it under its code with its fix.
    expect(reader.warnings).toEqual([
      { code: "store_readable", object: "store", message: `store ${path} is readable by group or others`, fix: `chmod 600 ${path}` },
    ]);
  });

  it("serializes one item per line and parses back to the same document", () => {
    const doc = emptyStore();
    doc.admins.push({ id: "1", username: "a", disabled: false, createdAt: "t" });
    doc.admins.push({ id: "2", username: "b", disabled: true, createdAt: "t" });
    const text = serialize(doc);
    expect(JSON.parse(text)).toEqual(doc);
    expect(text.split("\n").filter((l) => l.includes('"username"'))).toHaveLength(2);
  });
});

describe("lock", () => {
  it("is exclusive and released", () => {
    const storePath = join(dir, "s.json");
    const held = acquireLock(storePath);
    expect(existsSync(`${storePath}.lock`)).toBe(true);
    expect(() => acquireLock(storePath, 100)).toThrow(/timed out/);
    held.release();
    expect(existsSync(`${storePath}.lock`)).toBe(false);
    acquireLock(storePath, 100).release();
  });

  it("times out with exit 5 while a live process holds it", async () => {
    const storePath = join(dir, "s.json");
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"]);
    try {
      writeFileSync(`${storePath}.lock`, `${child.pid}\n${(await import("node:os")).hostname()}\n0\n`);
      const err = storeError(() => acquireLock(storePath, 200));
      expect(err.code).toBe("lock_timeout");
      expect(err.message).toContain(String(child.pid));
    } finally {
      child.kill();
    }
  });

  it("takes over the lock of a process that died", async () => {
    const storePath = join(dir, "s.json");
    const child = spawn(process.execPath, ["-e", "0"]);
    await new Promise((r) => child.on("exit", r));
    writeFileSync(`${storePath}.lock`, `${child.pid}\n${(await import("node:os")).hostname()}\n0\n`);
    const held = acquireLock(storePath, 1000);
    held.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("store validation of times", () => {
  it.each([
    ["expiresAt", { expiresAt: "2026-13-45 nope" }],
    ["previousSecret.until", { previousSecret: { hash: "h", until: "soon" } }],
  ])("refuses an unreadable %s (a typo must not make a credential live forever)", (field, over) => {
    const doc = {
      ...emptyStore(),
      credentials: [{
        identifier: "A".repeat(32), name: null, adminId: "a", description: "", roleIds: [], ips: [],
        expiresAt: null, createdAt: "t", secretHash: "h", previousSecret: null, rotatedAt: null, ...over,
      }],
    };
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(path, JSON.stringify(doc), { mode: 0o600 });
    const err = storeError(() => new Store(path).read());
    expect(err.message).toContain(`credentials[0].${field.split(".")[0]}`);
  });

  it("a store folder that cannot be created is exit 5, not a crash", () => {
    writeFileSync(join(dir, "file"), "");
    const store = new Store(join(dir, "file", "store.json"));
    const err = storeError(() => addAdmin(store, "x"));
    expect(err.code).toBe("store_unwritable");
    expect(err.message).toContain("cannot create the folder");
  });
});

describe("warnings about the store's files are data, reported by doctor as they are", () => {
  it("each carries its code, object and fix; doctor parses no sentence (a path holding '; fix it with: ' stays whole)", () => {
    const odd = join(dir, "a; fix it with: rm -rf ~");
    mkdirSync(odd, { mode: 0o777 });
    chmodSync(odd, 0o777); // writable by others, whatever the umask
    const path = join(odd, "store.json");
    const writer = new Store(path);
    addAdmin(writer, "seed");
    chmodSync(path, 0o644);
    chmodSync(auditPathFor(path), 0o644);
    const store = new Store(path);
    store.read();
    store.readAudit();
    const findings = diagnose(store.read(), {
      storePath: path,
      auditPath: auditPathFor(path),
      storeWarnings: store.warnings,
      auditLogExists: true,
      now: Date.now(),
    }).filter((f) => f.object === "store" || f.object === "audit-log");
    expect(findings.map(({ code, object, message, fix }) => ({ code, object, message, fix }))).toEqual([
      { code: "audit_log_readable", object: "audit-log", message: `the audit log ${auditPathFor(path)} is readable by group or others`, fix: `chmod 600 ${auditPathFor(path)}` },
      { code: "store_folder_writable", object: "store", message: `the folder ${odd} of store ${path} is writable by group or others, so anyone could replace the store`, fix: `chmod go-w ${odd}` },
      { code: "store_readable", object: "store", message: `store ${path} is readable by group or others`, fix: `chmod 600 ${path}` },
    ]);
    // What every other command prints: the same sentence as ever.
    expect(store.warnings.map(warningText)).toContain(`store ${path} is readable by group or others; fix it with: chmod 600 ${path}`);
  });
});
