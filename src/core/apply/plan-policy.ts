// apply's policy section: the store-wide maximum credential lifetime (planned first: it decides which
// credentials of the document are acceptable).
import { canonicalMaxLifetime } from "../policy.js";
import type { StoreDoc } from "../types.js";
import type { Change, Work } from "./types.js";
import { type Json, objectAt, optionalStringAt, POLICY_FIELDS, type Problems } from "./validate.js";

/** Returns the max lifetime in force after apply. */
export function planPolicy(p: Problems, doc: StoreDoc, top: Json, work: Work, changes: Change[]): string | undefined {
  let maxLifetime = doc.policy?.maxLifetime;
  if (top.policy === undefined) return maxLifetime;
  const o = objectAt(p, "policy", top.policy, POLICY_FIELDS);
  const text = o === undefined ? undefined : optionalStringAt(p, "policy.maxLifetime", o.maxLifetime);
  if (text === undefined) return maxLifetime;
  const wanted = text === null ? undefined : p.check("policy.maxLifetime", () => canonicalMaxLifetime(text, "maxLifetime"));
  if (text === null || wanted !== undefined) {
    maxLifetime = wanted;
    if (wanted !== doc.policy?.maxLifetime) {
      work.policy = { maxLifetime: wanted };
      changes.push({ op: "update", kind: "policy", name: "maxLifetime", fields: [{ field: "maxLifetime", from: doc.policy?.maxLifetime ?? null, to: wanted ?? null }] });
    }
  }
  return maxLifetime;
}
