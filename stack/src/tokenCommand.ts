import { DEFAULT_DATA_DIR } from "./env.ts";

/**
 * The command that prints a token this graph accepts, as the start-up banner shows it. Tokens are
 * signed with the keys in DATA_DIR: run without this graph's DATA_DIR, the command would make keys
 * of its own in the default place and print tokens the graph refuses. The directory is quoted for
 * a POSIX shell.
 */
export function tokenCommand(dataDir: string): string {
  const prefix = dataDir === DEFAULT_DATA_DIR ? "" : `DATA_DIR='${dataDir.replace(/'/g, "'\\''")}' `;
  return `${prefix}npx -y pnpm@10 --silent token`;
}
