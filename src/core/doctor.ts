// `doctor`: what is wrong (or about to be) before a caller finds out. Pure: facts about the files
// (permission warnings, a missing audit log) are passed in by the command.
import { buildCatalog } from "./catalog.js";
import { credentialLabel } from "./credentials.js";
import { type Decision, decide, Snapshot, type StepName } from "./decide.js";
import { grantInCatalog } from "./grants.js";
import { policyViolators } from "./policy.js";
import type { StoreWarning } from "./store-warnings.js";
import type { StoreDoc } from "./types.js";
import { type LastUse, unusedLong } from "./usage.js";

export type Severity = "error" | "warning" | "info";

export interface Finding {
  severity: Severity;
  /** Stable machine-readable code (see README "doctor"). */
  code: string;
  message: string;
  /** A command (or step) that fixes it. */
  fix: string;
  /** What it is about: `role:NAME`, `credential:IDENTIFIER`, `ip-allowlist`, `store`, `audit-log`. */
  object: string;
}

export const EXPIRY_HORIZON_MS = 14 * 86_400_000;

export interface DoctorFacts {
  storePath: string;
  auditPath: string;
  /** Warnings the store collected while opening (e.g. readable by group or others), as data. */
  storeWarnings: readonly StoreWarning[];
  auditLogExists: boolean;
  /** How many lines of the audit log are not a whole event (e.g. a crash mid-append). */
  auditSkippedLines?: number;
  /** Temp files of store writes still on disk; `alive`: their writer's pid is running. */
  leftoverTemps?: readonly { path: string; pid: number; alive: boolean }[];
  /** Milliseconds since the epoch. */
  now: number;
  /**
   * The last uses recorded by `serve` or the library; absent (or empty) when nothing records usage,
   * and then no credential is called unused (a store decided only by `check` records no use).
   */
  usage?: ReadonlyMap<string, LastUse>;
}

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function diagnose(doc: StoreDoc, facts: DoctorFacts): Finding[] {
  const out: Finding[] = [];
  const add = (severity: Severity, code: string, object: string, message: string, fix: string) =>
    out.push({ severity, code, message, fix, object });

  // The allowlist and the access key (SPEC.md rules 7 and 8).
  if (doc.ipAllowlist.length === 0 && doc.accessKey === null) {
    add("warning", "api_closed", "ip-allowlist",
      "the IP allowlist is empty and no access key is set: the API is closed, every request is denied",
      'apicred ip add <server-ip> --note "<what it is>"');
  } else if (doc.ipAllowlist.length === 0) {
    add("warning", "access_key_only", "ip-allowlist",
      "an access key is set while the IP allowlist is empty: only requests presenting the access key get through, from any IP",
      'apicred ip add <server-ip> --note "<what it is>"  (then keep the access key for exceptions, or `apicred access-key unset`)');
  }

  // Roles.
  const catalog = buildCatalog(doc.actions);
  for (const role of doc.roles) {
    if (role.grants.length === 0) {
      add("info", "role_without_grants", `role:${role.name}`, `role ${role.name} has no grants: it authorizes nothing`,
        `apicred role edit ${role.name} --allow <grant>  (or \`apicred role delete ${role.name}\`)`);
    }
    for (const grant of role.grants) {
      if (!grantInCatalog(catalog, grant)) {
        add("warning", "grant_not_in_catalog", `role:${role.name}`,
          `role ${role.name} grants ${grant}, which is not in the action catalog (a removed custom action?): it grants nothing`,
          `apicred role edit ${role.name} --revoke '${grant}'  (or add the action back with \`apicred action add\`)`);
      }
    }
  }

  // Credentials: "can it work at all" is asked of the decision engine itself (core/decide), the one
  // copy of the rules, with no IP and no secret: its admin, expiry and roles steps answer it. Only
  // the wording (a missing admin or a disabled one) and the 14-day horizon are doctor's own.
  const snapshot = new Snapshot(doc, { index: true });
  const failed = (d: Decision, step: StepName) => d.steps.some((s) => s.step === step && s.result === "fail");
  for (const c of doc.credentials) {
    const ref = credentialLabel(c);
    const label = c.name ? `credential ${c.name} (${c.identifier})` : `credential ${c.identifier}`;
    const object = `credential:${c.identifier}`;
    // The action does not matter here: only the credential's own steps are read.
    const d = decide(snapshot, { credential: c.identifier, action: "", now: facts.now });
    if (failed(d, "enabled")) {
      add("info", "credential_disabled", object, `${label} is disabled: it is denied`,
        `apicred credential enable ${ref}  (or \`apicred credential delete ${ref}\`)`);
    }
    if (failed(d, "admin")) {
      const admin = snapshot.admin(c.adminId);
      if (!admin) {
        add("error", "credential_admin_missing", object, `${label} belongs to an admin that no longer exists: it is denied`,
          `apicred credential delete ${ref} --yes`);
      } else {
        add("warning", "credential_admin_disabled", object, `${label} belongs to admin ${admin.username}, which is disabled: it is denied`,
          `apicred admin enable ${admin.username}  (or \`apicred credential delete ${ref}\`)`);
      }
    }
    if (failed(d, "roles")) {
      add("warning", "credential_without_roles", object, `${label} has no roles: it authorizes nothing`,
        `apicred credential edit ${ref} --add-role <role>`);
    }
    if (failed(d, "expiry")) {
      add("warning", "credential_expired", object, `${label} expired at ${c.expiresAt}: it is denied`,
        `apicred credential edit ${ref} --expires 90d  (or \`apicred credential delete ${ref}\`)`);
    } else if (c.expiresAt !== null && Date.parse(c.expiresAt) - facts.now <= EXPIRY_HORIZON_MS) {
      add("warning", "credential_expiring", object, `${label} expires at ${c.expiresAt}, within 14 days`,
        `apicred credential edit ${ref} --expires 90d  (or issue a replacement)`);
    }
    if (facts.usage && facts.usage.size > 0 && unusedLong(facts.usage, c, facts.now)) {
      const last = facts.usage.get(c.identifier)?.lastUsedAt;
      add("info", "credential_unused", object, `${label} has not been used for 90 days (${last ? `last used ${last}` : "never used"})`,
        `apicred credential delete ${ref}  (if nothing needs it any more; \`apicred credential list --unused 90d\` lists them all)`);
    }
  }

  // The policy: credentials that would not be accepted today (created before it, or by hand).
  for (const { credential: c, problem } of policyViolators(doc, facts.now)) {
    const ref = credentialLabel(c);
    add("warning", "credential_breaks_policy", `credential:${c.identifier}`,
      `credential ${c.name ? `${c.name} (${c.identifier})` : c.identifier} breaks the policy: ${problem}`,
      `apicred credential edit ${ref} --expires ${doc.policy?.maxLifetime}  (or \`apicred policy unset --max-lifetime\`)`);
  }

  // The files.
  for (const w of facts.storeWarnings) add("warning", w.code, w.object, w.message, w.fix);
  for (const t of facts.leftoverTemps ?? []) {
    if (t.alive) {
      add("warning", "store_temp_file", "store",
        `temp file ${t.path} belongs to pid ${t.pid}, which is running: a write in progress, or a killed writer's pid now used by another process`,
        `if no apicred is running: rm ${t.path}`);
    } else {
      add("warning", "store_temp_file", "store",
        `temp file ${t.path} was left by a writer that died (pid ${t.pid}); the next change removes it`,
        `rm ${t.path}  (or make any change)`);
    }
  }
  if (!facts.auditLogExists) {
    add("warning", "audit_log_missing", "audit-log", `the audit log ${facts.auditPath} is missing: the history of changes is gone`,
      `restore ${facts.auditPath} from a backup (apicred starts a new log with the next change)`);
  } else if (facts.auditSkippedLines) {
    add("info", "audit_log_damaged", "audit-log",
      `${facts.auditSkippedLines} line(s) of the audit log ${facts.auditPath} are not whole events (a crash mid-append?); \`apicred audit\` skips them`,
      `apicred audit  (names the lines; keep the file, it is append-only history)`);
  }

  return out.sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.object < b.object ? -1 : a.object > b.object ? 1 : 0));
}
