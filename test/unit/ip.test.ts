import { isIP } from "node:net";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import {
  canonicalIp,
  compileMatcher,
  coverageKey,
  credentialIpStep,
  parseAddress,
  parseIpOrCidr,
} from "../../src/core/ip.js";

// [input, canonical]
const VALID: [string, string][] = [
  ["10.0.0.1", "10.0.0.1"],
  ["0.0.0.0", "0.0.0.0"],
  ["255.255.255.255", "255.255.255.255"],
  ["192.0.2.7", "192.0.2.7"],
  ["10.0.0.1/32", "10.0.0.1"],
  ["10.0.0.0/8", "10.0.0.0/8"],
  ["0.0.0.0/0", "0.0.0.0/0"],
  ["192.168.1.128/25", "192.168.1.128/25"],
  ["100.64.0.0/10", "100.64.0.0/10"],
  ["203.0.113.0/24", "203.0.113.0/24"],
  ["::", "::"],
  ["::1", "::1"],
  ["::/0", "::/0"],
  ["::1/128", "::1"],
  ["2001:DB8::1", "2001:db8::1"],
  ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
  ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"], // first of two equal runs
  ["2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"], // a single zero group is not compressed
  ["2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"],
  ["1:0:0:0:0:0:0:0", "1::"],
  ["0:0:0:0:0:0:0:1", "::1"],
  ["1:0:0:2:0:0:0:3", "1:0:0:2::3"], // the longest run wins
  ["FE80::ABCD", "fe80::abcd"],
  ["2001:db8::/32", "2001:db8::/32"],
  ["2001:DB8:0::/48", "2001:db8::/48"],
  ["fe80::/10", "fe80::/10"],
  ["1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
  ["1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"],
  ["::ffff:10.0.0.1", "::ffff:10.0.0.1"],
  ["::FFFF:a00:1", "::ffff:10.0.0.1"],
  ["0:0:0:0:0:ffff:192.0.2.1", "::ffff:192.0.2.1"],
  ["::ffff:10.0.0.0/104", "::ffff:10.0.0.0/104"],
  ["::ffff:10.0.0.1/128", "::ffff:10.0.0.1"],
  ["1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"],
  ["64:ff9b::192.0.2.33", "64:ff9b::c000:221"],
];

// [input, part of the message]
const INVALID: [string, RegExp][] = [
  ["010.0.0.1", /leading zero/],
  ["10.0.0.01", /leading zero/],
  ["00.0.0.0", /leading zero/],
  ["1.2.3", /exactly 4/],
  ["10.1", /exactly 4/],
  ["10", /exactly 4/],
  ["1.2.3.4.5", /exactly 4/],
  ["1..2.3", /empty number/],
  ["1.2.3.", /empty number/],
  ["300.1.1.1", /out of range/],
  ["1.2.3.256", /out of range/],
  ["1.2.3.1000", /out of range/],
  ["10.0.0.0/33", /\/33 is out of range/],
  ["::/129", /\/129 is out of range/],
  ["10.0.0.0/", /prefix length after the \/ is missing/],
  ["/8", /address before the \/ is missing/],
  ["10.0.0.0/08", /leading zero/],
  ["10.0.0.0/-1", /not a number/],
  ["10.0.0.0/8/8", /not a number/],
  ["10.0.0.0/ 8", /whitespace/],
  [" 10.0.0.1", /surrounding whitespace/],
  ["10.0.0.1 ", /surrounding whitespace/],
  ["10.0.0.1\n", /surrounding whitespace/],
  ["\t::1", /surrounding whitespace/],
  ["", /empty/],
  ["fe80::1%eth0", /zone id/],
  ["fe80::1%1", /zone id/],
  ["10.0.0.1%eth0", /zone id/],
  ["[::1]", /brackets/],
  ["junk", /host names are not allowed/],
  ["example.com", /host names are not allowed/],
  ["10.0.0.1:80", /last part/],
  ["0x0a.0.0.1", /host names|not a decimal/],
  ["１.2.3.4", /not an IP address/],
  ["1.2.3.4a", /host names/],
  // The core names the network; the --normalize hint is the command line's (test/unit/hints.test.ts).
  ["10.0.0.5/8", /host bits are set after \/8; the network is 10\.0\.0\.0\/8$/],
  ["192.168.1.1/24", /host bits/],
  ["2001:db8::1/32", /host bits.*2001:db8::\/32/],
  ["::ffff:10.0.0.1/104", /host bits/],
  ["1:::2", /stray colon|empty group/],
  ["1::2::3", /only once/],
  [":1::2", /empty group/],
  ["1::2:", /empty group/],
  ["1:2:3:4:5:6:7:8:9", /8 groups/],
  ["1:2:3:4:5:6:7", /8 groups/],
  ["1:2:3:4:5:6:7:8::", /too many groups/],
  ["12345::1", /more than 4 hex digits/],
  ["g::1", /only hex digits/],
  ["::1.2.3", /embedded IPv4.*exactly 4/],
  ["::010.0.0.1", /embedded IPv4.*leading zero/],
  ["1.2.3.4::", /embedded IPv4 address may only be the last part/],
  ["::1.2.3.4:5", /embedded IPv4 address may only be the last part/],
  ["1.2.3.4::1.2.3.4", /embedded IPv4 address may only be the last part/],
  ["::ffff:1.2.3.4::1.2.3.4", /"::" may appear only once/],
  ["1:2:3:4:5:6:7:1.2.3.4", /8 groups/],
  ["a".repeat(200), /too long/],
];

function rejects(input: string, options?: { normalize?: boolean }): UsageError {
  try {
    parseIpOrCidr(input, options);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return err as UsageError;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe("parseIpOrCidr: valid input and its canonical form", () => {
  it.each(VALID)("%j → %s", (input, canonical) => {
    expect(parseIpOrCidr(input).canonical).toBe(canonical);
    // The canonical form is a fixed point.
    expect(parseIpOrCidr(canonical).canonical).toBe(canonical);
  });

  it.each(VALID)("agrees with net.isIP on %j", (input) => {
    const address = input.split("/")[0]!;
    const p = parseIpOrCidr(input);
    expect(isIP(address)).toBe(p.family);
    expect(isIP(p.canonical.split("/")[0]!)).toBe(p.family);
  });
});

describe("parseIpOrCidr: rejections", () => {
  it.each(INVALID)("rejects %j", (input, message) => {
    const err = rejects(input);
    expect(err.exitCode).toBe(2);
    expect(err.code).toBe("invalid_input");
    expect(err.message).toMatch(message);
  });

  it("net.isIP rejects these addresses too, except zone ids (rejected here on purpose)", () => {
    for (const [input] of INVALID) {
      if (input.includes("/")) continue;
      if (isIP(input) !== 0) {
        // Only zone ids are valid for net.isIP and rejected on purpose here.
        expect(input).toContain("%");
      }
    }
  });

  it("has at least 60 table cases", () => {
    expect(VALID.length + INVALID.length).toBeGreaterThanOrEqual(60);
  });
});

describe("generated input: agrees with net.isIP, and with WHATWG URL's IPv6 serialisation", () => {
  let seed = 3;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0), (seed >>> 8) % n);

  it("IPv6-looking strings", () => {
    let accepted = 0;
    for (let t = 0; t < 20000; t++) {
      const n = 1 + rand(9);
      const groups: string[] = [];
      for (let i = 0; i < n; i++) {
        let g = "";
        for (let k = rand(6); k > 0; k--) g += rand(3) ? "0" : "0123456789abcdefABCDEF"[rand(22)];
        groups.push(g);
      }
      let text = groups.join(":");
      if (rand(2)) text = rand(2) ? `::${text}` : text.replace(":", "::");
      let ours: string | null = null;
      try {
        ours = parseIpOrCidr(text).canonical;
        accepted++;
      } catch {
        ours = null;
      }
      const valid = isIP(text) === 6;
      expect(ours !== null, text).toBe(valid);
      if (ours !== null) {
        const hex = (a: string) => new URL(`http://[${a}]`).hostname;
        expect(hex(ours), text).toBe(hex(text));
        // URL compresses like RFC 5952 but never uses the mixed notation we keep for IPv4-mapped addresses.
        if (ours.includes(".")) expect(ours).toMatch(/^::ffff:\d/);
        else expect(ours).toBe(hex(text).slice(1, -1));
      }
    }
    expect(accepted).toBeGreaterThan(1000);
  });

  it("IPv4-looking strings", () => {
    let accepted = 0;
    for (let t = 0; t < 20000; t++) {
      const n = rand(3) ? 4 : 1 + rand(6);
      const parts: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = rand(10);
        parts.push(r < 8 ? String(rand(300)) : r < 9 ? `0${rand(30)}` : "");
      }
      const text = parts.join(".");
      let ours: string | null = null;
      try {
        ours = parseIpOrCidr(text).canonical;
        accepted++;
      } catch {
        ours = null;
      }
      expect(ours !== null, text).toBe(isIP(text) === 4);
      if (ours !== null) expect(ours).toBe(text);
    }
    expect(accepted).toBeGreaterThan(1000);
  });
});

