import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/resolverMap.js";
import { GraphQLError, type DocumentNode, type GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { allow, deny, rule, shield, type IRules } from "graphql-shield";
import { createFallbackError, denyPolicy, type ErrorLog } from "./errors.ts";
import { createReadDecider, type ControllersOf, type SubjectOf } from "./createReadDecider.ts";
import { answerEntitiesAtOnce, answerSettledReadsAtOnce, decideEntitiesAhead, decideObjectFieldsAhead, hideUnreadableListItems, prepareRootCalls, resolversOf, type PrepareRootCalls } from "./enforceReads.ts";
import type { RequestObservers, WithPolicy } from "./PolicyContext.ts";
import { readFieldPolicies, type FieldPolicy } from "./readFieldPolicies.ts";
import { indexPartnerFields, type PartnerFieldGrant } from "./partnerGrants.ts";
import { findRequirement, type Condition, type RequirementDefinition } from "./requirements.ts";
import { resolveEntitiesAtOnce } from "./resolveEntitiesAtOnce.ts";

export type { ControllersOf, SubjectOf } from "./createReadDecider.ts";

export interface PolicySchemaOptions {
  /** The subgraph's SDL with the vocabulary (`loadSubgraphTypeDefs`). */
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<any>;
  /** By type name (`Trip`: from the parent row) or by `Type.field` (`Query.person`: from the arguments). */
  subjects: Record<string, SubjectOf>;
  /** By type name or `Type.field`, like `subjects`: required for every type with personal fields. */
  controllers: Record<string, ControllersOf>;
  /** Record conditions this subgraph's policies name, such as `work-trip`. */
  conditions?: Record<string, { description: string; evaluate: Condition }>;
  /**
   * The fields the registered partners' declared operations select. A `partner:<name>` grant
   * holds only on these; without them (a unit test, no partner registered) it never holds.
   */
  partnerFields?: readonly PartnerFieldGrant[];
  log: ErrorLog;
}

export interface PolicySchema {
  schema: GraphQLSchema;
  policies: FieldPolicy[];
  /** Run before each operation executes (`Subgraph.prepareExecution`): decides its root calls ahead (`prepareRootCalls`). */
  prepareRootCalls?: PrepareRootCalls;
}

/**
 * Builds a subgraph's schema with its access policy enforced by graphql-shield. The rule map
 * is derived from the SDL's declarations at start, never written by hand; a field without a
 * declaration, or naming a requirement nothing implements, stops the subgraph from starting.
 */
export function createPolicySchema(options: PolicySchemaOptions): PolicySchema {
  const conditions = options.conditions ?? {};
  const partnerFields = indexPartnerFields(options.partnerFields ?? []);
  const { policies: declaredPolicies, problems } = readFieldPolicies(options.typeDefs);
  const policies = grantDeclaredPartners(declaredPolicies, options.partnerFields ?? []);
  const byCoordinate = new Map(policies.map((policy) => [policy.coordinate, policy]));
  problems.push(...findUnenforceable(policies, byCoordinate, options.subjects, options.controllers, conditions));
  if (problems.length > 0) throw new Error(`The schema's policy declarations are incomplete:\n- ${problems.join("\n- ")}`);

  // Resolved once per name: `consent:` and `partner:` names are parsed, not looked up.
  const definitions = new Map<string, RequirementDefinition>();
  const requirement = (name: string) => definitions.get(name) ?? definitions.set(name, findRequirement(name, conditions) as RequirementDefinition).get(name)!;
  const decider = createReadDecider({ policies, requirement, subjects: options.subjects, controllers: options.controllers, partnerFields });

  // Rules depend on the parent record, so graphql-shield must not cache them per request
  // ("contextual") and hashing every row for "strict" costs more than it saves: the decisions
  // are memoised per request and record here instead.
  // Closed on failure, but not disguised as a denial: the caller sees that checking failed.
  const evaluationFailed = (policy: FieldPolicy, context: WithPolicy, error: unknown) => {
    ((context as RequestObservers).log ?? options.log).error({ err: error, field: policy.coordinate }, "policy evaluation failed");
    return new GraphQLError("The access policy could not be evaluated.", { extensions: { code: "POLICY_EVALUATION_FAILED", field: policy.coordinate } });
  };
  const readDecision = (policy: FieldPolicy, context: WithPolicy, allowed: boolean) => allowed || denyPolicy(context, policy.coordinate, "read", policy.read);

  async function writeDecision(policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy) {
    try {
      for (const coordinate of policy.writes!) {
        const target = byCoordinate.get(coordinate)!;
        if (!(await decider.decideWrite(target, target.write, policy, parent, args, context))) return denyPolicy(context, coordinate, "write", target.write);
      }
      return true;
    } catch (error) {
      return evaluationFailed(policy, context, error);
    }
  }

  // A read settled for its record is answered without a promise of its own: most fields of a
  // list's records are (the record's key decided it when the list was filtered).
  const fieldRule = (policy: FieldPolicy) =>
    rule(`${policy.coordinate}`, { cache: "no_cache" })((parent, args, context: WithPolicy) => {
      if (policy.writes) return writeDecision(policy, parent, args, context);
      try {
        const decision = decider.decideRead(policy, parent, args, context);
        if (typeof decision === "boolean") return readDecision(policy, context, decision);
        return decision.then(
          (allowed) => readDecision(policy, context, allowed),
          (error: unknown) => evaluationFailed(policy, context, error),
        );
      } catch (error) {
        return evaluationFailed(policy, context, error);
      }
    });

  const ruleTree: Record<string, Record<string, unknown>> = {
    // Federation's own fields: `_entities` only hands back references; every field of every
    // entity it returns is checked by that field's own rule. (Answered in front of graphql-shield:
    // `answerEntitiesAtOnce`.)
    Query: { _entities: allow, _service: allow },
    _Service: { sdl: allow },
  };
  for (const policy of policies) (ruleTree[policy.type] ??= {})[policy.field] = fieldRule(policy);

  const base = buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers });
  resolveEntitiesAtOnce(base);
  const fallbackError = createFallbackError(options.log);
  hideUnreadableListItems(base, byCoordinate, decider, fallbackError);
  decideObjectFieldsAhead(base, byCoordinate, decider, fallbackError);
  const entities = decideEntitiesAhead(base, byCoordinate, decider, fallbackError);
  const unguarded = resolversOf(base);
  const schema = applyMiddleware(base, shield(ruleTree as IRules, { fallbackRule: deny, allowExternalErrors: false, fallbackError }));
  answerSettledReadsAtOnce(schema, byCoordinate, unguarded, decider, fallbackError);
  answerEntitiesAtOnce(schema, entities);
  return { schema, policies, prepareRootCalls: prepareRootCalls(schema, byCoordinate, decider) };
}

