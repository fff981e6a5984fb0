// The two reverse questions (`kubectl auth can-i --list`, `who-can`), answered by asking the one
// decision engine (core/decide) once per catalog action or once per credential — never a second copy
// of the rules. No secret is presented, so the `secret` step is skipped; without an IP both IP steps
// are skipped too, exactly as `check` skips them.
import { listActions } from "./catalog.js";
import { decide, type Decision, type Reason, Snapshot, type Step } from "./decide.js";
import type { GrantMatch } from "./grants.js";
import type { ParsedAddress } from "./ip.js";
import type { Credential } from "./types.js";

export interface AllowedAction {
  action: string;
  category: string;
  /** Every (role, grant) that allows it. */
  grants: GrantMatch[];
}

export interface ActionList {
  identifier: string;
  name: string | null;
  ip: string | null;
  /** Allowed actions, by category then name. */
  actions: AllowedAction[];
  /**
   * When a step about the credential itself (not the action) denies everything — disabled, admin,
   * expiry, an IP — its reason and detail: the list is then empty for that reason.
   */
  denied: { reason: Reason; detail: string } | null;
}

/** Steps that do not depend on the action: one failing denies every action. */
const CREDENTIAL_STEPS = new Set(["credential", "secret", "enabled", "admin", "expiry", "ip_allowlist", "credential_ip", "roles"]);

function credentialWide(d: Decision): { reason: Reason; detail: string } | null {
  const failed: Step | undefined = d.steps.find((s) => s.result === "fail");
  if (!failed || !CREDENTIAL_STEPS.has(failed.step)) return null;
  return { reason: d.reason, detail: failed.detail ?? "" };
}

/** Every catalog action `credential` may run (from `ip`, when given), grouped by category. */
export function allowedActions(snapshot: Snapshot, credential: Credential, ip: ParsedAddress | undefined, now: number): ActionList {
  const actions: AllowedAction[] = [];
  let denied: ActionList["denied"] = null;
  for (const action of listActions(snapshot.catalog)) {
    const d = decide(snapshot, { credential: credential.identifier, action: action.name, ip, now });
    if (d.allowed) actions.push({ action: action.name, category: action.category, grants: d.matched });
    else denied ??= credentialWide(d);
  }
  return { identifier: credential.identifier, name: credential.name, ip: ip?.canonical ?? null, actions, denied: actions.length ? null : denied };
}

export interface Holder {
  identifier: string;
  name: string | null;
  admin: string | null;
  grants: GrantMatch[];
}

/** Every credential that would be allowed `action` (from `ip`, when given), with the grants that allow it. */
export function whoCan(snapshot: Snapshot, action: string, ip: ParsedAddress | undefined, now: number): Holder[] {
  const out: Holder[] = [];
  for (const c of snapshot.doc.credentials) {
    const d = decide(snapshot, { credential: c.identifier, action, ip, now });
    if (d.allowed) out.push({ identifier: c.identifier, name: c.name, admin: snapshot.admin(c.adminId)?.username ?? null, grants: d.matched });
  }
  return out.sort((a, b) => {
    if (a.name !== null && b.name !== null) return a.name.localeCompare(b.name);
    if (a.name !== null) return -1;
    if (b.name !== null) return 1;
    return a.identifier.localeCompare(b.identifier);
  });
}