describe("--normalize", () => {
  it.each([
    ["10.0.0.5/8", "10.0.0.0/8"],
    ["192.168.1.77/24", "192.168.1.0/24"],
    ["255.255.255.255/0", "0.0.0.0/0"],
    ["2001:db8::1/32", "2001:db8::/32"],
    ["2001:db8:ffff:ffff::1/33", "2001:db8:8000::/33"],
    ["::ffff:10.1.2.3/104", "::ffff:10.0.0.0/104"],
  ])("%s → %s and says it normalised", (input, canonical) => {
    const p = parseIpOrCidr(input, { normalize: true });
    expect(p.canonical).toBe(canonical);
    expect(p.normalizedFrom).toBe(input);
  });

  it("does not report normalisation when nothing changed", () => {
    expect(parseIpOrCidr("10.0.0.0/8", { normalize: true }).normalizedFrom).toBeUndefined();
    expect(parseIpOrCidr("10.0.0.1/32", { normalize: true }).normalizedFrom).toBeUndefined();
  });

  it("still rejects everything else", () => {
    expect(rejects("010.0.0.0/8", { normalize: true }).message).toMatch(/leading zero/);
    expect(rejects("10.0.0.0/33", { normalize: true }).message).toMatch(/out of range/);
  });
});

describe("canonical form finds duplicates whatever the spelling", () => {
  it.each([
    ["2001:db8::1", "2001:0DB8:0:0:0:0:0:1"],
    ["10.0.0.1", "10.0.0.1/32"],
    ["::1", "0:0:0:0:0:0:0:1/128"],
    ["::ffff:10.0.0.1", "::ffff:a00:1"],
  ])("%s = %s", (a, b) => {
    expect(canonicalIp(a)).toBe(canonicalIp(b));
  });

  it("coverageKey also equates an IPv4 entry with its IPv4-mapped spelling", () => {
    expect(coverageKey("10.0.0.1")).toBe(coverageKey("::ffff:10.0.0.1"));
    expect(coverageKey("10.0.0.0/8")).toBe(coverageKey("::ffff:10.0.0.0/104"));
    expect(coverageKey("10.0.0.0/8")).not.toBe(coverageKey("10.0.0.0/9"));
    expect(coverageKey("::/0")).not.toBe(coverageKey("0.0.0.0/0"));
    expect(coverageKey("2001:db8::/32")).toBe(coverageKey("2001:DB8:0::/32"));
  });
});

