import * as billing from "@grondslag/billing";
import * as consent from "@grondslag/consent";
import * as identity from "@grondslag/identity";
import * as mobility from "@grondslag/mobility";
import type { SubgraphModule } from "@grondslag/server";
import * as therapy from "@grondslag/therapy";

/**
 * The five subgraphs and the port each listens on in development. The committed supergraph
 * names these URLs; a running gateway may route elsewhere (tests use free ports).
 */
export const subgraphs = [
  { module: identity, port: 4001 },
  { module: therapy, port: 4002 },
  { module: mobility, port: 4003 },
  { module: billing, port: 4004 },
  { module: consent, port: 4005 },
] as const satisfies readonly { module: SubgraphModule; port: number }[];

export type SubgraphName = (typeof subgraphs)[number]["module"]["name"];

export function defaultSubgraphUrl(port: number): string {
  return `http://127.0.0.1:${port}/graphql`;
}
