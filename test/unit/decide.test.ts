// The decision matrix: every reason reachable, every skippable step skipped, the access key
// bypassing only the global allowlist, IPv4-mapped clients, wildcards, expiry and rotation edges.
import { describe, expect, it } from "vitest";
import { accessKeyFingerprint, hashAccessKey } from "../../src/core/access-key.js";
import { type Decision, decide, type DecisionRequest, type Reason, Snapshot, STEPS } from "../../src/core/decide.js";
import { parseAddress } from "../../src/core/ip.js";
import { generateSecret, hashSecret } from "../../src/core/secrets.js";
import { type Credential, emptyStore, type StoreDoc } from "../../src/core/types.js";

const NOW = Date.parse("2026-06-01T12:00:00.000Z");
const SECRET = generateSecret();
const OLD_SECRET = generateSecret();
const ACCESS_KEY = "k3y-For-The-API(1234)";

function cred(over: Partial<Credential> = {}): Credential {
  return {
    identifier: "A".repeat(32),
    name: "ci",
    adminId: "adm1",
    description: "",
    roleIds: ["r-billing"],
    ips: [],
    expiresAt: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    secretHash: hashSecret(SECRET),
    previousSecret: null,
    rotatedAt: null,
    ...over,
  };
}

function store(over: { creds?: Credential[]; disabled?: boolean; allowlist?: string[]; key?: boolean; custom?: boolean } = {}): StoreDoc {
  const doc = emptyStore();
  doc.admins.push({ id: "adm1", username: "alice", disabled: over.disabled ?? false, createdAt: "t" });
  doc.roles.push(
    { id: "r-billing", name: "billing", description: "", grants: ["GetInvoices", "Support:*"], createdAt: "t" },
    { id: "r-all", name: "everything", description: "", grants: ["*"], createdAt: "t" },
    { id: "r-empty", name: "empty", description: "", grants: [], createdAt: "t" },
    { id: "r-custom", name: "modules", description: "", grants: ["Custom:*"], createdAt: "t" },
    { id: "r-reader", name: "reader", description: "", grants: ["Get*"], createdAt: "t" },
    { id: "r-billread", name: "billing-read", description: "", grants: ["Billing:Get*"], createdAt: "t" },
    { id: "r-sync", name: "sync", description: "", grants: ["*Sync"], createdAt: "t" },
  );
  if (over.custom) doc.actions.push({ name: "MyModuleSync", category: "Custom", createdAt: "t" });
  doc.credentials = over.creds ?? [cred()];
  doc.ipAllowlist = (over.allowlist ?? ["203.0.113.0/24", "2001:db8::/32"]).map((address) => ({ address, note: "", addedAt: "t" }));
  if (over.key) doc.accessKey = { hash: hashAccessKey(ACCESS_KEY), fingerprint: accessKeyFingerprint(ACCESS_KEY), setAt: "t" };
  return doc;
}

type Req = Partial<Omit<DecisionRequest, "ip">> & { ip?: string };

function run(doc: StoreDoc, req: Req = {}, index = false): Decision {
  return decide(new Snapshot(doc, { index }), {
    credential: "ci",
    action: "GetInvoices",
    now: NOW,
    ...req,
    ip: req.ip === undefined ? undefined : parseAddress(req.ip),
  });
}

const results = (d: Decision) => Object.fromEntries(d.steps.map((s) => [s.step, s.result]));

