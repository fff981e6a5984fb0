// The decision engine (SPEC.md "The decision"): may this credential run this action from this IP?
// One pure function used by `check`, `check --batch` and `doctor`. Every step is evaluated and
// reported; the reason is the first step that fails, in the order of STEPS.
import { allowlistStep, accessKeyStatus, type AccessKeyStatus } from "./access-key.js";
import { buildCatalog, type Catalog, findAction } from "./catalog.js";
import { credentialLabel, CredentialIndex, findCredential, isExpired } from "./credential-lookup.js";
import { quote } from "./echo.js";
import { StoreError, UsageError } from "./errors.js";
import { type GrantMatch, matchedGrants, type RoleIndex, roleIndex } from "./grants.js";
import { compileMatcher, credentialIpStep, type IpMatcher, type ParsedAddress } from "./ip.js";
import { looksLikeSecret, VerifiedHashes, verifySecret } from "./secrets.js";
import { sha256, type Sha256 } from "./sha256.js";
import type { Admin, Credential, StoreDoc } from "./types.js";

export const STEPS = [
  ["credential", "unknown_credential"],
  ["secret", "bad_secret"],
  ["enabled", "credential_disabled"],
  ["admin", "admin_disabled"],
  ["expiry", "credential_expired"],
  ["ip_allowlist", "ip_not_allowed"],
  ["credential_ip", "ip_not_allowed_for_credential"],
  ["action", "unknown_action"],
  ["roles", "no_roles"],
  ["grant", "action_not_allowed"],
] as const;

export type StepName = (typeof STEPS)[number][0];
export type Reason = (typeof STEPS)[number][1] | "allowed";
export type StepResult = "pass" | "fail" | "skipped";

export interface Step {
  step: StepName;
  result: StepResult;
  detail?: string;
}

export interface DecisionRequest {
  /** Identifier or unique name. */
  credential: string;
  action: string;
  /** The client address, already parsed (parse errors are input errors, not decisions). */
  ip?: ParsedAddress;
  secret?: string;
  accessKey?: string;
  /** Milliseconds since the epoch. */
  now: number;
  /** Give every step its detail; otherwise only failed steps carry one (SPEC.md's JSON example). */
  explain?: boolean;
  /**
   * The request path (`serve`, the library): nothing is skipped for want of input. A missing secret
   * fails `secret` (bad_secret) and a missing IP fails the IP steps (ip_not_allowed), where `check`
   * on the command line skips them.
   */
  complete?: boolean;
}

export interface Decision {
  allowed: boolean;
  reason: Reason;
  /** The identifier when the credential exists, else what was asked for. */
  credential: string;
  /** The canonical action name when it is in the catalog, else what was asked for. */
  action: string;
  ip: string | null;
  /** Every (role, grant) that allows the action; empty unless allowed. */
  matched: GrantMatch[];
  steps: Step[];
  /** Only when an access key was presented: whether it is the store's key. */
  accessKey?: Exclude<AccessKeyStatus, "not_given">;
}

/**
 * A store prepared for deciding: the catalog, role and admin indexes and the allowlist matcher are
 * built once and reused (a batch decides many requests against one snapshot). Credential lookups
 * scan the list until `index` is asked for, because building a Map of 100k credentials costs more
 * than the one lookup a single `check` makes.
 */
export class Snapshot {
  readonly catalog: Catalog;
  private readonly roles: RoleIndex;
  private readonly admins: Map<string, Admin>;
  private readonly index?: CredentialIndex;
  private allowlist?: IpMatcher;
  private readonly credentialMatchers = new Map<string, IpMatcher>();

  /** The SHA-256 that verifies presented secrets (see the constructor's `sha256`). */
  readonly sha256: Sha256;
  /** Hashes already verified against a well-formed secret (long-lived snapshots only). */
  readonly verified?: VerifiedHashes;

