// The help's data stays true to the program: every command has examples (and no example names a
// command that is gone), and `apicred help environment` names every environment variable the
// sources read.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXAMPLES } from "../../src/help/examples.js";
import { ENVIRONMENT } from "../../src/help/topics.js";
import { ROOT } from "../helpers/cli.js";
import { commandPaths } from "../helpers/commands.js";

describe("examples", () => {
  it("every command has an EXAMPLES entry, and every entry is a command", () => {
    const paths = commandPaths();
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter((p) => !EXAMPLES[p]?.length), "commands without examples in src/help/examples.ts").toEqual([]);
    expect(Object.keys(EXAMPLES).filter((p) => !paths.includes(p)), "examples of commands that do not exist").toEqual([]);
  });

  it("each example runs apicred with the command it illustrates", () => {
    for (const [path, lines] of Object.entries(EXAMPLES)) {
      for (const line of lines) expect(line, path).toMatch(/apicred\b/);
    }
  });
});

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe("apicred help environment", () => {
  it("names every environment variable src/ and bin/ read", () => {
    const read = new Set<string>();
    for (const file of [...sources(join(ROOT, "src")), ...sources(join(ROOT, "bin"))]) {
      if (file.endsWith(join("help", "topics.ts"))) continue;
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/\benv\??\.([A-Z][A-Z0-9_]*)\b/g)) read.add(m[1]!);
      for (const m of text.matchAll(/\benv\??\.?\[\s*["'`]([A-Z][A-Z0-9_]*)["'`]\s*\]/g)) read.add(m[1]!);
      // Names handed to a reader (readSecretInput(…, "APICRED_SECRET", process.env)).
      for (const m of text.matchAll(/["'`](APICRED_[A-Z0-9_]+)["'`]/g)) read.add(m[1]!);
    }
    // homedir() reads HOME on POSIX.
    if ([...sources(join(ROOT, "src"))].some((f) => readFileSync(f, "utf8").includes("homedir()"))) read.add("HOME");
    expect(read.size).toBeGreaterThan(8);
    const listed = ENVIRONMENT.map(([name]) => name);
    expect([...read].filter((n) => !listed.includes(n)).sort(), "variables read but not in src/help/topics.ts").toEqual([]);
    expect(listed.filter((n) => !read.has(n)).sort(), "variables listed but never read").toEqual([]);
  });
});
