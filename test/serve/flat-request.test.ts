// The one-pass reading of a flat request body (src/serve/flat-request.ts) must come to exactly what
// the general way (strict JSON, then parseRequest) comes to: the same request, or the same refusal
// with the same message. It may only decline (undefined), and then the general way answers. Held
// here over hand-picked bodies and 30,000 generated ones, well-formed and damaged.
import { describe, expect, it } from "vitest";
import { parseJsonBody } from "../../src/serve/body.js";
import { parseFlatRequest } from "../../src/serve/flat-request.js";
import { parseRequest } from "../../src/serve/request.js";

type Outcome = { request: unknown } | { error: string; message: string; code: unknown };

function outcome(run: () => unknown): Outcome {
  try {
    return { request: run() };
  } catch (err) {
    const e = err as Error & { code?: unknown; status?: unknown };
    return { error: e.constructor.name, message: e.message, code: e.code ?? e.status };
  }
}

const general = (text: string): Outcome => outcome(() => parseRequest(parseJsonBody(text)));
/** What serve does: the one pass when it takes the body, else the general way. */
const served = (text: string): Outcome => {
  const flat = outcome(() => parseFlatRequest(text));
  return "request" in flat && flat.request === undefined ? general(text) : flat;
};

const SECRET = `apc_${"a".repeat(39)}`;

describe("parseFlatRequest", () => {
  it.each([
    ['{"credential":"ci","action":"GetClients","ip":"203.0.113.7","secret":"S"}'],
    ['{"credential":"ci","action":"GetClients"}'],
    [' \t\r\n{ "action" : "GetClients" ,\n"credential":"ci" , "ip":null,"secret":null,"accessKey":"k3y"} \n'],
    ['{"credential":"ünï","action":"Get\u{1F600}","ip":"2001:db8::1"}'],
  ])("takes the usual body %j and reads what the general way reads", (text) => {
    const body = text.replace("S", SECRET);
    expect(parseFlatRequest(body)).toBeDefined();
    expect(served(body)).toEqual(general(body));
  });

  it.each([
    ['{"credential":"ci","action":"GetClients","credential":"x"}', "a key twice"],
    ['{"credential":"ci","action":"GetClients","secert":"x"}', "an unknown key"],
    ['{"credential":"c\\"i","action":"GetClients"}', "an escape"],
    ['{"credential":"ci","action":"GetClients","ip":7}', "a number"],
    ['{"credential":"ci","action":{"a":1}}', "nesting"],
    ['{"credential":"ci","action":"GetClients"} x', "text after the object"],
    ['{"credential":"ci","action":"GetClients"', "no end"],
    ["{}", "an empty object"],
    ['[{"credential":"ci","action":"GetClients"}]', "an array"],
    ['{"credential":"ci",}', "a trailing comma"],
    ['{"credential":"ci","action":"Get\tClients"}', "a control character"],
    ['\u00a0{"credential":"ci","action":"GetClients"}', "a space JSON does not allow"],
    ['{"credential":"ci","action":"GetClients","ip":nul}', "a broken null"],
  ])("declines %j (%s): the general way answers", (text) => {
    expect(parseFlatRequest(text)).toBeUndefined();
  });

  it("refuses what the general way refuses, with its message: missing, too long, a bad address", () => {
    for (const text of [
      '{"credential":null,"action":"GetClients"}',
      '{"credential":"ci","action":""}',
      `{"credential":"ci","action":"GetClients","secret":"${"x".repeat(1025)}"}`,
      '{"credential":"ci","action":"GetClients","ip":"203.0.113.999"}',
      '{"credential":"ci","action":"GetClients","ip":"203.0.113.7/24"}',
    ]) {
      const want = general(text);
      expect(want).toHaveProperty("error");
      expect(served(text)).toEqual(want);
    }
  });

  it("comes to the general way's outcome on 30,000 generated bodies", () => {
    let a = 20261204;
    const rnd = () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const KEYS = ["credential", "action", "ip", "secret", "accessKey", "secert", "__proto__", "Credential", "ip ", ""];
    const STRINGS = ["ci", "GetClients", "203.0.113.7", "::ffff:203.0.113.7", "2001:db8::1", "300.1.1.1", "", " ", SECRET, "ünï", "x".repeat(1024), "x".repeat(1025), 'q\\"d', "a\\u0041", "t\tb", "\u{1F600}", "/", "a\\nb"];
    const SPACES = ["", "", "", " ", "\n", "\t", "\r\n", "\u00a0", "\f"];
    let taken = 0;
    for (let n = 0; n < 30_000; n++) {
      // Half are usual bodies (the five keys at most once each, in any order, JSON's own spaces,
      // plain values); half are wild (any key, repeats, odd spaces and values) and then damaged.
      const usual = n % 2 === 0;
      const keys = usual
        ? KEYS.slice(0, 5).filter(() => rnd() < 0.7).sort(() => rnd() - 0.5)
        : Array.from({ length: Math.floor(rnd() * 6) }, () => (rnd() < 0.8 ? pick(KEYS.slice(0, 5)) : pick(KEYS)));
      const sp = () => (usual ? pick(SPACES.slice(0, 7)) : pick(SPACES));
      const value = (): string => {
        if (usual ? rnd() < 0.9 : rnd() < 0.7) return `"${pick(usual ? STRINGS.filter((x) => !x.includes("\\")) : STRINGS)}"`;
        return usual ? "null" : pick(["null", "nul", "0", "-1.5", "true", "[]", '{"a":"b"}', '["x"]', '"unterminated']);
      };
      let text = `${sp()}{${sp()}${keys.map((k) => `"${k}"${sp()}:${sp()}${value()}${sp()}`).join(`,${sp()}`)}}${sp()}`;
      const damage = usual ? 1 : rnd();
      const at = Math.floor(rnd() * (text.length + 1));
      if (damage < 0.1) text = text.slice(0, at);
      else if (damage < 0.2) text = text.slice(0, at) + pick(['"', "}", "{", ",", ":", "\\", "x", "\u0000", " "]) + text.slice(at);
      else if (damage < 0.25) text = text.slice(0, at) + text.slice(at + 1);
      else if (damage < 0.3) text = `[${text}]`;
      const flat = outcome(() => parseFlatRequest(text));
      if (!("request" in flat && flat.request === undefined)) taken++;
      const got = served(text);
      const want = general(text);
      if (JSON.stringify(got) !== JSON.stringify(want)) expect({ text, got }).toEqual({ text, got: want });
    }
    // Most generated bodies are usual ones: the comparison above covered the one pass, not only its declining.
    expect(taken).toBeGreaterThan(12_000);
  });
});
