// A store file is read as written or not at all: a key written twice (JSON.parse would keep the last
// one), a key the store does not define (a typo such as "Disabled" would be ignored), or a time that
// Date.parse reads as something else is exit 5 naming the place, on the full read and on both fast
// reads (which leave it to the full read, so the message names the line).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StoreError } from "../../src/core/errors.js";
import { type Credential, emptyStore, type StoreDoc } from "../../src/core/types.js";
import { serialize } from "../../src/store/adapter.js";
import { readOneCredential, readWithoutCredentials } from "../../src/store/read-one.js";
import { Store } from "../../src/store/store.js";
import { thrown } from "../helpers/thrown.js";

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "apicred-store-keys-"));
  path = join(dir, "store.json");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ID = "A".repeat(32);

function doc(): StoreDoc {
  const d = emptyStore();
  d.admins.push({ id: "adm", username: "alice", disabled: false, createdAt: "2026-01-01T00:00:00.000Z" });
  d.roles.push({ id: "r1", name: "billing", description: "", grants: ["GetInvoices"], createdAt: "2026-01-01T00:00:00.000Z" });
  const cred: Credential = {
    identifier: ID, name: "ci", adminId: "adm", description: "", roleIds: ["r1"], ips: ["10.0.0.0/8"],
    expiresAt: "2027-01-01T00:00:00.000Z", createdAt: "2026-01-01T00:00:00.000Z", secretHash: "h",
    previousSecret: { hash: "p", until: "2026-02-01T00:00:00.000Z" }, rotatedAt: null,
  };
  d.credentials.push(cred, { ...cred, identifier: "B".repeat(32), name: "other", previousSecret: null });
  d.ipAllowlist.push({ address: "203.0.113.0/24", note: "", addedAt: "2026-01-01T00:00:00.000Z" });
  d.accessKey = { hash: "k", fingerprint: "f", setAt: "2026-01-01T00:00:00.000Z" };
  d.policy = { maxLifetime: "365d" };
  return d;
}

/** The store as apicred writes it, with `from` replaced by `to` (once; the text must hold it). */
function edited(from: string, to: string): string {
  const text = serialize(doc(), "0123456789abcdef");
  expect(text).toContain(from);
  return text.replace(from, to);
}

