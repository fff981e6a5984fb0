// The in-process runner behind Sandbox.run (test/helpers/cli.ts): a worker thread that loads the
// built bundles (dist/check.cjs or dist/apicred.cjs, as bin/apicred.js chooses) once and runs
// main(argv, io) for each request with an IO that captures stdout and stderr and gives stdin in full. The caller blocks
// on `flag` until the answer is posted, so Sandbox.run stays synchronous. Plain CommonJS: a worker
// is not transformed by vitest.
"use strict";
const { workerData } = require("node:worker_threads");
const { join } = require("node:path");

const { port, flag, root } = workerData;
let full;
let check;

/** The bundle bin/apicred.js would run for these arguments: check.cjs when it accepts them. */
function bundleFor(argv) {
  if (argv.includes("check")) {
    check ??= require(join(root, "dist", "check.cjs"));
    if (check.accepts(argv)) return check;
  }
  full ??= require(join(root, "dist", "apicred.cjs"));
  return full;
}

function sink(chunks) {
  return {
    write: (text) => void chunks.push(text),
    writeSync: (text) => void chunks.push(text),
    isTTY: false,
  };
}

/**
 * The Prompter test double: answers the questions in order from `answers` and writes down each
 * question (its kind, message and the values a person could pick: not separators or disabled choices), so a test asserts both.
 */
function scriptedPrompter(answers, asked) {
  const next = (kind, message, choices) => {
    asked.push({ kind, message, ...(choices && { choices: choices.filter((c) => c.type !== "separator" && !c.disabled).map((c) => c.value) }) });
    if (answers.length === 0) throw new Error(`no scripted answer left for the ${kind} "${message}"`);
    return answers.shift();
  };
  return {
    confirm: async (message) => next("confirm", message),
    select: async (config) => next("select", config.message, config.choices),
    checkbox: async (config) => next("checkbox", config.message, config.choices),
  };
}

port.on("message", async (req) => {
  let reply;
  try {
    const out = [];
    const err = [];
    const asked = [];
    // With scripted answers, a person is at a terminal: stdin and stdout are TTYs, prompts are answered.
    const tty = req.answers !== undefined;
    const io = {
      stdout: { ...sink(out), isTTY: tty },
      stderr: sink(err),
      stdin: { isTTY: tty, bytes: Buffer.from(req.input) },
      env: req.env,
      cwd: req.cwd,
      ...(tty && { prompter: scriptedPrompter([...req.answers], asked) }),
    };
    const argv = ["node", join(root, "bin", "apicred.js"), ...req.args];
    // Loaded on first use, after vitest's globalSetup has built them.
    const code = await bundleFor(argv).main(argv, io);
    reply = { code, stdout: out.join(""), stderr: err.join(""), prompts: asked };
  } catch (e) {
    reply = { crash: String((e && e.stack) || e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
