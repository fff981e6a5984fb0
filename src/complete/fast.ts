// Entry of dist/complete.cjs, the small bundle bin/apicred.js loads for `apicred __complete`: the
// command tree was described from the real commander program at build time (build.mjs), so a TAB
// press costs little more than starting node.
import { completionOutput } from "./run.js";
import type { CommandSpec } from "./tree.js";

declare const APICRED_COMPLETION_TREE: CommandSpec;

export const tree: CommandSpec = APICRED_COMPLETION_TREE;

export async function main(words: string[]): Promise<void> {
  process.stdout.write(await completionOutput(tree, words, process.env));
}
