// Build-time entry (build.mjs): describes the real commander program for the completion bundle.
import { buildProgram } from "../program.js";
import { describeCommand, type CommandSpec } from "./tree.js";

export function describeProgram(): CommandSpec {
  return describeCommand(buildProgram());
}
