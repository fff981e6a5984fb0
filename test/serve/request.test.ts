// The request path parses a client address once per text and reuses it (src/serve/request.ts,
// parseClientAddress): the answer must always be parseAddress's, errors included, and a reused
// address must not be open to change by whoever holds it.
import { describe, expect, it } from "vitest";
import { parseAddress } from "../../src/core/ip.js";
import { parseClientAddress } from "../../src/serve/request.js";

const message = (run: () => unknown): string => {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  return "no error";
};

describe("parseClientAddress", () => {
  it.each(["203.0.113.7", "2001:db8::1", "2001:DB8:0:0:0:0:0:1", "::ffff:203.0.113.7", "::", "0.0.0.0"])("%s: parseAddress's answer, the first time and again", (text) => {
    const first = parseClientAddress(text);
    expect(first).toEqual(parseAddress(text));
    expect(parseClientAddress(text)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    if ("words" in first && first.words) expect(Object.isFrozen(first.words)).toBe(true);
  });

  it.each(["203.0.113.999", "203.0.113.7/24", "", " 203.0.113.7", "example.com", "1:2:3:4:5:6:7:8:9"])("%j: refused as parseAddress refuses it, every time", (text) => {
    const want = message(() => parseAddress(text));
    expect(want).not.toBe("no error");
    expect(message(() => parseClientAddress(text))).toBe(want);
    expect(message(() => parseClientAddress(text))).toBe(want);
  });

  it("stays right past the number of addresses it keeps", () => {
    for (let i = 0; i < 3000; i++) {
      const text = i % 2 ? `10.${(i >> 8) & 255}.${i & 255}.${i % 7}` : `2001:db8::${i.toString(16)}`;
      expect(parseClientAddress(text)).toEqual(parseAddress(text));
    }
    expect(parseClientAddress("203.0.113.7")).toEqual(parseAddress("203.0.113.7"));
  });
});
