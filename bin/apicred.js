#!/usr/bin/env node
// The apicred command. CommonJS on purpose: an ESM entry costs ~8 ms more start-up on Node 20, and
// start-up is most of what `check` and a TAB press cost. The bundle is built by `npm run build`.
"use strict";
const { join } = require("node:path");

// A TAB press: answer from the small completion bundle (the command tree as data, built from the
// commander program) without loading the full one. It must never print an error into the terminal.
if (process.argv[2] === "__complete") {
  try {
    require(join(__dirname, "..", "dist", "complete.cjs")).main(process.argv.slice(3));
  } catch {
    process.stdout.write(":values\n");
  }
  return;
}

let bundle;
try {
  bundle = require(join(__dirname, "..", "dist", "apicred.cjs"));
} catch (err) {
  if (err && err.code === "MODULE_NOT_FOUND" && String(err.message).includes("apicred.cjs")) {
    process.stderr.write("apicred is not built yet: run `npm run build` (npm install does it for you)\n");
    process.exit(70);
  }
  throw err;
}
bundle.main(process.argv);
