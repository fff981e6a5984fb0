// ARCHITECTURE.md's layering, checked on the source: src/store is the only file access. Outside it,
// node:fs serves user input and the standard streams only: ui/bounded-read.ts reads the files and
// stdin a flag names (bounded in size and time, read-only), ui/output.ts writes stdout/stderr (fds 1
// and 2). Core touches no fs at all.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

const SRC = join(ROOT, "src");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** file (relative to src) -> what it imports from node:fs (names; "*" for a namespace or default import). */
function fsImports(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, "utf8");
    const names: string[] = [];
    for (const m of text.matchAll(/import\s+([^;]*?)\s+from\s+["'](?:node:)?fs(?:\/promises)?["']/g)) {
      const clause = m[1]!;
      const braces = /\{([^}]*)\}/.exec(clause);
      if (braces) names.push(...braces[1]!.split(",").map((n) => n.trim().replace(/^type\s+/, "")).filter(Boolean));
      // A default or namespace import (`import fs from`, `import * as fs from`) can reach everything.
      if (clause.replace(/\{[^}]*\}/, "").replace(/,/g, "").trim() !== "") names.push("*");
    }
    if (/import\(\s*["'](?:node:)?fs/.test(text) || /require\(\s*["'](?:node:)?fs/.test(text)) names.push("*");
    if (names.length) out.set(relative(SRC, file), names.sort());
  }
  return out;
}

describe("file access lives in src/store", () => {
  it("outside src/store, node:fs is used only for bounded reads of user input (ui/bounded-read.ts) and the real stdout (io.ts)", () => {
    const outside = [...fsImports()].filter(([file]) => !file.startsWith("store/"));
    expect(Object.fromEntries(outside)).toEqual({
      "ui/bounded-read.ts": ["closeSync", "constants", "fstatSync", "openSync", "readSync"],
      "io.ts": ["writeSync"],
      // `serve` appends its decision log (a stream, reopened on SIGHUP), and replaces a stale Unix
      // socket file left by a server that died (only after nobody answered on it).
      "serve/decision-log.ts": ["WriteStream", "createWriteStream"],
      "serve/main.ts": ["unlinkSync"],
    });
  });

  it("ui/bounded-read.ts only reads: it opens read-only and never writes", () => {
    const text = readFileSync(join(SRC, "ui", "bounded-read.ts"), "utf8");
    expect([...text.matchAll(/openSync\(([^;]*?)\);/g)].map((m) => m[1])).toEqual([
      "resolve(io.cwd, file), constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY",
    ]);
    expect(text).not.toMatch(/writeSync|writeFile|appendFile|O_WRONLY|O_RDWR|O_CREAT/);
  });
});

describe("a run's streams, environment and working directory come from its IO (src/io.ts)", () => {
  it("only these files reach for the process's own, each for a reason", () => {
    const PROCESS = /process\.(stdout|stderr|stdin|env|cwd\(\))/;
    const reaching = sources(SRC)
      .filter((file) => readFileSync(file, "utf8").split("\n").some((line) => PROCESS.test(line) && !/^\s*(\/\/|\*|\/\*\*)/.test(line)))
      .map((file) => relative(SRC, file))
      .sort();
    expect(reaching).toEqual([
      "complete/fast.ts", // the TAB fast path, which answers before main() runs
      "io.ts", // the real process's IO
      "store/audit.ts", // the OS user when userInfo() cannot tell (no passwd entry)
      "store/paths.ts", // defaults for the library (engine.ts); the CLI passes its IO's env and cwd
      "ui/bounded-read.ts", // fd 0 is read through its stream when the IO does not hold stdin's bytes
      "ui/input.ts", // as ui/bounded-read.ts
      "ui/prompts.ts", // inquirer renders on the real stderr, and reads NO_COLOR from the environment
    ]);
  });
});

/** file (relative to src) -> the src files it imports (relative to src, .js as .ts). */
function localImports(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, "utf8");
    const targets: string[] = [];
    for (const m of text.matchAll(/(?:from\s+|import\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
      targets.push(relative(SRC, join(file, "..", m[1]!.replace(/\.js$/, ".ts"))));
    }
    out.set(relative(SRC, file), targets);
  }
  return out;
}

describe("imports point one way", () => {
  const imports = localImports();
  const offending = (from: (f: string) => boolean, to: (t: string) => boolean) =>
    [...imports].flatMap(([file, targets]) => (from(file) ? targets.filter(to).map((t) => `${file} -> ${t}`) : []));

  it("core imports nothing above it", () => {
    expect(offending((f) => f.startsWith("core/"), (t) => !t.startsWith("core/"))).toEqual([]);
  });

  it("store never imports ui, commands, the registry or the run", () => {
    expect(offending((f) => f.startsWith("store/"), (t) => /^(ui|commands|serve)\/|^(program|run|context|main)\.ts$/.test(t))).toEqual([]);
  });

  it("commands never import the registry (program.ts) or main", () => {
    expect(offending((f) => f.startsWith("commands/"), (t) => t === "program.ts" || t === "main.ts")).toEqual([]);
  });

  it("the registry is imported only by main, the completion dump and nothing in commands", () => {
    expect(offending((f) => f !== "main.ts" && f !== "complete/dump.ts", (t) => t === "program.ts")).toEqual([]);
  });
});
