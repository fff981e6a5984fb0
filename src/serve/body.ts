// Reading a request body within bounds: a size limit (413 past it) and JSON parsed strictly. The
// server's headersTimeout/requestTimeout bound the time a client may take to send it.
import type { IncomingMessage } from "node:http";
import { parseStrictJson, StrictJsonError } from "../core/strict-json.js";

export const MAX_BODY_BYTES = 1024 * 1024;

/** An HTTP answer to a request that cannot be served: status, code and message for the JSON error. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The Content-Length the client declared (NaN when none), read from rawHeaders: req.headers is built
 * on first use, which costs each request more than reading this one header. Node's parser has
 * already refused a request with two different Content-Length values.
 */
function declaredLength(req: IncomingMessage): number {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === "content-length") return Number(raw[i + 1]);
  }
  return Number.NaN;
}

/**
 * Reads the body as text and hands it to `done`, or an error to `failed` (past `limit` bytes a 413,
 * the rest not read); exactly one of them is called, once. Callbacks rather than a promise: this is
 * on every request's path, and a promise and its await cost a decision service measurably.
 */
export function readBody(req: IncomingMessage, done: (text: string) => void, failed: (err: unknown) => void, limit = MAX_BODY_BYTES): void {
  const declared = declaredLength(req);
  if (declared > limit) return failed(new HttpError(413, "body_too_large", `the body is larger than ${limit} bytes`));
  const chunks: Buffer[] = [];
  let size = 0;
  let settled = false;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.removeAllListeners("data");
      req.pause();
      settled = true;
      failed(new HttpError(413, "body_too_large", `the body is larger than ${limit} bytes`));
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (settled) return;
    settled = true;
    done(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
  });
  req.on("error", (err) => {
    if (settled) return;
    settled = true;
    failed(err);
  });
}

/**
 * The body as JSON, strictly: a duplicate key ({"secret":"a","secret":"b"}) is refused like bad JSON
 * (JSON.parse would keep the last one silently), and so is nesting deeper than a request can need.
 */
export function parseJsonBody(text: string): unknown {
  try {
    return parseStrictJson(text, { maxDepth: 4 });
  } catch (err) {
    if (!(err instanceof StrictJsonError)) throw err;
    throw new HttpError(400, "invalid_json", `the body is not acceptable JSON: ${err.message}`);
  }
}
