// The batch answerer: line numbering, blank lines and error lines.
import { describe, expect, it } from "vitest";
import { hashAccessKey } from "../../src/core/access-key.js";
import { answerBlock, answerLine } from "../../src/core/batch.js";
import { Snapshot } from "../../src/core/decide.js";
import { generateSecret, hashSecret } from "../../src/core/secrets.js";
import { emptyStore } from "../../src/core/types.js";

const SECRET = generateSecret();
const doc = emptyStore();
doc.admins.push({ id: "a", username: "alice", disabled: false, createdAt: "t" });
doc.roles.push({ id: "r", name: "billing \"read\"", description: "", grants: ["GetInvoices", "Support:*"], createdAt: "t" });
doc.credentials.push({
  identifier: "C".repeat(32), name: "ci", adminId: "a", description: "", roleIds: ["r"], ips: ["10.0.0.0/8"],
  expiresAt: null, createdAt: "t", secretHash: hashSecret(SECRET), previousSecret: null, rotatedAt: null,
});
doc.ipAllowlist.push({ address: "203.0.113.0/24", note: "", addedAt: "t" });
doc.accessKey = { hash: hashAccessKey("the-access-key-123"), fingerprint: "f", setAt: "t" };
const snapshot = new Snapshot(doc, { index: true });
const NOW = Date.parse("2026-06-01T00:00:00Z");

describe("answerBlock", () => {
  it("numbers lines, skips blank ones, and answers bad lines with errors", () => {
    const text = ['{"credential":"ci","action":"GetInvoices"}', "", "   ", "{", '{"credential":"ci"}', "[]"].join("\n");
    const out = answerBlock(snapshot, { text, firstLineNo: 10, now: NOW }).trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(out.map((o) => o.reason ?? `${o.error.code}@${o.line}`)).toEqual([
      "allowed",
      "invalid_json@13",
      "invalid_input@14",
      "invalid_input@15",
    ]);
    expect(out[2].error.message).toBe('line 14: "action" is required');
  });

  it.each([
    ['{"credential":5,"action":"GetInvoices"}', '"credential" must be a string'],
    ['{"credential":"ci","action":"GetInvoices","ip":"010.0.0.1"}', "010.0.0.1"],
    ['{"credential":"ci","action":"GetInvoices","secret":7}', '"secret" must be a string'],
  ])("%s is an error line", (line, message) => {
    const out = JSON.parse(answerLine(snapshot, line, 1, NOW));
    expect(out.error.message).toContain(message);
    expect(out.line).toBe(1);
  });
});
