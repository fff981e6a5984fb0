// Grants (SPEC.md rule 3): a canonical action name, a category wildcard `Category:*`, `*`, or a
// pattern with `*` inside an action name (`Get*`, `Billing:Get*`: every catalog action whose name
// matches, ASCII case-insensitively, custom ones added later included). This file is the way in;
// the work is split by job:
//   grant-shape.ts   the four shapes of a grant and their display order
//   grant-input.ts   user input to canonical grants (exit 2 with a suggestion), role grant edits
//   grant-match.ts   the one matching rule, compiled for `check`, and what a grant covers now
//   grant-groups.ts  grants grouped by category for `role show`
export { compareGrants, EVERYTHING, isPattern, wildcardCategory } from "./grant-shape.js";
export { canonicalGrant, canonicalGrants, editGrants, type GrantEdit, type GrantEditResult } from "./grant-input.js";
export {
  allowedActionCount,
  expandGrant,
  grantAllows,
  grantInCatalog,
  type GrantMatch,
  matchedGrants,
  type RoleIndex,
  roleIndex,
} from "./grant-match.js";
export { type GrantGroup, groupGrants, PATTERNS } from "./grant-groups.js";
