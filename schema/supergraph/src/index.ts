export { composeSupergraph, isSupergraphCurrent, loadSubgraphSources, loadSupergraphSdl, supergraphPath } from "./composeSupergraph.ts";
export type { SubgraphSource } from "./composeSupergraph.ts";
export { defaultSubgraphUrl, subgraphs } from "./subgraphs.ts";
export type { SubgraphName } from "./subgraphs.ts";
export { readGraphPolicy } from "@grondslag/policy";
export type { GraphFieldPolicy } from "@grondslag/policy";
export { checkPartnerGrants, loadPartnerFields } from "./checkPartnerGrants.ts";
