// core/doctor: the credential findings come from the decision engine, so doctor and check agree.
import { describe, expect, it } from "vitest";
import { addAdmin, setAdminDisabled } from "../../src/core/admins.js";
import { buildCatalog } from "../../src/core/catalog.js";
import { createCredential } from "../../src/core/credentials.js";
import { decide, Snapshot } from "../../src/core/decide.js";
import { diagnose } from "../../src/core/doctor.js";
import { createRole } from "../../src/core/roles.js";
import { emptyStore, type StoreDoc } from "../../src/core/types.js";

const NOW = "2026-01-01T00:00:00.000Z";
const T = Date.parse(NOW);
const noop = () => {};
const facts = { storePath: "s.json", auditPath: "s.audit.jsonl", storeWarnings: [], auditLogExists: true, now: T };

function store(): StoreDoc {
  const doc = emptyStore();
  addAdmin(doc, "alice", NOW, noop);
  addAdmin(doc, "bob", NOW, noop);
  createRole(doc, buildCatalog(doc.actions), { name: "r", grants: ["GetClients"] }, NOW, noop);
  doc.ipAllowlist.push({ address: "10.0.0.0/8", note: "", addedAt: NOW });
  return doc;
}

const codes = (doc: StoreDoc) => diagnose(doc, facts).filter((f) => f.object.startsWith("credential:")).map((f) => `${f.object.split(":")[1]} ${f.code}`);

describe("doctor's credential findings", () => {
  it("name each reason check would deny a credential for, whatever the action", () => {
    const doc = store();
    const ok = createCredential(doc, { admin: "alice", roles: ["r"], name: "ok" }, NOW, noop).credential;
    const orphan = createCredential(doc, { admin: "bob", roles: ["r"], name: "orphan" }, NOW, noop).credential;
    const off = createCredential(doc, { admin: "alice", roles: ["r"], name: "off" }, NOW, noop).credential;
    const bare = createCredential(doc, { admin: "alice", name: "bare" }, NOW, noop).credential;
    const ended = createCredential(doc, { admin: "alice", roles: ["r"], name: "ended" }, NOW, noop).credential;
    // The admin of "orphan" is gone (a store edited by hand); "off" moves to a disabled admin.
    doc.admins = doc.admins.filter((a) => a.username !== "bob");
    addAdmin(doc, "carol", NOW, noop);
    setAdminDisabled(doc, "carol", true, noop);
    off.adminId = doc.admins.find((a) => a.username === "carol")!.id;
    // Expired at this very instant: check denies it, so doctor reports it as expired, not expiring.
    ended.expiresAt = NOW;
    expect(codes(doc).sort()).toEqual([
      `${bare.identifier} credential_without_roles`,
      `${ended.identifier} credential_expired`,
      `${off.identifier} credential_admin_disabled`,
      `${orphan.identifier} credential_admin_missing`,
    ].sort());
    // The same verdicts as check's engine.
    const snapshot = new Snapshot(doc);
    const reason = (c: { identifier: string }) => decide(snapshot, { credential: c.identifier, action: "GetClients", now: T }).reason;
    expect([ok, orphan, off, bare, ended].map(reason)).toEqual(["allowed", "admin_disabled", "admin_disabled", "no_roles", "credential_expired"]);
  });
});
