// The decisions of `check --batch`: JSON Lines requests in, one JSON line out per request. Pure, so
// the command (and a future server) answer a line with the same code. Strict, because a request that
// cannot be read as intended must never be answered `allowed`: an unknown key (`"secert"`), a
// duplicate key, a non-string value or an over-long field is an error line, never ignored.
import { decide, type Snapshot } from "./decide.js";
import { quote } from "./echo.js";
import { AppError, UsageError } from "./errors.js";
import { parseAddress } from "./ip.js";
import { MAX_LENGTH } from "./limits.js";
import { parseStrictJson, StrictJsonError } from "./strict-json.js";
import { nearest } from "./suggest.js";

const FIELDS = ["credential", "action", "ip", "secret", "accessKey"] as const;
const KNOWN: ReadonlySet<string> = new Set(FIELDS);
/** Field length limits (core/limits.ts); the secret and key are bounded by the line's length. */
const MAX: Readonly<Record<string, number>> = { credential: MAX_LENGTH.credential, action: MAX_LENGTH.action, ip: MAX_LENGTH.ip };

function optionalString(req: Record<string, unknown>, key: string): string | undefined {
  const v = req[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") {
    throw new UsageError(`"${key}" must be a string${v === null ? " (leave the field out instead of null)" : ""}`, "invalid_input");
  }
  const max = MAX[key];
  if (max !== undefined && v.length > max) throw new UsageError(`"${key}" is too long (${v.length} characters; at most ${max})`, "invalid_input");
  return v;
}

function requiredString(req: Record<string, unknown>, key: string): string {
  const v = optionalString(req, key);
  if (v === undefined || v === "") throw new UsageError(`"${key}" is required`, "invalid_input");
  return v;
}

/** How many `"` the line holds: a flat object of N string fields has exactly 4N unless some key repeats (or a value escapes a quote). */
function quotes(line: string): number {
  let n = 0;
  for (let i = line.indexOf('"'); i >= 0; i = line.indexOf('"', i + 1)) n++;
  return n;
}

/** The request object of a line, or a UsageError: JSON, an object, known keys only, each once. */
function parseRequest(line: string): Record<string, unknown> {
  let req: unknown;
  try {
    req = JSON.parse(line);
  } catch (err) {
    // V8's message quotes part of the line, which may hold a secret: keep only where it broke.
    const at = /position (\d+)/.exec((err as Error).message);
    throw new UsageError(`not JSON${at ? ` (at character ${at[1]})` : ""}`, "invalid_json");
  }
  if (typeof req !== "object" || req === null || Array.isArray(req)) {
    throw new UsageError(`expected an object with ${FIELDS.join(", ")}`, "invalid_input");
  }
  const r = req as Record<string, unknown>;
  let keys = 0;
  for (const key of Object.keys(r)) {
    keys++;
    if (!KNOWN.has(key)) {
      const near = nearest(key, FIELDS);
      throw new UsageError(`unknown field ${quote(key)}${near ? ` (did you mean "${near}"?)` : ""}; allowed: ${FIELDS.join(", ")}`, "invalid_input");
    }
  }
  // JSON.parse keeps the last of two equal keys silently. Only a line with more quotes than its
  // fields need can hide one: parse that (rare) line again, strictly.
  if (quotes(line) > 4 * keys) {
    try {
      parseStrictJson(line);
    } catch (err) {
      if (err instanceof StrictJsonError && err.problem === "duplicate_key") {
        throw new UsageError(`duplicate field ${JSON.stringify(err.key)} (at character ${err.offset})`, "invalid_input");
      }
      throw err instanceof StrictJsonError ? new UsageError(`not JSON (at character ${err.offset})`, "invalid_json") : err;
    }
  }
  return r;
}

/** The answer line for a line that could not be asked (without the newline). */
export function errorLine(lineNo: number, code: string, message: string): string {
  return JSON.stringify({ error: { code, message }, line: lineNo });
}

/** One request line -> one answer line (without the newline): the decision, or {"error":…,"line":N}. */
export function answerLine(snapshot: Snapshot, line: string, lineNo: number, now: number): string {
  try {
    const r = parseRequest(line);
    const ipText = optionalString(r, "ip");
    const decision = decide(snapshot, {
      credential: requiredString(r, "credential"),
      action: requiredString(r, "action"),
      ip: ipText === undefined ? undefined : parseAddress(ipText),
      // Exactly as given: "" is a given, wrong secret (bad_secret), as in single mode.
      secret: optionalString(r, "secret"),
      accessKey: optionalString(r, "accessKey"),
      now,
    });
    return JSON.stringify(decision);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return errorLine(lineNo, err.code, `line ${lineNo}: ${err.message}`);
  }
}

/** A block of whole lines, the first being line `firstLineNo` of the input. */
export interface BatchBlock {
  text: string;
  firstLineNo: number;
  now: number;
}

/** The answers to a block, each followed by a newline; blank lines ask nothing and get no answer. */
export function answerBlock(snapshot: Snapshot, block: BatchBlock): string {
  let out = "";
  let lineNo = block.firstLineNo;
  for (const line of block.text.split("\n")) {
    if (line.trim() !== "") out += `${answerLine(snapshot, line, lineNo, block.now)}\n`;
    lineNo++;
  }
  return out;
}
