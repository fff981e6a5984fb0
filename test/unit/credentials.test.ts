// Core credential and role rules, without the CLI: lookup, rotation with grace as `check` sees it,
// role deletion, validation before mutation.
import { describe, expect, it } from "vitest";
import { addAdmin } from "../../src/core/admins.js";
import { buildCatalog } from "../../src/core/catalog.js";
import {
  canonicalIps,
  createCredential,
  CredentialIndex,
  credentialView,
  deleteCredentials,
  editCredential,
  findCredential,
  isExpired,
  resolveCredential,
  rotateCredential,
} from "../../src/core/credentials.js";
import { ConflictError, NotFoundError, UsageError } from "../../src/core/errors.js";
import { createRole, deleteRole, editRole } from "../../src/core/roles.js";
import { verifySecret } from "../../src/core/secrets.js";
import { emptyStore, type Recorder, type StoreDoc } from "../../src/core/types.js";

const T0 = "2030-01-01T00:00:00.000Z";
const at = (iso: string) => new Date(iso);

function setup(): { doc: StoreDoc; changes: unknown[]; record: Recorder } {
  const doc = emptyStore();
  const changes: unknown[] = [];
  const record: Recorder = (object, change) => changes.push({ object, change });
  addAdmin(doc, "alice", T0, record);
  const catalog = buildCatalog([]);
  createRole(doc, catalog, { name: "billing-read", grants: ["Billing:*"] }, T0, record);
  createRole(doc, catalog, { name: "clients", grants: ["Client:*"] }, T0, record);
  return { doc, changes, record };
}

describe("lookup", () => {
  const { doc, record } = setup();
  const named = createCredential(doc, { admin: "alice", name: "CI-Deploy" }, T0, record).credential;
  const unnamed = createCredential(doc, { admin: "alice" }, T0, record).credential;
  const index = new CredentialIndex(doc.credentials);

  it.each([
    ["identifier", named.identifier, named],
    ["unnamed identifier", unnamed.identifier, unnamed],
    ["name", "CI-Deploy", named],
    ["name in another case", "ci-deploy", named],
    ["identifier in another case", named.identifier.toLowerCase(), named.identifier === named.identifier.toLowerCase() ? named : undefined],
    ["unknown", "nope", undefined],
    ["empty", "", undefined],
  ])("%s", (_label, ref, expected) => {
    expect(findCredential(doc, ref)).toBe(expected);
    expect(index.find(ref)).toBe(expected);
  });

  it("a hand-edited store with two names equal but for case: the index resolves as the scan does (the first)", () => {
    const edited = structuredClone(doc);
    const first = { ...structuredClone(named), identifier: "F".repeat(32), name: "Ops" };
    const second = { ...structuredClone(named), identifier: "S".repeat(32), name: "ops" };
    edited.credentials.push(first, second);
    const editedIndex = new CredentialIndex(edited.credentials);
    for (const ref of ["Ops", "ops", "OPS"]) {
      expect(findCredential(edited, ref)?.identifier).toBe(first.identifier);
      expect(editedIndex.find(ref)?.identifier).toBe(first.identifier);
    }
  });

  it("resolveCredential: exit 3 with the nearest name", () => {
    expect(() => resolveCredential(doc, "ci-deplo")).toThrow(NotFoundError);
    expect(() => resolveCredential(doc, "ci-deplo")).toThrow(/did you mean CI-Deploy\?/);
  });
});

describe("rotation as check sees it", () => {
  it("the old secret works during the grace and never after; the new one at once", () => {
    const { doc, record, changes } = setup();
    const { credential, secret: old } = createCredential(doc, { admin: "alice", name: "ci" }, T0, record);
    const { secret: fresh } = rotateCredential(doc, "ci", 60_000, "2030-01-01T01:00:00.000Z", record);
    expect(credential.previousSecret?.until).toBe("2030-01-01T01:01:00.000Z");
    expect(verifySecret(credential, fresh, at("2030-01-01T01:00:00Z"))).toEqual({ ok: true, via: "current" });
    expect(verifySecret(credential, old, at("2030-01-01T01:00:59.999Z"))).toEqual({ ok: true, via: "previous" });
    expect(verifySecret(credential, old, at("2030-01-01T01:01:00Z"))).toMatchObject({ ok: false, why: "previous_expired" });
    expect(credentialView(doc, credential, at("2030-01-01T01:00:30Z")).previousSecretValidUntil).toBe("2030-01-01T01:01:00.000Z");
    expect(credentialView(doc, credential, at("2030-01-01T01:01:00Z")).previousSecretValidUntil).toBeNull();

    // Rotating again: the first secret is gone for good, the second keeps a new grace.
    const { secret: third } = rotateCredential(doc, "ci", 60_000, "2030-01-01T01:00:30.000Z", record);
    expect(verifySecret(credential, old, at("2030-01-01T01:00:31Z")).ok).toBe(false);
    expect(verifySecret(credential, fresh, at("2030-01-01T01:00:31Z"))).toEqual({ ok: true, via: "previous" });
    expect(verifySecret(credential, third, at("2030-01-01T01:00:31Z"))).toEqual({ ok: true, via: "current" });

    // Without a grace the old secret stops at once.
    rotateCredential(doc, "ci", 0, "2030-01-01T01:00:40.000Z", record);
    expect(credential.previousSecret).toBeNull();
    expect(verifySecret(credential, third, at("2030-01-01T01:00:40Z")).ok).toBe(false);

    // Nothing recorded for the audit log holds a secret or a hash.
    const log = JSON.stringify(changes);
    for (const s of [old, fresh, third]) expect(log).not.toContain(s);
    expect(log).not.toContain(credential.secretHash);
  });
});

