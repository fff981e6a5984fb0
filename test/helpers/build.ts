// vitest globalSetup: black-box tests spawn bin/apicred.js, which runs dist/; build it from src first
// so a test run never exercises stale code.
import { execFileSync } from "node:child_process";
import { ROOT } from "./cli.js";

export default function setup(): void {
  execFileSync(process.execPath, ["build.mjs"], { cwd: ROOT, stdio: "inherit" });
}
