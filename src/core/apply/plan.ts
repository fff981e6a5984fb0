// apply's planner (SPEC.md "Export and apply"): validates the whole document against the store and
// computes the plan, without changing anything. Every problem is collected with its JSON path into one
// UsageError (exit 2), so nothing is written when anything is wrong. The plan is computed against the
// final state: names are unique after every rename, create and (with --prune) removal. A section the
// document leaves out (no "ipAllowlist" key) is not managed: neither changed nor pruned. An empty
// array is managed: with --prune it empties that part of the store.
//
// Bulk: everything is matched through Maps and Sets built once, so 100,000 credentials cost linear time.
import type { StoreDoc } from "../types.js";
import { EXPORT_VERSION } from "./document.js";
import { planActions } from "./plan-actions.js";
import { planAdminChanges, planAdmins } from "./plan-admins.js";
import { planAllowlist } from "./plan-allowlist.js";
import { planCredentials } from "./plan-credentials.js";
import { planPolicy } from "./plan-policy.js";
import { planRoles } from "./plan-roles.js";
import { type Change, type ChangeKind, type ChangeOp, emptyWork, type Plan, type PlanOptions } from "./types.js";
import { invalidDocument, isObject, objectAt, Problems, TOP, typeName } from "./validate.js";

/**
 * Validates `input` (the parsed document) against the store and computes what apply would change.
 * `now` (ms) is used for the policy's lifetime and for warnings (an expiry in the past).
 */
export function planApply(doc: StoreDoc, input: unknown, options: PlanOptions, now: number): Plan {
  const p = new Problems();
  const { prune } = options;
  const changes: Change[] = [];
  const warnings: string[] = [];
  const work = emptyWork();

  const top = objectAt(p, "(document)", input, TOP) ?? {};
  if (isObject(input)) {
    if (top.$schema !== undefined && typeof top.$schema !== "string") p.add("$schema", `must be a string, not ${typeName(top.$schema)}`);
    const version = top.version;
    if (version === undefined) p.add("version", `is required (${EXPORT_VERSION})`);
    else if (version !== EXPORT_VERSION) {
      p.add("version", typeof version === "number" && version > EXPORT_VERSION
        ? `${version} was written by a newer apicred; this one reads version ${EXPORT_VERSION}`
        : `must be ${EXPORT_VERSION}`);
    }
  }

  // The policy first: it decides which credentials below are acceptable.
  const maxLifetime = planPolicy(p, doc, top, work, changes);
  const admins = planAdmins(p, doc, top, prune);
  const catalog = planActions(p, doc, top, prune, work, changes);
  const roles = planRoles(p, doc, top, catalog, prune, work, changes);
  const kept = planCredentials(p, { doc, top, prune, admins, roles, maxLifetime, now, work, changes, warnings });
  planAllowlist(p, doc, top, prune, work, changes);

  if (p.list.length > 0) throw invalidDocument(p.list, options.source);

  // Admin changes last: how many credentials an admin removal takes with it.
  const adminChanges = planAdminChanges(admins, doc, (c) => kept.has(c), work);
  const of = (kind: ChangeKind) => changes.filter((c) => c.kind === kind);
  const actionRemoves: Change[] = work.actions.remove.map((name) => ({ op: "remove", kind: "action", name }));
  const roleRemoves: Change[] = work.roles.remove.map((name) => ({ op: "remove", kind: "role", name }));
  const ordered = [...of("policy"), ...adminChanges, ...of("action"), ...actionRemoves, ...of("role"), ...roleRemoves, ...of("credential"), ...of("ip")];
  const counts: Record<ChangeOp, number> = { create: 0, update: 0, remove: 0 };
  for (const c of ordered) counts[c.op]++;
  return { changes: ordered, counts, warnings, work };
}