describe("decide: the reason is the first failing step", () => {
  const cases: [string, StoreDoc, Req, Reason][] = [
    ["allowed by name", store(), {}, "allowed"],
    ["allowed by identifier", store(), { credential: "A".repeat(32) }, "allowed"],
    ["allowed, name any case", store(), { credential: "CI", action: "getinvoices" }, "allowed"],
    ["unknown credential", store(), { credential: "nope" }, "unknown_credential"],
    ["identifier is case-sensitive", store(), { credential: "a".repeat(32) }, "unknown_credential"],
    ["bad secret", store(), { secret: generateSecret() }, "bad_secret"],
    // The last character changed (to one it cannot already be): the checksum no longer holds.
    ["malformed secret", store(), { secret: `${SECRET.slice(0, -1)}${SECRET.endsWith("x") ? "y" : "x"}` }, "bad_secret"],
    ["good secret", store(), { secret: SECRET }, "allowed"],
    ["disabled admin", store({ disabled: true }), {}, "admin_disabled"],
    ["admin gone", store({ creds: [cred({ adminId: "ghost" })] }), {}, "admin_disabled"],
    ["expired", store({ creds: [cred({ expiresAt: "2026-06-01T11:59:59.999Z" })] }), {}, "credential_expired"],
    ["expires at this instant", store({ creds: [cred({ expiresAt: "2026-06-01T12:00:00.000Z" })] }), {}, "credential_expired"],
    ["expires a millisecond later", store({ creds: [cred({ expiresAt: "2026-06-01T12:00:00.001Z" })] }), {}, "allowed"],
    ["IP on the allowlist", store(), { ip: "203.0.113.9" }, "allowed"],
    ["IPv6 on the allowlist", store(), { ip: "2001:DB8::1" }, "allowed"],
    ["IPv4-mapped client matches the IPv4 entry", store(), { ip: "::ffff:203.0.113.9" }, "allowed"],
    ["IP not on the allowlist", store(), { ip: "198.51.100.9" }, "ip_not_allowed"],
    ["::/0 never matches IPv4", store({ allowlist: ["::/0"] }), { ip: "198.51.100.9" }, "ip_not_allowed"],
    ["empty allowlist denies every IP", store({ allowlist: [] }), { ip: "203.0.113.9" }, "ip_not_allowed"],
    ["access key bypasses the allowlist", store({ key: true, allowlist: [] }), { ip: "198.51.100.9", accessKey: ACCESS_KEY }, "allowed"],
    ["wrong access key does not", store({ key: true }), { ip: "198.51.100.9", accessKey: "wrong-key-0123456789" }, "ip_not_allowed"],
    ["a key when none is set does not", store(), { ip: "198.51.100.9", accessKey: ACCESS_KEY }, "ip_not_allowed"],
    ["credential IP limit", store({ creds: [cred({ ips: ["10.0.0.0/8"] })], allowlist: ["0.0.0.0/0"] }), { ip: "198.51.100.9" }, "ip_not_allowed_for_credential"],
    ["inside the credential IP limit", store({ creds: [cred({ ips: ["10.0.0.0/8"] })], allowlist: ["0.0.0.0/0"] }), { ip: "10.1.2.3" }, "allowed"],
    ["access key never bypasses the credential's own limits", store({ key: true, creds: [cred({ ips: ["10.0.0.0/8"] })] }), { ip: "198.51.100.9", accessKey: ACCESS_KEY }, "ip_not_allowed_for_credential"],
    ["access key never bypasses authentication", store({ key: true }), { ip: "198.51.100.9", accessKey: ACCESS_KEY, secret: generateSecret() }, "bad_secret"],
    ["access key never bypasses expiry", store({ key: true, creds: [cred({ expiresAt: "2026-01-01T00:00:00.000Z" })] }), { ip: "198.51.100.9", accessKey: ACCESS_KEY }, "credential_expired"],
    ["access key never bypasses roles", store({ key: true }), { ip: "198.51.100.9", accessKey: ACCESS_KEY, action: "AddClient" }, "action_not_allowed"],
    ["unknown action", store(), { action: "GetInvoicez" }, "unknown_action"],
    ["no roles", store({ creds: [cred({ roleIds: [] })] }), {}, "no_roles"],
    ["only a deleted role's id", store({ creds: [cred({ roleIds: ["gone"] })] }), {}, "no_roles"],
    ["a role with no grants", store({ creds: [cred({ roleIds: ["r-empty"] })] }), {}, "action_not_allowed"],
    ["action not granted", store(), { action: "AddClient" }, "action_not_allowed"],
    ["Category:* grant", store(), { action: "OpenTicket" }, "allowed"],
    ["* grant", store({ creds: [cred({ roleIds: ["r-all"] })] }), { action: "DeleteClient" }, "allowed"],
    ["* grant covers custom actions", store({ custom: true, creds: [cred({ roleIds: ["r-all"] })] }), { action: "mymodulesync" }, "allowed"],
    ["Category:* covers custom actions", store({ custom: true, creds: [cred({ roleIds: ["r-custom"] })] }), { action: "MyModuleSync" }, "allowed"],
    ["a removed custom action is unknown", store({ creds: [cred({ roleIds: ["r-custom"] })] }), { action: "MyModuleSync" }, "unknown_action"],
    ["previous secret inside its grace", store({ creds: [cred({ previousSecret: { hash: hashSecret(OLD_SECRET), until: "2026-06-01T12:00:00.001Z" } })] }), { secret: OLD_SECRET }, "allowed"],
    ["previous secret after its grace", store({ creds: [cred({ previousSecret: { hash: hashSecret(OLD_SECRET), until: "2026-06-01T12:00:00.000Z" } })] }), { secret: OLD_SECRET }, "bad_secret"],
    ["new secret during the grace", store({ creds: [cred({ previousSecret: { hash: hashSecret(OLD_SECRET), until: "2026-07-01T00:00:00.000Z" } })] }), { secret: SECRET }, "allowed"],
    ["first failure wins: expired and IP", store({ creds: [cred({ expiresAt: "2020-01-01T00:00:00.000Z" })] }), { ip: "198.51.100.9" }, "credential_expired"],
    ["first failure wins: disabled and bad secret", store({ disabled: true }), { secret: generateSecret() }, "bad_secret"],
    ["disabled credential", store({ creds: [cred({ disabled: true })] }), {}, "credential_disabled"],
    ["disabled credential, right secret", store({ creds: [cred({ disabled: true })] }), { secret: SECRET }, "credential_disabled"],
    ["disabled: false is enabled", store({ creds: [cred({ disabled: false })] }), {}, "allowed"],
    ["first failure wins: bad secret before disabled", store({ creds: [cred({ disabled: true })] }), { secret: generateSecret() }, "bad_secret"],
    ["first failure wins: disabled before a disabled admin", store({ disabled: true, creds: [cred({ disabled: true })] }), {}, "credential_disabled"],
    ["first failure wins: disabled before expired and IP", store({ creds: [cred({ disabled: true, expiresAt: "2020-01-01T00:00:00.000Z" })] }), { ip: "198.51.100.9" }, "credential_disabled"],
    ["access key never bypasses a disabled credential", store({ key: true, creds: [cred({ disabled: true })] }), { ip: "198.51.100.9", accessKey: ACCESS_KEY }, "credential_disabled"],
    ["pattern grant Get* allows a Get action", store({ creds: [cred({ roleIds: ["r-reader"] })] }), { action: "getclients" }, "allowed"],
    ["pattern grant Get* does not allow Add", store({ creds: [cred({ roleIds: ["r-reader"] })] }), { action: "AddClient" }, "action_not_allowed"],
    ["Billing:Get* allows a Billing Get action", store({ creds: [cred({ roleIds: ["r-billread"] })] }), { action: "GetInvoices" }, "allowed"],
    ["Billing:Get* stays inside Billing", store({ creds: [cred({ roleIds: ["r-billread"] })] }), { action: "GetClients" }, "action_not_allowed"],
    ["Billing:Get* does not allow a Billing write", store({ creds: [cred({ roleIds: ["r-billread"] })] }), { action: "AddTransaction" }, "action_not_allowed"],
    ["a pattern covers a custom action added later", store({ custom: true, creds: [cred({ roleIds: ["r-sync"] })] }), { action: "MyModuleSync" }, "allowed"],
  ];

  it.each(cases)("%s", (_name, doc, req, reason) => {
    for (const index of [false, true]) {
      const d = run(doc, req, index);
      expect(d.reason).toBe(reason);
      expect(d.allowed).toBe(reason === "allowed");
      expect(d.steps.map((s) => s.step)).toEqual(STEPS.map(([s]) => s));
      const firstFail = d.steps.find((s) => s.result === "fail");
      expect(firstFail ? STEPS.find(([s]) => s === firstFail.step)![1] : "allowed").toBe(reason);
    }
  });

  it("reaches every reason", () => {
    const reached = new Set(cases.map(([, , , r]) => r));
    for (const [, reason] of STEPS) expect(reached).toContain(reason);
  });
});

