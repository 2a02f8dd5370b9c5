import { readdirSync, readFileSync } from "node:fs";

// CPU time read from /proc (Linux), in milliseconds: utime + stime, counted in clock ticks of
// 10 ms, so only sums over many requests or seconds mean anything. Shared by the diagnostics
// that charge a request the CPU of the box's other processes or of this process's threads.

/** CPU ms of one /proc `stat` file (a process or a thread); 0 when it has gone. */
export function cpuOfStat(path: string): number {
  try {
    const stat = readFileSync(path, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    // The process or thread ended while it was read.
    return 0;
  }
}

/** CPU ms of every postgres process on the box. */
export function postgresCpu(): number {
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/stat`, "utf8").includes("(postgres)")) total += cpuOfStat(`/proc/${pid}/stat`);
    } catch {
      // The process ended while it was read.
    }
  }
  return total;
}
