// Reads one entry of apply's credentials section: every field validated as `credential create|edit`
// would, against the admins and roles that exist after apply. Problems go to `p`; undefined when any.
import { asciiLower } from "../ascii.js";
import { canonicalIps, validateCredentialName } from "../credentials.js";
import { looksLikeSecret } from "../secrets.js";
import { parseDateTime } from "../durations.js";
import { parseIpOrCidr } from "../ip.js";
import { validateDescription } from "../roles.js";
import { isIdentifier } from "../secrets.js";
import { didYouMean } from "../suggest.js";
import type { CredentialTarget } from "./types.js";
import { CREDENTIAL_FIELDS, objectAt, optionalStringAt, type Problems, quoted, stringAt, stringsAt, typeName } from "./validate.js";

export interface EntryContext {
  prune: boolean;
  /** Lower-case keys of the admins and roles after apply, and of the store's (for "--prune removes it"). */
  admins: { has(key: string): boolean };
  roles: { has(key: string): boolean };
  storeAdmins: { has(key: string): boolean };
  storeRoles: { has(key: string): boolean };
  adminNames: string[];
  roleNames: string[];
}

export type Entry = CredentialTarget & { identifier: string | null };

export function readCredentialEntry(p: Problems, path: string, value: unknown, cx: EntryContext): { entry?: Entry; identifier?: string | null; name?: string | null } {
  const o = objectAt(p, path, value, CREDENTIAL_FIELDS);
  if (!o) return {};
  let bad = false;
  const name = optionalStringAt(p, `${path}.name`, o.name);
  if (name === undefined) bad = true;
  else if (name !== null && looksLikeSecret(name.trimStart())) {
    p.add(`${path}.name`, "looks like a secret (apc_…), not a name; a secret never belongs in this file");
    bad = true;
  } else if (name !== null && p.check(`${path}.name`, () => validateCredentialName(name)) === undefined) bad = true;
  const identifier = optionalStringAt(p, `${path}.identifier`, o.identifier);
  if (identifier === undefined) bad = true;
  else if (identifier !== null && !isIdentifier(identifier)) {
    p.add(
      `${path}.identifier`,
      looksLikeSecret(identifier.trimStart())
        ? "looks like a secret (apc_…), not an identifier; a secret never belongs in this file: leave the identifier out to create a new credential"
        : `${quoted(identifier)} is not an identifier (32 letters and digits); leave it out to create a new credential`,
    );
    bad = true;
  }
  const admin = stringAt(p, `${path}.admin`, o.admin);
  if (admin === undefined) bad = true;
  else if (!cx.admins.has(asciiLower(admin))) {
    const gone = cx.prune && cx.storeAdmins.has(asciiLower(admin)) ? " (it is not in the document's admins, so --prune removes it)" : "";
    p.add(`${path}.admin`, `no admin ${quoted(admin)}${gone}${didYouMean(admin, cx.adminNames)}`);
    bad = true;
  }
  const description = stringAt(p, `${path}.description`, o.description, "");
  if (description === undefined || p.check(`${path}.description`, () => validateDescription(description)) === undefined) bad = true;
  const roleInputs = stringsAt(p, `${path}.roles`, o.roles);
  const roles: string[] = [];
  if (roleInputs === undefined) bad = true;
  for (const r of roleInputs ?? []) {
    const key = asciiLower(r.value);
    if (!cx.roles.has(key)) {
      const gone = cx.prune && cx.storeRoles.has(key) ? " (it is not in the document's roles, so --prune removes it)" : "";
      p.add(r.path, `no role ${quoted(r.value)}${gone}${didYouMean(r.value, cx.roleNames)}`);
      bad = true;
    } else if (!roles.includes(key)) roles.push(key);
  }
  const ipInputs = stringsAt(p, `${path}.ips`, o.ips);
  let ips: string[] = [];
  if (ipInputs === undefined) bad = true;
  else {
    let ipsOk = true;
    for (const ip of ipInputs) if (p.check(ip.path, () => parseIpOrCidr(ip.value)) === undefined) ipsOk = false;
    const all = ipsOk ? p.check(`${path}.ips`, () => canonicalIps(ipInputs.map((i) => i.value))) : undefined;
    if (all === undefined) bad = true;
    else ips = all;
  }
  let expiresAt: string | null = null;
  const expiry = optionalStringAt(p, `${path}.expiresAt`, o.expiresAt);
  if (expiry === undefined) bad = true;
  else if (expiry !== null) {
    const date = p.check(`${path}.expiresAt`, () => parseDateTime(expiry));
    if (date === undefined) bad = true;
    else expiresAt = date.toISOString();
  }
  const disabled = o.disabled === undefined ? false : o.disabled;
  if (typeof disabled !== "boolean") {
    p.add(`${path}.disabled`, `must be true or false, not ${typeName(disabled)}`);
    bad = true;
  }
  if (bad) return { identifier, name };
  return {
    identifier,
    name,
    entry: { name: name ?? null, identifier: identifier ?? null, admin: asciiLower(admin!), description: description!, roles, ips, expiresAt, disabled: disabled === true },
  };
}