/**
 * The registered partners' declarations are their grants: a field a declared operation selects
 * opens to that partner (the requirement then also needs its capability's person), whether or
 * not this SDL lists the grant; a grant the SDL lists that no declaration selects opens nothing
 * (the requirement checks the declarations). `pnpm check:supergraph` keeps the committed SDL's
 * grants equal to the declarations, so the schema an auditor reads says what runs.
 */
function grantDeclaredPartners(policies: FieldPolicy[], grants: readonly PartnerFieldGrant[]): FieldPolicy[] {
  if (grants.length === 0) return policies;
  return policies.map((policy) => {
    if (policy.writes) return policy;
    const missing = [...new Set(grants.filter((grant) => grant.coordinate === policy.coordinate).map((grant) => `partner:${grant.partner}`))].filter(
      (name) => !policy.read.some((alternative) => alternative.length === 1 && alternative[0] === name),
    );
    return missing.length === 0 ? policy : { ...policy, read: [...policy.read, ...missing.map((name) => [name])] };
  });
}


/** Declarations that parse but could not be enforced: a lie an auditor would believe. */
function findUnenforceable(
  policies: FieldPolicy[],
  byCoordinate: Map<string, FieldPolicy>,
  subjects: Record<string, SubjectOf>,
  controllers: Record<string, ControllersOf>,
  conditions: Record<string, { description: string; evaluate: Condition }>,
): string[] {
  const problems: string[] = [];
  for (const policy of policies) {
    for (const alternative of [...policy.read, ...(policy.write ?? [])]) {
      for (const name of alternative) {
        if (!findRequirement(name, conditions)) problems.push(`${policy.coordinate} names requirement "${name}", which nothing implements`);
      }
    }
    if (policy.personal && !subjects[policy.coordinate] && !subjects[policy.type]) {
      problems.push(`${policy.coordinate} is personal data but nothing tells whom a ${policy.type} is about (subjects)`);
    }
    if (policy.personal && !controllers[policy.coordinate] && !controllers[policy.type]) {
      problems.push(`${policy.coordinate} is personal data but nothing tells which organisation controls a ${policy.type} (controllers)`);
    }
    for (const coordinate of policy.writes ?? []) {
      const target = byCoordinate.get(coordinate);
      if (!target) problems.push(`${policy.coordinate} writes ${coordinate}, which this subgraph does not declare`);
      else if (!target.write) problems.push(`${policy.coordinate} writes ${coordinate}, whose declaration lets nobody write it`);
      if (!subjects[policy.coordinate]) problems.push(`${policy.coordinate} writes personal data but nothing tells whose (subjects["${policy.coordinate}"])`);
      if (!controllers[policy.coordinate]) problems.push(`${policy.coordinate} writes personal data but nothing tells whose record it is (controllers["${policy.coordinate}"])`);
    }
  }
  return problems;
}
