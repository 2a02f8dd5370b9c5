import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import type { BuildOptions, Plugin } from "esbuild";

/**
 * How the production bundles are built (`pnpm build`, stack/build.ts), shared with the benchmark,
 * which measures the graph as it ships: plain `node` on these bundles, never tsx. The
 * workspace's TypeScript is bundled; every npm package stays external, imported from the very
 * file Node would load (so graphql is one copy, CJS, as everywhere else). The bundle runs from
 * the repository (or an image with its layout): the SDL, migrations and the supergraph are read
 * beside their sources, through `import.meta.url` rewritten to each source file's place.
 */
export function productionBuildOptions(entryPoints: Record<string, string>, outdir: string, plugins: Plugin[] = []): BuildOptions {
  const toImportPath = (file: string): string => {
    const path = relative(outdir, file);
    return path.startsWith(".") ? path : `./${path}`;
  };
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
  return {
    entryPoints,
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    // Node itself loads graphql's CJS `main`; so must every import in the bundle.
    mainFields: ["main", "module"],
    outExtension: { ".js": ".js" },
    sourcemap: true,
    logLevel: "warning",
    // Plugins given first: they may claim a module before the repository's own resolution does.
    plugins: [...plugins, runFromRepository],
  };
}
