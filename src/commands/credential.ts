// `apicred credential create | list | show | edit | rotate | delete` (alias `cred`; `delete` alias
// `revoke`); disable, enable and whois live in credential-lifecycle.ts. The secret is printed once,
// by create and rotate, and never by anything else.
import type { Command } from "commander";
import { act, collect, type Program } from "../run.js";
import { registerLifecycle } from "./credential-lifecycle.js";
import { runCredentialCreate } from "./credential/create.js";
import { runCredentialDelete } from "./credential/delete.js";
import { runCredentialEdit } from "./credential/edit.js";
import { runCredentialList } from "./credential/list.js";
import { runCredentialRotate } from "./credential/rotate.js";
import { runCredentialShow } from "./credential/show.js";

export function register(registry: Command): void {
  const program = registry as unknown as Program; // the same object, typed by its declarations
  const cred = program
    .command("credential")
    .alias("cred")
    .description("manage API credentials: an identifier and a secret that authenticate as an admin");

  cred
    .command("create")
    .description("create a credential and print its secret once (on a terminal, without --admin, pick admin and roles)")
    .option("--admin <username>", "the admin it authenticates as (must exist and be enabled)")
    .option("--role <role>", "a role it carries; repeatable or comma-separated", collect)
    .option("--name <name>", "a unique label, usable instead of the identifier")
    .option("-d, --description <text>", "what it is for")
    .option("--ip <ip|cidr>", "only from these IPs/CIDRs (at most 100); repeatable or comma-separated", collect)
    .option("--normalize", "clear host bits of a CIDR given with --ip (10.0.0.5/8 -> 10.0.0.0/8) instead of refusing it")
    .option("--expires <when>", "expiry: an ISO-8601 date/time or a duration from now (90d, 12h, 2w)")
    .action(act(runCredentialCreate));

  cred
    .command("list")
    .alias("ls")
    .description("list credentials (never their secrets)")
    .option("--admin <username>", "only this admin's credentials")
    .option("--role <role>", "only credentials holding this role")
    .option("--expiring <duration>", "only credentials that expire within this duration (90d, 12h, 2w), expired ones included")
    .option("--unused <duration>", "only credentials not used within this duration (90d), never-used ones included")
    .action(act(runCredentialList));

  cred
    .command("show")
    .description("show a credential (never its secret)")
    .argument("<cred>", "identifier or name")
    .action(act(runCredentialShow));

  cred
    .command("edit")
    .description("change a credential's name, description, roles, IP limits or expiry")
    .argument("<cred>", "identifier or name")
    .option("--name <name>", "a new unique label (\"\" removes it)")
    .option("-d, --description <text>", "a new description (\"\" clears it)")
    .option("--role <role>", "replace its roles with these; repeatable or comma-separated", collect)
    .option("--add-role <role>", "add roles; repeatable or comma-separated", collect)
    .option("--remove-role <role>", "remove roles; repeatable or comma-separated", collect)
    .option("--ip <ip|cidr>", "replace its IP limits with these (at most 100); repeatable or comma-separated", collect)
    .option("--clear-ips", "remove its IP limits")
    .option("--normalize", "clear host bits of a CIDR given with --ip instead of refusing it")
    .option("--expires <when>", "a new expiry: an ISO-8601 date/time or a duration from now")
    .option("--no-expiry", "remove its expiry")
    .action(act(runCredentialEdit));

  cred
    .command("rotate")
    .description("issue a new secret for the same identifier and roles, printed once")
    .argument("<cred>", "identifier or name")
    .option("--grace <duration>", "keep the old secret working this long (90d, 12h, 30m); default: it stops now")
    .action(act(runCredentialRotate));

  cred
    .command("delete")
    .aliases(["revoke", "rm"])
    .description("delete (revoke) credentials: they stop working at once")
    .argument("<cred...>", "identifiers or names")
    .action(act(runCredentialDelete));

  registerLifecycle(cred);
}
