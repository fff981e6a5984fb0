// store/files.ts: the one atomic writer (store and export), and a store that is a symlink.
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/core/errors.js";
import { emptyStore } from "../../src/core/types.js";
import { serialize, StoreFile } from "../../src/store/adapter.js";
import { readTextFile, writeFileAtomic } from "../../src/store/files.js";
import { Store } from "../../src/store/store.js";

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
