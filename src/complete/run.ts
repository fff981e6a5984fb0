// `apicred __complete <words...>`: prints the candidates for the last word. Never fails loudly: a
// completion request must not print an error into the user's terminal.
import type { CommandSpec } from "./tree.js";
import { complete, formatCompletion } from "./engine.js";
import { storeValues } from "./data.js";

export function completionOutput(tree: CommandSpec, words: readonly string[], env: NodeJS.ProcessEnv): string {
  try {
    return formatCompletion(complete(tree, words, storeValues(env)));
  } catch {
    return ":values\n";
  }
}
