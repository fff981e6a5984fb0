// `apicred check --batch`: JSON Lines in, one decision per line out, in order (core/batch.ts does
// the answering). Streams block by block in bounded memory, so a million-line input works, and a
// malformed line gets an {"error":…} line instead of stopping the batch.
import { answerBlock } from "../core/batch.js";
import { Snapshot } from "../core/decide.js";
import type { Context } from "../context.js";
import { stdinBlocks } from "../ui/input.js";

export async function runBatch(ctx: Context): Promise<number> {
  const snapshot = new Snapshot(ctx.read(), { index: true });
  for await (const block of stdinBlocks()) {
    const answers = answerBlock(snapshot, { ...block, now: Date.now() });
    if (answers !== "") ctx.out.writeJson(answers);
  }
  return 0;
}
