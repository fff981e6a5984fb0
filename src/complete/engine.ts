// The completion engine: given the described command tree and the words typed after `apicred` (the
// last one being the word under the cursor, possibly empty), lists the candidates. Pure: store data
// comes through `values`, which is only called when a value of some kind is wanted.
import { safe } from "../core/echo.js";
import type { CommandSpec, OptionSpec } from "./tree.js";
import type { ValueKind } from "./values.js";

export interface Candidate {
  value: string;
  description: string;
}

export interface Completion {
  candidates: Candidate[];
  /** The shell should complete file names (for the word, or the part after `--flag=`). */
  files: boolean;
  /** The value given to --store on the line, if any (as typed, unexpanded). */
  store?: string;
}

/** Values of one kind, from the store the line names (`store`: the --store value on the line). */
export type ValueSource = (kind: ValueKind, store: string | undefined) => Candidate[];

/** Kinds whose values match case-insensitively (the catalog does: `getclients` = `GetClients`). */
const CASE_INSENSITIVE = new Set<ValueKind>(["action", "custom-action", "grant", "category"]);

/** The same value for the kind: catalog names ignore case, the rest is exact. */
function same(a: string, b: string, caseInsensitive: boolean): boolean {
  return caseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

interface Frame {
  spec: CommandSpec;
  /** Options of this command and of its ancestors (which commander accepts at any depth). */
  options: OptionSpec[];
}

function findOption(frame: Frame, flag: string): OptionSpec | undefined {
  return frame.options.find((o) => o.flags.includes(flag));
}

function matches(value: string, prefix: string, caseInsensitive: boolean): boolean {
  return caseInsensitive ? value.toLowerCase().startsWith(prefix.toLowerCase()) : value.startsWith(prefix);
}

export function complete(tree: CommandSpec, words: readonly string[], values: ValueSource): Completion {
  const typed = words.length === 0 ? [""] : words;
  const current = typed[typed.length - 1]!;
  let frame: Frame = { spec: tree, options: tree.options };
  let positional = 0;
  let pending: OptionSpec | undefined; // an option whose value comes next
  let variadic: OptionSpec | undefined; // a variadic option still taking values
  let afterDashDash = false;
  let store: string | undefined;
  /** The positional words given to the current command so far (a variadic argument offers no repeat). */
  let given: string[] = [];

  for (const word of typed.slice(0, -1)) {
    if (pending) {
      if (pending.flags.includes("--store")) store = word;
      if (pending.variadic) variadic = pending;
      pending = undefined;
      continue;
    }
    if (!afterDashDash && word === "--") {
      afterDashDash = true;
      variadic = undefined;
      continue;
    }
    if (!afterDashDash && word.startsWith("-") && word.length > 1) {
      variadic = undefined;
      const eq = word.indexOf("=");
      if (word.startsWith("--") && eq > 0) {
        if (word.slice(0, eq) === "--store" && findOption(frame, "--store")) store = word.slice(eq + 1);
        continue;
      }
      const flag = word.startsWith("--") ? word : word.slice(0, 2);
      const option = findOption(frame, flag);
      // `-dTEXT` carries its value; `--flag` and `-d` take the next word when they take a value.
      if (option && option.value !== "none" && word === flag) pending = option;
      continue;
    }
    if (variadic) continue;
    const sub = positional === 0 ? frame.spec.commands.find((c) => c.name === word || c.aliases.includes(word)) : undefined;
    if (sub && !afterDashDash) {
      const own = new Set(sub.options.flatMap((o) => o.flags));
      // The parent's help and version belong to the parent: `-h` on a verb is the verb's own help.
      const inherited = frame.options.filter((o) => !o.flags.some((f) => own.has(f) || f === "--version"));
      frame = { spec: sub, options: [...sub.options, ...inherited] };
      positional = 0;
      given = [];
      continue;
    }
    positional++;
    given.push(word);
  }

  const result: Completion = { candidates: [], files: false };
  if (store !== undefined) result.store = store;
  /**
   * The values of an option or argument that start with `prefix`, each prefixed with `into`. A
   * comma-separated list (`--allow GetClients,Bil`) completes its last item, keeping the items
   * before it and offering none of them again; `taken` are values already on the line.
   */
  const valuesOf = (spec: { kind?: ValueKind; choices?: string[]; list?: boolean }, typed: string, into = "", taken: readonly string[] = []): void => {
    let prefix = typed;
    let skip = taken;
    if (spec.list && typed.includes(",")) {
      const cut = typed.lastIndexOf(",") + 1;
      into += typed.slice(0, cut);
      prefix = typed.slice(cut);
      skip = [...taken, ...typed.slice(0, cut - 1).split(",")];
    }
    if (spec.choices) {
      for (const c of spec.choices) if (c.startsWith(prefix)) result.candidates.push({ value: into + c, description: "" });
    }
    if (!spec.kind) return;
    if (spec.kind === "file") {
      result.files = true;
      return;
    }
    const ci = CASE_INSENSITIVE.has(spec.kind);
    for (const c of values(spec.kind, store)) {
      if (!matches(c.value, prefix, ci) || skip.some((t) => same(t, c.value, ci))) continue;
      result.candidates.push({ value: into + c.value, description: c.description });
    }
  };

  if (pending) {
    valuesOf(pending, current);
    return result;
  }
  if (!afterDashDash && current.startsWith("-")) {
    const eq = current.indexOf("=");
    if (current.startsWith("--") && eq > 0) {
      const option = findOption(frame, current.slice(0, eq));
      if (option && option.value !== "none") valuesOf(option, current.slice(eq + 1), current.slice(0, eq + 1));
      return result;
    }
    const shorts = current.length >= 2 && !current.startsWith("--");
    for (const option of frame.options) {
      const long = option.flags.find((f) => f.startsWith("--"));
      const offered = option.flags.filter((f) => f === long || shorts || long === undefined);
      for (const flag of offered) {
        if (flag.startsWith(current)) result.candidates.push({ value: flag, description: option.description });
      }
    }
    return result;
  }
  if (variadic) {
    valuesOf(variadic, current);
    return result;
  }
  if (positional === 0 && !afterDashDash) {
    for (const c of frame.spec.commands) {
      if (c.name.startsWith(current)) result.candidates.push({ value: c.name, description: c.description });
    }
  }
  const args = frame.spec.args;
  const last = args[args.length - 1];
  const arg = positional < args.length ? args[positional] : last?.variadic ? last : undefined;
  // `ip remove A B <TAB>` offers neither A nor B again.
  if (arg) valuesOf(arg, current, "", arg.variadic ? given.slice(args.length - 1) : []);
  return result;
}

/** The wire format the shell scripts read: `value<TAB>description` lines, then `:files` or `:values`. */
export function formatCompletion(completion: Completion): string {
  // Menus show descriptions on the terminal: tabs and line breaks become spaces, anything else
  // escaped like all output. A value that would need escaping (a control character, a secret) is not
  // offered at all.
  const clean = (s: string) => safe(s.replace(/[\t\r\n]+/g, " ")).trim();
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const c of completion.candidates) {
    if (c.value === "" || safe(c.value) !== c.value || seen.has(c.value)) continue;
    seen.add(c.value);
    lines.push(c.description ? `${c.value}\t${clean(c.description)}` : c.value);
  }
  lines.push(completion.files ? ":files" : ":values");
  return `${lines.join("\n")}\n`;
}
