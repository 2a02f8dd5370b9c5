import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

/**
 * The end-to-end files that run a second time against the split processes (the gateway and each
 * subgraph as its own `node` process, built by `pnpm build`, on PostgreSQL): everything they
 * check goes over HTTP, as a client's request does. Left out, one-process only:
 * - secondFactor.test.ts: Twilio's API exists only as nock interceptors in the test's process,
 *   and the Twilio client it hands the stack is an in-process object;
 * - inputValidation.test.ts, observability.test.ts: they read every line the gateway and the
 *   subgraphs log through an in-process logger;
 * - faults.test.ts: it stops one subgraph's server object and wraps a subgraph in-process;
 * - policyFacts.test.ts: it alters the database under the in-process subgraphs, no HTTP at all.
 * splitProcesses.test.ts itself runs in the one-process project: it starts its own processes.
 */
const SPLIT_FILES = ["endToEnd", "policy", "conformance", "gatewayLimits", "gatewayAuth", "subgraphAuth", "explorer"].map((name) => `test/src/${name}.test.ts`);

// eslint-disable-next-line no-restricted-properties -- the suite's choice of PostgreSQL, as in @grondslag/testing: without it there is no split run.
const postgres = Boolean(process.env.DATABASE_URL);

const oneProcess: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: "one-process", include: ["**/src/**/*.test.ts"], provide: { stackShape: "one-process" } },
};
// PGlite cannot be shared by processes: without DATABASE_URL the split project does not exist, and
// splitProcesses.test.ts says so in the name of its skipped suite.
const split: TestProjectInlineConfiguration = {
  extends: true,
  test: { name: "split", include: SPLIT_FILES, provide: { stackShape: "split" }, globalSetup: ["./test/src/buildStack.globalSetup.ts"] },
};

export default defineConfig({
  resolve: {
    // graphql 16 ships ESM (index.mjs, via "module") and CJS (index.js, via "main"). Vite picks
    // the ESM copy while the CJS Apollo packages require the other, and graphql refuses a schema
    // "from another realm". Node itself resolves "main", so point vitest at the same file.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    setupFiles: ["./vitest.setup.ts"],
    exclude: ["**/node_modules/**"],
    // One worker, not isolated: every test file shares the one database the suite opens
    // (a PGlite instance costs seconds and ~700 MB; Postgres schemas cannot be reset in parallel).
    // The projects run one after the other, each in its own worker, on that same database.
    pool: "forks",
    maxWorkers: 1,
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: postgres ? [oneProcess, split] : [oneProcess],
  },
});
