import { buildSubgraphSchema } from "@apollo/subgraph";
import type { PolicySchema, PolicySchemaOptions } from "@grondslag/policy";

/**
 * The benchmark's stand-in for the policy's `createPolicySchema`: the same subgraph schema and
 * resolvers, without graphql-shield's rules and without the list filter, so `policy on/off`
 * measures exactly what enforcement costs. Built only into the benchmark's second copy (../buildStacks.ts).
 */
export function createPolicySchema(options: PolicySchemaOptions): PolicySchema {
  return { schema: buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers }), policies: [] };
}
