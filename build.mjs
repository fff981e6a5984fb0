// Bundles src/ into CommonJS files in dist/ with esbuild. One main bundle for every command; the
// prompt library and the table renderer are separate bundles loaded only when used, so `check` and
// shell completion never pay for them.
import { build } from "esbuild";
import { readFileSync, rmSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
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

const common = {
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  outdir: "dist",
  outExtension: { ".js": ".cjs" },
  legalComments: "none",
  logLevel: "warning",
  define: { APICRED_VERSION: JSON.stringify(pkg.version) },
};

rmSync("dist", { recursive: true, force: true });
await build({ ...common, entryPoints: { apicred: "src/main.ts" }, plugins: [lazyModules] });
await build({ ...common, entryPoints: { prompts: "src/ui/prompts-impl.ts", table: "src/ui/table-impl.ts" } });