describe("decide: steps are skipped, never passed, when not evaluated", () => {
  it("skips secret and both IP steps without a secret or --ip", () => {
    expect(results(run(store()))).toEqual({
      credential: "pass", secret: "skipped", enabled: "pass", admin: "pass", expiry: "pass", ip_allowlist: "skipped",
      credential_ip: "skipped", action: "pass", roles: "pass", grant: "pass",
    });
  });

  it("an unknown credential skips what needs it but still checks the action", () => {
    expect(results(run(store(), { credential: "nope", ip: "198.51.100.9", secret: SECRET, action: "Nope" }))).toEqual({
      credential: "fail", secret: "skipped", enabled: "skipped", admin: "skipped", expiry: "skipped", ip_allowlist: "fail",
      credential_ip: "skipped", action: "fail", roles: "skipped", grant: "skipped",
    });
  });

  it("evaluates every step after a failure, like SPEC.md's example", () => {
    const d = run(store(), { ip: "198.51.100.9" });
    expect(results(d)).toEqual({
      credential: "pass", secret: "skipped", enabled: "pass", admin: "pass", expiry: "pass", ip_allowlist: "fail",
      credential_ip: "pass", action: "pass", roles: "pass", grant: "pass",
    });
    expect(d.steps[5]).toEqual({ step: "ip_allowlist", result: "fail", detail: "198.51.100.9 is not on the allowlist" });
    // Like SPEC.md's example, only failed steps carry a detail, unless the caller asks to explain.
    expect(d.steps.filter((s) => s.detail !== undefined).map((s) => s.step)).toEqual(["ip_allowlist"]);
    const explained = run(store(), { ip: "198.51.100.9", explain: true });
    expect(explained.steps.every((s) => typeof s.detail === "string" && s.detail !== "")).toBe(true);
    expect(explained.steps.map((s) => s.result)).toEqual(d.steps.map((s) => s.result));
    expect(d.matched).toEqual([]);
  });

  it("skips the enabled step without a credential, fails it for a disabled one with its name", () => {
    expect(results(run(store(), { credential: "nope" })).enabled).toBe("skipped");
    const d = run(store({ creds: [cred({ disabled: true })] }));
    expect(d.steps[2]).toEqual({ step: "enabled", result: "fail", detail: "credential ci is disabled" });
    expect(d.matched).toEqual([]);
  });

  it("lists the pattern grant that allows an action, as stored", () => {
    const d = run(store({ creds: [cred({ roleIds: ["r-reader", "r-billread"] })] }), { action: "GETINVOICES" });
    expect(d.matched).toEqual([{ role: "reader", grant: "Get*" }, { role: "billing-read", grant: "Billing:Get*" }]);
  });

  it("skips the grant step when the action is unknown or there are no roles", () => {
    expect(results(run(store(), { action: "Nope" })).grant).toBe("skipped");
    expect(results(run(store({ creds: [cred({ roleIds: [] })] }))).grant).toBe("skipped");
  });
});