  constructor(
    readonly doc: StoreDoc,
    /**
     * `sha256`: a long-running server injects node:crypto's, ~3× faster per secret; `check` keeps
     * core/sha256.ts's, so that node:crypto never loads at its start-up. `remember`: keep the
     * stored hashes that verified (secrets.ts VerifiedHashes), for a snapshot that decides the same
     * credentials again and again.
     */
    { index = false, sha256: hash = sha256, remember = false }: { index?: boolean; sha256?: Sha256; remember?: boolean } = {},
  ) {
    this.sha256 = hash;
    if (remember) this.verified = new VerifiedHashes();
    this.catalog = buildCatalog(doc.actions);
    this.roles = roleIndex(doc.roles);
    this.admins = new Map(doc.admins.map((a) => [a.id, a]));
    if (index) this.index = new CredentialIndex(doc.credentials);
  }

  /** By identifier (exact), else by name (case-insensitive, names are unique). */
  findCredential(ref: string): Credential | undefined {
    return this.index ? this.index.find(ref) : findCredential(this.doc, ref);
  }

  admin(id: string): Admin | undefined {
    return this.admins.get(id);
  }

  roleMap(): RoleIndex {
    return this.roles;
  }

  allowlistMatcher(): IpMatcher {
    this.allowlist ??= storedMatcher(this.doc.ipAllowlist.map((e) => e.address), "the IP allowlist");
    return this.allowlist;
  }

  credentialMatcher(c: Credential): IpMatcher {
    let m = this.credentialMatchers.get(c.identifier);
    if (!m) this.credentialMatchers.set(c.identifier, (m = storedMatcher(c.ips, `the IP limits of credential ${credentialLabel(c)}`)));
    return m;
  }

  /**
   * Compiles every stored IP entry now rather than at a decision that needs it: for a server's
   * reload, so that a store holding one that cannot be read is never switched to (StoreError).
   */
  compileIps(): void {
    this.allowlistMatcher();
    for (const c of this.doc.credentials) if (c.ips.length > 0) this.credentialMatcher(c);
  }
}

/**
 * A matcher of stored entries. apicred stores only entries it parsed, so one that does not parse was
 * edited by hand: a store error (exit 5), not the request's fault (exit 2), and never skipped.
 */
function storedMatcher(entries: readonly string[], where: string): IpMatcher {
  try {
    return compileMatcher(entries);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    throw new StoreError(`the store is invalid: ${where} hold an ${err.message}; fix it by hand or restore it from a backup`, "store_invalid");
  }
}

const NO_CREDENTIAL = "no such credential";

