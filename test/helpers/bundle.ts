// Bundles a TypeScript entry (which may import src/) into one CommonJS file that a spawned `node` runs:
// for tests that need many real processes talking to a store through the storage port.
import { build } from "esbuild";
import { join } from "node:path";

export async function bundleScript(entry: string, outDir: string, name: string): Promise<string> {
  const outfile = join(outDir, `${name}.cjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "warning",
    external: ["pg-native", "cloudflare:sockets"],
  });
  return outfile;
}
