// The desired-state document of export and apply (SPEC.md "Export and apply"), and its export from a
// store: sorted so it diffs cleanly, custom actions only, no secret, hash, access key, id or timestamp.
import { asciiLower } from "../ascii.js";
import { compareGrants } from "../grants.js";
import type { StoreDoc } from "../types.js";

export const EXPORT_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// The document

export interface ExportAdmin {
  username: string;
  disabled: boolean;
}
export interface ExportAction {
  name: string;
  category: string;
}
export interface ExportRole {
  name: string;
  description: string;
  grants: string[];
}
export interface ExportCredential {
  name: string | null;
  identifier: string;
  admin: string;
  description: string;
  roles: string[];
  ips: string[];
  expiresAt: string | null;
  /** Only when true (`credential disable`); absent = enabled. */
  disabled?: true;
}
export interface ExportIp {
  address: string;
  note: string;
}
export interface ExportDoc {
  version: typeof EXPORT_VERSION;
  admins: ExportAdmin[];
  actions: ExportAction[];
  roles: ExportRole[];
  credentials: ExportCredential[];
  ipAllowlist: ExportIp[];
  /** Only when a policy is set (`apicred policy`). */
  policy?: { maxLifetime: string };
}

/** Locale-independent ordering (the same bytes on every machine): case-insensitive, then exact. */
function byText(a: string, b: string): number {
  const x = asciiLower(a);
  const y = asciiLower(b);
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The store as a desired-state document: sorted so it diffs cleanly, custom actions only, no secret,
 * hash, access key, id or timestamp. Credentials: named ones by name, then unnamed by identifier.
 */
export function exportDoc(doc: StoreDoc): ExportDoc {
  const admins = new Map(doc.admins.map((a) => [a.id, a]));
  const roles = new Map(doc.roles.map((r) => [r.id, r]));
  const credentials = [...doc.credentials].sort((a, b) => {
    if (a.name !== null && b.name !== null) return byText(a.name, b.name);
    if (a.name !== null) return -1;
    if (b.name !== null) return 1;
    return byText(a.identifier, b.identifier);
  });
  return {
    version: EXPORT_VERSION,
    admins: doc.admins.map((a) => ({ username: a.username, disabled: a.disabled })).sort((a, b) => byText(a.username, b.username)),
    actions: doc.actions.map((a) => ({ name: a.name, category: a.category })).sort((a, b) => byText(a.name, b.name)),
    roles: doc.roles
      .map((r) => ({ name: r.name, description: r.description, grants: [...r.grants].sort(compareGrants) }))
      .sort((a, b) => byText(a.name, b.name)),
    credentials: credentials.map((c) => ({
      name: c.name,
      identifier: c.identifier,
      admin: admins.get(c.adminId)?.username ?? "",
      description: c.description,
      roles: c.roleIds.flatMap((id) => {
        const r = roles.get(id);
        return r ? [r.name] : [];
      }).sort(byText),
      ips: [...c.ips].sort(byText),
      expiresAt: c.expiresAt,
      ...(c.disabled === true ? { disabled: true as const } : {}),
    })),
    ipAllowlist: doc.ipAllowlist.map((e) => ({ address: e.address, note: e.note })).sort((a, b) => byText(a.address, b.address)),
    ...(doc.policy?.maxLifetime !== undefined ? { policy: { maxLifetime: doc.policy.maxLifetime } } : {}),
  };
}
