// lowdb adapter of our own (lowdb's JSONFile has no lock, resets the mode to 0644 and turns into an
// in-memory store under NODE_ENV=test). Reads validate; writes go through store/files.ts's atomic writer
// (a unique 0600 temp file written in full, fsynced, renamed over the store, the folder fsynced): a
// crash or a full disk leaves old or new, never half. A store that is a symlink stays one: the file it
// points to is replaced. The file also records the id of its last change (schema.ts HEAD_KEY), which
// ties it to the audit log.
import type { SyncAdapter } from "lowdb";
import { StoreError } from "../core/errors.js";
import { parseStrictJson, StrictJsonError } from "../core/strict-json.js";
import type { StoreDoc } from "../core/types.js";
import { readTextFile, writeFileAtomic } from "./files.js";
import { membersWritten } from "./json-members.js";
import { checkStore, HEAD_KEY } from "./schema.js";

/**
 * One top-level key per line and one array item per line: diffable and hand-editable, yet nearly as
 * small (and as fast to parse) as minified JSON, which matters for `check` on 100k credentials.
 */
export function serialize(doc: StoreDoc, head?: string): string {
  const lines: string[] = [];
  const entries: [string, unknown][] = Object.entries(doc);
  if (head !== undefined) entries.push([HEAD_KEY, head]);
  entries.forEach(([key, value], i) => {
    const comma = i < entries.length - 1 ? "," : "";
    if (Array.isArray(value) && value.length > 0) {
      lines.push(`  ${JSON.stringify(key)}: [`);
      for (let j = 0; j < value.length; j++) {
        lines.push(`    ${JSON.stringify(value[j])}${j < value.length - 1 ? "," : ""}`);
      }
      lines.push(`  ]${comma}`);
    } else {
      lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)}${comma}`);
    }
  });
  return `{\n${lines.join("\n")}\n}\n`;
}

/** Parses and validates a store's text (exit 5 with the file named when it is not a valid store). */
export function parseStore(text: string, path: string): StoreDoc {
  return parseStoreWithHead(text, path).doc;
}

/** parseStore, and the id of the store's last change (null when it records none). */
export function parseStoreWithHead(text: string, path: string): { doc: StoreDoc; head: string | null } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StoreError(
      `store ${path} is not valid JSON (${(err as Error).message}); fix it by hand or restore it from a backup`,
      "store_corrupt",
    );
  }
  const { doc, head, members } = checkStore(parsed, path);
  if (membersWritten(text) !== members) refuseDuplicateKey(text, path);
  return { doc, head };
}

/** The store holds a key twice (JSON.parse kept the last one): say where, with the strict parser. */
function refuseDuplicateKey(text: string, path: string): never {
  let what = "a key that appears twice";
  try {
    parseStrictJson(text);
  } catch (err) {
    if (err instanceof StrictJsonError && err.problem === "duplicate_key") {
      what = `a ${err.reason} at line ${err.line}, column ${err.column}${err.path === "(document)" ? "" : ` (in ${err.path})`}`;
    }
  }
  throw new StoreError(
    `store ${path} is invalid: it has ${what}, and which value was meant cannot be known; fix the file by hand or restore it from a backup`,
    "store_invalid",
  );
}

export class StoreFile implements SyncAdapter<StoreDoc> {
  /** The id of the last change of the store as last read or written (null: none, or no store). */
  head: string | null = null;

  constructor(readonly path: string) {}

  /** null when the file does not exist. */
  read(): StoreDoc | null {
    const text = this.readText();
    if (text === null) {
      this.head = null;
      return null;
    }
    const { doc, head } = parseStoreWithHead(text, this.path);
    this.head = head;
    return doc;
  }

  /** The file's text, or null when it does not exist. */
  private readText(): string | null {
    try {
      return readTextFile(this.path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return null;
      throw new StoreError(`cannot read store ${this.path}: ${(err as Error).message}`, "store_unreadable");
    }
  }

  /** `head`: the id of the change this write lands (recorded in the file). */
  write(doc: StoreDoc, head?: string): void {
    try {
      writeFileAtomic(this.path, serialize(doc, head), 0o600);
    } catch (err) {
      throw new StoreError(
        `cannot write store ${this.path}: ${(err as Error).message}; the store is unchanged`,
        "store_unwritable",
      );
    }
    if (head !== undefined) this.head = head;
  }
}
