// Shell completion: the `__complete` protocol, `apicred completion <shell>`, and the committed
// scripts driven in the real bash, zsh and fish.
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Sandbox } from "../helpers/cli.js";
import { bashComplete, fishComplete, SCRIPTS, shellEnv, syntaxCheck, zshComplete } from "../helpers/shells.js";
import { buildProgram } from "../../src/program.js";
import { describeCommand, type CommandSpec } from "../../src/complete/tree.js";
import { ARGUMENT_VALUES, OPTION_VALUES } from "../../src/complete/values.js";
import { lacking } from "../helpers/system-tools.js";

const TREE = describeCommand(buildProgram());
/** Whether a command (path of names) exists in the tree. */
function has(...path: string[]): boolean {
  let node: CommandSpec | undefined = TREE;
  for (const name of path) node = node?.commands.find((c) => c.name === name);
  return node !== undefined;
}

const NOW = "2026-01-01T00:00:00.000Z";
const CRED_A = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6";
const CRED_B = "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp";

/** A store seeded directly (schema of src/core/types.ts), with awkward names and descriptions. */
function seed(path: string): void {
  const doc = {
    version: 1,
    admins: [
      { id: "adm1", username: "alice", disabled: false, createdAt: NOW },
      { id: "adm2", username: "bob", disabled: true, createdAt: NOW },
    ],
    actions: [{ name: "MyModuleSync", category: "Custom", createdAt: NOW }],
    roles: [
      {
        id: "r1",
        name: "billing-read",
        description: `Read invoices: GET only; 'quotes' & "credits" $HOME \`x\``,
        grants: ["GetInvoices", "Billing:*"],
        createdAt: NOW,
      },
      { id: "r2", name: "ops team", description: "Ops\twith a tab\nand a newline", grants: [], createdAt: NOW },
      { id: "r3", name: "billing-write", description: "", grants: ["*"], createdAt: NOW },
    ],
    credentials: [
      {
        identifier: CRED_A,
        name: "ci-deploy",
        adminId: "adm1",
        description: "Deploy: CI (prod) & staging",
        roleIds: ["r1"],
        ips: [],
        expiresAt: null,
        createdAt: NOW,
        secretHash: "x",
        previousSecret: null,
        rotatedAt: null,
      },
      {
        identifier: CRED_B,
        name: null,
        adminId: "adm2",
        description: "",
        roleIds: [],
        ips: [],
        expiresAt: null,
        createdAt: NOW,
        secretHash: "y",
        previousSecret: null,
        rotatedAt: null,
      },
    ],
    ipAllowlist: [
      { address: "203.0.113.7", note: "Server: main", addedAt: NOW },
      { address: "10.0.0.0/8", note: "", addedAt: NOW },
    ],
    accessKey: null,
  };
  writeFileSync(path, JSON.stringify(doc, null, 2), { mode: 0o600 });
  chmodSync(path, 0o600);
}

let box: Sandbox;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  box = new Sandbox();
  seed(box.store);
  env = shellEnv(box);
  writeFileSync(join(box.dir, "grants.json"), "[]");
});
afterAll(() => box.cleanup());

/** `apicred __complete WORDS...` as the scripts call it: candidate values, and the directive. */
function ask(words: string[], extraEnv: Record<string, string | undefined> = {}) {
  const r = box.run(["__complete", ...words], { env: extraEnv });
  const lines = r.stdout.split("\n").filter((l) => l !== "");
  const directive = lines.pop();
  return {
    ...r,
    directive,
    lines,
    values: lines.map((l) => l.split("\t")[0]!),
    described: Object.fromEntries(lines.map((l) => [l.split("\t")[0], l.split("\t")[1] ?? ""])),
  };
}

