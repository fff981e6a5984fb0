// Core errors carry a hint as a code and parameters, never as CLI words in their message; the command
// layer (src/commands/hints.ts) words it. Each case: the core's message alone (what apply's validator
// lists), the hint it carries, and the full line the command line prints (unchanged from when the
// core wrote the hint into its message and apply cut it out again with a regex).
import { describe, expect, it } from "vitest";
import { hintText, withHint } from "../../src/commands/hints.js";
import { addAdmin, setAdminDisabled } from "../../src/core/admins.js";
import { requireEntry } from "../../src/core/allowlist.js";
import { buildCatalog } from "../../src/core/catalog.js";
import { createCredential, editCredential, rotateCredential } from "../../src/core/credentials.js";
import { AppError, type Hint, NotFoundError, UsageError } from "../../src/core/errors.js";
import { canonicalGrant } from "../../src/core/grants.js";
import { parseIpOrCidr } from "../../src/core/ip.js";
import { emptyStore, type StoreDoc } from "../../src/core/types.js";
import { thrown } from "../helpers/thrown.js";

const NOW = "2030-01-01T00:00:00.000Z";
const noop = () => {};

const appError = (fn: () => unknown): AppError => thrown(fn, AppError);

function store(): StoreDoc {
  const doc = emptyStore();
  addAdmin(doc, "alice", NOW, noop);
  return doc;
}

/** [what, the error, its message, its hint, the line the command line prints] */
const CASES: [string, () => AppError, string, Hint, string][] = [
  [
    "a CIDR with host bits set",
    () => appError(() => parseIpOrCidr("10.0.0.5/8")),
    'invalid IP address or CIDR range "10.0.0.5/8": host bits are set after /8; the network is 10.0.0.0/8',
    { code: "cidr_host_bits_set", params: { network: "10.0.0.0/8" } },
    'invalid IP address or CIDR range "10.0.0.5/8": host bits are set after /8; the network is 10.0.0.0/8 (pass --normalize to store that)',
  ],
  [
    "an IPv6 CIDR with host bits set",
    () => appError(() => parseIpOrCidr("2001:db8::1/32")),
    'invalid IP address or CIDR range "2001:db8::1/32": host bits are set after /32; the network is 2001:db8::/32',
    { code: "cidr_host_bits_set", params: { network: "2001:db8::/32" } },
    'invalid IP address or CIDR range "2001:db8::1/32": host bits are set after /32; the network is 2001:db8::/32 (pass --normalize to store that)',
  ],
  [
    "an unknown action in a grant",
    () => appError(() => canonicalGrant(buildCatalog([]), "Billing")),
    'unknown action "Billing" in grant (did you mean Billing:*?)',
    { code: "grant_unknown", params: {} },
    'unknown action "Billing" in grant (did you mean Billing:*?); see `apicred action list` and `apicred action categories`',
  ],
  [
    "an unknown category in a grant",
    () => appError(() => canonicalGrant(buildCatalog([]), "Nosuch:*")),
    'unknown category "Nosuch" in grant',
    { code: "grant_unknown", params: {} },
    'unknown category "Nosuch" in grant; see `apicred action list` and `apicred action categories`',
  ],
  [
    "a pattern matching nothing",
    () => appError(() => canonicalGrant(buildCatalog([]), "GetClientz*")),
    'grant "GetClientz*" matches no action in the catalog (did you mean GetClientG*?)',
    { code: "grant_matches_nothing", params: {} },
    'grant "GetClientz*" matches no action in the catalog (did you mean GetClientG*?); see `apicred action list`',
  ],
  [
    "an address not on a non-empty allowlist",
    () => {
      const doc = store();
      doc.ipAllowlist.push({ address: "10.0.0.0/8", note: "", addedAt: NOW });
      return appError(() => requireEntry(doc, "10.0.0.1"));
    },
    "10.0.0.1 is not on the IP allowlist",
    { code: "allowlist_entry_missing", params: {} },
    "10.0.0.1 is not on the IP allowlist; see `apicred ip list`",
  ],
  [
    "a credential for a disabled admin",
    () => {
      const doc = store();
      addAdmin(doc, "bob", NOW, noop);
      setAdminDisabled(doc, "bob", true, noop);
      return appError(() => createCredential(doc, { admin: "bob" }, NOW, noop));
    },
    "admin bob is disabled",
    { code: "admin_disabled", params: { admin: "bob" } },
    "admin bob is disabled; enable it first with `apicred admin enable bob`",
  ],
  [
    "a new credential breaking the policy",
    () => {
      const doc = store();
      doc.policy = { maxLifetime: "30d" };
      return appError(() => createCredential(doc, { admin: "alice", name: "x" }, NOW, noop));
    },
    "credential x: it never expires, but the policy allows at most 30d",
    { code: "lifetime_on_create", params: { maxLifetime: "30d" } },
    "credential x: it never expires, but the policy allows at most 30d; pass --expires 30d or sooner",
  ],
  [
    "an edit leaving a credential breaking the policy",
    () => {
      const doc = store();
      createCredential(doc, { admin: "alice", name: "leg" }, NOW, noop);
      doc.policy = { maxLifetime: "30d" };
      return appError(() => editCredential(doc, "leg", { description: "hi" }, noop, Date.parse(NOW)));
    },
    "credential leg: it never expires, but the policy allows at most 30d",
    { code: "lifetime_on_edit", params: { maxLifetime: "30d" } },
    "credential leg: it never expires, but the policy allows at most 30d; add --expires 30d (or sooner) to this edit",
  ],
  [
    "a rotation of a credential breaking the policy",
    () => {
      const doc = store();
      createCredential(doc, { admin: "alice", name: "leg" }, NOW, noop);
      doc.policy = { maxLifetime: "30d" };
      return appError(() => rotateCredential(doc, "leg", 0, NOW, noop));
    },
    "credential leg: it never expires, but the policy allows at most 30d",
    { code: "lifetime_on_rotate", params: { credential: "leg", maxLifetime: "30d" } },
    "credential leg: it never expires, but the policy allows at most 30d; give it a compliant expiry first: apicred credential edit leg --expires 30d",
  ],
];

describe("core errors carry hints as codes and parameters", () => {
  it.each(CASES)("%s", (_, make, message, hint, printed) => {
    const err = make();
    expect(err.message).toBe(message);
    expect(err.hint).toEqual(hint);
    const shown = withHint(err);
    expect(shown.headline).toBe(printed);
    expect(shown.message).toBe(printed);
    expect([shown.exitCode, shown.code]).toEqual([err.exitCode, err.code]);
  });

  it("the message holds no command-line words: no `apicred …` and no flag", () => {
    for (const [, make] of CASES) expect(make().message).not.toMatch(/apicred|--[a-z]/);
  });

  it("an error without a hint is shown as it is; details stay apart from the hint", () => {
    const plain = new UsageError("bad", "invalid_input");
    expect(withHint(plain)).toBe(plain);
    const detailed = new NotFoundError("gone", { code: "allowlist_entry_missing", params: {} });
    expect(withHint(new AppError(detailed.headline, 3, "not_found", ["one", "two"], detailed.hint)).message).toBe(
      "gone; see `apicred ip list`\n  one\n  two",
    );
    expect(hintText({ code: "grant_matches_nothing", params: {} })).toBe("; see `apicred action list`");
  });
});
