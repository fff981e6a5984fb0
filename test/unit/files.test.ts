// store/files.ts: the one atomic writer (store and export), and a store that is a symlink.
import { spawnSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/core/errors.js";
import { emptyStore } from "../../src/core/types.js";
import { serialize, StoreFile } from "../../src/store/adapter.js";
import { MAX_STORE_FILE_BYTES, readTextFile, writeFileAtomic } from "../../src/store/files.js";
import { Store } from "../../src/store/store.js";
import { readUsageFile } from "../../src/store/usage-file.js";
import { thrown } from "../helpers/thrown.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "apicred-files-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomic", () => {
  it.each([0o600, 0o644])("creates the file with mode %o (less the umask) and leaves no temp file", (mode) => {
    const file = join(dir, "f.json");
    writeFileAtomic(file, "one\n", mode);
    writeFileAtomic(file, "two\n", mode);
    expect(readTextFile(file)).toBe("two\n");
    expect(statSync(file).mode & 0o777).toBe(mode & ~process.umask());
    expect(readdirSync(dir)).toEqual(["f.json"]);
  });

  it("rethrows a failure (a missing folder) and leaves nothing behind", () => {
    expect(() => writeFileAtomic(join(dir, "nope", "f.json"), "x", 0o600)).toThrow(expect.objectContaining({ code: "ENOENT" }));
    expect(readdirSync(dir)).toEqual([]);
  });

  it("follows a symlink: the file it points to is replaced, the link stays a link", () => {
    mkdirSync(join(dir, "real"));
    const real = join(dir, "real", "target.json");
    writeFileSync(real, "old\n");
    const link = join(dir, "link.json");
    symlinkSync(real, link);
    writeFileAtomic(link, "new\n", 0o600);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(readFileSync(real, "utf8")).toBe("new\n");
    // The temp file was made beside the target (same filesystem for the rename), and is gone.
    expect(readdirSync(join(dir, "real"))).toEqual(["target.json"]);
    expect(readdirSync(dir).sort()).toEqual(["link.json", "real"]);
  });
});

describe("readTextFile: the store's own files, bounded", () => {
  it("reads a regular file up to the limit, refuses one past it without reading it", () => {
    const file = join(dir, "f.json");
    writeFileSync(file, "{}");
    expect(readTextFile(file)).toBe("{}");
    truncateSync(file, MAX_STORE_FILE_BYTES + 1); // sparse: no disk, and never read
    expect(() => readTextFile(file)).toThrow("it is larger than 256 MiB");
  });

  it("refuses a FIFO at once (it would block the read forever) and a folder", () => {
    const fifo = join(dir, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    const started = Date.now();
    expect(() => readTextFile(fifo)).toThrow("it is not a regular file");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(() => readTextFile(dir)).toThrow("it is not a regular file");
  });

  it("through the usage file: exit 5 naming it", () => {
    const usage = join(dir, "store.usage.json");
    expect(spawnSync("mkfifo", [usage]).status).toBe(0);
    const err = thrown(() => readUsageFile(usage), StoreError);
    expect(err.exitCode).toBe(5);
    expect(err.message).toBe(`cannot read the usage file ${usage}: it is not a regular file`);
  });
});

describe("a store that is a symlink", () => {
  it("StoreFile.write replaces the linked file and keeps the link", () => {
    const real = join(dir, "store-real.json");
    writeFileSync(real, serialize(emptyStore()), { mode: 0o600 });
    const link = join(dir, "store.json");
    symlinkSync(real, link);
    const doc = emptyStore();
    doc.admins.push({ id: "a1", username: "alice", disabled: false, createdAt: "2026-01-01T00:00:00.000Z" });
    new StoreFile(link).write(doc);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toBe(serialize(doc));
    expect(statSync(real).mode & 0o777).toBe(0o600);
  });

  it("stays a link through Store.update, and every write lands in the real file", () => {
    const real = join(dir, "store-real.json");
    const link = join(dir, "store.json");
    symlinkSync(real, link);
    const store = new Store(link);
    for (const username of ["alice", "bob"]) {
      store.update({ command: "test" }, (doc, record, now) => {
        doc.admins.push({ id: username, username, disabled: false, createdAt: now });
        record(`admin:${username}`, { added: true });
      });
    }
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, "utf8")).admins.map((a: { username: string }) => a.username)).toEqual(["alice", "bob"]);
  });

  it("a write that fails is a StoreError naming the store", () => {
    const file = new StoreFile(join(dir, "missing", "store.json"));
    expect(() => file.write(emptyStore())).toThrow(StoreError);
    expect(() => file.write(emptyStore())).toThrow(/cannot write store .*missing\/store\.json/);
  });
});