describe("apicred __complete", () => {
  it("lists the nouns with descriptions, never the hidden command", () => {
    const r = ask([""]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.directive).toBe(":values");
    expect(r.values).toEqual(expect.arrayContaining(["init", "status", "admin", "action", "completion"]));
    expect(r.values).not.toContain("__complete");
    expect(r.described.admin).toMatch(/admins/);
    expect(ask(["ad"]).values).toEqual(["admin"]);
  });

  it("lists verbs, and follows aliases", () => {
    expect(ask(["admin", ""]).values).toEqual(expect.arrayContaining(["add", "list", "disable", "enable", "remove"]));
    // `admin rm` is an alias of `admin remove`: its argument is an admin too.
    expect(ask(["admin", "rm", ""]).values).toEqual(["alice", "bob"]);
  });

  it("lists the options of the command and the global ones, and only options after -", () => {
    const r = ask(["action", "list", "--"]);
    expect(r.values).toEqual(expect.arrayContaining(["--category", "--custom", "--help", "--store", "--json", "--no-color", "--yes", "--no-input"]));
    expect(r.values).not.toContain("--version"); // the program's own, not the verb's
    expect(r.values.every((v) => v.startsWith("--"))).toBe(true);
    expect(ask(["--ver"]).values).toEqual(["--version"]);
    expect(ask(["action", "list", "--c"]).values).toEqual(["--category", "--custom"]);
    // short flags when a single dash and a letter are typed
    expect(ask(["-y"]).values).toContain("-y");
  });

  it("completes admin usernames for admin verbs and --admin", () => {
    // disable offers only enabled admins, enable only disabled ones; remove offers all
    expect(ask(["admin", "disable", ""]).described).toEqual({ alice: "admin" });
    expect(ask(["admin", "enable", ""]).described).toEqual({ bob: "admin (disabled)" });
    expect(ask(["admin", "remove", ""]).described).toEqual({ alice: "admin", bob: "admin (disabled)" });
    expect(ask(["credential", "create", "--admin", "a"]).values).toEqual(["alice"]);
    expect(ask(["credential", "list", "--admin=b"]).values).toEqual(["--admin=bob"]);
  });

  it("completes role names for role verbs and --role/--add-role/--remove-role", () => {
    const r = ask(["role", "show", ""]);
    expect(r.values).toEqual(["billing-read", "ops team", "billing-write"]);
    // descriptions keep their special characters; tabs and newlines become spaces
    expect(r.described["billing-read"]).toBe(`Read invoices: GET only; 'quotes' & "credits" $HOME \`x\` — 2 grants`);
    expect(r.described["ops team"]).toBe("Ops with a tab and a newline — 0 grants");
    expect(ask(["role", "edit", "billing-"]).values).toEqual(["billing-read", "billing-write"]);
    expect(ask(["role", "delete", "ops"]).values).toEqual(["ops team"]);
    for (const flag of ["--role", "--add-role", "--remove-role"]) {
      expect(ask(["credential", "edit", CRED_A, flag, ""]).values).toEqual(["billing-read", "ops team", "billing-write"]);
    }
  });

  it("completes credential identifiers and names with descriptions", () => {
    const r = ask(["credential", "show", ""]);
    expect(r.values).toEqual([CRED_A, "ci-deploy", CRED_B]);
    expect(r.described[CRED_A]).toBe("ci-deploy — Deploy: CI (prod) & staging — admin alice");
    expect(r.described["ci-deploy"]).toBe(`${CRED_A} — Deploy: CI (prod) & staging — admin alice`);
    for (const verb of ["edit", "rotate", "delete", "revoke"]) {
      expect(ask(["credential", verb, "ci"]).values).toEqual(["ci-deploy"]);
    }
    expect(ask(["cred", "show", "Zz"]).values).toEqual([CRED_B]);
    // delete takes several
    expect(ask(["credential", "delete", "ci-deploy", ""]).values).toContain(CRED_B);
    expect(ask(["check", ""]).values).toEqual([CRED_A, "ci-deploy", CRED_B]);
  });

  it("completes actions (case-insensitively) and Category:* grants", () => {
    const allow = ask(["role", "create", "x", "--allow", ""]);
    expect(allow.values).toEqual(expect.arrayContaining(["*", "Billing:*", "Custom:*", "GetClients", "MyModuleSync"]));
    expect(allow.described["MyModuleSync"]).toBe("Custom (custom)");
    for (const flag of ["--allow", "--revoke", "--set"]) {
      expect(ask(["role", "edit", "ops team", flag, "getclientsde"]).values).toEqual(["GetClientsDetails"]);
      expect(ask(["role", "edit", "ops team", flag, "Bill"]).values).toEqual(["Billing:*"]);
    }
    expect(ask(["check", "ci-deploy", "GetInv"]).values).toEqual(["GetInvoice", "GetInvoices"]);
    expect(ask(["check", "ci-deploy", ""]).values).not.toContain("Billing:*");
  });

  it("completes categories, custom actions, allowlist entries and shells", () => {
    const cats = ask(["action", "list", "--category", ""]);
    expect(cats.values).toEqual(expect.arrayContaining(["Billing", "Client", "Custom"]));
    expect(cats.described.Custom).toBe("1 action");
    expect(ask(["action", "remove", ""]).values).toEqual(["MyModuleSync"]);
    expect(ask(["ip", "remove", ""]).described).toEqual({ "203.0.113.7": "Server: main", "10.0.0.0/8": "" });
    expect(ask(["ip", "note", "203", ""]).values).toEqual([]); // the note itself is free text
    expect(ask(["completion", ""]).values).toEqual(["bash", "zsh", "fish"]);
  });

  it("offers no allowlist entry or credential already on the line", () => {
    expect(ask(["ip", "remove", "203.0.113.7", ""]).values).toEqual(["10.0.0.0/8"]);
    expect(ask(["ip", "rm", "10.0.0.0/8", "203.0.113.7", ""]).values).toEqual([]);
    expect(ask(["credential", "delete", "ci-deploy", ""]).values).toEqual([CRED_A, CRED_B]);
    // a single argument is not a list: `ip note` offers every entry
    expect(ask(["ip", "note", ""]).values).toEqual(["203.0.113.7", "10.0.0.0/8"]);
  });

  it("completes the item after the last comma of a comma-separated list, offering no item twice", () => {
    expect(ask(["role", "create", "x", "--allow", "GetClients,Bil"]).values).toEqual(["GetClients,Billing:*"]);
    expect(ask(["role", "create", "x", "--allow=GetClients,getclientsd"]).values).toEqual(["--allow=GetClients,GetClientsDetails", "--allow=GetClients,GetClientsDomains"]);
    expect(ask(["role", "edit", "x", "--allow", "getclientsdetails,GetClientsD"]).values).toEqual(["getclientsdetails,GetClientsDomains"]);
    expect(ask(["credential", "create", "--role", "billing-read,"]).values).toEqual(["billing-read,ops team", "billing-read,billing-write"]);
    expect(ask(["credential", "edit", "x", "--add-role", "ops team,billing-read,b"]).values).toEqual(["ops team,billing-read,billing-write"]);
    // `credential list --role` takes one role, not a list
    expect(ask(["credential", "list", "--role", "billing-read,"]).values).toEqual([]);
  });

  it("asks the shell for files where a file is expected, and for nothing where text is", () => {
    for (const words of [["--store", ""], ["--store=st"], ["check", "x", "y", "--secret-file", ""], ["check", "x", "y", "--access-key-file", "./"]]) {
      expect(ask(words).directive, words.join(" ")).toBe(":files");
    }
    const text = ask(["role", "create", "x", "-d", ""]);
    expect(text.directive).toBe(":values");
    expect(text.values).toEqual([]);
  });

  it("asks for files after export --file and apply --file", () => {
    expect(ask(["export", "--file", ""]).directive).toBe(":files");
    expect(ask(["apply", "--file", "gr"]).directive).toBe(":files");
  });

  it("reads the store named by --store on the line, before $APICRED_STORE", () => {
    const other = new Sandbox();
    try {
      seed(other.store);
      const doc = JSON.parse(readFileSync(other.store, "utf8"));
      doc.roles = [{ id: "z", name: "elsewhere", description: "", grants: [], createdAt: NOW }];
      writeFileSync(other.store, JSON.stringify(doc), { mode: 0o600 });
      expect(ask(["--store", other.store, "role", "show", ""]).values).toEqual(["elsewhere"]);
      expect(ask(["role", "show", `--store=${other.store}`, ""]).values).toEqual(["elsewhere"]);
      expect(ask(["role", "show", ""], { APICRED_STORE: other.store }).values).toEqual(["elsewhere"]);
    } finally {
      other.cleanup();
    }
  });

  it("offers no store values, prints nothing else and creates nothing when the store is missing", () => {
    const dir = join(box.dir, "missing");
    const r = ask(["role", "show", ""], { APICRED_STORE: join(dir, "store.json") });
    expect(r).toMatchObject({ code: 0, stdout: ":values\n", stderr: "" });
    expect(existsSync(dir)).toBe(false);
    // the built-in catalog is part of the program, not of the store
    expect(ask(["check", "x", "GetClients"], { APICRED_STORE: join(dir, "store.json") }).values).toContain("GetClients");
  });

  it("offers no store values, quietly, and leaves a corrupt or unsafe store alone", () => {
    const bad = new Sandbox();
    try {
      for (const [content, mode] of [["{ not json", 0o600], ['{"version": 99}', 0o600], ["", 0o600]] as const) {
        writeFileSync(bad.store, content, { mode });
        const before = readdirSync(bad.dir).sort();
        const r = ask(["role", "show", ""], { APICRED_STORE: bad.store });
        expect(r).toMatchObject({ code: 0, stdout: ":values\n", stderr: "" });
        expect(readFileSync(bad.store, "utf8")).toBe(content);
        expect(readdirSync(bad.dir).sort()).toEqual(before); // no lock, no temp file, no audit log
      }
    } finally {
      bad.cleanup();
    }
  });

  it("completes what the commands themselves wrote", () => {
    const made = new Sandbox();
    try {
      const run = (args: string[]) => made.ok(args, { env: { CI: "1" } });
      run(["admin", "add", "carol"]);
      run(["action", "add", "AcmeSync", "--category", "Acme"]);
      run(["role", "create", "acme.read", "-d", "Acme: read & sync", "--allow", "AcmeSync"]);
      const cred = run(["credential", "create", "--admin", "carol", "--role", "acme.read", "--name", "acme-bot", "-d", "the bot"]);
      run(["ip", "add", "192.0.2.10", "--note", "bot host"]);
      const q = (words: string[]) => ask(words, { APICRED_STORE: made.store });
      expect(q(["role", "show", ""]).described).toEqual({ "acme.read": "Acme: read & sync — 1 grant" });
      expect(q(["credential", "rotate", ""]).values).toEqual([cred.identifier, "acme-bot"]);
      expect(q(["admin", "remove", ""]).values).toEqual(["carol"]);
      expect(q(["role", "edit", "acme.read", "--set", "Acme"]).values).toEqual(["Acme:*", "AcmeSync"]);
      expect(q(["ip", "note", ""]).described).toEqual({ "192.0.2.10": "bot host" });
    } finally {
      made.cleanup();
    }
  });

  it("gives the same answers from the live commander tree as from the completion bundle", async () => {
    const { createRequire } = await import("node:module");
    const require = createRequire(import.meta.url);
    const lines = [[""], ["role", ""], ["role", "show", ""], ["action", "list", "--"], ["--store", ""], ["check", "ci", ""]];
    for (const words of lines) {
      const fast = ask(words).stdout;
      const live = box.run(["--json", "__complete", ...words]); // through commander: rawArgs keeps --json out
      expect(live.stdout, words.join(" ")).toBe(fast);
    }
    // and the tree embedded at build time is the one commander builds now
    const embedded = require("../../dist/complete.cjs").tree;
    expect(embedded).toEqual(JSON.parse(JSON.stringify(TREE)));
  });
});

