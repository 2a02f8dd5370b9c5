// ESLint owns boundaries, the formatter owns style (../shared/STYLE.md): every rule here checks
// something a formatter cannot see. None needs type information, so `pnpm lint` stays fast and
// leaves types to `pnpm typecheck`.
import { readdirSync } from "node:fs";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

const subgraphs = readdirSync(new URL("./subgraphs", import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** Files that run only under vitest, drizzle-kit or the tooling: they may use devDependencies. */
const devFiles = ["**/*.test.ts", "stack/build.ts", "**/drizzle.config.ts", "vitest.config.ts", "vitest.setup.ts", "eslint.config.js", "codegen.ts"];

export default tseslint.config(
  {
    // Generated or not ours: the resolver types come from `pnpm codegen`, migrations from drizzle-kit.
    ignores: ["**/node_modules/**", "**/.data/**", "**/dist/**", "**/.turbo/**", "**/coverage/**", "**/drizzle/**", "**/src/generated/**"],
  },
  {
    files: ["**/*.ts", "**/*.js"],
    languageOptions: {
      parser: tseslint.parser,
      ecmaVersion: 2022,
      sourceType: "module",
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { "@typescript-eslint": tseslint.plugin, "import-x": importX },
    settings: {
      // Lets import-x parse the TypeScript it follows (for cycles), as its `typescript` preset does.
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      // Resolves `@grondslag/x` through the workspace links to its real `src/index.ts`, so cycles
      // and layers are seen across packages, not only inside one.
      "import-x/resolver-next": [createTypeScriptImportResolver()],
    },
    rules: {
      // Every package declares what it imports, in the nearest package.json; tooling files may
      // use devDependencies, source files may not (they run in production).
      "import-x/no-extraneous-dependencies": ["error", { devDependencies: devFiles, includeTypes: true }],
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      // `../../subgraphs/x/src/...` reaches around another package's public entry.
      "import-x/no-relative-packages": "error",
      "import-x/no-restricted-paths": ["error", { zones: layers() }],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@grondslag/[^/]+/",
              message: "Import the package (`@grondslag/x`): its src/index.ts is its only public entry.",
            },
          ],
          paths: [
            { name: "process", importNames: ["env"], message: "Read configuration in the deployable's env.ts and pass it on." },
            { name: "node:process", importNames: ["env"], message: "Read configuration in the deployable's env.ts and pass it on." },
          ],
        },
      ],
      // Logs go through the logger (pino, `createLogger`), so they are structured and redacted.
      "no-console": "error",
      // Configuration is read in one place: each deployable's validated env.ts.
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration in the deployable's env.ts and pass it on." },
      ],
    },
  },
  {
    // The logger is where console output may live; CLI entry points print because printing is
    // what they are for (today they write to process.stdout/stderr, which is also fine).
    files: ["packages/server/src/createLogger.ts", "stack/src/main.ts", "stack/src/token.ts", "schema/supergraph/src/cli.ts", "schema/supergraph/src/printPolicy.ts"],
    rules: { "no-console": "off" },
  },
  {
    // The deployable's one validated configuration (`stack/src/env.ts`, and any future `env.ts`),
    // and the test suite's: DATABASE_URL chooses PostgreSQL or PGlite for every database test.
    files: ["**/src/env.ts", "packages/testing/src/getTestDatabase.ts"],
    rules: { "no-restricted-properties": "off", "no-restricted-imports": "off" },
  },
);

/**
 * Low layers never import high ones: `packages/*` are the base, `schema/policy` sits on them,
 * subgraphs on both, and only the runtimes (`stack`, `test`) and composition (`schema/supergraph`)
 * know the list of subgraphs. Subgraphs meet only through federation, never through imports.
 */
function layers() {
  const high = ["./subgraphs", "./gateway", "./stack", "./test", "./schema/supergraph"];
  return [
    { target: "./packages", from: [...high, "./schema/policy", "./integrations"], message: "packages/* are the lowest layer." },
    { target: "./schema/policy", from: [...high, "./integrations"], message: "The policy vocabulary is a low layer." },
    { target: "./integrations", from: ["./subgraphs", "./gateway", "./stack", "./test", "./schema/supergraph"], message: "Partner adapters reach the graph over HTTP, not by import." },
    { target: "./gateway", from: ["./subgraphs", "./stack", "./test", "./schema", "./integrations"], message: "The gateway knows subgraphs only through the supergraph." },
    { target: "./subgraphs", from: ["./gateway", "./stack", "./test", "./schema/supergraph", "./integrations"], message: "A subgraph sits below the runtimes." },
    ...subgraphs.map((name) => ({
      target: `./subgraphs/${name}`,
      from: "./subgraphs",
      except: [`./${name}`],
      message: "Subgraphs meet only through federation, never by importing each other.",
    })),
  ];
}
