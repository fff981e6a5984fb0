import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";

let sb: Sandbox;
beforeEach(() => {
  sb = new Sandbox();
  sb.ok(["init"]);
});
afterEach(() => sb.cleanup());

function jsonError(stderr: string): { code: string; message: string } {
  return JSON.parse(stderr.trim().split("\n").pop()!).error;
}

describe("ip add", () => {
  it("stores the canonical form and reports it", () => {
    const added = sb.ok(["ip", "add", "2001:0DB8:0:0::/32", "--note", "office v6"]);
    expect(added).toMatchObject({ address: "2001:db8::/32", note: "office v6" });
    expect(Date.parse(added.addedAt)).not.toBeNaN();
    expect(sb.ok(["ip", "add", "10.0.0.1/32"]).address).toBe("10.0.0.1");
    const human = sb.run(["ip", "add", "203.0.113.7", "--note", "billing server"]);
    expect(human.code).toBe(0);
    expect(human.stdout).toBe("added 203.0.113.7 to the IP allowlist (billing server)\n");
  });

  it.each([
    ["010.0.0.1", /leading zero/],
    ["1.2.3", /exactly 4/],
    ["10.1", /exactly 4/],
    ["300.1.1.1", /out of range/],
    ["10.0.0.0/33", /\/33 is out of range/],
    ["::/129", /\/129 is out of range/],
    [" 10.0.0.1", /whitespace/],
    ["", /empty/],
    ["fe80::1%eth0", /zone id/],
    ["junk", /host names/],
    ["10.0.0.5/8", /host bits.*--normalize/],
  ])("rejects %j with exit 2 and says why", (input, message) => {
    const r = sb.run(["ip", "add", input]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error: invalid IP address or CIDR range/);
    expect(r.stderr).toMatch(message);
    const j = sb.run(["ip", "add", input, "--json"]);
    expect(j.code).toBe(2);
    expect(jsonError(j.stderr).code).toBe("invalid_input");
    expect(sb.ok(["ip", "list"])).toEqual([]);
  });

  it("normalises host bits with --normalize and says so", () => {
    const r = sb.run(["ip", "add", "10.0.0.5/8", "--normalize"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("added 10.0.0.0/8 to the IP allowlist\n");
    expect(r.stderr).toContain("normalised 10.0.0.5/8 to 10.0.0.0/8");
    const j = sb.ok(["ip", "add", "2001:db8::1/32", "--normalize"]);
    expect(j).toMatchObject({ address: "2001:db8::/32", normalizedFrom: "2001:db8::1/32" });
  });

  it("reports a duplicate in any spelling as a conflict (exit 4)", () => {
    sb.ok(["ip", "add", "10.0.0.0/8"]);
    sb.ok(["ip", "add", "2001:db8::1"]);
    for (const dup of ["10.0.0.0/8", "::ffff:10.0.0.0/104", "2001:DB8:0:0:0:0:0:1", "2001:db8::1/128"]) {
      const r = sb.run(["ip", "add", dup]);
      expect(r.code, dup).toBe(4);
      expect(r.stderr).toMatch(/already on the IP allowlist/);
    }
    expect(jsonError(sb.run(["ip", "add", "10.0.0.0/8", "--json"]).stderr).code).toBe("conflict");
    expect(sb.ok(["ip", "list"])).toHaveLength(2);
  });

  it("warns when a /0 opens a whole family", () => {
    const r = sb.run(["ip", "add", "0.0.0.0/0"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/allows every IPv4 address/);
  });

  it("rejects a note with a newline (exit 2)", () => {
    expect(sb.run(["ip", "add", "10.0.0.1", "--note", "a\nb"]).code).toBe(2);
  });
});

describe("ip list", () => {
  it("says plainly that an empty allowlist closes the API", () => {
    const r = sb.run(["ip", "list"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/the IP allowlist is empty and no access key is set: the API is closed to every IP/);
    expect(sb.ok(["ip", "list"])).toEqual([]);
    sb.ok(["access-key", "set"]);
    expect(sb.run(["ip", "list"]).stderr).toMatch(/every IP is denied unless the request presents the access key/);
  });

  it("lists address, note and when added, in the order added (tab-separated when piped)", () => {
    sb.ok(["ip", "add", "203.0.113.7", "--note", "billing"]);
    sb.ok(["ip", "add", "2001:db8::/32"]);
    const list = sb.ok(["ip", "list"]);
    expect(list.map((e: any) => [e.address, e.note])).toEqual([["203.0.113.7", "billing"], ["2001:db8::/32", ""]]);
    expect(Object.keys(list[0]).sort()).toEqual(["addedAt", "address", "note"]);
    const rows = sb.run(["ip", "list"]).stdout.trim().split("\n").map((l) => l.split("\t"));
    expect(rows.map((r) => r.slice(0, 2))).toEqual([["203.0.113.7", "billing"], ["2001:db8::/32", ""]]);
    expect(rows[0]![2]).toBe(list[0].addedAt);
  });

  it("status says so too", () => {
    expect(sb.run(["status"]).stderr).toMatch(/API is closed to every IP/);
  });
});

describe("ip note", () => {
  it("sets and clears a note, finding the entry in any spelling", () => {
    sb.ok(["ip", "add", "2001:db8::/32"]);
    expect(sb.ok(["ip", "note", "2001:DB8:0::/32", "office"])).toMatchObject({ address: "2001:db8::/32", note: "office" });
    expect(sb.run(["ip", "note", "2001:db8::/32", ""]).stdout).toBe("cleared the note of 2001:db8::/32\n");
    expect(sb.ok(["ip", "list"])[0].note).toBe("");
  });

  it("exits 3 for an unknown entry and 2 for an invalid one", () => {
    sb.ok(["ip", "add", "10.0.0.0/8"]);
    const r = sb.run(["ip", "note", "10.0.0.1", "x", "--json"]);
    expect(r.code).toBe(3);
    expect(jsonError(r.stderr).code).toBe("not_found");
    expect(sb.run(["ip", "note", "10.0.0.1/8", "x"]).code).toBe(2);
    expect(sb.run(["ip", "note", "10.0.0.0/8"]).code).toBe(2); // missing TEXT
  });
});

describe("ip remove", () => {
  beforeEach(() => {
    sb.ok(["ip", "add", "10.0.0.0/8"]);
    sb.ok(["ip", "add", "203.0.113.7"]);
    sb.ok(["ip", "add", "2001:db8::/32"]);
  });

  it("needs --yes when not interactive (exit 2, nothing removed)", () => {
    const r = sb.run(["ip", "remove", "10.0.0.0/8"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--yes required/);
    expect(sb.ok(["ip", "list"])).toHaveLength(3);
  });

  it("removes several entries in any spelling", () => {
    const out = sb.ok(["ip", "remove", "203.0.113.7/32", "2001:DB8::/32", "--yes"]);
    expect(out).toEqual({ removed: ["203.0.113.7", "2001:db8::/32"], remaining: 1 });
    expect(sb.ok(["ip", "list"]).map((e: any) => e.address)).toEqual(["10.0.0.0/8"]);
  });

  it("is all or nothing: an unknown entry exits 3, an invalid one 2, and nothing is removed", () => {
    const r = sb.run(["ip", "remove", "10.0.0.0/8", "192.0.2.1", "--yes"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/192\.0\.2\.1 is not on the IP allowlist/);
    expect(sb.run(["ip", "remove", "10.0.0.0/8", "010.0.0.1", "--yes"]).code).toBe(2);
    expect(sb.ok(["ip", "list"])).toHaveLength(3);
  });

  it("warns when the allowlist becomes empty", () => {
    const r = sb.run(["ip", "rm", "10.0.0.0/8", "203.0.113.7", "2001:db8::/32", "--yes"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/removed 3 entries/);
    expect(r.stderr).toMatch(/API is closed to every IP/);
  });

  it("records each removal in the audit log", () => {
    sb.ok(["ip", "remove", "10.0.0.0/8", "--yes"]);
    const events = sb.auditText().trim().split("\n").map((l) => JSON.parse(l));
    expect(events.at(-1)).toMatchObject({ command: "ip remove", object: "ip:10.0.0.0/8", change: { removed: true } });
  });
});

describe("ip test", () => {
  beforeEach(() => {
    sb.ok(["ip", "add", "10.0.0.0/8", "--note", "office"]);
    sb.ok(["ip", "add", "10.1.0.0/16"]);
    sb.ok(["ip", "add", "::/0"]);
  });

  it("exits 0 with the matching entry (the most specific)", () => {
    const r = sb.run(["ip", "test", "10.2.3.4"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("10.2.3.4 is allowed by 10.0.0.0/8 (office)\n");
    const j = sb.run(["ip", "test", "10.1.2.3", "--json"]);
    expect(j.code).toBe(0);
    expect(j.json()).toMatchObject({ ip: "10.1.2.3", matched: true, entry: "10.1.0.0/16" });
  });

  it("matches an IPv4-mapped IPv6 client against IPv4 entries", () => {
    const j = sb.run(["ip", "test", "::FFFF:10.1.2.3", "--json"]);
    expect(j.code).toBe(0);
    expect(j.json()).toMatchObject({ ip: "::ffff:10.1.2.3", entry: "10.1.0.0/16" });
  });

  it("exits 1 when nothing matches; ::/0 never matches IPv4", () => {
    const r = sb.run(["ip", "test", "192.0.2.1"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("192.0.2.1 is not on the IP allowlist\n");
    const j = sb.run(["ip", "test", "::ffff:192.0.2.1", "--json"]);
    expect(j.code).toBe(1);
    expect(j.json()).toMatchObject({ matched: false, entry: null });
    expect(sb.run(["ip", "test", "2001:db8::1"]).code).toBe(0);
  });

  it.each(["10.0.0.0/8", "010.0.0.1", "1.2.3", "fe80::1%eth0", "nope", " 10.0.0.1"])("exits 2 for %j", (input) => {
    const r = sb.run(["ip", "test", input, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(jsonError(r.stderr).code).toBe("invalid_input");
  });

  it("on an empty allowlist denies everything, and says the access key is the only way in", () => {
    const empty = new Sandbox();
    try {
      empty.ok(["init"]);
      const r = empty.run(["ip", "test", "10.0.0.1"]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/API is closed to every IP/);
      empty.ok(["access-key", "set"]);
      expect(empty.run(["ip", "test", "10.0.0.1"]).stdout).toMatch(/only a request presenting the access key gets through/);
    } finally {
      empty.cleanup();
    }
  });

  it("needs an existing store (exit 5)", () => {
    const none = new Sandbox();
    try {
      expect(none.run(["ip", "test", "10.0.0.1"]).code).toBe(5);
      expect(none.run(["ip", "list"]).code).toBe(5);
    } finally {
      none.cleanup();
    }
  });
});
