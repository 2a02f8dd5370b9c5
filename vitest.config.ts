import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // graphql 16 ships ESM (index.mjs, via "module") and CJS (index.js, via "main"). Vite picks
    // the ESM copy while the CJS Apollo packages require the other, and graphql refuses a schema
    // "from another realm". Node itself resolves "main", so point vitest at the same file.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    include: ["**/src/**/*.test.ts"],
    setupFiles: ["./vitest.setup.ts"],
    exclude: ["**/node_modules/**"],
    // One worker, not isolated: every test file shares the one database the suite opens
    // (a PGlite instance costs seconds and ~700 MB; Postgres schemas cannot be reset in parallel).
    pool: "forks",
    maxWorkers: 1,
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
