// The baseline for `npm run bench:serve`: a bare node:http server doing the least a decision service
// must do — read the body, JSON.parse it, answer JSON. One object in: a small object out. An array in:
// one decision-shaped object (the check --json shape) per element, stringified.
import { createServer } from "node:http";

// The ten steps of a real decision (core/decide.ts STEPS), so the array answer is decision-sized.
const steps = ["credential", "secret", "enabled", "admin", "expiry", "ip_allowlist", "credential_ip", "action", "roles", "grant"].map((step) => ({ step, result: "pass" }));
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const answer = Array.isArray(body)
      ? body.map((r) => ({ allowed: true, reason: "allowed", credential: r.credential, action: r.action, ip: r.ip, matched: [{ role: "r", grant: r.action }], steps }))
      : { allowed: true, reason: "allowed" };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
  });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
