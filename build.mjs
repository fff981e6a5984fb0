// Bundles src/ into CommonJS files in dist/ with esbuild. One main bundle for every command, and one
// with only `check` (about half its size: reading and compiling a bundle is most of check's start-up);
// the prompt library, the table renderer, the server of `apicred serve` and the PostgreSQL client are
// separate bundles loaded only when used, so `check` (on a file store) and shell completion never pay
// for them. dist/engine.cjs is the library the package exports (src/engine.ts). Each file is written
// to a temp name and renamed, so a test
// process spawned during a rebuild never loads half a file.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
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
/** The JSON Schema of the export/apply document (shipped as schema/), for `apicred export --schema`. */
const applySchema = readFileSync(new URL("./schema/apply.schema.json", import.meta.url), "utf8");
/**
 * The lazy modules: an `import()` of the path, from one of the importers, is required at run time
 * from that bundle, never bundled into the importer's (anyone else gets the module bundled in, as
 * usual). Only modules that share no classes with their importer: an error class bundled twice would
 * fail `instanceof` (a StoreError thrown there would read as an internal error here).
 */
const LAZY = [
  ["./prompts-impl.js", "./prompts.cjs", ["src/ui/prompts.ts"]],
  ["./table-impl.js", "./table.cjs", ["src/ui/output.ts"]],
  ["../serve/main.js", "./serve.cjs", ["src/commands/serve.ts"]],
  ["./pg-impl.js", "./pg.cjs", ["src/store/postgres/client.ts"]],
];

/** Keeps the lazy modules out of the main bundles: they are required from their own files at run time. */
const lazyModules = {
  name: "lazy-modules",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const hit = LAZY.find(([path, , importers]) => path === args.path && importers.some((i) => args.importer.endsWith(i)));
      if (!hit) return undefined;
      // A static import would load the bundle with its importer, at every start.
      if (args.kind !== "dynamic-import") throw new Error(`lazy-modules: ${args.importer} must import ${args.path} with import()`);
      return { path: hit[1], external: true };
    });
  },
};

/**
 * Built-in modules loaded on first use instead of at start-up: each costs start-up time even when
 * nothing calls it (measured on `check` and a TAB press).
 * - child_process (with net, dgram and streams): commander requires it at load, only for stand-alone
 *   executable subcommands, which apicred has none of. Required from CommonJS, so a Proxy serves.
 * - crypto (~30 internal modules), tty (net and streams) and os: needed only to generate a secret or
 *   write, to ask about a terminal, or for the home folder, host and user name. Imported by name from
 *   ES modules, so each becomes an ES module whose functions load the real one when called (and
 *   whose objects, like webcrypto, forward to it).
 *   Classes are not supported: nothing uses them.
 */