describe("roles held by id", () => {
  it("delete unassigns and counts; a re-created role of the same name is not given back", () => {
    const { doc, record } = setup();
    const a = createCredential(doc, { admin: "alice", roles: ["billing-read", "clients"] }, T0, record).credential;
    createCredential(doc, { admin: "alice", roles: ["BILLING-READ"] }, T0, record);
    createCredential(doc, { admin: "alice", roles: ["clients"] }, T0, record);
    expect(deleteRole(doc, "billing-read", record).unassignedFrom).toBe(2);
    createRole(doc, buildCatalog([]), { name: "billing-read", grants: ["*"] }, T0, record);
    expect(credentialView(doc, a, at(T0)).roles).toEqual(["clients"]);
  });

  it("a rename keeps the holders", () => {
    const { doc, record } = setup();
    const a = createCredential(doc, { admin: "alice", roles: ["clients"] }, T0, record).credential;
    editRole(doc, buildCatalog([]), "clients", { rename: "client-admin" }, record);
    expect(credentialView(doc, a, at(T0)).roles).toEqual(["client-admin"]);
    expect(() => editRole(doc, buildCatalog([]), "client-admin", { rename: "Billing-Read" }, record)).toThrow(ConflictError);
  });
});

describe("validation before mutation", () => {
  it("a failing edit changes nothing and records nothing", () => {
    const { doc, record, changes } = setup();
    const c = createCredential(doc, { admin: "alice", name: "ci", roles: ["clients"] }, T0, record).credential;
    const before = JSON.stringify(doc);
    const n = changes.length;
    expect(() => editCredential(doc, "ci", { description: "new", addRoles: ["nope"] }, record)).toThrow(NotFoundError);
    expect(() => editCredential(doc, "ci", { description: "new", name: "bad name" }, record)).toThrow(UsageError);
    expect(() => editCredential(doc, "ci", { roles: ["clients"], removeRoles: ["clients"] }, record)).toThrow(UsageError);
    expect(JSON.stringify(doc)).toBe(before);
    expect(changes).toHaveLength(n);
    expect(editCredential(doc, c.identifier, { description: "" }, record).changed).toBe(false);
  });

  it("delete is all or nothing", () => {
    const { doc, record } = setup();
    createCredential(doc, { admin: "alice", name: "a" }, T0, record);
    expect(() => deleteCredentials(doc, ["a", "missing"], record)).toThrow(NotFoundError);
    expect(doc.credentials).toHaveLength(1);
    expect(deleteCredentials(doc, ["a", "A"], record)).toHaveLength(1);
    expect(doc.credentials).toHaveLength(0);
  });

  it("a disabled admin gets no new credential", () => {
    const { doc, record } = setup();
    doc.admins[0]!.disabled = true;
    expect(() => createCredential(doc, { admin: "alice" }, T0, record)).toThrow(/admin alice is disabled/);
  });

  it.each([
    [["10.0.0.1", "10.0.0.1/32", "::ffff:10.0.0.1"], ["10.0.0.1"]],
    [["2001:DB8::/32", "2001:db8:0::/32"], ["2001:db8::/32"]],
    [[], []],
  ])("canonicalIps(%j) = %j", (input, out) => {
    expect(canonicalIps(input)).toEqual(out);
  });

  it("isExpired is true from the expiry instant on", () => {
    expect(isExpired({ expiresAt: null }, Date.now())).toBe(false);
    expect(isExpired({ expiresAt: T0 }, at("2029-12-31T23:59:59.999Z"))).toBe(false);
    expect(isExpired({ expiresAt: T0 }, at(T0))).toBe(true);
  });
});
