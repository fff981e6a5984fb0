// Help everywhere: every command's help lists the global options and ends with EXAMPLES
// (examples.ts), and `apicred help <command…>` shows the help of a command at any depth, or a topic
// (`apicred help environment`, `apicred help exit-codes`).
import { type Command, Help } from "commander";
import { UsageError } from "../core/errors.js";
import { didYouMean } from "../core/suggest.js";
import { EXAMPLES } from "./examples.js";
import { TOPICS } from "./topics.js";

/** "role create" for `apicred role create`, "" for apicred itself. */
export function helpPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

function examplesText(cmd: Command): string {
  const lines = EXAMPLES[helpPath(cmd)];
  if (!lines?.length) return "";
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`;
}

function topicsText(): string {
  const width = Math.max(...Object.keys(TOPICS).map((t) => t.length));
  const topics = Object.entries(TOPICS).map(([name, t]) => `  ${name.padEnd(width)}  ${t.description}`);
  return `\nHelp topics (apicred help <topic>):\n${topics.join("\n")}\n\nRun \`apicred help <command…>\` (or <command…> --help) for the help of a command.\n`;
}

/**
 * Set on the program before any command is added: commander copies the help configuration to each
 * command it creates, so every level shows the global options and its examples.
 */
export function configureHelp(program: Command): void {
  program.configureHelp({
    showGlobalOptions: true,
    formatHelp(cmd: Command, helper: Help): string {
      const text = Help.prototype.formatHelp.call(helper, cmd, helper);
      return text + examplesText(cmd) + (cmd.parent ? "" : topicsText());
    },
  });
}

/** The command `words` name under `root` (names or aliases), or a usage error naming the nearest. */
function findCommand(root: Command, words: readonly string[]): Command {
  let cmd = root;
  for (const word of words) {
    const next = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (!next) {
      const names = cmd.commands.flatMap((c) => [c.name(), ...c.aliases()]).filter((n) => !n.startsWith("__"));
      const where = helpPath(cmd);
      const candidates = where === "" ? [...names, ...Object.keys(TOPICS)] : names;
      throw new UsageError(
        `help: ${where === "" ? "no command or topic" : `\`apicred ${where}\` has no command`} "${word}"${didYouMean(word, candidates)}; ` +
          `see \`apicred help${where === "" ? "" : ` ${where}`}\``,
      );
    }
    cmd = next;
  }
  return cmd;
}

/** `apicred help [command…]`: `build` makes the whole command tree (this run built only `help`). */
export function register(program: Command, build: () => Command): void {
  program
    .command("help")
    .description("show the help of a command (apicred help role create) or a topic (environment, exit-codes)")
    .argument("[command...]", "a command, at any depth, or a topic")
    .action((words: string[], _opts: unknown, cmd: Command) => {
      const topic = words.length === 1 ? TOPICS[words[0]!] : undefined;
      // The run's stdout (program-root.ts gives commander its IO), like the help commander prints itself.
      if (topic) return void cmd.configureOutput().writeOut!(topic.text());
      // The whole tree is built afresh: it prints where this run prints.
      findCommand(build(), words).configureOutput(cmd.configureOutput()).outputHelp();
    });
}