const builtins = createRequire(import.meta.url);
/** An ES module standing in for a built-in: its functions load the real one when first called. */
function lazyModule(name) {
  const real = builtins(`node:${name}`);
  const lines = [`let m; const load = () => (m ??= require("node:${name}"));`];
  for (const [key, value] of Object.entries(real)) {
    if (!/^[A-Za-z_$][\w$]*$/.test(key) || key === "default") continue;
    if (typeof value === "function") lines.push(`export function ${key}(...a) { return load().${key}(...a); }`);
    else if (typeof value === "object" && value !== null) {
      lines.push(`export const ${key} = new Proxy({}, { get: (_, p) => { const o = load().${key}, v = o[p]; return typeof v === "function" ? v.bind(o) : v; } });`);
    }
  }
  return lines.join("\n");
}
const lazyBuiltins = {
  name: "lazy-builtins",
  setup(b) {
    b.onResolve({ filter: /^(node:)?(child_process|crypto|tty|os)$/ }, (args) =>
      args.namespace === "lazy-builtin"
        ? { path: args.path, external: true } // the real module, required on first use
        : { path: args.path.replace(/^node:/, ""), namespace: "lazy-builtin" },
    );
    b.onLoad({ filter: /^child_process$/, namespace: "lazy-builtin" }, () => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require("node:child_process"))[k] });`,
      loader: "js",
    }));
    b.onLoad({ filter: /^(crypto|tty|os)$/, namespace: "lazy-builtin" }, (args) => ({ contents: lazyModule(args.path), loader: "js" }));
  },
};

/**
 * chalk's supports-color probes tty and os at load; src/ui/color.ts decides the colour level itself
 * (chalk ignores NO_COLOR), so use chalk's no-op detection.
 */
const chalkWithoutProbe = {
  name: "chalk-without-probe",
  setup(b) {
    b.onResolve({ filter: /^#supports-color$/ }, () => ({
      path: new URL("./node_modules/chalk/source/vendor/supports-color/browser.js", import.meta.url).pathname,
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
  // import() of the lazy bundles becomes require(): bin/apicred.js runs the bundle through vm.Script
  // (for the code cache), where a real dynamic import has no loader to call.
  supported: { "dynamic-import": false },
  logLevel: "warning",
  write: false,
  define: { APICRED_VERSION: JSON.stringify(pkg.version) },
};

/** node-postgres's optional native binding and its Cloudflare socket: never used here. */
const pgExternals = ["pg-native", "cloudflare:sockets"];
/**
 * dist/pg.cjs without what a command pays for at load and never uses (~80 ms of its ~100 ms):
 * - pg/lib/stream.js asks whether it runs in a Cloudflare Worker by touching the global `Response`,
 *   which on Node 20 loads the whole fetch implementation (undici); this is always Node.
 * - node:dns, required at load by pg/lib/connection-parameters.js, is needed only for a host name
 *   (net resolves it then anyway): required on first use.
 * - pg/lib/crypto/utils.js does SCRAM's hashing through WebCrypto: src/store/postgres/pg-crypto.cjs
 *   has the same functions on node:crypto (checked here: the same names).
 */
const PG_CRYPTO = resolve("src/store/postgres/pg-crypto.cjs");
function exportedNames(file) {
  const list = /module\.exports = \{([^}]*)\}/.exec(readFileSync(file, "utf8"))?.[1] ?? "";
  return list.split(",").map((n) => n.trim()).filter(Boolean).sort().join(",");
}
const pgNodeOnly = {
  name: "pg-node-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]pg[\\/]lib[\\/]stream\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const probe = "if (isCloudflareRuntime()) {";
      if (!source.includes(probe)) throw new Error(`pg-node-only: ${args.path} no longer has \`${probe}\`; update build.mjs`);
      return { contents: source.replace(probe, "if (false) {"), loader: "js" };
    });
    b.onResolve({ filter: /^\.\/(crypto\/)?utils$/ }, (args) => {
      if (!/[\\/]pg[\\/]lib([\\/]crypto)?$/.test(args.resolveDir)) return undefined;
      const real = join(args.resolveDir, args.path.startsWith("./crypto") ? "crypto/utils.js" : "utils.js");
      if (!real.endsWith(join("crypto", "utils.js"))) return undefined;
      if (exportedNames(real) !== exportedNames(PG_CRYPTO)) throw new Error(`pg-node-only: ${real} exports other functions than ${PG_CRYPTO}; update it`);
      return { path: PG_CRYPTO };
    });
    b.onResolve({ filter: /^dns$/ }, (args) =>
      args.importer.includes("connection-parameters") ? { path: "dns", namespace: "lazy-dns" } : undefined,
    );
    b.onLoad({ filter: /^dns$/, namespace: "lazy-dns" }, () => ({
      contents: `let m; module.exports = new Proxy({}, { get: (_, k) => (m ??= require("node:dns"))[k] });`,
      loader: "js",
    }));
  },
};
const mainDefine = {
  ...common.define,
  // JSON text, not an object: esbuild makes an object define a module of its own, and with any deferred
  // module in the bundle (ui/color.ts's chalk) it calls that module's empty init in every module.
  APICRED_COMPLETION_SCRIPTS: JSON.stringify(JSON.stringify(completionScripts)),
  APICRED_APPLY_SCHEMA: JSON.stringify(applySchema),
};
const mainBundle = { minifyWhitespace: true, minifySyntax: true, plugins: [lazyModules, lazyBuiltins, chalkWithoutProbe] };
const results = await Promise.all([
  // The main bundles, whitespace and syntax minified (names kept, for APICRED_DEBUG's stacks): every
  // run reads and compiles the whole text, and a third less of it is ~6 ms less start-up for `check` (measured).
  build({ ...common, ...mainBundle, define: mainDefine, entryPoints: { apicred: "src/main.ts" } }),
  build({ ...common, ...mainBundle, entryPoints: { check: "src/main-check.ts" } }),
  build({ ...common, entryPoints: { prompts: "src/ui/prompts-impl.ts", table: "src/ui/table-impl.ts" } }),
  // `apicred serve` (node:http, prom-client) and the library; each carries its own copy of core.
  // node-postgres is bundled into them (its optional native binding and Cloudflare socket left out).
  build({ ...common, entryPoints: { serve: "src/serve/main.ts", engine: "src/engine.ts" }, external: pgExternals }),
  // The library for `import` (package.json "exports"): ESM, so its types (dist/types) are true as written.
  // node-postgres is CommonJS and requires built-ins: give the ES module a real `require` for them.
  build({
    ...common,
    format: "esm",
    outExtension: { ".js": ".mjs" },
    entryPoints: { engine: "src/engine.ts" },
    external: pgExternals,
    banner: { js: 'import { createRequire as __apicredRequire } from "node:module"; const require = __apicredRequire(import.meta.url);' },
  }),
  // node-postgres for the main bundles, loaded only when a store is a PostgreSQL URL.
  build({ ...common, entryPoints: { pg: "src/store/postgres/pg-impl.ts" }, external: pgExternals, plugins: [pgNodeOnly] }),
  // Describes the real commander tree, for the completion bundle below; run here, never shipped.
  build({ ...common, define: mainDefine, entryPoints: { "completion-tree": "src/complete/dump.ts" }, plugins: [lazyModules, lazyBuiltins, chalkWithoutProbe] }),
]);
mkdirSync("dist", { recursive: true });
const [treeDump] = results.pop().outputFiles;
for (const file of results.flatMap((r) => r.outputFiles)) writeBundle(join("dist", basename(file.path)), file.contents);

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
  // The PostgreSQL client stays in dist/pg.cjs, loaded only when the store is a PostgreSQL URL.
  plugins: [lazyModules, lazyBuiltins],
});
for (const file of completion.outputFiles) writeBundle(join("dist", basename(file.path)), file.contents);

// Code caches live in the user's cache folder (bin/apicred.js); drop any an older version left in
// dist/, so neither an install nor a tarball ever carries one.
for (const name of readdirSync("dist")) if (name.endsWith(".v8cache")) unlinkSync(join("dist", name));

/** Writes a bundle with its build id (a hash of its contents) on the first line, for the code cache. */
function writeBundle(target, contents) {
  const text = Buffer.from(contents).toString("utf8");
  const id = createHash("sha256").update(text).digest("hex").slice(0, 16);
  writeAtomically(target, `// build ${id}\n${text}`);
}

function writeAtomically(target, contents) {
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, target);
}
