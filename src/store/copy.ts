// `store copy`: a whole store — document (hashes included), audit log and usage — read from one
// backend and written to another, either way between a file and PostgreSQL. The target ends up with
// the source's audit events followed by its own record of the copy.
import { mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { StoreError } from "../core/errors.js";
import type { AuditChange, StoreDoc } from "../core/types.js";
import type { AuditEvent, Backend, UsageMap } from "./backend.js";
import { FileBackend } from "./file-backend.js";
import { writeFileAtomic } from "./files.js";
import { PostgresBackend, type StoreContents } from "./postgres/backend.js";
import { recordUsageFile } from "./usage-file.js";

export interface ReadContents extends StoreContents {
  /** Audit lines of a file source that were not a whole event (reported, not copied). */
  skipped: number[];
}

export async function readContents(source: Backend): Promise<ReadContents> {
  const doc = await source.read(); // a missing source is exit 5, never an empty copy
  const audit = await source.readAudit();
  const usage: UsageMap = await source.readUsage();
  return { doc, audit: audit.events, usage, skipped: audit.skipped };
}

/** Holds nothing a user made (a store just created by `init` is empty). */
export function isEmptyStore(doc: StoreDoc): boolean {
  return (
    doc.admins.length + doc.actions.length + doc.roles.length + doc.credentials.length + doc.ipAllowlist.length === 0 &&
    doc.accessKey === null
  );
}

/** The target's own audit events: the store created (when it was not there) and the copy. */
function copyEvents(target: Backend, from: string, existed: boolean): AuditChange[] {
  const copied = { object: "store", change: { copiedFrom: from } };
  return existed ? [copied] : [{ object: `store:${target.location}`, change: { created: true } }, copied];
}

export async function writeContents(target: Backend, contents: StoreContents, from: string, command: string): Promise<void> {
  if (target instanceof PostgresBackend) {
    await target.replace(contents, (existed) => copyEvents(target, from, existed), command);
  } else if (target instanceof FileBackend) {
    writeFileContents(target, contents);
    // Last, and through the file backend's locked write: its audit append follows the source's events.
    await target.update({ command }, (doc, record) => {
      Object.assign(doc, structuredClone(contents.doc));
      for (const e of copyEvents(target, from, true)) record(e.object, e.change);
    });
  } else {
    throw new StoreError(`cannot copy into ${target.location}: unknown kind of store`);
  }
}

/** The audit log and the usage file beside a file store, replaced by the source's. */
function writeFileContents(target: FileBackend, contents: StoreContents): void {
  try {
    mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
    writeFileAtomic(target.auditLocation, contents.audit.map((e: AuditEvent) => `${JSON.stringify(auditLine(e))}\n`).join(""), 0o600);
    rmSync(target.usagePath, { force: true });
  } catch (err) {
    throw new StoreError(`cannot write beside the store ${target.path}: ${(err as Error).message}`, "store_unwritable");
  }
  recordUsageFile(target.usagePath, contents.usage);
}

/** The file backend's line: these keys, in this order. */
function auditLine(e: AuditEvent): AuditEvent {
  return { time: e.time, user: e.user, command: e.command, object: e.object, change: e.change };
}