describe("decide: the request path (complete) skips nothing for want of input", () => {
  it("a missing secret is bad_secret, a missing IP is ip_not_allowed", () => {
    const noSecret = run(store(), { ip: "203.0.113.7", complete: true });
    expect(noSecret.reason).toBe("bad_secret");
    expect(noSecret.steps[1]).toEqual({ step: "secret", result: "fail", detail: "no secret given" });
    const noIp = run(store(), { secret: SECRET, complete: true });
    expect(noIp.reason).toBe("ip_not_allowed");
    expect(results(noIp)).toMatchObject({ secret: "pass", ip_allowlist: "fail", credential_ip: "fail" });
    // even a valid access key does not stand in for a missing IP
    expect(run(store({ key: true }), { secret: SECRET, accessKey: ACCESS_KEY, complete: true }).reason).toBe("ip_not_allowed");
    expect(run(store(), { secret: SECRET, ip: "203.0.113.7", complete: true }).allowed).toBe(true);
  });

  it("an unknown credential still reports unknown_credential first", () => {
    expect(run(store(), { credential: "nope", complete: true }).reason).toBe("unknown_credential");
  });
});

describe("decide: the report", () => {
  it("lists every (role, grant) that allows the action, canonical names", () => {
    const d = run(store({ creds: [cred({ roleIds: ["r-billing", "r-all"] })] }), { action: "getinvoices", ip: "203.0.113.1" });
    expect(d).toMatchObject({
      allowed: true,
      reason: "allowed",
      credential: "A".repeat(32),
      action: "GetInvoices",
      ip: "203.0.113.1",
      matched: [{ role: "billing", grant: "GetInvoices" }, { role: "everything", grant: "*" }],
    });
    expect(d.accessKey).toBeUndefined();
  });

  it("reports the access key as valid or invalid when one is presented, and never the key", () => {
    const bypass = run(store({ key: true, allowlist: [] }), { ip: "198.51.100.9", accessKey: ACCESS_KEY, explain: true });
    expect(bypass.accessKey).toBe("valid");
    expect(bypass.steps[5]!.detail).toMatch(/access key/);
    const wrong = run(store({ key: true }), { ip: "198.51.100.9", accessKey: "not-the-key-0123456" });
    expect(wrong.accessKey).toBe("invalid");
    expect(wrong.steps[5]!.detail).toMatch(/access key given is invalid/);
    expect(JSON.stringify([bypass, wrong])).not.toContain(ACCESS_KEY);
  });

  it("never echoes a secret", () => {
    const d = run(store(), { secret: `${SECRET}x` });
    expect(JSON.stringify(d)).not.toContain(SECRET);
  });

  it("an IPv4-mapped client is reported in IPv6 form but matched as IPv4", () => {
    const d = run(store({ allowlist: ["203.0.113.7"] }), { ip: "::ffff:203.0.113.7" });
    expect(d.allowed).toBe(true);
    expect(d.ip).toBe("::ffff:203.0.113.7");
  });
});

