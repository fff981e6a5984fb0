// The in-process runner behind Sandbox.run (test/helpers/cli.ts): a worker thread that loads the
// built bundle (dist/apicred.cjs, the code bin/apicred.js runs) once and runs main(argv, io) for
// each request with an IO that captures stdout and stderr and gives stdin in full. The caller blocks
// on `flag` until the answer is posted, so Sandbox.run stays synchronous. Plain CommonJS: a worker
// is not transformed by vitest.
"use strict";
const { workerData } = require("node:worker_threads");
const { join } = require("node:path");

const { port, flag, root } = workerData;
let bundle;

function sink(chunks) {
  return {
    write: (text) => void chunks.push(text),
    writeSync: (text) => void chunks.push(text),
    isTTY: false,
  };
}

port.on("message", async (req) => {
  let reply;
  try {
    // Loaded on the first request, after vitest's globalSetup has built it.
    bundle ??= require(join(root, "dist", "apicred.cjs"));
    const out = [];
    const err = [];
    const io = {
      stdout: sink(out),
      stderr: sink(err),
      stdin: { isTTY: false, bytes: Buffer.from(req.input) },
      env: req.env,
      cwd: req.cwd,
    };
    const code = await bundle.main(["node", join(root, "bin", "apicred.js"), ...req.args], io);
    reply = { code, stdout: out.join(""), stderr: err.join("") };
  } catch (e) {
    reply = { crash: String((e && e.stack) || e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
