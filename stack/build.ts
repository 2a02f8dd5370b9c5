import { readFile, rm } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

// `pnpm build`: bundles the production entries into stack/dist, run with plain `node` (no tsx).
// The workspace's TypeScript is bundled; every npm package stays external, imported from the
// very file Node would load (so graphql is one copy, CJS, as everywhere else). The bundle runs
// from the repository (or an image with its layout): the SDL, migrations and the supergraph are
// read beside their sources, through `import.meta.url` rewritten to each source file's place.
const stackDir = dirname(fileURLToPath(import.meta.url));
const outdir = `${stackDir}/dist`;

const runFromRepository: Plugin = {
  name: "run-from-repository",
  setup(builder) {
    // An npm package: external, at the path of the file it resolves to from its importer.
    builder.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith("@grondslag/") || args.path.startsWith("node:") || args.pluginData === "resolving") return undefined;
      const resolved = await builder.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "resolving" });
      if (resolved.errors.length > 0 || !resolved.path.includes("/node_modules/")) return undefined;
      return { path: toImportPath(resolved.path), external: true };
    });
    // A workspace source file: its `import.meta.url` is where it lives, not where the bundle does.
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes("/node_modules/")) return undefined;
      const source = await readFile(args.path, "utf8");
      const here = `new URL(${JSON.stringify(toImportPath(args.path))}, import.meta.url).href`;
      return { contents: source.replaceAll("import.meta.url", here), loader: "ts" };
    });
  },
};

function toImportPath(file: string): string {
  const path = relative(outdir, file);
  return path.startsWith(".") ? path : `./${path}`;
}

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { gateway: `${stackDir}/src/mainGateway.ts`, subgraph: `${stackDir}/src/mainSubgraph.ts` },
  outdir,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // Node itself loads graphql's CJS `main`; so must every import in the bundle.
  mainFields: ["main", "module"],
  outExtension: { ".js": ".js" },
  sourcemap: true,
  logLevel: "info",
  plugins: [runFromRepository],
});
