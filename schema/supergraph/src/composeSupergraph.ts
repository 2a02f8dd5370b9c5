import { readFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import type { DocumentNode } from "graphql";
import { defaultSubgraphUrl, subgraphs } from "./subgraphs.ts";

export interface SubgraphSource {
  name: string;
  url: string;
  typeDefs: DocumentNode;
}

/** Where the composed supergraph is committed. */
export const supergraphPath = new URL("../supergraph.graphql", import.meta.url).pathname;

/** The five subgraphs as composition sees them, at their development URLs. */
export function loadSubgraphSources(): SubgraphSource[] {
  return subgraphs.map(({ module, port }) => ({ name: module.name, url: defaultSubgraphUrl(port), typeDefs: module.typeDefs }));
}

/** Composes the supergraph from the subgraphs' own SDL; throws with every composition error. */
export function composeSupergraph(sources: SubgraphSource[] = loadSubgraphSources()): string {
  const result = composeServices(sources);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((error) => `- ${error.message}`).join("\n")}`);
  }
  return `${result.supergraphSdl.trimEnd()}\n`;
}

/** The committed supergraph the gateway serves. */
export function loadSupergraphSdl(path = supergraphPath): string {
  return readFileSync(path, "utf8");
}

/** Whether `committed` is exactly what composing `sources` gives now. */
export function isSupergraphCurrent(committed: string, sources: SubgraphSource[] = loadSubgraphSources()): boolean {
  return committed === composeSupergraph(sources);
}
