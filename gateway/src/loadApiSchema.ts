import { ApolloGateway } from "@apollo/gateway";
import type { GraphQLSchema } from "graphql";

/** The API schema of a supergraph: what clients query, without federation's machinery. */
export async function loadApiSchema(supergraphSdl: string): Promise<GraphQLSchema> {
  const gateway = new ApolloGateway({ supergraphSdl });
  try {
    return (await gateway.load()).schema;
  } finally {
    await gateway.stop();
  }
}
