// `npm install` in a checkout runs `prepare`: build dist/ so `node bin/apicred.js` works right away
// (the README's first command). The published package is built by `prepack` instead, so:
// - during `npm pack` / `npm publish` (which run both), leave the build to prepack;
// - where there is no src/ (an installed package, which ships dist/), do nothing: nothing to build,
//   and esbuild (a devDependency) is not there to build it.
import { existsSync } from "node:fs";

const command = process.env.npm_command;
if (command !== "pack" && command !== "publish" && existsSync(new URL("./src/main.ts", import.meta.url))) {
  await import("./build.mjs");
}
