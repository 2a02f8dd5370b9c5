import { loadSupergraphSdl } from "./composeSupergraph.ts";
import { readGraphPolicy } from "@grondslag/policy";

// `pnpm --silent policy:json`: the policy of every field of the graph, as JSON on stdout.
process.stdout.write(`${JSON.stringify(readGraphPolicy(loadSupergraphSdl()), null, 2)}\n`);
