import { writeFileSync } from "node:fs";
import { composeSupergraph, loadSupergraphSdl, supergraphPath } from "./composeSupergraph.ts";

// `write` regenerates schema/supergraph/supergraph.graphql; `check` fails when the committed file is stale.
// An optional second argument names another file (the tests check a deliberately stale copy).
const command = process.argv[2];
const path = process.argv[3] ?? supergraphPath;
const fresh = composeSupergraph();

if (command === "write") {
  writeFileSync(path, fresh);
  process.stdout.write(`Wrote ${path}\n`);
} else if (command === "check") {
  let committed = "";
  try {
    committed = loadSupergraphSdl(path);
  } catch {
    // A missing file is as stale as an old one.
  }
  if (committed !== fresh) {
    process.stderr.write(`${path} is stale: the subgraphs' SDL changed. Run \`pnpm compose\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`${path} is current.\n`);
} else {
  process.stderr.write("usage: cli.ts write|check [supergraph file]\n");
  process.exit(2);
}
