import type { GraphQLSchema } from "graphql";
import { newApolloGateway } from "./newApolloGateway.ts";

/** The API schema of a supergraph: what clients query, without federation's machinery. */
export async function loadApiSchema(supergraphSdl: string): Promise<GraphQLSchema> {
  const gateway = newApolloGateway({ supergraphSdl });
  try {
    return (await gateway.load()).schema;
  } finally {
    await gateway.stop();
  }
}
