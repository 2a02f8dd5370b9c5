import { writeFileSync } from "node:fs";
import { checkPartnerGrants } from "./checkPartnerGrants.ts";
import { composeSupergraph, loadSupergraphSdl, supergraphPath } from "./composeSupergraph.ts";

// `write` regenerates schema/supergraph/supergraph.graphql; `check` fails when the committed file is stale.
// An optional second argument names another file (the tests check a deliberately stale copy).
// Both fail when a `partner:<name>` grant and the partners' declared field sets differ.
const command = process.argv[2];
const path = process.argv[3] ?? supergraphPath;
const fresh = composeSupergraph();

function failOnPartnerGrants(): void {
  const problems = checkPartnerGrants(fresh);
  if (problems.length === 0) return;
  process.stderr.write(`The schema's partner grants and the partners' declarations (integrations/registry) differ:\n- ${problems.join("\n- ")}\n`);
  process.exit(1);
}

if (command === "write") {
  writeFileSync(path, fresh);
  process.stdout.write(`Wrote ${path}\n`);
  failOnPartnerGrants();
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
  failOnPartnerGrants();
  process.stdout.write(`${path} is current, and its partner grants are exactly the declared field sets.\n`);
} else {
  process.stderr.write("usage: cli.ts write|check [supergraph file]\n");
  process.exit(2);
}
