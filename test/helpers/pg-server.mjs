// A real PostgreSQL server for tests and the bench, started from the system's binaries (Debian
// package `postgresql`: /usr/lib/postgresql/<version>/bin), in a temp folder, on a free 127.0.0.1
// port, with its unix socket in that folder. PostgreSQL refuses to run as root (CI runs as root):
// then the folder is handed to the `postgres` user and every server binary runs through runuser.
// fsync is off: the tests need speed, not durability. Plain JS so test/bench/*.mjs can use it too.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The newest installed PostgreSQL's bin folder ($APICRED_PG_BIN overrides). */
export function postgresBin() {
  if (process.env.APICRED_PG_BIN) return process.env.APICRED_PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  versions.sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) {
    throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql), or set APICRED_PG_BIN");
  }
  return join(root, versions[0], "bin");
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export const PASSWORD = "pg-test-Secret-9f3c";

/**
 * Starts a server; returns { port, url(database), stop() }. The superuser `postgres` logs in over
 * TCP with PASSWORD (scram-sha-256), so every test also proves the password never leaks.
 */
export async function startPostgres() {
  const bin = postgresBin();
  const base = mkdtempSync(join(tmpdir(), "apicred-pg-"));
  const data = join(base, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (cmd, args) => {
    const file = join(bin, cmd);
    const [exe, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", file, ...args]] : [file, args];
    return execFileSync(exe, argv, { cwd: base, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  };
  writeFileSync(join(base, "pwfile"), `${PASSWORD}\n`, { mode: 0o600 });
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
    chownSync(base, uid, gid);
    chownSync(join(base, "pwfile"), uid, gid);
  }
  const port = await freePort();
  try {
    run("initdb", ["-D", data, "-U", "postgres", "--pwfile", join(base, "pwfile"), "-E", "UTF8", "--locale=C.UTF-8",
      "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"]);
    const options = [
      `-p ${port}`, `-k ${base}`, "-c listen_addresses=127.0.0.1", "-c fsync=off", "-c synchronous_commit=off",
      "-c full_page_writes=off", "-c max_connections=300", "-c shared_buffers=32MB",
    ].join(" ");
    run("pg_ctl", ["start", "-D", data, "-w", "-t", "60", "-l", join(base, "server.log"), "-o", options]);
  } catch (err) {
    rmSync(base, { recursive: true, force: true });
    throw new Error(`could not start PostgreSQL: ${err.stderr || err.message}`);
  }
  let stopped = false;
  return {
    port,
    base,
    /** A URL for `database` (the superuser, with its password). */
    url: (database = "postgres") => `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        // pg_ctl stops the server whose pid is in this data folder's postmaster.pid, nothing else.
        run("pg_ctl", ["stop", "-D", data, "-m", "fast", "-w", "-t", "60"]);
      } catch {
        // pg_ctl gave up (a loaded machine): stop that same pid immediately, never leave it running.
        try {
          const pid = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[0]);
          if (pid > 0) process.kill(pid, "SIGQUIT");
        } catch {
          // already gone
        }
      } finally {
        rmSync(base, { recursive: true, force: true });
      }
    },
  };
}