describe("parseAddress", () => {
  it("parses IPv4, IPv6 and IPv4-mapped addresses", () => {
    expect(parseAddress("10.0.0.1")).toMatchObject({ family: 4, canonical: "10.0.0.1", v4: 0x0a000001 });
    expect(parseAddress("::ffff:10.0.0.1")).toMatchObject({ family: 6, canonical: "::ffff:10.0.0.1", v4: 0x0a000001 });
    expect(parseAddress("2001:DB8::1")).toMatchObject({ family: 6, canonical: "2001:db8::1", v4: undefined });
  });

  it.each(["10.0.0.0/8", "10.0.0.1/32", "010.0.0.1", "1.2.3", "", " 1.2.3.4", "fe80::1%eth0", "nope"])("rejects %j", (input) => {
    expect(() => parseAddress(input)).toThrow(UsageError);
  });

  it("names a CIDR as the problem", () => {
    expect(() => parseAddress("10.0.0.0/8")).toThrow(/single address, not a CIDR/);
  });
});

describe("compileMatcher", () => {
  const entries = ["10.0.0.0/8", "10.1.0.0/16", "203.0.113.7", "2001:db8::/32", "2001:db8:1::1", "::ffff:192.168.0.0/112"];
  const match = compileMatcher(entries);

  // [address, expected entry or undefined]
  const CASES: [string, string | undefined][] = [
    ["10.2.3.4", "10.0.0.0/8"],
    ["10.1.2.3", "10.1.0.0/16"], // the most specific entry
    ["10.255.255.255", "10.0.0.0/8"],
    ["11.0.0.0", undefined],
    ["9.255.255.255", undefined],
    ["203.0.113.7", "203.0.113.7"],
    ["203.0.113.8", undefined],
    ["::ffff:10.1.2.3", "10.1.0.0/16"], // IPv4-mapped matches the IPv4 entry
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["::ffff:cb00:7107", "203.0.113.7"],
    ["192.168.4.4", "::ffff:192.168.0.0/112"], // IPv4 matches an IPv4-mapped entry
    ["::ffff:192.168.4.4", "::ffff:192.168.0.0/112"],
    ["192.169.0.0", undefined],
    ["2001:db8::5", "2001:db8::/32"],
    ["2001:db8:1::1", "2001:db8:1::1"],
    ["2001:db9::1", undefined],
    ["::a00:1", undefined], // IPv4-compatible (not mapped) is plain IPv6
    ["::1", undefined],
  ];
  it.each(CASES)("%s → %s", (address, expected) => {
    expect(match(address)).toBe(expected);
    expect(match(parseAddress(address))).toBe(expected);
  });

  it("never lets IPv6 entries match IPv4 clients, nor IPv4 entries match IPv6 clients", () => {
    const v6all = compileMatcher(["::/0"]);
    expect(v6all("10.0.0.1")).toBeUndefined();
    expect(v6all("::ffff:10.0.0.1")).toBeUndefined();
    expect(v6all("2001:db8::1")).toBe("::/0");
    expect(v6all("::")).toBe("::/0");
    const v4all = compileMatcher(["0.0.0.0/0"]);
    expect(v4all("8.8.8.8")).toBe("0.0.0.0/0");
    expect(v4all("::ffff:8.8.8.8")).toBe("0.0.0.0/0");
    expect(v4all("2001:db8::1")).toBeUndefined();
    expect(v4all("::")).toBeUndefined();
    // An IPv6 range wider than ::ffff:0:0/96 stays IPv6.
    expect(compileMatcher(["::fffe:0:0/95"])("10.0.0.1")).toBeUndefined();
    expect(compileMatcher(["::ffff:0:0/96"])("10.0.0.1")).toBe("::ffff:0:0/96");
  });

  it("matches on the exact CIDR boundaries", () => {
    const m = compileMatcher(["192.168.1.128/25", "2001:db8:8000::/33"]);
    expect(m("192.168.1.127")).toBeUndefined();
    expect(m("192.168.1.128")).toBe("192.168.1.128/25");
    expect(m("192.168.1.255")).toBe("192.168.1.128/25");
    expect(m("2001:db8:7fff:ffff:ffff:ffff:ffff:ffff")).toBeUndefined();
    expect(m("2001:db8:8000::")).toBe("2001:db8:8000::/33");
    expect(m("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")).toBe("2001:db8:8000::/33");
  });

  it("matches nothing when empty, and rejects an invalid address", () => {
    const m = compileMatcher([]);
    expect(m("10.0.0.1")).toBeUndefined();
    expect(() => m("010.0.0.1")).toThrow(UsageError);
  });

  it("rejects an invalid entry at compile time", () => {
    expect(() => compileMatcher(["10.0.0.0/8", "junk"])).toThrow(UsageError);
  });

  it("agrees with a brute-force check on random addresses", () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed);
    const nets: [number, number][] = [];
    for (let i = 0; i < 200; i++) {
      const p = rand() % 33;
      const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
      nets.push([(rand() & mask) >>> 0, p]);
    }
    const fmt = (v: number) => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
    const list = nets.map(([n, p]) => canonicalIp(`${fmt(n)}/${p}`));
    const m = compileMatcher(list);
    for (let i = 0; i < 2000; i++) {
      const a = i % 2 ? rand() : (nets[i % nets.length]![0] | (rand() & 0xff)) >>> 0;
      const hits = nets.filter(([n, p]) => p === 0 || a >>> (32 - p) === n >>> (32 - p));
      const got = m(fmt(a));
      if (hits.length === 0) expect(got).toBeUndefined();
      else expect(Math.max(...hits.map(([, p]) => p))).toBe(parseIpOrCidr(got!).prefix);
    }
  });

  it("agrees with a brute-force check on random nested and disjoint IPv6 ranges", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0), seed >>> 8);
    const bases = [0x20010db8, 0x20010db9, 0xfd000000];
    const nets: { words: number[]; prefix: number }[] = [];
    const maskOf = (bits: number) => (bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0);
    const randomAddress = () => [bases[rand() % 3]!, rand() % 4, rand() % 3 ? 0 : rand(), rand() % 4];
    for (let i = 0; i < 300; i++) {
      const prefix = [16, 32, 33, 34, 48, 64, 65, 96, 127, 128][rand() % 10]!;
      const words = randomAddress().map((w, k) => (w & maskOf(prefix - 32 * k)) >>> 0);
      nets.push({ words, prefix });
    }
    const hex = (w: number[]) => w.flatMap((x) => [(x >>> 16).toString(16), (x & 0xffff).toString(16)]).join(":");
    const m = compileMatcher(nets.map((n) => `${hex(n.words)}/${n.prefix}`));
    const contains = (n: { words: number[]; prefix: number }, a: number[]) =>
      n.words.every((w, k) => ((a[k]! & maskOf(n.prefix - 32 * k)) >>> 0) === w);
    let matched = 0;
    for (let i = 0; i < 3000; i++) {
      const a = randomAddress();
      const hits = nets.filter((n) => contains(n, a));
      const got = m(hex(a));
      if (hits.length === 0) expect(got).toBeUndefined();
      else {
        matched++;
        expect(got).toBeDefined();
        expect(parseIpOrCidr(got!).prefix).toBe(Math.max(...hits.map((n) => n.prefix)));
        expect(contains(rangeWords(got!), a)).toBe(true);
      }
    }
    expect(matched).toBeGreaterThan(300);
  });

  it("stays fast with thousands of entries", () => {
    const list: string[] = [];
    for (let i = 0; i < 5000; i++) {
      list.push(`10.${(i >> 8) & 255}.${i & 255}.0/24`, `2001:db8:${i.toString(16)}::/48`);
      if (i % 10 === 0) list.push(`172.16.${i & 255}.${(i >> 8) & 255}`);
    }
    // The worst case for prefix-length tables: every prefix length present.
    for (let p = 15; p <= 32; p++) list.push(canonicalIp(`198.18.0.0/${p}`, { normalize: true }));
    for (let p = 8; p <= 128; p++) list.push(canonicalIp(`fd00::/${p}`));
    const m = compileMatcher(list);
    const addrs = ["10.3.7.9", "192.0.2.1", "2001:db8:ff::1", "2001:db9::1", "::ffff:10.1.1.1"].map(parseAddress);
    const n = 200_000;
    const t0 = performance.now();
    let hits = 0;
    for (let i = 0; i < n; i++) if (m(addrs[i % addrs.length]!) !== undefined) hits++;
    const perOp = ((performance.now() - t0) * 1000) / n; // µs
    expect(hits).toBe((n / 5) * 3);
    expect(perOp).toBeLessThan(5); // budget: 100k decisions/s leaves 10 µs for everything
  });
});

