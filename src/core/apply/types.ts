// The plan of `apply`: plain data (JSON-serialisable), computed by planApply (plan.ts) without touching
// the store and applied by applyPlan (execute.ts). Store objects are named by their keys (username,
// action or role name, credential identifier, IP address), never held by reference.

export type ChangeKind = "admin" | "action" | "role" | "credential" | "ip" | "policy";
export type ChangeOp = "create" | "update" | "remove";

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** One line of the plan (apply's `changes`). */
export interface Change {
  op: ChangeOp;
  kind: ChangeKind;
  /** Username, action name, role name, credential name (else its identifier), IP address. */
  name: string;
  /** Credentials only: the identifier, or null for one that gets a fresh identifier when applied. */
  identifier?: string | null;
  /** Updates: what changes, from -> to. */
  fields?: FieldChange[];
  /** Removing an admin also removes this many credentials that the document does not keep. */
  credentialsRemoved?: number;
  /** Creating an action: its category. */
  category?: string;
}

export interface PlanOptions {
  /** Remove what the document's sections do not list. */
  prune: boolean;
  /** What the document is called in messages (the file name). */
  source?: string;
}

export interface AdminTarget {
  username: string;
  disabled: boolean;
}
export interface ActionTarget {
  name: string;
  category: string;
}
export interface RoleTarget {
  name: string;
  description: string;
  /** Canonical and sorted. */
  grants: string[];
}
export interface CredentialTarget {
  name: string | null;
  /** Lower-case username. */
  admin: string;
  description: string;
  /** Lower-case role names, in document order, without duplicates. */
  roles: string[];
  ips: string[];
  expiresAt: string | null;
  disabled: boolean;
}
export interface IpTarget {
  address: string;
  note: string;
}

/** What one section does: create these, update `key` (the store's current key) to these, remove these keys. */
export interface SectionWork<T> {
  create: T[];
  update: (T & { key: string })[];
  remove: string[];
}

export interface Work {
  admins: SectionWork<AdminTarget>;
  actions: SectionWork<ActionTarget>;
  roles: SectionWork<RoleTarget>;
  /**
   * Creates keep the document's identifier (or null: a fresh one) and their line of the plan, which
   * gets the identifier once it is known. Update keys and removals are identifiers.
   */
  credentials: SectionWork<CredentialTarget> & { create: (CredentialTarget & { identifier: string | null; change: Change })[] };
  ips: SectionWork<IpTarget>;
  /** Set when the document's policy differs from the store's: the new max lifetime (undefined = none). */
  policy?: { maxLifetime: string | undefined };
}

export interface Plan {
  changes: Change[];
  counts: Record<ChangeOp, number>;
  /** Things that will work as written but probably not as meant. */
  warnings: string[];
  /** What applyPlan does, as data. */
  readonly work: Work;
}

export function emptyWork(): Work {
  const section = () => ({ create: [], update: [], remove: [] });
  return { admins: section(), actions: section(), roles: section(), credentials: section(), ips: section() };
}
