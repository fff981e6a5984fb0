import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

const WHMCS_KEY = /^[A-Za-z0-9!@#$%.()*[\]\-_]{40}$/;
const SUPPLIED = "Abcdefghijklmnop!@#$%.()*[]-_";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
});
afterEach(() => sb.cleanup());

/** Everything on disk that must never hold the key: the store and the audit log. */
function onDisk(): string {
  return (sb.storeText() ?? "") + sb.auditText();
}

function jsonError(stderr: string): { code: string; message: string } {
  return JSON.parse(stderr.trim().split("\n").pop()!).error;
}

describe("access-key set", () => {
  it("generates a key, prints it once on stdout with a warning on stderr, stores only its hash", () => {
    const r = sb.run(["access-key", "set"]);
    expect(r.code).toBe(0);
    const key = r.stdout.trim();
    expect(key).toMatch(WHMCS_KEY);
    expect(r.stdout).toBe(`${key}\n`);
    expect(r.stderr).toMatch(/shown only once/);
    expect(r.stderr).not.toContain(key);
    expect(onDisk()).not.toContain(key);
    const status = sb.ok(["access-key", "status"]);
    expect(status.set).toBe(true);
    expect(JSON.stringify(status)).not.toContain(key);
    expect(sb.run(["access-key", "status"]).stdout).not.toContain(key);
    expect(sb.run(["status"]).stdout).toMatch(/access key\s+set/);
  });

  it("prints the configuration.php line with --php", () => {
    const r = sb.run(["access-key", "set", "--php"]);
    expect(r.code).toBe(0);
    const [key, php] = r.stdout.trim().split("\n");
    expect(key).toMatch(WHMCS_KEY);
    expect(php).toBe(`$api_access_key = '${key}';`);
    expect(r.stderr).toMatch(/configuration\.php/);
  });

  it("--json gives accessKey, fingerprint, setAt (and php with --php) and no warning", () => {
    const r = sb.run(["access-key", "set", "--php", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const j = r.json();
    expect(j.accessKey).toMatch(WHMCS_KEY);
    expect(j.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(Date.parse(j.setAt)).not.toBeNaN();
    expect(j).toMatchObject({ generated: true, replaced: false, php: `$api_access_key = '${j.accessKey}';` });
    expect(sb.ok(["access-key", "status"])).toEqual({ set: true, setAt: j.setAt, fingerprint: j.fingerprint });
    expect(onDisk()).not.toContain(j.accessKey);
  });

  it("generates a different key each time", () => {
    const a = sb.ok(["access-key", "set"]).accessKey;
    const b = sb.ok(["access-key", "set", "--yes"]).accessKey;
    expect(a).not.toBe(b);
  });

  it("over an existing key needs --yes when not interactive (exit 2, key unchanged)", () => {
    const first = sb.ok(["access-key", "set"]);
    const r = sb.run(["access-key", "set"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/--yes required/);
    expect(sb.ok(["access-key", "status"]).fingerprint).toBe(first.fingerprint);
    const second = sb.ok(["access-key", "set", "--yes"]);
    expect(second.replaced).toBe(true);
    expect(second.fingerprint).not.toBe(first.fingerprint);
  });

  it("creates the store when it is the first command that writes", () => {
    const fresh = new Sandbox();
    try {
      expect(fresh.ok(["access-key", "set"]).accessKey).toMatch(WHMCS_KEY);
    } finally {
      fresh.cleanup();
    }
  });
});

describe("access-key set --stdin", () => {
  it("reads the key, trims one trailing newline only, and does not echo it back", () => {
    const r = sb.run(["access-key", "set", "--stdin"], { input: `${SUPPLIED}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/access key set \(fingerprint [0-9a-f]{8}\)/);
    expect(r.stderr).not.toContain(SUPPLIED);
    expect(onDisk()).not.toContain(SUPPLIED);
    // Two trailing newlines: the second one is part of the key, and whitespace is refused.
    const two = sb.run(["access-key", "set", "--stdin", "--yes"], { input: `${SUPPLIED}\n\n` });
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/whitespace at position 30/);
  });

  it("over an existing key needs --yes and never prompts: exit 2 naming --yes and --stdin, key unchanged", () => {
    const first = sb.ok(["access-key", "set"]);
    const r = sb.run(["access-key", "set", "--stdin"], { input: `${SUPPLIED}\n` });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/--yes required to replace the access key set .* with one from --stdin \(--stdin never asks/);
    expect(r.stderr).not.toContain(SUPPLIED);
    expect(sb.ok(["access-key", "status"]).fingerprint).toBe(first.fingerprint);
    const second = sb.ok(["access-key", "set", "--stdin", "--yes"], { input: `${SUPPLIED}\n` });
    expect(second).toMatchObject({ accessKey: SUPPLIED, replaced: true });
  });

  it("stores the same fingerprint whether or not the trailing newline was there", () => {
    const a = sb.ok(["access-key", "set", "--stdin"], { input: SUPPLIED });
    const b = sb.ok(["access-key", "set", "--stdin", "--yes"], { input: `${SUPPLIED}\r\n` });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a).toMatchObject({ accessKey: SUPPLIED, generated: false, replaced: false });
  });

  it("prints the PHP line when asked", () => {
    const r = sb.run(["access-key", "set", "--stdin", "--php"], { input: `${SUPPLIED}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`$api_access_key = '${SUPPLIED}';\n`);
  });

  it.each([
    ["", /no access key on stdin/],
    ["\n", /no access key on stdin/],
    ["tooshort\n", /8 characters long; it needs at least 16/],
    ["abcdefghijklmnop qrs\n", /whitespace at position 17/],
    [" abcdefghijklmnopqrs\n", /whitespace at position 1/],
    ["abcdefghijklmnop'qrs\n", /quote or backslash/],
    ["abcdefghijklmnop&qrs\n", /does not accept/],
    [`${"x".repeat(300)}\n`, /at most 256/],
  ])("rejects %j with exit 2 without echoing it", (input, message) => {
    const r = sb.run(["access-key", "set", "--stdin", "--json"], { input });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    const err = jsonError(r.stderr);
    expect(err.code).toBe("invalid_input");
    expect(err.message).toMatch(message);
    if (input.trim().length > 8) expect(r.stderr).not.toContain(input.trim().slice(0, 12));
    expect(sb.ok(["access-key", "status"]).set).toBe(false);
  });
});

describe("access-key rotate", () => {
  it("exits 3 when no key is set", () => {
    const r = sb.run(["access-key", "rotate", "--json"]);
    expect(r.code).toBe(3);
    expect(jsonError(r.stderr).message).toMatch(/access-key set/);
  });

  it("replaces the key: needs --yes, prints the new key once, with --php the line", () => {
    const old = sb.ok(["access-key", "set"]);
    expect(sb.run(["access-key", "rotate"]).code).toBe(2);
    const r = sb.run(["access-key", "rotate", "--php", "--yes"]);
    expect(r.code).toBe(0);
    const [key, php] = r.stdout.trim().split("\n");
    expect(key).toMatch(WHMCS_KEY);
    expect(key).not.toBe(old.accessKey);
    expect(php).toBe(`$api_access_key = '${key}';`);
    expect(r.stderr).toMatch(/shown only once/);
    const status = sb.ok(["access-key", "status"]);
    expect(status.fingerprint).not.toBe(old.fingerprint);
    expect(onDisk()).not.toContain(key!);
    expect(onDisk()).not.toContain(old.accessKey);
    const audit = sb.auditText();
    expect(audit).toContain('"command":"access-key rotate"');
    expect(audit).not.toContain(status.fingerprint);
  });
});

describe("access-key status", () => {
  it("says when none is set", () => {
    expect(sb.run(["access-key", "status"]).stdout).toBe("no access key set\n");
    expect(sb.ok(["access-key", "status"])).toEqual({ set: false, setAt: null, fingerprint: null });
  });

  it("shows when it was set and the fingerprint, never the key", () => {
    const set = sb.ok(["access-key", "set"]);
    const r = sb.run(["access-key", "status"]);
    expect(r.stdout).toBe(`access key set ${set.setAt} (fingerprint ${set.fingerprint})\n`);
    expect(r.stdout + r.stderr).not.toContain(set.accessKey);
  });

  it("needs an existing store (exit 5)", () => {
    const none = new Sandbox();
    try {
      expect(none.run(["access-key", "status"]).code).toBe(5);
    } finally {
      none.cleanup();
    }
  });
});

describe("access-key unset", () => {
  it("needs --yes when not interactive, then removes the key", () => {
    sb.ok(["access-key", "set"]);
    const refused = sb.run(["access-key", "unset"]);
    expect(refused.code).toBe(2);
    expect(sb.ok(["access-key", "status"]).set).toBe(true);
    const r = sb.run(["access-key", "unset", "--yes"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("removed the access key\n");
    expect(r.stderr).toMatch(/API is closed to every IP/);
    expect(sb.ok(["access-key", "status"]).set).toBe(false);
    expect(sb.storeDoc().accessKey).toBeNull();
  });

  it("is a no-op when no key is set", () => {
    expect(sb.ok(["access-key", "unset"])).toEqual({ unset: false });
    expect(sb.run(["access-key", "unset"]).stdout).toBe("no access key was set\n");
  });
});
