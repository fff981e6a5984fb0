// apply's ipAllowlist section: entries are matched by the addresses they cover, in any spelling.
import { validateNote } from "../allowlist.js";
import { coverageKey, parseIpOrCidr } from "../ip.js";
import type { StoreDoc } from "../types.js";
import { byKey, unlisted } from "./diff.js";
import type { Change, Work } from "./types.js";
import { IP_FIELDS, type Json, objectAt, type Problems, sectionAt, stringAt } from "./validate.js";

const keyOf = (e: { address: string }) => coverageKey(e.address);

export function planAllowlist(p: Problems, doc: StoreDoc, top: Json, prune: boolean, work: Work, changes: Change[]): void {
  const section = sectionAt(p, top, "ipAllowlist");
  if (section === undefined) return;
  const store = byKey(doc.ipAllowlist, keyOf);
  const listed = new Map<string, string>();
  for (const { value, path } of section) {
    const o = objectAt(p, path, value, IP_FIELDS);
    if (!o) continue;
    const address = stringAt(p, `${path}.address`, o.address);
    const note = stringAt(p, `${path}.note`, o.note, "");
    if (note !== undefined) p.check(`${path}.note`, () => validateNote(note));
    if (address === undefined) continue;
    const parsed = p.check(`${path}.address`, () => parseIpOrCidr(address));
    if (!parsed || note === undefined) continue;
    const key = coverageKey(parsed.canonical);
    const seen = listed.get(key);
    if (seen) {
      p.add(`${path}.address`, `${parsed.canonical} is listed twice (also at ${seen}, covering the same addresses)`);
      continue;
    }
    listed.set(key, path);
    const existing = store.get(key);
    if (!existing) {
      work.ips.create.push({ address: parsed.canonical, note });
      changes.push({ op: "create", kind: "ip", name: parsed.canonical });
    } else if (existing.note !== note) {
      work.ips.update.push({ key: existing.address, address: existing.address, note });
      changes.push({ op: "update", kind: "ip", name: existing.address, fields: [{ field: "note", from: existing.note, to: note }] });
    }
  }
  if (!prune) return;
  for (const e of unlisted(doc.ipAllowlist, keyOf, listed)) {
    work.ips.remove.push(e.address);
    changes.push({ op: "remove", kind: "ip", name: e.address });
  }
}