describe("a store file", () => {
  it("as apicred writes it reads back whole, on the full read and both fast reads", () => {
    writeFileSync(path, serialize(doc(), "0123456789abcdef"));
    expect(new Store(path).read()).toEqual(doc());
    expect(readOneCredential(path, ID)).toEqual({ ...doc(), credentials: [doc().credentials[0]] });
    expect(readWithoutCredentials(path)).toEqual({ ...doc(), credentials: [] });
  });

  // [what, from, to, what the message names]
  const CASES: [string, string, string, RegExp][] = [
    ["a credential's IP limit written twice", '"ips":["10.0.0.0/8"]', '"ips":["10.0.0.0/8"],"ips":[]', /duplicate key "ips" at line \d+, column \d+ \(in credentials\[0\]\)/],
    ["a role's grants written twice", '"grants":["GetInvoices"]', '"grants":["GetInvoices"],"grants":["*"]', /duplicate key "grants" .*\(in roles\[0\]\)/],
    ["a key in the previous secret written twice", '"until":"2026-02-01T00:00:00.000Z"', '"until":"2026-02-01T00:00:00.000Z","until":"2099-01-01T00:00:00.000Z"', /duplicate key "until" .*\(in credentials\[0\]\.previousSecret\)/],
    ["a top-level list written twice", '"ipAllowlist": [', '"ipAllowlist": [],\n  "ipAllowlist": [', /duplicate key "ipAllowlist" at line \d+, column 3[;,]/],
    ["the access key written twice", '"accessKey": {', '"accessKey": null,\n  "accessKey": {', /duplicate key "accessKey"/],
    ["the last change written twice", '"lastChange": ', '"lastChange": "fedcba9876543210",\n  "lastChange": ', /duplicate key "lastChange"/],
    ["a typo in a credential's key", '"rotatedAt":null', '"rotatedAt":null,"Disabled":true', /credentials\[0\] has an unknown key "Disabled" \(its keys are identifier, .*disabled\)/],
    ["an unknown key in the previous secret", '"until":"2026-02-01T00:00:00.000Z"', '"until":"2026-02-01T00:00:00.000Z","forever":true', /credentials\[0\]\.previousSecret has an unknown key "forever"/],
    ["an unknown key in a role", '"grants":["GetInvoices"]', '"grants":["GetInvoices"],"grant":["*"]', /roles\[0\] has an unknown key "grant"/],
    ["an unknown top-level key", '"accessKey": {', '"accesskey": null,\n  "accessKey": {', /the document has an unknown key "accesskey"/],
    ["an unknown key in the policy", '"maxLifetime":"365d"', '"maxLifetime":"365d","maxlifetime":"9999d"', /policy has an unknown key "maxlifetime"/],
    ["__proto__ as a key", '"rotatedAt":null', '"rotatedAt":null,"__proto__":{"disabled":false}', /credentials\[0\] has an unknown key "__proto__"/],
    ["an unknown key holding a control character", '"rotatedAt":null', '"rotatedAt":null,"x\\u001b[2J":1', /credentials\[0\] has an unknown key "x\u001b\[2J"/],
    ["an expiry of \"1\" (Date.parse: 2001)", '"expiresAt":"2027-01-01T00:00:00.000Z"', '"expiresAt":"1"', /credentials\[0\]\.expiresAt is missing, has the wrong type, or is not a valid date/],
    ["an expiry of February 31st (Date.parse: March 3rd)", '"expiresAt":"2027-01-01T00:00:00.000Z"', '"expiresAt":"2027-02-31T00:00:00Z"', /credentials\[0\]\.expiresAt/],
    ["an expiry in the server's local time", '"expiresAt":"2027-01-01T00:00:00.000Z"', '"expiresAt":"2027-01-01T00:00:00"', /credentials\[0\]\.expiresAt/],
    ["an expiry in another format", '"expiresAt":"2027-01-01T00:00:00.000Z"', '"expiresAt":"01/02/2027"', /credentials\[0\]\.expiresAt/],
    ["an expiry at hour 24", '"expiresAt":"2027-01-01T00:00:00.000Z"', '"expiresAt":"2027-01-01T24:00:00Z"', /credentials\[0\]\.expiresAt/],
    ["a previous secret's end of grace in another format", '"until":"2026-02-01T00:00:00.000Z"', '"until":"Feb 1 2099"', /credentials\[0\]\.previousSecret\.until/],
  ];

  it.each(CASES)("refuses %s (exit 5, naming it), on the full read and the fast reads", (_what, from, to, names) => {
    writeFileSync(path, edited(from, to));
    const err = thrown(() => new Store(path).read(), StoreError);
    expect(err.exitCode).toBe(5);
    expect(err.code).toBe("store_invalid");
    expect(err.message).toMatch(names);
    expect(err.message).toMatch(/fix the file by hand or restore it from a backup$/);
    // The fast reads never return what JSON.parse made of it: they refuse, or leave it to the full
    // read; only the read without credentials may skip a damaged credential's line.
    for (const read of [() => readOneCredential(path, ID), () => readOneCredential(path, "ci"), () => readWithoutCredentials(path)]) {
      let got: StoreDoc | undefined;
      try {
        got = read();
      } catch (e) {
        expect(e).toBeInstanceOf(StoreError);
        continue;
      }
      if (got !== undefined) {
        expect(got.credentials).toEqual([]);
        expect(err.message).toContain("credentials[0]");
      }
    }
  });

  // [what, the edit, what the message names]
  const REPEATS: [string, (d: StoreDoc) => void, RegExp][] = [
    ["two credentials of one name, in any case", (d) => void (d.credentials[1]!.name = "CI"), /credentials\[1\]\.name "CI" repeats credentials\[0\]'s \(in any case\), which makes it ambiguous/],
    ["two credentials of one identifier", (d) => void (d.credentials[1]!.identifier = ID), /credentials\[1\]\.identifier "A{32}" repeats credentials\[0\]'s, which/],
    ["two roles of one name", (d) => void d.roles.push({ ...d.roles[0]!, id: "r2", name: "Billing", grants: ["*"] }), /roles\[1\]\.name "Billing" repeats roles\[0\]'s \(in any case\)/],
    ["two roles of one id", (d) => void d.roles.push({ ...d.roles[0]!, name: "all", grants: ["*"] }), /roles\[1\]\.id "r1" repeats roles\[0\]'s,/],
    ["two admins of one username", (d) => void d.admins.push({ ...d.admins[0]!, id: "adm2", username: "ALICE" }), /admins\[1\]\.username "ALICE" repeats admins\[0\]'s/],
    ["two custom actions of one name", (d) => void d.actions.push({ name: "MyAction", category: "x", createdAt: "t" }, { name: "myaction", category: "y", createdAt: "t" }), /actions\[1\]\.name "myaction" repeats actions\[0\]'s/],
    ["an allowlist entry twice", (d) => void d.ipAllowlist.push({ ...d.ipAllowlist[0]!, note: "again" }), /ipAllowlist\[1\]\.address "203\.0\.113\.0\/24" repeats ipAllowlist\[0\]'s/],
  ];

  it.each(REPEATS)("refuses %s (exit 5): a lookup would be ambiguous", (what, edit, names) => {
    const d = doc();
    edit(d);
    writeFileSync(path, serialize(d));
    const err = thrown(() => new Store(path).read(), StoreError);
    expect(err.code).toBe("store_invalid");
    expect(err.message).toMatch(names);
    // Outside the credentials list, the fast reads see it too.
    if (!what.includes("credentials")) expect(() => readWithoutCredentials(path)).toThrow(names);
  });

  it("two credentials without a name are no repeat", () => {
    const d = doc();
    d.credentials[0]!.name = null;
    d.credentials[1]!.name = null;
    writeFileSync(path, serialize(d));
    expect(new Store(path).read().credentials).toHaveLength(2);
  });

  it("a fast read of one credential still misses damage in lines it skips (the full read reports it)", () => {
    // As read-one.ts says: `check` reads one credential's line; another's damage is for every other command.
    writeFileSync(path, edited('"name":"other","adminId":"adm"', '"name":"other","name":"x","adminId":"adm"'));
    expect(readOneCredential(path, ID)!.credentials).toEqual([doc().credentials[0]]);
    expect(thrown(() => new Store(path).read(), StoreError).message).toMatch(/duplicate key "name" .*\(in credentials\[1\]\)/);
  });

  it.each([
    "2027-01-01",
    "2027-01-01T00:00Z",
    "2027-01-01T00:00:00Z",
    "2027-01-01T00:00:00.123456789Z",
    "2027-01-01T01:00:00+01:00",
    "2028-02-29T23:59:59-12:00",
  ])("takes the expiry %s, which has one meaning everywhere", (expiresAt) => {
    writeFileSync(path, edited('"expiresAt":"2027-01-01T00:00:00.000Z"', `"expiresAt":"${expiresAt}"`));
    expect(new Store(path).read().credentials[0]!.expiresAt).toBe(expiresAt);
  });
});
