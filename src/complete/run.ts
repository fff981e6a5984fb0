// `apicred __complete <words...>`: prints the candidates for the last word. Never fails loudly: a
// completion request must not print an error into the user's terminal.
import type { CommandSpec } from "./tree.js";
import { complete, formatCompletion } from "./engine.js";
import { completionStore, preload, storeValues } from "./data.js";

export async function completionOutput(tree: CommandSpec, words: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    // A first pass learns which store the line names, if it needs one; a PostgreSQL store is then
    // read (asynchronously) before the pass that answers. A file is read by that pass itself.
    let wanted: string | undefined;
    let credentials = false;
    complete(tree, words, (kind, store) => {
      wanted ??= completionStore(store, env);
      credentials ||= kind.endsWith("credential");
      return [];
    });
    const doc = wanted === undefined ? undefined : await preload(wanted, credentials);
    return formatCompletion(complete(tree, words, storeValues(env, doc && { location: wanted!, doc })));
  } catch {
    return ":values\n";
  }
}
