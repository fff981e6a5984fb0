// Black-box: `credential disable | enable | whois`, `who-can`, `check --list`, pattern grants on the
// command line, and the rule that a secret is never printed by any of them.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ON_POSTGRES, Sandbox } from "../helpers/cli.js";
import { bashComplete, fishComplete, shellEnv, zshComplete } from "../helpers/shells.js";
import { lacking } from "../helpers/system-tools.js";

let sb: Sandbox;
let secret: string;
let id: string;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["role", "create", "billing-read", "--allow", "Billing:Get*"]);
  sb.ok(["role", "create", "clients", "--allow", "Client:*"]);
  const c = sb.ok(["credential", "create", "--admin", "alice", "--role", "billing-read", "--name", "ci"]);
  secret = c.secret;
  id = c.identifier;
});
afterEach(() => sb.cleanup());

const auditPath = () => `${sb.store.replace(/\.json$/, "")}.audit.jsonl`;
const audit = () => sb.auditText().trim().split("\n").map((l) => JSON.parse(l));
const neverPrinted = (r: { stdout: string; stderr: string }, s = secret) => {
  expect(r.stdout).not.toContain(s);
  expect(r.stderr).not.toContain(s);
};

describe("credential disable | enable", () => {
  it("disables: check is denied with credential_disabled, status shows disabled, audited once", () => {
    expect(sb.ok(["credential", "disable", "ci"])).toEqual({ disabled: [id], unchanged: [] });
    const r = sb.run(["check", "ci", "GetInvoices", "--json"], { env: { APICRED_SECRET: secret } });
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ allowed: false, reason: "credential_disabled" });
    expect(r.json().steps.map((s: { step: string }) => s.step).slice(0, 4)).toEqual(["credential", "secret", "enabled", "admin"]);
    expect(sb.ok(["credential", "show", "ci"]).status).toBe("disabled");
    expect(sb.ok(["credential", "list"])[0].status).toBe("disabled");
    const human = sb.run(["credential", "list"]);
    expect(human.stdout).toMatch(/\tdisabled\t/);
    // Idempotent: a second disable changes and records nothing, exit 0.
    const again = sb.run(["credential", "disable", "ci"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/already disabled/);
    const events = audit().filter((e) => e.command === "credential disable");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ object: `credential:${id}`, change: { disabled: true, name: "ci" } });
  });

  it("enables again: allowed, idempotent, audited", () => {
    sb.ok(["credential", "disable", "ci"]);
    expect(sb.ok(["credential", "enable", id])).toEqual({ enabled: [id], unchanged: [] });
    expect(sb.ok(["credential", "enable", "ci"])).toEqual({ enabled: [], unchanged: [id] });
    expect(sb.run(["check", "ci", "GetInvoices", "-q"]).code).toBe(0);
    expect(sb.ok(["credential", "show", "ci"]).status).toBe("active");
    expect(audit().filter((e) => e.command === "credential enable")).toHaveLength(1);
  });

  it("one unknown reference: exit 3, nothing changes", () => {
    const r = sb.run(["credential", "disable", "ci", "nope"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no credential "nope"/);
    expect(sb.ok(["credential", "show", "ci"]).status).toBe("active");
  });

  it("needs a credential: exit 2", () => {
    expect(sb.run(["credential", "disable"]).code).toBe(2);
    expect(sb.run(["credential", "enable"]).code).toBe(2);
  });

  it("a pasted secret as the reference is refused and never echoed (exit 3)", () => {
    const r = sb.run(["credential", "disable", secret]);
    expect(r.code).toBe(3);
    neverPrinted(r);
  });

  it("export and apply carry disabled: true (and only when true)", () => {
    sb.ok(["credential", "disable", "ci"]);
    const doc = JSON.parse(sb.run(["export"]).stdout);
    expect(doc.credentials[0].disabled).toBe(true);
    doc.credentials[0].disabled = false;
    const file = join(sb.dir, "doc.json");
    writeFileSync(file, JSON.stringify(doc));
    const r = sb.ok(["apply", "--file", file]);
    expect(r.changes).toEqual([expect.objectContaining({ op: "update", kind: "credential", fields: [{ field: "disabled", from: true, to: false }] })]);
    expect(sb.ok(["credential", "show", "ci"]).status).toBe("active");
    expect(JSON.parse(sb.run(["export"]).stdout).credentials[0]).not.toHaveProperty("disabled");
    // A new credential can be created disabled; a non-boolean is exit 2.
    doc.credentials.push({ name: "spare", admin: "alice", disabled: true });
    writeFileSync(file, JSON.stringify(doc));
    sb.ok(["apply", "--file", file]);
    expect(sb.ok(["credential", "show", "spare"]).status).toBe("disabled");
    doc.credentials[1].disabled = "yes";
    writeFileSync(file, JSON.stringify(doc));
    const bad = sb.run(["apply", "--file", file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/credentials\[1\]\.disabled: must be true or false/);
  });

  it("doctor reports a disabled credential", () => {
    sb.ok(["credential", "disable", "ci"]);
    const r = sb.run(["doctor", "--json"]);
    expect(r.json().findings).toContainEqual(expect.objectContaining({ code: "credential_disabled", object: `credential:${id}` }));
  });

  // A hand-edited store file.
  it.skipIf(ON_POSTGRES)("a store with a non-boolean disabled is refused (exit 5)", () => {
    const doc = sb.storeDoc();
    doc.credentials[0].disabled = "no";
    writeFileSync(sb.store, JSON.stringify(doc, null, 2));
    const r = sb.run(["credential", "list"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/credentials\[0\]\.disabled/);
  });
});

describe("credential whois", () => {
  it("finds the credential of a secret from stdin, a file or the environment; never prints it", () => {
    const fromStdin = sb.run(["credential", "whois", "--json"], { input: `${secret}\n` });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.json()).toEqual({
      found: true, match: "current", identifier: id, name: "ci", admin: "alice", roles: ["billing-read"], status: "active",
      expiresAt: null, previousSecretValidUntil: null,
    });
    neverPrinted(fromStdin);
    const file = join(sb.dir, "leak.txt");
    writeFileSync(file, `${secret}\n`);
    const fromFile = sb.run(["credential", "whois", "--secret-file", file]);
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toMatch(new RegExp(`identifier\\s+${id}`));
    expect(fromFile.stdout).toMatch(/match\s+current secret/);
    neverPrinted(fromFile);
    const fromEnv = sb.run(["credential", "whois", "--json"], { env: { APICRED_SECRET: secret } });
    expect(fromEnv.json().identifier).toBe(id);
    neverPrinted(fromEnv);
    expect(sb.auditText()).not.toContain(secret);
  });

  it("the previous secret inside its grace: match previous", () => {
    sb.ok(["credential", "rotate", "ci", "--grace", "1h"]);
    const r = sb.run(["credential", "whois", "--json"], { input: secret });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ found: true, match: "previous", identifier: id });
    expect(r.json().previousSecretValidUntil).toEqual(expect.any(String));
    neverPrinted(r);
  });

  it("exit 1 when no credential has it (deleted, or rotated without grace)", () => {
    sb.ok(["credential", "rotate", "ci"]);
    const rotated = sb.run(["credential", "whois", "--json"], { input: secret });
    expect(rotated.code).toBe(1);
    expect(rotated.json()).toMatchObject({ found: false });
    neverPrinted(rotated);
    sb.ok(["credential", "delete", "ci", "--yes"]);
    const gone = sb.run(["credential", "whois"], { input: secret });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/no credential has this secret/);
    neverPrinted(gone);
  });

  it("exit 2 for a malformed secret (bad checksum), a missing one, or a secret on argv", () => {
    const altered = `${secret.slice(0, 10)}${secret[10] === "a" ? "b" : "a"}${secret.slice(11)}`;
    const bad = sb.run(["credential", "whois"], { input: altered });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a well-formed apicred secret: its checksum does not match/);
    neverPrinted(bad, altered);
    expect(sb.run(["credential", "whois"], { input: "" }).code).toBe(2);
    expect(sb.run(["credential", "whois", secret]).code).toBe(2);
    expect(sb.run(["credential", "whois", "--secret-file", join(sb.dir, "missing")]).code).toBe(2);
  });
});