describe("decide: a stored IP entry that cannot be read (a hand edit)", () => {
  it.each([
    ["a credential's IP limit", store({ creds: [cred({ ips: ["10.0.0.0/33"] })] }), /the IP limits of credential ci hold an invalid IP address or CIDR range "10\.0\.0\.0\/33"/],
    ["an allowlist entry", store({ allowlist: ["203.0.113.0/24", "nope"] }), /the IP allowlist hold an invalid IP address or CIDR range "nope"/],
  ])("%s: a store error (exit 5), never the request's fault and never skipped", (_what, doc, names) => {
    for (const index of [false, true]) {
      const snapshot = new Snapshot(doc, { index });
      for (const attempt of [() => decide(snapshot, { credential: "ci", action: "GetInvoices", ip: parseAddress("203.0.113.7"), now: NOW }), () => snapshot.compileIps()]) {
        let thrown: any;
        try {
          attempt();
        } catch (err) {
          thrown = err;
        }
        expect(thrown?.exitCode).toBe(5);
        expect(thrown.code).toBe("store_invalid");
        expect(thrown.message).toMatch(names);
      }
    }
  });

  it("compileIps passes a store whose entries all read, and decisions use what it compiled", () => {
    const snapshot = new Snapshot(store({ creds: [cred({ ips: ["10.0.0.0/8", "2001:db8::1"] })], allowlist: ["10.0.0.0/8", "2001:db8::/32"] }));
    expect(() => snapshot.compileIps()).not.toThrow();
    const at = (ip: string) => decide(snapshot, { credential: "ci", action: "GetInvoices", ip: parseAddress(ip), now: NOW }).reason;
    expect([at("10.1.2.3"), at("2001:db8::1"), at("2001:db8::2")]).toEqual(["allowed", "allowed", "ip_not_allowed_for_credential"]);
  });
});