describe("the value table (src/complete/values.ts)", () => {
  function walk(node: CommandSpec, path: string[], visit: (node: CommandSpec, path: string[]) => void): void {
    visit(node, path);
    for (const c of node.commands) walk(c, [...path, c.name], visit);
  }

  it("names only arguments that exist, for the commands that exist", () => {
    for (const [key, kinds] of Object.entries(ARGUMENT_VALUES)) {
      const path = key.split(" ");
      expect(has(...path), key).toBe(true);
      let node: CommandSpec = TREE;
      for (const name of path) node = node.commands.find((c) => c.name === name)!;
      expect(node.args.length, key).toBeGreaterThanOrEqual(kinds.length);
    }
    for (const key of Object.keys(OPTION_VALUES).filter((k) => k.includes(" "))) {
      const [flag, ...rev] = key.split(" ").reverse();
      const path = rev.reverse();
      expect(has(...path), key).toBe(true);
      let node: CommandSpec = TREE;
      for (const name of path) node = node.commands.find((c) => c.name === name)!;
      expect(node.options.some((o) => o.flags.includes(flag!)), key).toBe(true);
    }
  });

  it("gives every option that takes a file the file kind", () => {
    walk(TREE, [], (node, path) => {
      for (const o of node.options) {
        if (o.value !== "none" && o.flags.some((f) => /^--(.*-)?file$/.test(f))) expect(o.kind, `${path.join(" ")} ${o.flags[0]}`).toBe("file");
      }
    });
  });
});

