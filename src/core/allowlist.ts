// The global IP allowlist (SPEC.md rule 7): WHMCS's "API IP Access Restriction" list. An empty list
// denies every IP (WHMCS ships with API access closed) unless the access key is presented.
import { textProblem } from "./echo.js";
import { ConflictError, NotFoundError, UsageError } from "./errors.js";
import { canonicalIp, compileMatcher, coverageKey, parseIpOrCidr, type IpMatcher, type ParsedIp } from "./ip.js";
import type { IpEntry, Recorder, StoreDoc } from "./types.js";
import { MAX_LENGTH } from "./limits.js";

export const MAX_NOTE_LENGTH = MAX_LENGTH.note;

/**
 * What an empty allowlist means, in plain words (status, ip, access-key and doctor all say it), or
 * undefined when the allowlist has entries.
 */
export function emptyAllowlistWarning(doc: Pick<StoreDoc, "ipAllowlist" | "accessKey">): string | undefined {
  if (doc.ipAllowlist.length > 0) return undefined;
  return doc.accessKey
    ? "the IP allowlist is empty: every IP is denied unless the request presents the access key"
    : "the IP allowlist is empty and no access key is set: the API is closed to every IP";
}

export function validateNote(note: string): string {
  if (note.length > MAX_NOTE_LENGTH) {
    throw new UsageError(`the note is ${note.length} characters long; at most ${MAX_NOTE_LENGTH} are allowed`, "invalid_input");
  }
  // Shown in tables, on terminals and in CI logs: no control, C1 or bidi characters, no line breaks.
  const problem = textProblem(note);
  if (problem) throw new UsageError(`the note ${problem}`, "invalid_input");
  return note;
}

/** The entry that covers exactly the same addresses as `text` (any spelling), if any. */
export function findEntry(doc: StoreDoc, text: string): IpEntry | undefined {
  const key = coverageKey(text);
  return doc.ipAllowlist.find((e) => coverageKey(e.address) === key);
}

export function requireEntry(doc: StoreDoc, text: string): IpEntry {
  const entry = findEntry(doc, text);
  if (entry) return entry;
  const shown = canonicalIp(text);
  if (doc.ipAllowlist.length === 0) throw new NotFoundError(`${shown} is not on the IP allowlist (the allowlist is empty)`);
  throw new NotFoundError(`${shown} is not on the IP allowlist`, { code: "allowlist_entry_missing", params: {} });
}

export interface AddedEntry {
  entry: IpEntry;
  parsed: ParsedIp;
}

export function addIp(doc: StoreDoc, text: string, note: string, normalize: boolean, now: string, record: Recorder): AddedEntry {
  const parsed = parseIpOrCidr(text, { normalize });
  validateNote(note);
  const existing = findEntry(doc, parsed.canonical);
  if (existing) {
    const same = existing.address === parsed.canonical ? "" : ` (as ${existing.address})`;
    throw new ConflictError(`${parsed.canonical} is already on the IP allowlist${same}`);
  }
  const entry: IpEntry = { address: parsed.canonical, note, addedAt: now };
  doc.ipAllowlist.push(entry);
  record(`ip:${entry.address}`, parsed.normalizedFrom ? { added: true, normalizedFrom: parsed.normalizedFrom } : { added: true });
  return { entry, parsed };
}

export function setIpNote(doc: StoreDoc, text: string, note: string, record: Recorder): IpEntry {
  validateNote(note);
  const entry = requireEntry(doc, text);
  entry.note = note;
  record(`ip:${entry.address}`, { note });
  return entry;
}

/** Removes entries (all or nothing: an unknown one is a not-found error before anything changes). */
export function removeIps(doc: StoreDoc, texts: readonly string[], record: Recorder): IpEntry[] {
  const targets = new Set<IpEntry>();
  for (const text of texts) targets.add(requireEntry(doc, text));
  doc.ipAllowlist = doc.ipAllowlist.filter((e) => !targets.has(e));
  for (const e of targets) record(`ip:${e.address}`, { removed: true });
  return [...targets];
}

/** The matcher of the global allowlist, for `ip test` and `check`. */
export function allowlistMatcher(doc: StoreDoc): IpMatcher {
  return compileMatcher(doc.ipAllowlist.map((e) => e.address));
}
