// The decisions of `check --batch`: JSON Lines requests in, one JSON line out per request. Pure, so
// the command and its worker thread answer a block of lines with the same code.
import { decide, type Snapshot } from "./decide.js";
import { AppError, UsageError } from "./errors.js";
import { parseAddress } from "./ip.js";

const FIELDS = ["credential", "action", "ip", "secret", "accessKey"] as const;

function optionalString(req: Record<string, unknown>, key: string): string | undefined {
  const v = req[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new UsageError(`"${key}" must be a string`, "invalid_input");
  return v;
}

function requiredString(req: Record<string, unknown>, key: string): string {
  const v = optionalString(req, key);
  if (v === undefined || v === "") throw new UsageError(`"${key}" is required`, "invalid_input");
  return v;
}

/** One request line -> one answer line (without the newline): the decision, or {"error":…,"line":N}. */
export function answerLine(snapshot: Snapshot, line: string, lineNo: number, now: number): string {
  try {
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
    const ipText = optionalString(r, "ip");
    const decision = decide(snapshot, {
      credential: requiredString(r, "credential"),
      action: requiredString(r, "action"),
      ip: ipText === undefined ? undefined : parseAddress(ipText),
      secret: optionalString(r, "secret"),
      accessKey: optionalString(r, "accessKey"),
      now,
    });
    return JSON.stringify(decision);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return JSON.stringify({ error: { code: err.code, message: `line ${lineNo}: ${err.message}` }, line: lineNo });
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
