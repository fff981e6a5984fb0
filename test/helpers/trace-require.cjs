// Preloaded with `node -r` by tests: on exit, writes every module request a run made (one per line)
// to the file named by $APICRED_TRACE_REQUIRE, so a test can see what a command loaded.
"use strict";
const Module = require("node:module");
const { appendFileSync } = require("node:fs");
const seen = new Set();
const load = Module._load;
Module._load = function (request, ...rest) {
  seen.add(request);
  return load.call(this, request, ...rest);
};
process.on("exit", () => appendFileSync(process.env.APICRED_TRACE_REQUIRE, [...seen].join("\n") + "\n"));
