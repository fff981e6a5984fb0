// Facts about another process on this host, for the lock and for temp files left by a killed writer.
import { readFileSync } from "node:fs";

/** True when a process with this pid exists (EPERM: it exists, it is just not ours). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * When a process started (clock ticks since boot: /proc/<pid>/stat field 22), or undefined where
 * /proc is not there (not Linux) or the process is gone. A pid reused by an unrelated process has
 * another start time, which is what tells a live lock holder from a stranger with its old pid.
 */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // Field 2 (the command name) is in parentheses and may hold spaces or ")": count from the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const start = fields[22 - 3];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}
