// What the commands show of credentials: one credential as printed by list/show/create/rotate (never
// the secret or its hash, and the status in the decision's order), and the filtered, sorted list.
import { requireAdmin } from "./admins.js";
import { roleNamesFor } from "./credential-fields.js";
import { isExpired } from "./credential-lookup.js";
import { requireRole } from "./roles.js";
import type { Admin, Credential, StoreDoc } from "./types.js";

export type CredentialStatus = "active" | "disabled" | "expired" | "admin_disabled";

/** What list/show/create/rotate print about a credential: never the secret or its hash. */
export interface CredentialView {
  identifier: string;
  name: string | null;
  admin: string | null;
  description: string;
  roles: string[];
  ips: string[];
  expiresAt: string | null;
  expired: boolean;
  status: CredentialStatus;
  createdAt: string;
  rotatedAt: string | null;
  /** While a rotation grace lasts: when the previous secret stops working; else null. */
  previousSecretValidUntil: string | null;
}

export function credentialView(doc: StoreDoc, c: Credential, now: Date | number): CredentialView {
  const admin: Admin | undefined = doc.admins.find((a) => a.id === c.adminId);
  const at = typeof now === "number" ? now : now.getTime();
  const expired = isExpired(c, at);
  const graceUntil = c.previousSecret && Date.parse(c.previousSecret.until) > at ? c.previousSecret.until : null;
  return {
    identifier: c.identifier,
    name: c.name,
    admin: admin?.username ?? null,
    description: c.description,
    roles: roleNamesFor(doc, c.roleIds),
    ips: [...c.ips],
    expiresAt: c.expiresAt,
    expired,
    // In the decision's order: the `enabled` step comes before `admin` and `expiry`.
    status: c.disabled === true ? "disabled" : expired ? "expired" : !admin || admin.disabled ? "admin_disabled" : "active",
    createdAt: c.createdAt,
    rotatedAt: c.rotatedAt,
    previousSecretValidUntil: graceUntil,
  };
}

export interface CredentialFilter {
  admin?: string;
  role?: string;
  /** Only credentials whose expiry falls before now + this many ms (already expired ones included). */
  expiringWithinMs?: number;
}

/** The credentials matching a filter, sorted by name (unnamed last) then identifier. Unknown admin/role: exit 3. */
export function listCredentials(doc: StoreDoc, filter: CredentialFilter, now: Date | number): Credential[] {
  const at = typeof now === "number" ? now : now.getTime();
  const adminId = filter.admin === undefined ? undefined : requireAdmin(doc, filter.admin).id;
  const roleId = filter.role === undefined ? undefined : requireRole(doc, filter.role).id;
  const horizon = filter.expiringWithinMs === undefined ? undefined : at + filter.expiringWithinMs;
  return doc.credentials
    .filter(
      (c) =>
        (adminId === undefined || c.adminId === adminId) &&
        (roleId === undefined || c.roleIds.includes(roleId)) &&
        (horizon === undefined || (c.expiresAt !== null && Date.parse(c.expiresAt) <= horizon)),
    )
    .sort((a, b) => {
      if (a.name !== null && b.name !== null) return a.name.localeCompare(b.name);
      if (a.name !== null) return -1;
      if (b.name !== null) return 1;
      return a.identifier.localeCompare(b.identifier);
    });
}
