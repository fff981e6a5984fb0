// The single-credential fast read behind `check`, and its fall-backs to the full read.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/core/errors.js";
import { type Credential, emptyStore, type StoreDoc } from "../../src/core/types.js";
import { serialize } from "../../src/store/adapter.js";
import { readAround, readOneCredential, readWithoutCredentials } from "../../src/store/read-one.js";
import { Store } from "../../src/store/store.js";

let dir: string;
let path: string;

function cred(i: number, over: Partial<Credential> = {}): Credential {
  return {
    identifier: `${"A".repeat(28)}${String(i).padStart(4, "0")}`,
    name: i % 2 === 0 ? `cred-${i}` : null,
    adminId: "adm",
    description: `says "name":"cred-999" and {"identifier":"x"} in text`,
    roleIds: [],
    ips: [],
    expiresAt: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    secretHash: "h",
    previousSecret: null,
    rotatedAt: null,
    ...over,
  };
}

function doc(n: number): StoreDoc {
  const d = emptyStore();
  d.admins.push({ id: "adm", username: "alice", disabled: false, createdAt: "t" });
  d.credentials = Array.from({ length: n }, (_, i) => cred(i));
  d.ipAllowlist.push({ address: "10.0.0.0/8", note: "", addedAt: "t" });
  return d;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "apicred-read-one-"));
  path = join(dir, "store.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("readOneCredential", () => {
  it.each([
    ["an identifier", cred(7).identifier, 7],
    ["a name", "cred-8", 8],
    ["the first", cred(0).identifier, 0],
    ["the last", cred(99).identifier, 99],
  ])("finds %s and keeps the rest of the store", (_what, ref, i) => {
    const full = doc(100);
    writeFileSync(path, serialize(full));
    const one = readOneCredential(path, ref)!;
    expect(one.credentials).toEqual([full.credentials[i]]);
    expect({ ...one, credentials: [] }).toEqual({ ...full, credentials: [] });
  });

  it.each([
    ["a name in another case", "CRED-8"],
    ["an unknown name", "cred-999"],
    ["an unknown identifier", "B".repeat(32)],
    ["a reference with other characters", 'x"y'],
  ])("leaves %s to the full read", (_what, ref) => {
    writeFileSync(path, serialize(doc(10)));
    expect(readOneCredential(path, ref)).toBeUndefined();
  });

  it("leaves a hand-formatted or empty-list store to the full read", () => {
    writeFileSync(path, JSON.stringify(doc(3), null, 2));
    expect(readOneCredential(path, "cred-2")).toBeUndefined();
    writeFileSync(path, serialize(doc(0)));
    expect(readOneCredential(path, "cred-0")).toBeUndefined();
  });

  it("validates what it read", () => {
    const d = doc(3);
    (d.credentials[2] as any).roleIds = "oops";
    writeFileSync(path, serialize(d));
    expect(() => readOneCredential(path, "cred-2")).toThrow(StoreError);
    const newer = { ...doc(3), version: 2 };
    writeFileSync(path, serialize(newer as unknown as StoreDoc));
    expect(() => readOneCredential(path, "cred-2")).toThrow(/newer apicred/);
  });

  it("through the Store: falls back to the full read, which reports damage", () => {
    writeFileSync(path, serialize(doc(4)), { mode: 0o600 });
    const store = new Store(path);
    expect(store.readForCredential("CRED-2").credentials).toHaveLength(4);
    const text = readFileSync(path, "utf8");
    writeFileSync(path, text.slice(0, text.length - 20));
    expect(() => store.readForCredential("cred-2")).toThrow(/not valid JSON/);
  });
});

describe("readWithoutCredentials", () => {
  it("reads everything but the credentials", () => {
    const full = doc(50);
    writeFileSync(path, serialize(full));
    expect(readWithoutCredentials(path)).toEqual({ ...full, credentials: [] });
  });

  it("leaves other layouts and damaged files to the full read, and validates what it read", () => {
    writeFileSync(path, JSON.stringify(doc(3)));
    expect(readWithoutCredentials(path)).toBeUndefined();
    // A 2-space pretty-printed file has the same list boundaries: that works too.
    writeFileSync(path, JSON.stringify(doc(3), null, 2));
    expect(readWithoutCredentials(path)).toEqual({ ...doc(3), credentials: [] });
    const text = serialize(doc(3));
    writeFileSync(path, text.slice(0, -5));
    expect(readWithoutCredentials(path)).toBeUndefined();
    const bad = doc(3);
    (bad.admins[0] as any).disabled = "no";
    writeFileSync(path, serialize(bad));
    expect(() => readWithoutCredentials(path)).toThrow(StoreError);
  });
});

describe("readAround: the scan through a small buffer", () => {
  /** What the scan must find, computed from the whole text. */
  function expected(text: string, line: number) {
    const open = text.indexOf('\n  "credentials": [\n') + '\n  "credentials": ['.length;
    const close = text.indexOf('\n  ],\n  "ipAllowlist": ') + 1;
    return { head: text.slice(0, open), tail: text.slice(close), line: text.slice(open + 1, close - 1).split("\n")[line] };
  }

  // Every buffer size from 1 byte up puts each boundary (of a line, of the list's closing line, of a
  // line longer than the buffer) at every place once.
  it("finds the same head, tail and line at every buffer size", () => {
    const full = doc(6);
    full.credentials[3]!.description = "x".repeat(700); // longer than most buffers below: the buffer grows
    for (const allowlist of [[], [{ address: "10.0.0.0/8", note: "n", addedAt: "t" }]]) {
      full.ipAllowlist = allowlist;
      const text = serialize(full);
      writeFileSync(path, text);
      for (let chunk = 1; chunk <= text.length + 1; chunk += chunk < 300 ? 1 : 97) {
        for (const i of [0, 3, 5]) {
          const want = expected(text, i);
          expect(readAround(path, `{"identifier":"${full.credentials[i]!.identifier}"`, chunk), `chunk ${chunk}, credential ${i}`).toEqual(want);
        }
        expect(readAround(path, undefined, chunk)).toEqual({ ...expected(text, 0), line: undefined });
      }
    }
  });

  it("reads a store of 3,000 credentials in 64 KB pieces as the whole text reads", () => {
    const full = doc(3000);
    writeFileSync(path, serialize(full));
    for (const i of [0, 1234, 2999]) expect(readOneCredential(path, full.credentials[i]!.identifier)!.credentials).toEqual([full.credentials[i]]);
    expect(readWithoutCredentials(path)).toEqual({ ...full, credentials: [] });
  });

  it("leaves a list that ends anywhere but before ipAllowlist to the full read", () => {
    const text = serialize(doc(3));
    writeFileSync(path, text.replace('  ],\n  "ipAllowlist"', '  ]\n,  "ipAllowlist"'));
    expect(readAround(path)).toBeUndefined();
    writeFileSync(path, text.replace('"ipAllowlist"', '"allowlist"'));
    expect(readAround(path)).toBeUndefined();
  });
});