describe("who-can", () => {
  beforeEach(() => {
    sb.ok(["credential", "create", "--admin", "alice", "--role", "clients", "--name", "crm"]);
    sb.ok(["credential", "create", "--admin", "alice", "--role", "billing-read", "--name", "limited", "--ip", "10.0.0.0/8"]);
    sb.ok(["ip", "add", "10.0.0.0/8"]);
    sb.ok(["ip", "add", "203.0.113.0/24"]);
  });

  it("lists every credential allowed, with the grants; --ip narrows it", () => {
    const r = sb.ok(["who-can", "getinvoices"]);
    expect(r.action).toBe("GetInvoices");
    expect(r.credentials.map((c: { name: string }) => c.name)).toEqual(["ci", "limited"]);
    expect(r.credentials[0].grants).toEqual([{ role: "billing-read", grant: "Billing:Get*" }]);
    const from = sb.ok(["who-can", "GetInvoices", "--ip", "203.0.113.7"]);
    expect(from.credentials.map((c: { name: string }) => c.name)).toEqual(["ci"]);
    const human = sb.run(["who-can", "GetInvoices"]);
    expect(human.stdout).toMatch(/\tci\talice\tbilling-read: Billing:Get\*/);
    neverPrinted(human);
  });

  it("the same rules as check: disabled, expired or admin-disabled credentials are not listed", () => {
    sb.ok(["credential", "disable", "ci"]);
    expect(sb.ok(["who-can", "GetInvoices"]).credentials.map((c: { name: string }) => c.name)).toEqual(["limited"]);
    sb.ok(["admin", "disable", "alice"]);
    const none = sb.run(["who-can", "GetInvoices", "--json"]);
    expect(none.code).toBe(1);
    expect(none.json()).toMatchObject({ count: 0, credentials: [] });
  });

  it("unknown action: exit 3 with a suggestion; bad IP or no action: exit 2", () => {
    const r = sb.run(["who-can", "GetInvoics"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unknown action "GetInvoics" \(did you mean GetInvoice\?\)/);
    expect(sb.run(["who-can", "GetInvoices", "--ip", "10.0.0"]).code).toBe(2);
    expect(sb.run(["who-can"]).code).toBe(2);
  });
});

describe("check --list", () => {
  it("lists the allowed actions by category with the grant; exit 0", () => {
    sb.ok(["credential", "edit", "ci", "--add-role", "clients"]);
    const r = sb.run(["check", "ci", "--list", "--json"]);
    expect(r.code).toBe(0);
    const j = r.json();
    expect(j).toMatchObject({ credential: id, name: "ci", ip: null, denied: null });
    expect(j.categories.map((c: { category: string }) => c.category)).toEqual(["Billing", "Client"]);
    const billing = j.categories[0].actions;
    expect(billing).toContainEqual({ action: "GetInvoices", grants: [{ role: "billing-read", grant: "Billing:Get*" }] });
    expect(billing.every((a: { action: string }) => a.action.startsWith("Get"))).toBe(true);
    expect(j.count).toBe(billing.length + j.categories[1].actions.length);
    const human = sb.run(["check", "ci", "--list"]);
    expect(human.stdout).toMatch(/^Billing\tGetInvoices\tbilling-read: Billing:Get\*$/m);
  });

  it("agrees with check for every action it lists, and for one it does not", () => {
    const listed = sb.ok(["check", "ci", "--list"]).categories.flatMap((c: { actions: { action: string }[] }) => c.actions.map((a) => a.action));
    for (const action of listed.slice(0, 3)) expect(sb.run(["check", "ci", action, "-q"]).code).toBe(0);
    expect(listed).not.toContain("AddInvoicePayment");
    expect(sb.run(["check", "ci", "AddInvoicePayment", "-q"]).code).toBe(1);
  });

  it("a disabled credential may run nothing: exit 1 with the reason", () => {
    sb.ok(["credential", "disable", "ci"]);
    const r = sb.run(["check", "ci", "--list", "--json"]);
    expect(r.code).toBe(1);
    expect(r.json()).toMatchObject({ count: 0, denied: { reason: "credential_disabled" } });
  });

  it("unknown credential: exit 3; with an action or a secret file: exit 2", () => {
    expect(sb.run(["check", "nope", "--list"]).code).toBe(3);
    expect(sb.run(["check", "ci", "GetInvoices", "--list"]).code).toBe(2);
    expect(sb.run(["check", "ci", "--list", "--secret-file", "-"], { input: secret }).code).toBe(2);
    expect(sb.run(["check", "--batch", "--list"], { input: "" }).code).toBe(2);
    const pasted = sb.run(["check", secret, "--list"]);
    expect(pasted.code).toBe(3);
    neverPrinted(pasted);
  });
});

describe("pattern grants on the command line", () => {
  it("role show expands a pattern; a custom action added later is covered", () => {
    sb.ok(["action", "add", "GetSyncStatus", "--category", "Billing"]);
    const r = sb.ok(["role", "show", "billing-read"]);
    expect(r.patterns["Billing:Get*"]).toContain("GetSyncStatus");
    expect(r.patterns["Billing:Get*"]).toContain("GetInvoices");
    expect(sb.run(["check", "ci", "GetSyncStatus", "-q"]).code).toBe(0);
    const human = sb.run(["role", "show", "billing-read"]);
    expect(human.stdout).toMatch(/Billing:Get\*\s+= .*GetInvoices/);
  });

  it("a pattern matching nothing is exit 2 with a suggestion; nothing is written", () => {
    const r = sb.run(["role", "edit", "billing-read", "--allow", "Gte*"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/matches no action in the catalog \(did you mean Get\*\?\)/);
    expect(sb.ok(["role", "show", "billing-read"]).grants).toEqual(["Billing:Get*"]);
  });
});

describe("completion of the new verbs (bash, zsh, fish)", () => {
  beforeEach(() => {
    sb.ok(["credential", "create", "--admin", "alice", "--name", "spare"]);
    sb.ok(["credential", "disable", "spare"]);
  });
  const values = (lines: string[]) => lines.map((l) => l.split(/\t| -- /)[0]);

  it.skipIf(lacking("bash-completion", "zsh", "fish"))("credential enable offers only disabled credentials, disable only enabled ones", () => {
    const env = shellEnv(sb);
    const bash = (line: string) => bashComplete(env, line, line.split(" "), sb.dir).lines;
    expect(bash("apicred credential disable ")).toEqual([id, "ci"]);
    expect(bash("apicred credential enable s")).toEqual(["spare"]);
    expect(values(fishComplete(env, "apicred credential enable ", sb.dir).lines)).not.toContain("ci");
    // (not a prefix: the random identifier may start with one)
    expect(values(fishComplete(env, "apicred credential disable ", sb.dir).lines).sort()).toEqual([id, "ci"].sort());
    expect(values(zshComplete(env, "apicred credential enable sp", sb.dir).lines)).toEqual(["spare"]);
  });

  it.skipIf(lacking("bash-completion", "zsh", "fish"))("offers the new nouns, verbs, actions for who-can and --list for check", () => {
    const env = shellEnv(sb);
    const bash = (line: string) => bashComplete(env, line, line.split(" "), sb.dir).lines;
    expect(bash("apicred ")).toEqual(expect.arrayContaining(["who-can", "scan", "policy"]));
    expect(bash("apicred credential ")).toEqual(expect.arrayContaining(["disable", "enable", "whois"]));
    expect(bash("apicred policy ")).toEqual(expect.arrayContaining(["set", "show", "unset"]));
    expect(bash("apicred policy set --m")).toEqual(["--max-lifetime"]);
    expect(bash("apicred who-can getinvoice")).toEqual(["GetInvoice", "GetInvoices"]);
    expect(bash("apicred check ci --l")).toEqual(["--list"]);
    expect(values(fishComplete(env, "apicred scan --re", sb.dir).lines)).toEqual(["--revoke"]);
    expect(values(zshComplete(env, "apicred who-", sb.dir).lines)).toEqual(["who-can"]);
  });
});
