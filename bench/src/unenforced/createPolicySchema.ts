import { buildSubgraphSchema } from "@apollo/subgraph";
import { resolveEntitiesAtOnce, type PolicySchema, type PolicySchemaOptions } from "@grondslag/policy";

/**
 * The benchmark's stand-in for the policy's `createPolicySchema`: the same subgraph schema and
 * resolvers, entities answered at once as the production schema answers them
 * (`resolveEntitiesAtOnce`), without graphql-shield's rules and without the list filter, so
 * `policy on/off` measures exactly what enforcement costs. Built only into the benchmark's second
 * copy (../buildStacks.ts).
 */
export function createPolicySchema(options: PolicySchemaOptions): PolicySchema {
  const schema = buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers });
  resolveEntitiesAtOnce(schema);
  return { schema, policies: [] };
}
