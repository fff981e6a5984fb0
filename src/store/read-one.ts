// The fast read behind a single `check`: parse every part of the store except the credentials list,
// and of that list only the line holding the one credential asked for.
//
// Why: JSON.parse of 10,000 credentials (~3.5 MB) costs more than Node's whole start-up, and a
// `check` needs one of them. The store is written one credential per line (adapter.ts serialize), so
// the credential is found with a byte search for `{"identifier":"<id>"` or `"name":"<name>"` — a
// JSON string can hold neither a raw quote nor a newline, so those bytes can only be that field.
// Anything unexpected (a hand-reformatted file, a name in another case, no match, a line that does
// not parse) returns undefined and the caller falls back to the full read, which reports any problem.
// What this path does not notice: damage inside OTHER credentials' lines. Every other command, and
// `check --batch`, parses and validates the whole file.
import { readFileSync } from "node:fs";
import type { StoreDoc } from "../core/types.js";
import { validateStore } from "./schema.js";

const OPEN = '\n  "credentials": [\n';
const CLOSE = "\n  ]";
const IDENTIFIER = /^[A-Za-z0-9]{32}$/;
const PLAIN = /^[A-Za-z0-9._-]{1,64}$/;

/** The store with `credentials` holding just the referenced credential, or undefined (use the full read). */
export function readOneCredential(path: string, ref: string): StoreDoc | undefined {
  if (!PLAIN.test(ref)) return undefined;
  const buf = readFileSync(path);
  const open = buf.indexOf(OPEN);
  if (open < 0) return undefined;
  const listStart = open + OPEN.length - 1; // the newline before the first credential line
  const close = buf.indexOf(CLOSE, listStart);
  if (close < 0) return undefined;

  const needle = IDENTIFIER.test(ref) ? `{"identifier":"${ref}"` : `"name":"${ref}"`;
  const at = buf.indexOf(needle, listStart);
  if (at < 0 || at > close) return undefined;
  const lineStart = buf.lastIndexOf(0x0a, at) + 1;
  const lineEnd = buf.indexOf(0x0a, at);
  let line = buf.toString("utf8", lineStart, lineEnd).trim();
  if (line.endsWith(",")) line = line.slice(0, -1);

  let doc: Record<string, unknown>;
  let credential: unknown;
  try {
    // Everything around the list, with an empty list in its place.
    doc = JSON.parse(buf.toString("utf8", 0, listStart) + buf.toString("utf8", close + 1));
    credential = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!Array.isArray(doc.credentials) || doc.credentials.length !== 0) return undefined;
  doc.credentials = [credential];
  return validateStore(doc, path);
}
