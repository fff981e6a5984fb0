// Admins: the users credentials authenticate as (SPEC.md rule 1).
import { holdsSecret, MASKED_SECRET, quote } from "./echo.js";
import { ConflictError, NotFoundError, UsageError } from "./errors.js";
import { newId } from "./ids.js";
import { didYouMean } from "./suggest.js";
import type { Admin, Recorder, StoreDoc } from "./types.js";
import { asciiLower } from "./ascii.js";

const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function validateUsername(username: string): string {
  if (holdsSecret(username)) {
    throw new UsageError(`invalid admin username: it looks like a secret (${MASKED_SECRET}); a secret never belongs in a name`, "invalid_input");
  }
  if (!USERNAME.test(username)) {
    throw new UsageError(
      `invalid admin username ${quote(username)}: use 1-64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`,
      "invalid_input",
    );
  }
  return username;
}

/** Usernames are unique and matched case-insensitively, like WHMCS admin logins. */
export function findAdmin(doc: StoreDoc, username: string): Admin | undefined {
  const wanted = asciiLower(username);
  return doc.admins.find((a) => asciiLower(a.username) === wanted);
}

export function requireAdmin(doc: StoreDoc, username: string): Admin {
  const admin = findAdmin(doc, username);
  if (admin) return admin;
  throw new NotFoundError(`no admin ${quote(username)}${didYouMean(username, doc.admins.map((a) => a.username))}`);
}

export function credentialCount(doc: StoreDoc, admin: Admin): number {
  let n = 0;
  for (const c of doc.credentials) if (c.adminId === admin.id) n++;
  return n;
}

export function addAdmin(doc: StoreDoc, username: string, now: string, record: Recorder): Admin {
  validateUsername(username);
  const existing = findAdmin(doc, username);
  if (existing) throw new ConflictError(`admin "${existing.username}" already exists`);
  const admin: Admin = { id: newId(), username, disabled: false, createdAt: now };
  doc.admins.push(admin);
  record(`admin:${username}`, { added: true });
  return admin;
}

/** Sets the disabled flag; returns false when it already had that value (nothing to record). */
export function setAdminDisabled(doc: StoreDoc, username: string, disabled: boolean, record: Recorder): { admin: Admin; changed: boolean } {
  const admin = requireAdmin(doc, username);
  if (admin.disabled === disabled) return { admin, changed: false };
  admin.disabled = disabled;
  record(`admin:${admin.username}`, { disabled });
  return { admin, changed: true };
}

/** Changes the spelling of a username (apply: usernames ignore case, so only the case can change). */
export function renameAdmin(doc: StoreDoc, username: string, to: string, record: Recorder): Admin {
  const admin = requireAdmin(doc, username);
  validateUsername(to);
  const clash = findAdmin(doc, to);
  if (clash && clash !== admin) throw new ConflictError(`admin "${clash.username}" already exists`);
  if (admin.username === to) return admin;
  record(`admin:${to}`, { renamedFrom: admin.username });
  admin.username = to;
  return admin;
}

/** Removes the admin and every credential it had (they must never come back); returns that count. */
export function removeAdmin(doc: StoreDoc, username: string, record: Recorder): { admin: Admin; deletedCredentials: number } {
  const admin = requireAdmin(doc, username);
  const before = doc.credentials.length;
  doc.credentials = doc.credentials.filter((c) => c.adminId !== admin.id);
  doc.admins = doc.admins.filter((a) => a.id !== admin.id);
  const deletedCredentials = before - doc.credentials.length;
  record(`admin:${admin.username}`, { removed: true, deletedCredentials });
  return { admin, deletedCredentials };
}
