// Black-box: the CI and scripting face — `apply --dry-run --exit-code`, the JSON Schema of the
// export/apply document (`export --schema`, `"$schema"` in a file, defaults that do not drift) and
// `--field NAME`.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROOT, Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
});
afterEach(() => sb.cleanup());

function file(name: string, doc: unknown): string {
  const path = join(sb.dir, name);
  writeFileSync(path, typeof doc === "string" ? doc : JSON.stringify(doc));
  return path;
}

const SCHEMA_FILE = join(ROOT, "schema", "apply.schema.json");
const schema = JSON.parse(readFileSync(SCHEMA_FILE, "utf8"));

/**
 * A validator for the part of JSON Schema 2020-12 the apply schema uses (type, const, properties,
 * required, additionalProperties: false, items, $ref to $defs, pattern, minLength, maxItems): enough
 * to hold the schema to what export prints and apply reads, without a dependency.
 */
function validate(value: unknown, s: any, path = "$"): string[] {
  if (s.$ref) return validate(value, schema.$defs[s.$ref.replace("#/$defs/", "")], path);
  const errors: string[] = [];
  const typeOf = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v);
  if (s.type) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.includes(typeOf(value)) && !(types.includes("number") && typeof value === "number")) return [`${path}: type ${typeOf(value)}`];
  }
  if ("const" in s && value !== s.const) errors.push(`${path}: not ${s.const}`);
  if (typeof value === "string") {
    if (s.pattern && !new RegExp(s.pattern, "u").test(value)) errors.push(`${path}: pattern`);
    if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${path}: minLength`);
  }
  if (Array.isArray(value)) {
    if (s.maxItems !== undefined && value.length > s.maxItems) errors.push(`${path}: maxItems`);
    if (s.items) value.forEach((v, i) => errors.push(...validate(v, s.items, `${path}[${i}]`)));
  } else if (typeof value === "object" && value !== null) {
    const o = value as Record<string, unknown>;
    for (const key of s.required ?? []) if (!(key in o)) errors.push(`${path}.${key}: required`);
    for (const [key, v] of Object.entries(o)) {
      if (s.properties?.[key]) errors.push(...validate(v, s.properties[key], `${path}.${key}`));
      else if (s.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
    }
  }
  return errors;
}

/** A store with one of everything, made with the ordinary commands. */
function populate(): void {
  sb.ok(["admin", "add", "alice"]);
  sb.ok(["admin", "add", "bob"]);
  sb.ok(["admin", "disable", "bob"]);
  sb.ok(["action", "add", "MyModuleSync", "--category", "Custom"]);
  sb.ok(["role", "create", "billing", "-d", "read invoices", "--allow", "GetInvoices,Billing:*"]);
  sb.ok(["role", "create", "support", "--allow", "Support:*"]);
  sb.ok(["credential", "create", "--admin", "alice", "--role", "billing", "--name", "ci-deploy", "--ip", "10.0.0.0/8", "--expires", "2099-01-01"]);
  sb.ok(["credential", "create", "--admin", "alice", "--role", "support", "--name", "plain"]);
  sb.ok(["ip", "add", "203.0.113.7", "--note", "Server"]);
  sb.ok(["ip", "add", "2001:db8::/32"]);
}

describe("apply --dry-run --exit-code", () => {
  it("exits 0 when the store matches and 1 when changes are pending, writing nothing", () => {
    populate();
    const exported = file("desired.json", sb.run(["export"]).stdout);
    const same = sb.run(["apply", "--file", exported, "--dry-run", "--exit-code"]);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain("dry run: no changes");

    const doc = JSON.parse(readFileSync(exported, "utf8"));
    doc.roles[0].description = "changed";
    const drifted = file("drifted.json", doc);
    const before = sb.storeText()!;
    const r = sb.run(["apply", "--file", drifted, "--dry-run", "--exit-code"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("~ role billing: description");
    expect(r.stderr).toBe("");
    const json = sb.run(["apply", "--file", drifted, "--dry-run", "--exit-code", "--json"]);
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({ dryRun: true, changed: true, summary: { create: 0, update: 1, remove: 0 } });
    expect(sb.storeText()!).toBe(before);
    // Without --exit-code a dry run with changes is still a success.
    expect(sb.run(["apply", "--file", drifted, "--dry-run"]).code).toBe(0);
  });

  it("an invalid document is still exit 2 (not mistaken for drift), a missing store plans against an empty one", () => {
    const bad = file("bad.json", { version: 1, roles: [{ name: "x", grants: ["NoSuchAction"] }] });
    expect(sb.run(["apply", "--file", bad, "--dry-run", "--exit-code"]).code).toBe(2);
    const create = file("create.json", { version: 1, admins: [{ username: "alice" }] });
    expect(sb.run(["apply", "--file", create, "--dry-run", "--exit-code"]).code).toBe(1);
    const empty = file("empty.json", { version: 1 });
    expect(sb.run(["apply", "--file", empty, "--dry-run", "--exit-code"]).code).toBe(0);
  });

  it("--exit-code without --dry-run is a usage error and writes nothing", () => {
    const create = file("create.json", { version: 1, admins: [{ username: "alice" }] });
    const r = sb.run(["apply", "--file", create, "--exit-code"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--exit-code works only with --dry-run");
    expect(sb.run(["admin", "list"]).code).toBe(5);
  });
});

describe("the JSON Schema of the export/apply document", () => {
  it("export --schema prints the schema file shipped in the package, byte for byte, without a store", () => {
    const r = sb.run(["export", "--schema"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(SCHEMA_FILE, "utf8"));
    expect(JSON.parse(r.stdout)).toMatchObject({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" });
    expect(sb.run(["export", "--schema", "--file", join(sb.dir, "x.json")]).code).toBe(2);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    expect(pkg.files).toContain("schema");
  });

  it("an export validates against it; documents that break it are refused by apply", () => {
    populate();
    const doc = sb.ok(["export"]);
    expect(validate(doc, schema)).toEqual([]);
    // The schema's examples of wrong documents are wrong for apply too.
    const wrong = [
      { version: 2 },
      { version: 1, admins: [{ username: "a", disabled: "no" }] },
      { version: 1, roles: [{ name: "-x" }] },
      { version: 1, credentials: [{ admin: "alice", identifier: "short" }] },
      { version: 1, ipAllowlist: [{ note: "no address" }] },
      { version: 1, $schema: 5 },
    ];
    for (const [i, w] of wrong.entries()) {
      expect(validate(w, schema), JSON.stringify(w)).not.toEqual([]);
      expect(sb.run(["apply", "--file", file(`w${i}.json`, w), "--dry-run"]).code, JSON.stringify(w)).toBe(2);
    }
  });

  it("every field the schema names is accepted by apply, and a field it does not name is refused", () => {
    sb.ok(["admin", "add", "alice"]);
    const full = {
      $schema: "./apicred.schema.json",
      version: 1,
      admins: [{ username: "alice", disabled: false }],
      actions: [{ name: "MyModuleSync", category: "Custom" }],
      roles: [{ name: "billing", description: "", grants: ["GetInvoices"] }],
      credentials: [{ name: "ci", identifier: null, admin: "alice", description: "", roles: ["billing"], ips: [], expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), disabled: false }],
      ipAllowlist: [{ address: "203.0.113.7", note: "" }],
      policy: { maxLifetime: "365d" },
    };
    // The example uses exactly the schema's properties, at every level.
    expect(Object.keys(full).sort()).toEqual(Object.keys(schema.properties).sort());
    for (const [section, def] of [["admins", "admin"], ["actions", "action"], ["roles", "role"], ["credentials", "credential"], ["ipAllowlist", "ip"]] as const) {
      expect(Object.keys((full as any)[section][0]).sort(), section).toEqual(Object.keys(schema.$defs[def].properties).sort());
    }
    expect(validate(full, schema)).toEqual([]);
    expect(sb.run(["apply", "--file", file("full.json", full), "--dry-run"]).code).toBe(0);
    for (const [section, i] of [["admins", 0], ["roles", 0], ["credentials", 0], ["ipAllowlist", 0]] as const) {
      const doc = structuredClone(full) as any;
      doc[section][i].extra = 1;
      expect(validate(doc, schema)).not.toEqual([]);
      const r = sb.run(["apply", "--file", file(`extra-${section}.json`, doc), "--dry-run"]);
      expect(r.code, section).toBe(2);
      expect(r.stderr).toContain("extra");
    }
  });

  it("an apply file may carry \"$schema\"; it changes nothing and is not part of the export", () => {
    populate();
    const doc = { $schema: "./node_modules/apicred/schema/apply.schema.json", ...sb.ok(["export"]) };
    const r = sb.run(["apply", "--file", file("with-schema.json", doc), "--dry-run", "--exit-code"]);
    expect(r.code).toBe(0);
    expect(sb.ok(["apply", "--file", file("with-schema.json", doc)]).changed).toBe(false);
    expect(Object.keys(sb.ok(["export"]))).not.toContain("$schema");
  });

  it("fields written out at their defaults, or left out, do not look drifted", () => {
    populate();
    const exported = sb.ok(["export"]);
    const ci = exported.credentials.find((c: any) => c.name === "ci-deploy");
    const plain = exported.credentials.find((c: any) => c.name === "plain");
    const explicit = {
      version: 1,
      admins: [{ username: "alice", disabled: false }, { username: "bob", disabled: true }],
      actions: [{ name: "MyModuleSync", category: "Custom" }],
      roles: [
        { name: "billing", description: "read invoices", grants: ["Billing:*", "getinvoices"] },
        { name: "support", description: "", grants: ["Support:*"] },
      ],
      credentials: [
        { name: "ci-deploy", identifier: ci.identifier, admin: "alice", description: "", roles: ["billing"], ips: ["10.0.0.0/8"], expiresAt: "2099-01-01" },
        { name: "plain", identifier: null, admin: "ALICE", description: "", roles: ["Support"], ips: [], expiresAt: null },
      ],
      ipAllowlist: [{ address: "203.0.113.7", note: "Server" }, { address: "2001:db8::/32", note: "" }],
    };
    const r = sb.run(["apply", "--file", file("explicit.json", explicit), "--dry-run", "--exit-code"]);
    expect(r.stdout).toContain("no changes");
    expect(r.code).toBe(0);
    // The same document with every default left out.
    const minimal = {
      version: 1,
      admins: [{ username: "alice" }, { username: "bob", disabled: true }],
      actions: [{ name: "MyModuleSync", category: "Custom" }],
      roles: [{ name: "billing", description: "read invoices", grants: ["GetInvoices", "Billing:*"] }, { name: "support", grants: ["Support:*"] }],
      credentials: [
        { name: "ci-deploy", admin: "alice", roles: ["billing"], ips: ["10.0.0.0/8"], expiresAt: "2099-01-01T00:00:00Z" },
        { name: "plain", identifier: plain.identifier, admin: "alice", roles: ["support"] },
      ],
      ipAllowlist: [{ address: "203.0.113.7", note: "Server" }, { address: "2001:db8::/32" }],
    };
    expect(validate(minimal, schema)).toEqual([]);
    const m = sb.run(["apply", "--file", file("minimal.json", minimal), "--dry-run", "--exit-code"]);
    expect(m.stdout).toContain("no changes");
    expect(m.code).toBe(0);
    // With --prune too: nothing is left out.
    expect(sb.run(["apply", "--file", file("minimal.json", minimal), "--dry-run", "--exit-code", "--prune"]).code).toBe(0);
  });
});

describe("--field NAME", () => {
  it("prints one field of the result raw: the secret of credential create, the identifier, a count", () => {
    sb.ok(["admin", "add", "ci"]);
    sb.ok(["role", "create", "reader", "--allow", "GetClients"]);
    const created = sb.run(["credential", "create", "--admin", "ci", "--role", "reader", "--name", "deploy", "--field", "secret"]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^apc_[A-Za-z0-9_-]+\n$/);
    expect(created.stderr).toContain("shown only once");
    const secret = created.stdout.trimEnd();
    // The secret printed is the one that works.
    expect(sb.run(["check", "deploy", "GetClients", "-q"], { env: { APICRED_SECRET: secret } }).code).toBe(0);
    expect(sb.run(["check", "deploy", "GetClients", "-q"], { env: { APICRED_SECRET: `${secret}x` } }).code).toBe(1);

    const id = sb.run(["credential", "show", "deploy", "--field", "identifier"]);
    expect(id.stdout).toMatch(/^[A-Za-z0-9]{32}\n$/);
    expect(sb.run(["check", "deploy", "GetClients", "--field", "reason"]).stdout).toBe("allowed\n");
    expect(sb.run(["check", "deploy", "GetInvoices", "--field", "reason"])).toMatchObject({ code: 1, stdout: "action_not_allowed\n" });
    expect(sb.run(["credential", "show", "deploy", "--field", "expiresAt"]).stdout).toBe("null\n");
    expect(sb.run(["credential", "show", "deploy", "--field", "roles"]).stdout).toBe("reader\n");
    expect(sb.run(["role", "delete", "reader", "--yes", "--field", "unassignedFrom"]).stdout).toBe("1\n");
  });

  it("of a list: that field of each item, one per line; nested fields with a dot", () => {
    sb.ok(["admin", "add", "ci"]);
    sb.ok(["admin", "add", "ops"]);
    expect(sb.run(["admin", "list", "--field", "username"]).stdout).toBe("ci\nops\n");
    const plan = file("p.json", { version: 1, admins: [{ username: "new" }] });
    expect(sb.run(["apply", "--file", plan, "--dry-run", "--field", "summary.create"]).stdout).toBe("1\n");
  });

  it("a field the result does not have is exit 2, naming the fields it has (and that the command ran)", () => {
    sb.ok(["admin", "add", "ci"]);
    expect(sb.run(["credential", "list", "--field", "nope"]).code).toBe(0); // an empty list has nothing to miss
    const r = sb.run(["credential", "create", "--admin", "ci", "--field", "secert"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('no field "secert" (did you mean secret?)');
    expect(r.stderr).toContain("the command itself ran");
    expect(sb.run(["credential", "list", "--field", "nope"]).code).toBe(2);
    for (const bad of ["", ".", "a..b"]) expect(sb.run(["admin", "list", "--field", bad]).code, bad).toBe(2);
  });

  it("commands that print something other than a JSON result refuse --field instead of printing it", () => {
    sb.ok(["admin", "add", "ci"]);
    const r = sb.run(["export", "--field", "admins"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("--field works only with commands that print a JSON object");
    expect(sb.run(["check", "--batch", "--field", "reason"], { input: '{"credential":"x","action":"GetClients"}\n' }).code).toBe(2);
  });
});
