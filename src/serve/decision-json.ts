// A Decision as JSON text, byte for byte what JSON.stringify(decision) gives, built faster: the
// steps of a decision are almost always `{"step":…,"result":…}` without a detail (only a failed step
// carries one on the request path), so each of those 30 pieces is built once, and an allowed
// decision's ten steps are one constant string. Strings that come from the request or the store
// (credential, action, names, details) still go through JSON.stringify, which escapes them.
// test/serve/decision-json.test.ts holds it to JSON.stringify over decisions of every reason.
import { type Decision, type Step, STEPS } from "../core/decide.js";

const RESULTS = ["pass", "fail", "skipped"] as const;

/**
 * JSON.stringify of a string, exactly: printable ASCII other than `"` and `\\` is written as it is
 * (identifiers, action names, role names, addresses), anything else goes to JSON.stringify. The scan
 * takes a third of the time of JSON.stringify on a 32-character identifier.
 */
function jsonString(text: string): string {
  if (typeof text !== "string") return JSON.stringify(text);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || code > 0x7e) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/** `[{"role":…,"grant":…},…]` as JSON.stringify writes matches of that shape; other shapes go to it. */
function matchedJson(matched: Decision["matched"]): string {
  let out = "[";
  for (let i = 0; i < matched.length; i++) {
    const m = matched[i]!;
    let n = 0;
    for (const key in m) {
      if (n === 0 ? key !== "role" : n === 1 ? key !== "grant" : true) return JSON.stringify(matched);
      n++;
    }
    if (n !== 2 || typeof m.role !== "string" || typeof m.grant !== "string") return JSON.stringify(matched);
    out += `${i === 0 ? "" : ","}{"role":${jsonString(m.role)},"grant":${jsonString(m.grant)}}`;
  }
  return `${out}]`;
}

/** `{"step":"credential","result":"pass"}` and the like, by step and result. */
const PLAIN = new Map<string, Map<string, string>>(
  STEPS.map(([step]) => [step, new Map(RESULTS.map((result) => [result, JSON.stringify({ step, result })]))]),
);

/** `"steps":[…]` of an allowed decision without details: every step passed. */
const ALL_PASSED = `"steps":[${STEPS.map(([step]) => PLAIN.get(step)!.get("pass")!).join(",")}]`;

/**
 * Whether a step is exactly `{step, result}` in that order. for…in rather than Object.keys: no array
 * per step (V8 caches the keys of an object's shape).
 */
function plain(s: Step): boolean {
  let n = 0;
  for (const key in s) {
    if (n === 0 ? key !== "step" : n === 1 ? key !== "result" : true) return false;
    n++;
  }
  return n === 2;
}

function stepJson(s: Step): string {
  // A step of another shape (a detail, another key order) goes the slow, exact way.
  const text = plain(s) ? PLAIN.get(s.step)?.get(s.result) : undefined;
  return text ?? JSON.stringify(s);
}

function stepsJson(steps: readonly Step[]): string {
  let allPassed = steps.length === STEPS.length;
  for (let i = 0; allPassed && i < steps.length; i++) {
    const s = steps[i]!;
    allPassed = s.result === "pass" && s.step === STEPS[i]![0] && plain(s);
  }
  if (allPassed) return ALL_PASSED;
  let out = '"steps":[';
  for (let i = 0; i < steps.length; i++) out += (i === 0 ? "" : ",") + stepJson(steps[i]!);
  return `${out}]`;
}

/** The keys of a Decision in the order decide() writes them; anything else is serialised by JSON.stringify. */
const KEYS = ["allowed", "reason", "credential", "action", "ip", "matched", "steps"];

function ownShape(d: Decision): boolean {
  let n = 0;
  for (const key in d) {
    if (n < KEYS.length ? key !== KEYS[n] : n > KEYS.length || key !== "accessKey") return false;
    n++;
  }
  // An accessKey key holding undefined is left out by JSON.stringify: the slow way for that too.
  return n === KEYS.length || (n === KEYS.length + 1 && typeof d.accessKey === "string");
}

export function decisionJson(d: Decision): string {
  if (!ownShape(d)) return JSON.stringify(d);
  let out = `{"allowed":${d.allowed},"reason":${jsonString(d.reason)},"credential":${jsonString(d.credential)},"action":${jsonString(d.action)},"ip":${d.ip === null ? "null" : jsonString(d.ip)},"matched":`;
  out += d.matched.length === 0 ? "[]" : matchedJson(d.matched);
  out += `,${stepsJson(d.steps)}`;
  if (d.accessKey !== undefined) out += `,"accessKey":${JSON.stringify(d.accessKey)}`;
  return `${out}}`;
}

/** An array of decisions, as JSON.stringify(decisions) would write it. */
export function decisionsJson(ds: readonly Decision[]): string {
  let out = "[";
  for (let i = 0; i < ds.length; i++) out += (i === 0 ? "" : ",") + decisionJson(ds[i]!);
  return `${out}]`;
}