/** The network words and prefix of a canonical IPv6 entry, from its text (test helper). */
function rangeWords(entry: string): { words: number[]; prefix: number } {
  const p = parseIpOrCidr(entry);
  const [addr] = p.canonical.split("/");
  const groups = new URL(`http://[${addr}]`).hostname.slice(1, -1);
  const full = groups.includes("::")
    ? (() => {
        const [h, t] = groups.split("::");
        const head = h ? h.split(":") : [];
        const tail = t ? t.split(":") : [];
        return [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail];
      })()
    : groups.split(":");
  const g = full.map((x) => parseInt(x, 16));
  return { words: [0, 2, 4, 6].map((i) => (g[i]! * 65536 + g[i + 1]!) >>> 0), prefix: p.prefix };
}

describe("credentialIpStep", () => {
  it("skips without an address, passes without restrictions, else matches", () => {
    expect(credentialIpStep(undefined, ["10.0.0.0/8"]).result).toBe("skipped");
    expect(credentialIpStep(parseAddress("1.2.3.4"), []).result).toBe("pass");
    expect(credentialIpStep(parseAddress("10.1.2.3"), ["10.0.0.0/8"])).toMatchObject({ result: "pass", entry: "10.0.0.0/8" });
    expect(credentialIpStep(parseAddress("11.1.2.3"), ["10.0.0.0/8"]).result).toBe("fail");
  });
});
