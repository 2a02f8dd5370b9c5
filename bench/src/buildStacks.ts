import { rmSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { productionBuildOptions } from "@grondslag/build";
import { build, type Plugin } from "esbuild";

/** A built copy of the graph: what ./stackEntry.ts exports. */
export type StackBuild = typeof import("./stackEntry.ts");

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const POLICY_SCHEMA = "/schema/policy/src/createPolicySchema.ts";

/** The unenforced copy: the policy's `createPolicySchema` replaced by ./unenforced/createPolicySchema.ts. */
const withoutEnforcement: Plugin = {
  name: "without-enforcement",
  setup(builder) {
    builder.onResolve({ filter: /createPolicySchema\.ts$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      return target.endsWith(POLICY_SCHEMA) ? { path: `${benchDir}/src/unenforced/createPolicySchema.ts` } : undefined;
    });
  },
};

/**
 * Builds the graph twice, as `pnpm build` builds it for production (`@grondslag/build`:
 * esbuild, run with plain `node`, no tsx), into bench/dist/<pid>, and loads both copies into this
 * process: once as it ships, and once with enforcement swapped out. Only the benchmark builds the
 * second copy, so nothing a deployment loads or sets can switch the policy off. npm packages stay
 * external, so both copies share one graphql, Apollo and driver.
 */
export async function buildStacks(): Promise<{ enforced: StackBuild; unenforced: StackBuild }> {
  const entry = { stack: `${benchDir}/src/stackEntry.ts` };
  // A folder per process (a profile started beside a run must not rebuild under it), gone at exit.
  const folder = `${benchDir}/dist/${process.pid}`;
  const outdir = (variant: string) => `${folder}/${variant}`;
  rmSync(folder, { recursive: true, force: true });
  process.on("exit", () => rmSync(folder, { recursive: true, force: true }));
  await Promise.all([build(productionBuildOptions(entry, outdir("enforced"))), build(productionBuildOptions(entry, outdir("unenforced"), [withoutEnforcement]))]);
  const load = async (variant: string): Promise<StackBuild> => (await import(pathToFileURL(`${outdir(variant)}/stack.js`).href)) as StackBuild;
  const [enforced, unenforced] = await Promise.all([load("enforced"), load("unenforced")]);
  return { enforced, unenforced };
}
