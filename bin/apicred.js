#!/usr/bin/env node
// The apicred command: loads a bundle from dist/ (built by `npm run build`) and runs it.
// - CommonJS on purpose: an ESM entry costs ~8 ms more start-up on Node 20, and start-up is most of
//   what `check` and a TAB press cost.
// - `check` runs from dist/check.cjs, a bundle with only that command: reading and compiling the
//   full one (360 KB) is a large part of check's start-up.
// - V8 code cache: the compiled code of each bundle is kept, keyed by the bundle's build id (V8
//   itself only checks the source length), in the user's cache folder: $XDG_CACHE_HOME/apicred, else
//   ~/.cache/apicred. Never inside the package: an install is read-only to its users and a published
//   tarball must not carry one. Written once, at the exit of the first run that lacks it; when that
//   folder cannot be written, there is none.
"use strict";
const { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } = require("node:fs");
// The CommonJS loader's Module class (what node:module exports), without loading node:module.
const Module = module.constructor;
const { dirname, isAbsolute, join } = require("node:path");
const { Script } = require("node:vm");

/** $XDG_CACHE_HOME/apicred (the XDG spec ignores a relative one), else ~/.cache/apicred. */
function cacheDir() {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, "apicred");
  const home = process.env.HOME;
  return home && isAbsolute(home) ? join(home, ".cache", "apicred") : undefined;
}

/** Bundles loaded but not run (check.cjs asked about another command): no cache is written for them. */
const unused = new Set();

function loadBundle(name) {
  const file = join(__dirname, "..", "dist", name);
  const source = readFileSync(file, "utf8");
  const id = /^\/\/ build ([0-9a-f]+)\n/.exec(source)?.[1];
  const dir = id && cacheDir();
  const cacheFile = dir && join(dir, `${name}.${id}.v8cache`);
  let cachedData;
  try {
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    // not written yet
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
    process.once("exit", () => {
      // The cache holds what this run compiled: a run that only asked `accepts` would make a poor one.
      if (unused.has(name)) return;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const temp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
        renameSync(temp, cacheFile);
        // The caches of earlier builds of this bundle are of no more use.
        for (const old of readdirSync(dir)) {
          if (old.startsWith(`${name}.`) && old.endsWith(".v8cache") && old !== `${name}.${id}.v8cache`) unlinkSync(join(dir, old));
          // A temp file of a run killed while writing its cache; an hour old, nobody is writing it.
          if (old.startsWith(`${name}.`) && old.endsWith(".tmp") && Date.now() - statSync(join(dir, old)).mtimeMs > 3_600_000) unlinkSync(join(dir, old));
        }
      } catch {
        // no writable cache folder: run without the cache
      }
    });
  }
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, Module.createRequire(file), module, file, dirname(file));
  return module.exports;
}

// A TAB press: answer from the small completion bundle (the command tree as data, built from the
// commander program) without loading the full one. It must never print an error into the terminal.
if (process.argv[2] === "__complete") {
  try {
    loadBundle("complete.cjs").main(process.argv.slice(3)).catch(() => process.stdout.write(":values\n"));
  } catch {
    process.stdout.write(":values\n");
  }
  return;
}

let bundle;
try {
  if (process.argv.includes("check")) {
    bundle = loadBundle("check.cjs");
    if (!bundle.accepts(process.argv)) {
      unused.add("check.cjs");
      bundle = undefined; // "check" was a value, not the command
    }
  }
  bundle ??= loadBundle("apicred.cjs");
} catch (err) {
  if (err && err.code === "ENOENT") {
    process.stderr.write("apicred is not built yet: run `npm run build` (npm install does it for you)\n");
    process.exit(70);
  }
  throw err;
}
// main returns the exit code: the one place the process's is set.
bundle.main(process.argv).then((code) => {
  process.exitCode = code;
});
