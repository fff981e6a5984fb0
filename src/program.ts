// The command registry: every noun on the root program (program-root.ts). Each noun lives in
// src/commands/<noun>.ts and registers its verbs here.
import type { Command } from "commander";
import { register as registerAccessKey } from "./commands/access-key.js";
import { register as registerAction } from "./commands/action.js";
import { register as registerAdmin } from "./commands/admin.js";
import { register as registerCompletion } from "./commands/completion.js";
import { register as registerAudit } from "./commands/audit.js";
import { register as registerCheck } from "./commands/check.js";
import { register as registerCredential } from "./commands/credential.js";
import { register as registerDoctor } from "./commands/doctor.js";
import { register as registerExport } from "./commands/export.js";
import { register as registerInit } from "./commands/init.js";
import { register as registerRole } from "./commands/role.js";
import { register as registerServe } from "./commands/serve.js";
import { register as registerIp } from "./commands/ip.js";
import { register as registerHelp } from "./help/help.js";
import { register as registerPolicy } from "./commands/policy.js";
import { register as registerScan } from "./commands/scan.js";
import { register as registerWhoCan } from "./commands/who-can.js";
import { register as registerStore } from "./commands/store.js";
import type { IO } from "./io.js";
import { commandWord, rootProgram } from "./program-root.js";

/**
 * Every noun: the top-level command names (and aliases) a module registers, and its register
 * function, in the order `--help` lists them. The names let a run build only the command it needs:
 * building all of commander's tree costs more than the whole of `check` (test/unit/program.test.ts
 * keeps the names true).
 */
export const NOUNS: readonly (readonly [names: readonly string[], register: (program: Command) => void])[] = [
  [["init", "status"], registerInit],
  [["admin"], registerAdmin],
  [["action"], registerAction],
  [["role"], registerRole],
  [["credential", "cred"], registerCredential],
  [["ip"], registerIp],
  [["access-key"], registerAccessKey],
  [["check"], registerCheck],
  [["who-can"], registerWhoCan],
  [["scan"], registerScan],
  [["policy"], registerPolicy],
  [["export", "apply"], registerExport],
  [["audit"], registerAudit],
  [["doctor"], registerDoctor],
  [["serve"], registerServe],
  [["store"], registerStore],
  [["completion", "__complete"], (program) => registerCompletion(program, () => buildProgram())],
  [["help"], (program) => registerHelp(program, () => buildProgram())],
];

/**
 * The commander tree. Given the argv, only the noun it names is registered (all of them when it
 * names none, or an unknown one: help and "did you mean" need the whole list).
 */
export function buildProgram(argv?: readonly string[], io?: IO): Command {
  const program = rootProgram(io);
  const word = argv ? commandWord(argv.slice(2)) : undefined;
  const only = NOUNS.filter(([names]) => word !== undefined && names.includes(word));
  for (const [, register] of only.length > 0 ? only : NOUNS) register(program);
  return program;
}
