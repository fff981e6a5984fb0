// Type-level test (checked by `npm run typecheck`, never run): `act` refuses a run function whose
// parameters differ from what its command declares. Each @ts-expect-error fails the typecheck if
// the line it marks compiles, so a loosened `act` breaks this file.
import type { Context } from "../../src/context.js";
import { act, collect, type Program } from "../../src/run.js";

declare const program: Program;
const verb = () =>
  program
    .command("verb")
    .argument("<name>")
    .option("--dry-run")
    .option("--note <text>")
    .option("--allow <grant>", "", collect);

interface Exact {
  dryRun?: true;
  note?: string;
  allow?: string[];
}
async function exact(_ctx: Context, _name: string, _opts: Exact): Promise<number | void> {}
verb().action(act(exact));

// A declared option missing from the options type.
async function missing(_ctx: Context, _name: string, _opts: { note?: string; allow?: string[] }): Promise<void> {}
// @ts-expect-error --dry-run is declared but not in the type
verb().action(act(missing));

// An option the command does not declare.
async function extra(_ctx: Context, _name: string, _opts: Exact & { force?: true }): Promise<void> {}
// @ts-expect-error --force is not declared
verb().action(act(extra));

// A value option typed as a flag.
async function wrongType(_ctx: Context, _name: string, _opts: { dryRun?: true; note?: boolean; allow?: string[] }): Promise<void> {}
// @ts-expect-error --note <text> is a string
verb().action(act(wrongType));

// A required option typed as optional does not match either (and the other way round).
async function optional(_ctx: Context, _name: string, _opts: { dryRun?: true; note: string; allow?: string[] }): Promise<void> {}
// @ts-expect-error --note is optional
verb().action(act(optional));

// Declared options left out of the run function.
async function noOptions(_ctx: Context, _name: string): Promise<void> {}
// @ts-expect-error the options are declared, so the run function takes them
verb().action(act(noOptions));

// A wrong argument type.
async function wrongArg(_ctx: Context, _name: string | undefined, _opts: Exact): Promise<void> {}
// @ts-expect-error <name> is required: a string
verb().action(act(wrongArg));

// A verb with no options may leave them out, or take exactly {}.
async function bare(_ctx: Context, _name: string): Promise<void> {}
program.command("bare").argument("<name>").action(act(bare));
async function bareOpts(_ctx: Context, _name: string, _opts: {}): Promise<void> {}
program.command("bare").argument("<name>").action(act(bareOpts));

// A command typed by commander's own (loose) typings is refused: act needs the declared types.
declare const loose: import("commander").Command;
// @ts-expect-error commander's own typings declare nothing
loose.command("loose").action(act(exact));

// A negatable flag (`--no-expiry`) is always set: `expiry: boolean`, not optional, not `true`.
const negatable = () => program.command("neg").option("--no-expiry");
async function negExact(_ctx: Context, _opts: { expiry: boolean }): Promise<void> {}
negatable().action(act(negExact));
async function negOptional(_ctx: Context, _opts: { expiry?: boolean }): Promise<void> {}
// @ts-expect-error --no-expiry always gives a value
negatable().action(act(negOptional));
