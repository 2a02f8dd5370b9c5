import { readFileSync } from "node:fs";
import { parse, type DocumentNode } from "graphql";

/** The URL subgraphs `@link` the vocabulary under; its version moves with breaking changes. */
export const POLICY_SPEC_URL = "https://grondslag.dev/policy/v0.1";

/** The directive and enum definitions every subgraph shares, as SDL. */
export const vocabularySdl = readFileSync(new URL("./vocabulary.graphql", import.meta.url), "utf8");

/**
 * Reads a subgraph's `schema.graphql` and puts the vocabulary's definitions beside it, so each
 * subgraph declares its policy with the same directives and composition sees them identical.
 */
export function loadSubgraphTypeDefs(url: URL): DocumentNode {
  return parse(`${vocabularySdl}\n${readFileSync(url, "utf8")}`);
}
