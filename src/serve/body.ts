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

/** The body as text; past `limit` bytes, a 413 (the rest is not read). */
export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) return Promise.reject(new HttpError(413, "body_too_large", `the body is larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.pause();
        reject(new HttpError(413, "body_too_large", `the body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
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
