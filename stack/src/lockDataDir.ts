import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt
 * it. A pid file refuses the second start with a clear message instead.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "grondslag.pid");
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(file, "utf8"));
  } catch {
    // No lock yet.
  }
  if (holder && holder !== process.pid && isRunning(holder)) {
    throw new Error(`Another Grondslag (pid ${holder}) is using ${dir}. Stop it first, or set DATA_DIR elsewhere.`);
  }
  writeFileSync(file, String(process.pid));
  return () => rmSync(file, { force: true });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