export function decide(snapshot: Snapshot, request: DecisionRequest): Decision {
  const { now, ip } = request;
  const cred = snapshot.findCredential(request.credential);
  const steps: Step[] = [];
  const explain = request.explain === true;
  // A detail is written only where it is shown (a failure, or --explain); `() => string` defers the
  // work of building it, which a batch of 100k decisions would otherwise do for nothing.
  const add = (step: StepName, result: StepResult, detail: string | (() => string)) =>
    steps.push(
      explain || result === "fail" ? { step, result, detail: typeof detail === "string" ? detail : detail() } : { step, result },
    );

  // credential
  if (cred) add("credential", "pass", () => `credential ${credentialLabel(cred)}`);
  else if (looksLikeSecret(request.credential)) add("credential", "fail", "no credential: that looks like a secret (apc_…), not an identifier or name");
  else add("credential", "fail", `no credential with identifier or name ${quote(request.credential)}`);

  // secret: only when one is given; a malformed one is refused by its checksum, without a hash lookup
  if (request.secret === undefined && !request.complete) add("secret", "skipped", "no secret given");
  else if (!cred) add("secret", "skipped", NO_CREDENTIAL);
  else if (request.secret === undefined) add("secret", "fail", "no secret given");
  else {
    const v = verifySecret(cred, request.secret, now, snapshot.sha256, snapshot.verified);
    if (v.ok) add("secret", "pass", v.via === "previous" ? "the previous secret, inside its grace period" : "the secret matches");
    else add("secret", "fail", v.detail);
  }

  // enabled: `credential disable` turns a credential off without deleting it
  if (!cred) add("enabled", "skipped", NO_CREDENTIAL);
  else if (cred.disabled === true) add("enabled", "fail", `credential ${credentialLabel(cred)} is disabled`);
  else add("enabled", "pass", "the credential is enabled");

  // admin
  if (!cred) add("admin", "skipped", NO_CREDENTIAL);
  else {
    const admin = snapshot.admin(cred.adminId);
    if (!admin) add("admin", "fail", "the credential's admin no longer exists");
    else if (admin.disabled) add("admin", "fail", `admin ${admin.username} is disabled`);
    else add("admin", "pass", () => `admin ${admin.username} is enabled`);
  }

  // expiry: expired at the instant of expiresAt
  if (!cred) add("expiry", "skipped", NO_CREDENTIAL);
  else if (cred.expiresAt === null) add("expiry", "pass", "never expires");
  else if (isExpired(cred, now)) add("expiry", "fail", `expired at ${cred.expiresAt}`);
  else add("expiry", "pass", () => `expires at ${cred.expiresAt}`);

  // ip_allowlist: the access key bypasses this step and only this one
  const keyStatus = accessKeyStatus(snapshot.doc.accessKey, request.accessKey);
  const global = allowlistStep(ip?.canonical, ip ? snapshot.allowlistMatcher()(ip) : undefined, keyStatus);
  if (!ip && request.complete) add("ip_allowlist", "fail", "no client IP given");
  else add("ip_allowlist", global.result, global.detail);

  // credential_ip: the credential's own limits; no access key here
  if (!cred) add("credential_ip", "skipped", ip ? NO_CREDENTIAL : "no --ip given");
  else if (!ip && request.complete) add("credential_ip", "fail", "no client IP given");
  else {
    const own = credentialIpStep(ip, cred.ips, cred.ips.length > 0 && ip ? snapshot.credentialMatcher(cred) : undefined);
    add("credential_ip", own.result, own.detail);
  }

  // action
  const action = findAction(snapshot.catalog, request.action);
  if (action) add("action", "pass", () => `${action.name} (${action.category}${action.custom ? ", custom" : ""})`);
  else add("action", "fail", `${quote(request.action)} is not in the action catalog`);

  // roles: ids of deleted roles are dropped on delete; count only roles that exist
  let roleCount = 0;
  if (cred) for (const id of cred.roleIds) if (snapshot.roleMap().has(id)) roleCount++;
  if (!cred) add("roles", "skipped", NO_CREDENTIAL);
  else if (roleCount === 0) add("roles", "fail", "the credential has no roles");
  else add("roles", "pass", () => `${roleCount} role${roleCount === 1 ? "" : "s"}`);

  // grant
  let matched: GrantMatch[] = [];
  if (!cred) add("grant", "skipped", NO_CREDENTIAL);
  else if (!action) add("grant", "skipped", "unknown action");
  else if (roleCount === 0) add("grant", "skipped", "no roles");
  else {
    matched = matchedGrants(cred.roleIds, snapshot.roleMap(), action);
    const found = matched;
    if (found.length > 0) add("grant", "pass", () => found.map((m) => `role ${m.role} grants ${m.grant}`).join("; "));
    else add("grant", "fail", `no role of this credential grants ${action.name}`);
  }

  let reason: Reason = "allowed";
  for (let i = 0; i < STEPS.length; i++) {
    if (steps[i]!.result === "fail") {
      reason = STEPS[i]![1];
      break;
    }
  }
  const decision: Decision = {
    allowed: reason === "allowed",
    reason,
    // A secret pasted where the credential belongs is never echoed back.
    credential: cred ? cred.identifier : looksLikeSecret(request.credential) ? "apc_…" : request.credential,
    action: action ? action.name : request.action,
    ip: ip ? ip.canonical : null,
    // As in SPEC.md's example: a denial lists no matches (the grant step's detail still names them).
    matched: reason === "allowed" ? matched : [],
    steps,
  };
  if (keyStatus !== "not_given") decision.accessKey = keyStatus;
  return decision;
}
