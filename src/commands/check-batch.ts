// `apicred check --batch`: JSON Lines in, one decision per line out, in order. Streams chunk by
// chunk (constant memory, so a million-line input works) and answers a malformed line with an
// {"error":…} line instead of stopping.
import { decide, Snapshot } from "../core/decide.js";
import { AppError, UsageError } from "../core/errors.js";
import { parseAddress } from "../core/ip.js";
import type { StoreDoc } from "../core/types.js";
import type { Context } from "../context.js";

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

/** One input line -> one output line (without the newline). */
export function answerLine(snapshot: Snapshot, line: string, lineNo: number, now: number): string {
  try {
    let req: unknown;
    try {
      req = JSON.parse(line);
    } catch (err) {
      throw new UsageError(`not JSON (${(err as Error).message})`, "invalid_json");
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

export async function runBatch(ctx: Context, doc: StoreDoc): Promise<number> {
  const snapshot = new Snapshot(doc, { index: true });
  let rest = "";
  let lineNo = 0;
  const answerAll = (text: string, out: string[]) => {
    const now = Date.now();
    for (const line of text.split("\n")) {
      lineNo++;
      if (line.trim() === "") continue; // blank lines (a trailing newline, spacing) ask nothing
      out.push(answerLine(snapshot, line, lineNo, now));
    }
  };
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin as AsyncIterable<string>) {
    const text = rest + chunk;
    const cut = text.lastIndexOf("\n");
    if (cut < 0) {
      rest = text;
      continue;
    }
    rest = text.slice(cut + 1);
    const out: string[] = [];
    answerAll(text.slice(0, cut), out);
    if (out.length > 0) await ctx.out.write(`${out.join("\n")}\n`);
  }
  if (rest !== "") {
    const out: string[] = [];
    answerAll(rest, out);
    if (out.length > 0) await ctx.out.write(`${out.join("\n")}\n`);
  }
  return 0;
}
