// `apicred check --batch`: JSON Lines in, one decision per line out, in order (core/batch.ts does
// the answering). Streams block by block in bounded memory, so a million-line input works, and a
// malformed, over-long or non-UTF-8 line gets an {"error":…} line instead of stopping the batch.
import { answerBlock, errorLine } from "../core/batch.js";
import { Snapshot } from "../core/decide.js";
import type { Context } from "../context.js";
import { assertReadableStdin } from "../ui/bounded-read.js";
import { stdinBlocks } from "../ui/input.js";

export async function runCheckBatch(ctx: Context): Promise<number> {
  assertReadableStdin("check --batch", ctx.io.stdin);
  const snapshot = new Snapshot((await ctx.read()), { index: true });
  for await (const item of stdinBlocks(ctx.io.stdin)) {
    const answers =
      "error" in item ? `${errorLine(item.error.lineNo, item.error.code, item.error.message)}\n` : answerBlock(snapshot, { ...item, now: Date.now() });
    if (answers !== "") ctx.out.writeJson(answers);
  }
  return 0;
}
