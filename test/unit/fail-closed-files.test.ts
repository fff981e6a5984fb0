// Unit: the pieces behind the store's fail-closed file handling: which audit events belong to a change
// that never landed, what counts as a lock, the bounded mkdir, the full-write loop, blank store paths.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import { type Line, readAudit, unlandedChanges } from "../../src/store/audit.js";
import { makeFolder, writeAll } from "../../src/store/files.js";
import { parseLock } from "../../src/store/lock.js";
import { resolveStorePath, usagePathFor } from "../../src/store/paths.js";
import { processStartTime } from "../../src/store/process.js";
import { Store } from "../../src/store/store.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "apicred-fc-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ev = { time: "t", user: "u", command: "c", object: "o", change: {} };
/** One event line of change `id` made on store state `parent`. */
const line = (id: string, parent: string | null): Line => ({ event: ev, changeId: id, parentId: parent });

describe("unlandedChanges", () => {
  it("a chain of landed changes: none left out", () => {
    const log = [line("a", null), line("a", null), line("b", "a"), line("c", "b")];
    expect(unlandedChanges(log, "c")).toEqual(new Set());
  });

  it("the last change while the store still holds its parent never landed (crash or failed write)", () => {
    expect(unlandedChanges([line("a", null), line("b", "a")], "a")).toEqual(new Set(["b"]));
    // The very first change of a store that was never written.
    expect(unlandedChanges([line("a", null)], null)).toEqual(new Set(["a"]));
  });

  it("a change followed by one made on the same parent never landed; several in a row too", () => {
    const log = [line("a", null), line("x", "a"), line("y", "a"), line("b", "a"), line("c", "b")];
    expect(unlandedChanges(log, "c")).toEqual(new Set(["x", "y"]));
  });

  it("a store replaced by hand since (another state): its changes cannot be told apart and are kept", () => {
    expect(unlandedChanges([line("a", null), line("b", "a")], "zzz")).toEqual(new Set());
    // Deleted and created again: the old history stays.
    expect(unlandedChanges([line("a", null), line("b", "a"), line("n", null)], "n")).toEqual(new Set());
  });

  it("events of an older apicred (no id) are neither grouped nor judged", () => {
    const old: Line = { event: ev };
    expect(unlandedChanges([line("a", null), old, line("b", "a")], "b")).toEqual(new Set());
  });

  it("readAudit leaves the never-landed events out and counts them; a malformed id is a skipped line", () => {
    const log = join(dir, "s.audit.jsonl");
    const e = (object: string, changeId: unknown, parentId: unknown) => JSON.stringify({ ...ev, object, changeId, parentId });
    writeFileSync(log, [e("one", "a", null), e("ghost", "x", "a"), e("two", "b", "a"), e("bad", 5, null)].join("\n") + "\n", { mode: 0o600 });
    const read = readAudit(log, "b");
    expect(read.events.map((x) => x.object)).toEqual(["one", "two"]);
    expect(read.events[0]).toEqual({ ...ev, object: "one" }); // the ids are bookkeeping, not output
    expect(read.unlanded).toBe(1);
    expect(read.skipped).toEqual([4]);
  });
});

describe("Store and the audit log", () => {
  it("ties each change to the store: the store records the id of its last change, the events carry it", () => {
    const path = join(dir, "s.json");
    const store = new Store(path);
    for (const name of ["a", "b"]) {
      store.update({ command: "t" }, (doc, record, now) => {
        doc.admins.push({ id: name, username: name, disabled: false, createdAt: now });
        record(`admin:${name}`, {});
      });
    }
    const head = JSON.parse(readFileSync(path, "utf8")).lastChange;
    const events = readFileSync(store.auditPath, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((x) => x.parentId)).toEqual([null, null, events[0].changeId]);
    expect(events[2].changeId).toBe(head);
    // The document itself never shows the key.
    expect(Object.keys(new Store(path).read())).not.toContain("lastChange");
  });

  it("a change with a torn last line in the log still gets all its events", () => {
    const path = join(dir, "s.json");
    const store = new Store(path);
    store.update({ command: "t" }, (_doc, record) => record("first", {}));
    writeFileSync(store.auditPath, `${readFileSync(store.auditPath, "utf8")}{"time":"x","us`);
    store.update({ command: "t" }, (_doc, record) => record("second", {}));
    const read = new Store(path).readAudit();
    expect(read.events.map((x) => x.object)).toEqual([`store:${path}`, "first", "second"]);
    expect(read.skipped).toHaveLength(1);
  });
});

describe("parseLock", () => {
  it.each([
    ["this apicred's lock", "12\nhost\n1700000000000\n4242\n0123456789abcdef\n", { pid: 12, host: "host", start: "4242" }],
    ["no start time known", "12\nhost\n1700000000000\n-\n0123456789abcdef\n", { pid: 12, host: "host" }],
    ["an older apicred's lock", "12\nhost\n0\n", { pid: 12, host: "host" }],
  ])("reads %s", (_what, content, holder) => {
    expect(parseLock(content)).toEqual(holder);
  });

  it.each([
    ["empty", ""],
    ["a pid only", "12\n"],
    ["pid 0", "0\nhost\n1\n"],
    ["a negative pid", "-1\nhost\n1\n"],
    ["no host", "12\n\n1\n"],
    ["a bad start time", "12\nhost\n1\nsoon\n0123456789abcdef\n"],
    ["no token", "12\nhost\n1\n4242\n\n"],
    ["trailing garbage", "12\nhost\n1\n4242\n0123456789abcdef\nmore\n"],
    ["binary", "\u0000\u0000\u0000"],
  ])("refuses %s", (_what, content) => {
    expect(parseLock(content)).toBeUndefined();
  });

  it("knows this process's start time on Linux", () => {
    expect(processStartTime(process.pid)).toMatch(/^\d+$/);
    expect(processStartTime(2 ** 30)).toBeUndefined();
  });
});

describe("files", () => {
  it("writeAll reports a write that cannot complete (a full device)", () => {
    const fd = openSync("/dev/full", "w");
    try {
      expect(() => writeAll(fd, Buffer.from("x".repeat(100)))).toThrow(expect.objectContaining({ code: "ENOSPC" }));
    } finally {
      closeSync(fd);
    }
  });

  it("makeFolder creates what is missing, 0700, and fails at once where mkdir cannot succeed", () => {
    makeFolder(join(dir, "a", "b", "c"), 0o700);
    makeFolder(join(dir, "a", "b", "c"), 0o700); // already there
    expect(() => makeFolder("/proc/self/x/y", 0o700)).toThrow(expect.objectContaining({ code: "ENOENT" }));
    writeFileSync(join(dir, "file"), "");
    expect(() => makeFolder(join(dir, "file", "sub"), 0o700)).toThrow(expect.objectContaining({ code: "ENOTDIR" }));
  });
});

describe("store paths", () => {
  it.each([
    ["--store ''", "", {}],
    ["--store ' '", " ", {}],
    ["APICRED_STORE=''", undefined, { APICRED_STORE: "" }],
    ["APICRED_STORE='\\t'", undefined, { APICRED_STORE: "\t" }],
  ])("%s is a usage error", (_what, flag, env) => {
    expect(() => resolveStorePath(flag, env)).toThrow(UsageError);
  });

  it("names the usage file beside the store like the audit log", () => {
    expect(usagePathFor("/a/b/store.json")).toBe("/a/b/store.usage.json");
  });
});
