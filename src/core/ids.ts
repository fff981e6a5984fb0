// Internal ids for admins and roles: references never reuse a name, so a re-created role or admin is
// a different object (SPEC.md rules 1 and 4).
import { nanoid } from "nanoid";

export function newId(): string {
  return nanoid(12);
}
