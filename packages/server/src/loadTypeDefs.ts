import { readFileSync } from "node:fs";
import { parse, type DocumentNode } from "graphql";

/** Reads a subgraph's `schema.graphql`, so the SDL stays a file tools and auditors can open. */
export function loadTypeDefs(url: URL): DocumentNode {
  return parse(readFileSync(url, "utf8"));
}
