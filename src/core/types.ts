// The store document, schema version 1. Everything refers to admins and roles by internal id, so a
// renamed role keeps its holders and a re-created one never inherits them (SPEC.md rules 1 and 4).

export const STORE_VERSION = 1;

export interface Admin {
  id: string;
  username: string;
  disabled: boolean;
  createdAt: string;
}

/** A custom catalog action (WHMCS modules register their own). Built-ins live in core/catalog-data.ts. */
export interface CustomAction {
  name: string;
  category: string;
  createdAt: string;
}

export interface Role {
  id: string;
  name: string;
  description: string;
  /** Canonical action names, `Category:*` or `*`. */
  grants: string[];
  createdAt: string;
}

/** A secret that still works until `until` after a rotation with --grace. */
export interface PreviousSecret {
  hash: string;
  until: string;
}

export interface Credential {
  /** The public identifier: 32 characters of [A-Za-z0-9]. */
  identifier: string;
  name: string | null;
  adminId: string;
  description: string;
  roleIds: string[];
  /** Canonical IPs/CIDRs; empty means no per-credential restriction. */
  ips: string[];
  expiresAt: string | null;
  createdAt: string;
  /** SHA-256 of the secret, base64url. The secret itself is never stored. */
  secretHash: string;
  previousSecret: PreviousSecret | null;
  rotatedAt: string | null;
  /** Denied by the decision's `enabled` step while true. Absent (stores written before it) = enabled. */
  disabled?: boolean;
}

export interface IpEntry {
  /** Canonical form: lower-case, compressed IPv6, /32 and /128 stored as the bare address. */
  address: string;
  note: string;
  addedAt: string;
}

export interface AccessKey {
  /** SHA-256 of the key, base64url. */
  hash: string;
  /** A short non-reversible fingerprint shown by `access-key status`. */
  fingerprint: string;
  setAt: string;
}

export interface StoreDoc {
  version: typeof STORE_VERSION;
  admins: Admin[];
  actions: CustomAction[];
  roles: Role[];
  credentials: Credential[];
  ipAllowlist: IpEntry[];
  accessKey: AccessKey | null;
  /** Store-wide rules (`apicred policy`). Absent = no policy. */
  policy?: Policy;
}

export interface Policy {
  /** The longest a credential may live from its creation or last edit, as a duration (`365d`). */
  maxLifetime?: string;
}

export function emptyStore(): StoreDoc {
  return { version: STORE_VERSION, admins: [], actions: [], roles: [], credentials: [], ipAllowlist: [], accessKey: null };
}

/** One change, as recorded in the audit log. Never holds a secret or a hash. */
export interface AuditChange {
  object: string;
  change: Record<string, unknown>;
}

/** Core mutations report each change through this (the store writes them to the audit log). */
export type Recorder = (object: string, change: Record<string, unknown>) => void;
