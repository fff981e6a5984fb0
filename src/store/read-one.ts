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
//
// The file is scanned through one small buffer rather than read whole: reading a large file into
// fresh memory costs more than the scan itself (1.1 ms against 0.25 ms for 1,000 credentials here).
import { closeSync, openSync, readSync } from "node:fs";
import { isIdentifier } from "../core/secrets.js";
import type { StoreDoc } from "../core/types.js";
import { membersWritten } from "./json-members.js";
import { checkStore } from "./schema.js";

/** The line that opens the credentials list, and the one serialize writes after the list's end. */
const OPEN = '  "credentials": [\n';
const AFTER = '  "ipAllowlist": ';
const CLOSE = "  ],\n";
const PLAIN = /^[A-Za-z0-9._-]{1,64}$/;
const NEWLINE = 0x0a;
const CHUNK = 64 * 1024;

interface Around {
  /** The text before the list, with its opening line. */
  head: string;
  /** From the list's closing line to the end of the file. */
  tail: string;
  /** The list's line holding the needle, when it has one. */
  line?: string;
}

/** Whether `at` begins a line of `buf` (whose byte 0 begins one). */
const atLineStart = (buf: Buffer, at: number) => at === 0 || buf[at - 1] === NEWLINE;

/** The first match of `text` in buf[from, to) that begins a line, or -1. */
function lineAt(buf: Buffer, text: string, from: number, to: number): number {
  const region = buf.subarray(0, to);
  for (let at = region.indexOf(text, from); at >= 0; at = region.indexOf(text, at + 1)) {
    if (atLineStart(buf, at)) return at;
  }
  return -1;
}

/** Whether buf[from, to) ends with the list's closing line. */
const endsWithClose = (buf: Buffer, from: number, to: number) =>
  to - CLOSE.length >= from && atLineStart(buf, to - CLOSE.length) && buf.toString("latin1", to - CLOSE.length, to) === CLOSE;

/**
 * The store's text around its credentials list, and the list's line holding `needle`; undefined when
 * the list is not where serialize puts it. Reads whole lines at a time: a line is searched only once
 * it has been read to its end, and the unfinished one moves to the front of the buffer.
 */
export function readAround(path: string, needle?: string, chunk = CHUNK): Around | undefined {
  const fd = openSync(path, "r");
  try {
    let buf = Buffer.allocUnsafe(chunk);
    let filled = 0;
    let state: "head" | "list" | "tail" = "head";
    let head = "";
    let tail = "";
    let line: string | undefined;
    /** Whether the list's last line read so far was a closing line (for a closing line at a chunk's end). */
    let closedBefore = false;
    for (;;) {
      if (filled === buf.length) buf = Buffer.concat([buf, Buffer.allocUnsafe(buf.length)]); // a line longer than the buffer
      const n = readSync(fd, buf, filled, buf.length - filled, null);
      filled += n;
      // The whole lines read so far: [0, end); at the end of the file, the rest too.
      const end = n === 0 ? filled : buf.lastIndexOf(NEWLINE, filled - 1) + 1;
      let from = 0;
      if (state === "head") {
        const open = lineAt(buf, OPEN, 0, end);
        if (open < 0) head += buf.toString("utf8", 0, end);
        else {
          head += buf.toString("utf8", 0, open + OPEN.length - 1);
          state = "list";
          from = open + OPEN.length;
        }
      }
      if (state === "list") {
        const after = lineAt(buf, AFTER, from, end);
        let stop = end;
        if (after >= 0) {
          const closeHere = endsWithClose(buf, from, after);
          if (!closeHere && !(after === from && closedBefore)) return undefined;
          stop = closeHere ? after - CLOSE.length : after;
        }
        if (needle !== undefined && line === undefined) {
          const at = buf.subarray(0, stop).indexOf(needle, from);
          if (at >= 0) line = buf.toString("utf8", buf.lastIndexOf(NEWLINE, at) + 1, buf.indexOf(NEWLINE, at));
        }
        if (after >= 0) {
          state = "tail";
          tail = CLOSE;
          from = after;
        } else closedBefore = endsWithClose(buf, from, end);
      }
      if (state === "tail") tail += buf.toString("utf8", from, end);
      if (n === 0) return state === "tail" ? { head, tail, line } : undefined;
      buf.copy(buf, 0, end, filled);
      filled -= end;
    }
  } finally {
    closeSync(fd);
  }
}

/** The document around the list, parsed, with an empty list in its place; undefined if it is not one. */
function parseAround(text: string): Record<string, unknown> | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const ok = typeof doc === "object" && doc !== null && Array.isArray((doc as Record<string, unknown>).credentials);
  return ok ? (doc as Record<string, unknown>) : undefined;
}

/**
 * The parsed parts, validated; undefined when they hold a key twice (JSON.parse kept one of them), so
 * the full read reports it with its place in the file.
 */
function checked(doc: Record<string, unknown>, path: string, texts: string[]): StoreDoc | undefined {
  const { doc: store, members } = checkStore(doc, path);
  let written = 0;
  for (const text of texts) written += membersWritten(text);
  return written === members ? store : undefined;
}

/** The store with `credentials` holding just the referenced credential, or undefined (use the full read). */
export function readOneCredential(path: string, ref: string): StoreDoc | undefined {
  if (!PLAIN.test(ref)) return undefined;
  const needle = isIdentifier(ref) ? `{"identifier":"${ref}"` : `"name":"${ref}"`;
  const around = readAround(path, needle);
  if (around?.line === undefined) return undefined;
  const text = around.head + around.tail;
  const doc = parseAround(text);
  if (!doc) return undefined;
  let line = around.line.trim();
  if (line.endsWith(",")) line = line.slice(0, -1);
  try {
    doc.credentials = [JSON.parse(line)];
  } catch {
    return undefined;
  }
  return checked(doc, path, [text, line]);
}

/** The store without its credentials (an empty list), or undefined (use the full read). */
export function readWithoutCredentials(path: string): StoreDoc | undefined {
  const around = readAround(path);
  const text = around && around.head + around.tail;
  const doc = text && parseAround(text);
  return doc ? checked(doc, path, [text]) : undefined;
}
