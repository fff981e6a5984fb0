// Bundles src/ into CommonJS files in dist/ with esbuild. One main bundle for every command; the
// prompt library and the table renderer are separate bundles loaded only when used, so `check` and
// shell completion never pay for them. Each file is written to a temp name and renamed, so a test
// process spawned during a rebuild never loads half a file.
import { build } from "esbuild";
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
/** The shell completion scripts, embedded in the main bundle for `apicred completion <shell>`. */
const completionScripts = Object.fromEntries(
  [["bash", "apicred.bash"], ["zsh", "_apicred"], ["fish", "apicred.fish"]].map(([shell, file]) => [
    shell,
    readFileSync(new URL(`./completions/${file}`, import.meta.url), "utf8"),
  ]),
);
const lazy = { "./prompts-impl.js": "./prompts.cjs", "./table-impl.js": "./table.cjs" };

/** Keeps the lazy modules out of the main bundle: they are required from their own files at run time. */
const lazyModules = {
  name: "lazy-modules",
  setup(b) {
    b.onResolve({ filter: /^\.\/(prompts|table)-impl\.js$/ }, (args) =>
      args.importer.endsWith("src/ui/prompts.ts") || args.importer.endsWith("src/ui/output.ts")
        ? { path: lazy[args.path], external: true }
        : undefined,
    );
  },
};

/**
 * Start-up trims for the bundled dependencies, measured on `check` (each built-in module costs
 * start-up time even when unused):
 * - commander requires child_process (and with it net, dgram and streams) at load, only for
 *   stand-alone executable subcommands, which apicred has none of: load it on first use instead;
 * - chalk's supports-color probes tty and os at load; src/ui/color.ts decides the colour level
 *   itself (chalk ignores NO_COLOR), so use chalk's no-op detection.
 */
const startupTrims = {
  name: "startup-trims",
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes("node_modules/commander/") ? { path: "child_process", namespace: "lazy-builtin" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "lazy-builtin" }, (args) => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require("node:${args.path}"))[k] });`,
      loader: "js",
    }));
    b.onResolve({ filter: /^#supports-color$/ }, () => ({
      path: new URL("./node_modules/chalk/source/vendor/supports-color/browser.js", import.meta.url).pathname,
    }));
  },
};

/**
 * The store reader imports node:crypto for writing (temp names), which completion never does:
 * loading it would cost ~6 ms of every TAB press, so the completion bundle loads it on first use.
 */
const lazyCrypto = {
  name: "lazy-crypto",
  setup(b) {
    b.onResolve({ filter: /^(node:)?crypto$/ }, () => ({ path: "crypto", namespace: "lazy-crypto" }));
    b.onLoad({ filter: /.*/, namespace: "lazy-crypto" }, () => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require("node:crypto"))[k] });`,
      loader: "js",
    }));
  },
};

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  legalComments: "none",
  logLevel: "warning",
  write: false,
  define: { APICRED_VERSION: JSON.stringify(pkg.version) },
};

const mainDefine = { ...common.define, APICRED_COMPLETION_SCRIPTS: JSON.stringify(completionScripts) };
const results = await Promise.all([
  build({ ...common, define: mainDefine, entryPoints: { apicred: "src/main.ts" }, plugins: [lazyModules, startupTrims] }),
  build({ ...common, entryPoints: { prompts: "src/ui/prompts-impl.ts", table: "src/ui/table-impl.ts" } }),
  // Describes the real commander tree, for the completion bundle below; run here, never shipped.
  build({ ...common, define: mainDefine, entryPoints: { "completion-tree": "src/complete/dump.ts" }, plugins: [lazyModules, startupTrims] }),
]);
mkdirSync("dist", { recursive: true });
const [treeDump] = results.pop().outputFiles;
for (const file of results.flatMap((r) => r.outputFiles)) writeAtomically(join("dist", basename(file.path)), file.contents);

// Shell completion answers from dist/complete.cjs, a small bundle that holds the command tree as
// data (described above from commander) plus the store reader: a TAB press never loads commander,
// chalk or lowdb, and every command, alias and option still comes from the one commander tree.
const dumpPath = resolve("dist", `.completion-tree.${process.pid}.cjs`);
writeFileSync(dumpPath, treeDump.contents);
let tree;
try {
  tree = createRequire(import.meta.url)(dumpPath).describeProgram();
} finally {
  unlinkSync(dumpPath);
}
const completion = await build({
  ...common,
  define: { ...common.define, APICRED_COMPLETION_TREE: JSON.stringify(tree) },
  entryPoints: { complete: "src/complete/fast.ts" },
  plugins: [lazyCrypto],
});
for (const file of completion.outputFiles) writeAtomically(join("dist", basename(file.path)), file.contents);

function writeAtomically(target, contents) {
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, target);
}
