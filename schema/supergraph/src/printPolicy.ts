import { readGraphPolicy } from "@grondslag/policy";
import { loadPartnerFields } from "./checkPartnerGrants.ts";
import { loadSupergraphSdl } from "./composeSupergraph.ts";

// `pnpm --silent policy:json`: the policy of every field of the graph, as JSON on stdout, with
// the declared partner purposes that receive each field.
const supergraphSdl = loadSupergraphSdl();
process.stdout.write(`${JSON.stringify(readGraphPolicy(supergraphSdl, loadPartnerFields(supergraphSdl)), null, 2)}\n`);
