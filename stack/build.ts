import { rm } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { productionBuildOptions } from "@grondslag/build";

// `pnpm build`: bundles the production entries into stack/dist, run with plain `node` (no tsx).
// How they are bundled: @grondslag/build (the benchmark builds its copies of the graph the same way).
const stackDir = dirname(fileURLToPath(import.meta.url));
const outdir = `${stackDir}/dist`;

await rm(outdir, { recursive: true, force: true });
await build({
  ...productionBuildOptions({ gateway: `${stackDir}/src/mainGateway.ts`, subgraph: `${stackDir}/src/mainSubgraph.ts` }, outdir),
  logLevel: "info",
});
