// Turns commander's command tree into a plain, JSON-able description for completion. The build runs
// this on the real program and embeds the result in the small completion bundle (dist/complete.cjs),
// so a TAB press never loads the full program, yet every candidate still comes from commander.
import type { Argument, Command, Option } from "commander";
import { ARGUMENT_VALUES, OPTION_VALUES, type ValueKind } from "./values.js";

export interface OptionSpec {
  /** The flags as typed: the long one first, e.g. ["--description", "-d"]. */
  flags: string[];
  description: string;
  /** Whether it takes a value: `<v>` required, `[v]` optional. */
  value: "none" | "required" | "optional";
  variadic: boolean;
  /** Takes a comma-separated list (`--allow A,B`): completion completes the item after the last comma. */
  list?: boolean;
  kind?: ValueKind;
  choices?: string[];
}

export interface ArgumentSpec {
  name: string;
  description: string;
  variadic: boolean;
  kind?: ValueKind;
  choices?: string[];
}

export interface CommandSpec {
  name: string;
  aliases: string[];
  description: string;
  options: OptionSpec[];
  args: ArgumentSpec[];
  commands: CommandSpec[];
}

function describeOption(option: Option, path: string): OptionSpec {
  const flags = [option.long, option.short].filter((f): f is string => typeof f === "string" && f !== "");
  const kind = flags.map((f) => OPTION_VALUES[`${path} ${f}`] ?? OPTION_VALUES[f]).find((k) => k !== undefined);
  const spec: OptionSpec = {
    flags,
    description: option.description,
    value: option.required ? "required" : option.optional ? "optional" : "none",
    variadic: option.variadic,
  };
  if (kind && spec.value !== "none") spec.kind = kind;
  if (isCommaList(option)) spec.list = true;
  if (option.argChoices) spec.choices = [...option.argChoices];
  return spec;
}

/** Options parsed by program.ts's `collect` take comma-separated lists (it marks itself so). */
function isCommaList(option: Option): boolean {
  const parse = (option as Option & { parseArg?: { commaSeparated?: boolean } }).parseArg;
  return parse?.commaSeparated === true;
}

function describeArgument(argument: Argument, kind: ValueKind | null | undefined): ArgumentSpec {
  const spec: ArgumentSpec = { name: argument.name(), description: argument.description, variadic: argument.variadic };
  if (kind) spec.kind = kind;
  if (argument.argChoices) spec.choices = [...argument.argChoices];
  return spec;
}

/** The visible tree under `cmd`, whose command path is `path` ("" for the program), with value kinds; hidden commands and options are left out. */
export function describeCommand(cmd: Command, path = ""): CommandSpec {
  const help = cmd.createHelp();
  const kinds = ARGUMENT_VALUES[path] ?? [];
  return {
    name: cmd.name(),
    aliases: cmd.aliases(),
    description: cmd.description(),
    options: help.visibleOptions(cmd).map((o) => describeOption(o, path)),
    args: cmd.registeredArguments.map((a, i) => describeArgument(a, kinds[i])),
    commands: help.visibleCommands(cmd).map((c) => describeCommand(c, path === "" ? c.name() : `${path} ${c.name()}`)),
  };
}