describe("apicred completion <shell>", () => {
  it("prints the committed scripts", () => {
    for (const shell of ["bash", "zsh", "fish"] as const) {
      const r = box.run(["completion", shell]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readFileSync(SCRIPTS[shell], "utf8"));
    }
  });

  it("shows the line to add for each shell and where to install system-wide", () => {
    const help = box.run(["completion", "--help"]).stdout;
    expect(help).toContain("source <(apicred completion bash)");
    expect(help).toContain("source <(apicred completion zsh)");
    expect(help).toContain("apicred completion fish | source");
    expect(help).toContain("/usr/share/bash-completion/completions/apicred");
    expect(help).toContain("site-functions/_apicred");
    expect(help).toContain("vendor_completions.d/apicred.fish");
  });

  it("refuses an unknown shell with exit 2", () => {
    const r = box.run(["completion", "powershell"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
  });

  it.skipIf(lacking("zsh", "fish"))("scripts pass each shell's syntax check", () => {
    for (const shell of ["bash", "zsh", "fish"] as const) expect(syntaxCheck(shell), shell).toMatchObject({ code: 0, stderr: "" });
  });
});

describe.skipIf(lacking("bash-completion"))("bash", () => {
  /** Completes `line` (cursor at the end); words split as readline splits them. */
  const bash = (line: string, words = line.split(" "), extra: Record<string, string | undefined> = {}) =>
    bashComplete({ ...env, ...extra }, line, words, box.dir);

  it("completes nouns, verbs and options", () => {
    expect(bash("apicred ").lines).toEqual(expect.arrayContaining(["admin", "action", "completion", "init"]));
    expect(bash("apicred ad").lines).toEqual(["admin"]);
    expect(bash("apicred admin ").lines).toEqual(expect.arrayContaining(["add", "disable", "enable", "remove"]));
    expect(bash("apicred action list --c").lines.sort()).toEqual(["--category", "--custom"]);
  });

  it("completes live values, quoting what the shell would split", () => {
    expect(bash("apicred admin disable ").lines).toEqual(["alice"]);
    expect(bash("apicred role show ").lines).toEqual(["billing-read", "ops\\ team", "billing-write"]);
    expect(bash("apicred credential show ci").lines).toEqual(["ci-deploy"]);
    expect(bash("apicred check ci-deploy getinvoices").lines).toEqual(["GetInvoices"]);
    // inside an open quote the value goes in as it is
    expect(bash("apicred role show 'ops").lines).toEqual(["ops team"]);
    const words = ["apicred", "role", "edit", "ops\\ team", "--allow", "GetClientsD"];
    expect(bash(words.join(" "), words).lines).toEqual(["GetClientsDetails", "GetClientsDomains"]);
  });

  it("completes Category:* although readline breaks words at the colon", () => {
    const r = bash("apicred role create x --allow Billing:", ["apicred", "role", "create", "x", "--allow", "Billing", ":"]);
    expect(r.lines).toEqual(["\\*"]); // readline replaces the part after the colon
    const eq = bash("apicred role create x --allow=Billi", ["apicred", "role", "create", "x", "--allow", "=", "Billi"]);
    expect(eq.lines).toEqual(["Billing:\\*"]);
  });

  it("completes a typed category in any case: billing: gives *, not billing:Billing:*", () => {
    const r = bash("apicred role create x --allow billing:", ["apicred", "role", "create", "x", "--allow", "billing", ":"]);
    expect(r.lines).toEqual(["\\*"]);
    const eq = bash("apicred role create x --allow=billing:", ["apicred", "role", "create", "x", "--allow", "=", "billing", ":"]);
    expect(eq.lines).toEqual(["\\*"]);
  });

  it("completes the item after the last comma, and offers nothing twice", () => {
    expect(bash("apicred role create x --allow GetClients,Bil").lines).toEqual(["GetClients,Billing:\\*"]);
    const colon = ["apicred", "role", "create", "x", "--allow", "GetClients,billing", ":"];
    expect(bash("apicred role create x --allow GetClients,billing:", colon).lines).toEqual(["\\*"]);
    expect(bash("apicred credential create --role billing-read,").lines).toEqual(["billing-read,ops\\ team", "billing-read,billing-write"]);
    expect(bash("apicred ip remove 203.0.113.7 ").lines).toEqual(["10.0.0.0/8"]);
    expect(bash("apicred admin enable ").lines).toEqual(["bob"]);
  });

  it("completes file names where a file is expected", () => {
    expect(bash("apicred --store gr").lines).toEqual(["grants.json"]);
    expect(bash("apicred --store=gr", ["apicred", "--store", "=", "gr"]).lines).toEqual(["grants.json"]);
    expect(bash("apicred role create x -d gr").lines).toEqual([]);
  });

  it("offers nothing, says nothing and creates nothing with a missing or corrupt store", () => {
    const missing = join(box.dir, "nowhere", "store.json");
    expect(bash("apicred role show ", undefined, { APICRED_STORE: missing })).toEqual({ code: 0, lines: [], stderr: "" });
    expect(existsSync(join(box.dir, "nowhere"))).toBe(false);
    const corrupt = join(box.dir, "corrupt.json");
    writeFileSync(corrupt, "{", { mode: 0o600 });
    expect(bash("apicred role show ", undefined, { APICRED_STORE: corrupt })).toEqual({ code: 0, lines: [], stderr: "" });
    expect(readFileSync(corrupt, "utf8")).toBe("{");
  });
});

describe.skipIf(lacking("fish"))("fish", () => {
  const fish = (line: string, extra: Record<string, string | undefined> = {}) => fishComplete({ ...env, ...extra }, line, box.dir);

  it("completes nouns and options with descriptions", () => {
    expect(fish("apicred ad").lines).toEqual([expect.stringMatching(/^admin\tmanage the admins/)]);
    expect(fish("apicred action list --cu").lines).toEqual(["--custom\tonly custom actions"]);
  });

  it("completes live values with their descriptions, special characters intact", () => {
    expect(fish("apicred role show ").lines).toEqual([
      `billing-read\tRead invoices: GET only; 'quotes' & "credits" $HOME \`x\` — 2 grants`,
      "billing-write\t1 grant",
      "ops team\tOps with a tab and a newline — 0 grants",
    ]);
    expect(fish("apicred role show 'ops").lines).toEqual(["ops team\tOps with a tab and a newline — 0 grants"]);
    expect(fish("apicred admin enable b").lines).toEqual(["bob\tadmin (disabled)"]);
    expect(fish("apicred cred show ci-").lines).toEqual([`ci-deploy\t${CRED_A} — Deploy: CI (prod) & staging — admin alice`]);
    expect(fish("apicred role create x --allow Billing:").lines).toEqual(["Billing:*\tevery Billing action"]);
    expect(fish("apicred completion ").lines).toEqual(["bash", "fish", "zsh"]);
  });

  it("completes the item after the last comma, offers no entry twice, and only admins the verb can change", () => {
    expect(fish("apicred role create x --allow GetClients,Bil").lines).toEqual(["GetClients,Billing:*\tevery Billing action"]);
    expect(fish("apicred credential create --role billing-read,").lines).toEqual(["billing-read,billing-write\t1 grant", "billing-read,ops team\tOps with a tab and a newline — 0 grants"]);
    expect(fish("apicred ip remove 203.0.113.7 ").lines).toEqual(["10.0.0.0/8"]);
    expect(fish("apicred admin disable ").lines).toEqual(["alice\tadmin"]);
  });

  it("completes file names where a file is expected", () => {
    expect(fish("apicred --store gr").lines).toEqual(["grants.json"]);
    expect(fish("apicred --store=gr").lines).toEqual(["--store=grants.json"]);
    expect(fish("apicred check ci-deploy GetClients --secret-file gr").lines).toEqual(["grants.json"]);
  });

  it("offers nothing and says nothing with a missing store", () => {
    const r = fish("apicred role show ", { APICRED_STORE: join(box.dir, "nowhere", "store.json") });
    expect(r).toEqual({ code: 0, lines: [], stderr: "" });
  });
});

describe.skipIf(lacking("zsh"))("zsh", () => {
  const zsh = (line: string, extra: Record<string, string | undefined> = {}) => zshComplete({ ...env, ...extra }, line, box.dir);
  const values = (line: string, extra: Record<string, string | undefined> = {}) =>
    zsh(line, extra).lines.map((l) => l.split(" -- ")[0]);

  it("completes nouns with descriptions", () => {
    const r = zsh("apicred ");
    expect(r.lines).toEqual(expect.arrayContaining([expect.stringMatching(/^admin -- manage the admins/), expect.stringMatching(/^completion -- /)]));
    expect(r.lines.some((l) => l.startsWith("__complete"))).toBe(false);
  });

  it("completes live values, quoted for the line, and catalog names in any case", () => {
    expect(values("apicred role show ")).toEqual(["billing-read", "ops\\ team", "billing-write"]);
    expect(values("apicred admin disable ")).toEqual(["alice"]);
    expect(values("apicred check ci-deploy getinvoices")).toEqual(["GetInvoices"]);
    expect(values("apicred role create x --allow Billing:")).toEqual(["Billing:\\*"]);
    expect(values("apicred action list --cu")).toEqual(["--custom"]);
  });

  it("completes the item after the last comma (the list stays on the line)", () => {
    // (the capture prints each match after what the shell keeps, IPREFIX)
    expect(values("apicred role create x --allow GetClients,Bil")).toEqual(["GetClients,Billing:\\*"]);
    expect(values("apicred role create x --allow=GetClients,getclientsdo")).toEqual(["--allow=GetClients,GetClientsDomains"]);
    expect(values("apicred credential create --role billing-read,")).toEqual(["billing-read,ops\\ team", "billing-read,billing-write"]);
  });

  it("offers no entry already on the line, and only the admins the verb can change", () => {
    expect(values("apicred ip remove 203.0.113.7 ")).toEqual(["10.0.0.0/8"]);
    expect(values("apicred admin enable ")).toEqual(["bob"]);
  });

  it("completes file names where a file is expected", () => {
    expect(values("apicred --store gr")).toEqual(["grants.json"]);
  });

  it("offers nothing with a missing store", () => {
    expect(zsh("apicred role show ", { APICRED_STORE: join(box.dir, "nowhere", "store.json") })).toEqual({ code: 0, lines: [], stderr: "" });
  });
});
