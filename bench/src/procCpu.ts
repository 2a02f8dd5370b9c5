import { readdirSync, readFileSync } from "node:fs";

// CPU time read from /proc (Linux), in milliseconds: utime + stime, counted in clock ticks of
// 10 ms, so only sums over many requests or seconds mean anything. Shared by the diagnostics
// that charge a request the CPU of the box's other processes or of this process's threads.

/** CPU ms of one /proc `stat` file (a process or a thread); 0 when it has gone. */
export function cpuOfStat(path: string): number {
  const stat = readStat(path);
  return stat === undefined ? 0 : cpuIn(stat);
}

/** CPU ms of every postgres process on the box. */
export function postgresCpu(): number {
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const stat = readStat(`/proc/${pid}/stat`);
    if (stat?.includes("(postgres)")) total += cpuIn(stat);
  }
  return total;
}

/** A /proc `stat` file's text; undefined when its process or thread ended while it was read. */
function readStat(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** utime + stime of a `stat` text, in ms (fields 14 and 15; the name before them may hold spaces). */
function cpuIn(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
