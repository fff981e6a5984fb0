// Fast partial reads for the hot paths: a single `check` needs one credential, a TAB press on a role
// or admin needs none. They parse every part of the store except the credentials list, and of that
// list at most the line holding the one credential asked for.
//
// Why: JSON.parse of 10,000 credentials (~3.5 MB) costs more than Node's whole start-up. The store is
// written one credential per line (adapter.ts serialize), so a credential is found with a byte search
// for `{"identifier":"<id>"` or `"name":"<name>"` — a JSON string can hold neither a raw quote nor a
// newline, so those bytes can only be that field. Anything unexpected (a hand-reformatted file, a
// name in another case, no match, a line that does not parse) returns undefined and the caller falls
// back to the full read, which reports any problem. What these reads do not notice: damage inside
// credential lines they skip. Every other command, and `check --batch`, validates the whole file.
import { readFileSync } from "node:fs";
import { isIdentifier } from "../core/secrets.js";
import type { StoreDoc } from "../core/types.js";
import { validateStore } from "./schema.js";

const OPEN = '\n  "credentials": [\n';
const CLOSE = "\n  ]";
const PLAIN = /^[A-Za-z0-9._-]{1,64}$/;

interface Split {
  buf: Buffer;
  /** Offset of the newline before the first credential line. */
  listStart: number;
  /** Offset of the newline before the list's closing bracket. */
  close: number;
  /** Everything around the list, with an empty list in its place, parsed. */
  doc: Record<string, unknown>;
}

function splitAroundCredentials(path: string): Split | undefined {
  const buf = readFileSync(path);
  const open = buf.indexOf(OPEN);
  if (open < 0) return undefined;
  const listStart = open + OPEN.length - 1;
  const close = buf.indexOf(CLOSE, listStart);
  if (close < 0) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(buf.toString("utf8", 0, listStart) + buf.toString("utf8", close + 1));
  } catch {
    return undefined;
  }
  const ok = typeof doc === "object" && doc !== null && Array.isArray((doc as Record<string, unknown>).credentials);
  return ok ? { buf, listStart, close, doc: doc as Record<string, unknown> } : undefined;
}

/** The store with `credentials` holding just the referenced credential, or undefined (use the full read). */
export function readOneCredential(path: string, ref: string): StoreDoc | undefined {
  if (!PLAIN.test(ref)) return undefined;
  const split = splitAroundCredentials(path);
  if (!split) return undefined;
  const { buf, listStart, close, doc } = split;
  const needle = isIdentifier(ref) ? `{"identifier":"${ref}"` : `"name":"${ref}"`;
  const at = buf.indexOf(needle, listStart);
  if (at < 0 || at > close) return undefined;
  let line = buf.toString("utf8", buf.lastIndexOf(0x0a, at) + 1, buf.indexOf(0x0a, at)).trim();
  if (line.endsWith(",")) line = line.slice(0, -1);
  try {
    doc.credentials = [JSON.parse(line)];
  } catch {
    return undefined;
  }
  return validateStore(doc, path);
}

/** The store without its credentials (an empty list), or undefined (use the full read). */
export function readWithoutCredentials(path: string): StoreDoc | undefined {
  const split = splitAroundCredentials(path);
  return split ? validateStore(split.doc, path) : undefined;
}
