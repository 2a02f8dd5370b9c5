import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/resolverMap.js";
import {
  defaultFieldResolver,
  getNamedType,
  GraphQLError,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type SelectionNode,
} from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { allow, deny, rule, shield, type IRules } from "graphql-shield";
import { createFallbackError, denyPolicy, type ErrorLog } from "./errors.ts";
import type { PolicyContext, RequestObservers, WithPolicy } from "./PolicyContext.ts";
import { readFieldPolicies, type FieldPolicy, type PolicyAlternatives } from "./readFieldPolicies.ts";
import { indexPartnerFields, type PartnerFieldGrant } from "./partnerGrants.ts";
import { findRequirement, type Condition, type RequirementDefinition } from "./requirements.ts";

/** Finds the person a record is about: from the parent (by type) or from the arguments (root fields). */
export type SubjectOf = (parent: any, args: any, context: any) => string | null | undefined | Promise<string | null | undefined>;

/**
 * Finds the organisations that control a record (GDPR Art. 4(7)): the practice of its care
 * relationship, the organisation of its membership, or the platform (`PLATFORM_CONTROLLER`).
 */
export type ControllersOf = (parent: any, args: any, context: any) => readonly string[] | Promise<readonly string[]>;

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
  const subjectOf = (policy: FieldPolicy): SubjectOf | undefined => options.subjects[policy.coordinate] ?? options.subjects[policy.type];
  const controllersOf = (policy: FieldPolicy): ControllersOf | undefined => options.controllers[policy.coordinate] ?? options.controllers[policy.type];

  // A read's requirements, resolved once at start, each with its memo key (see `holds`): where
  // the record's subject and controllers come from (its type, unless the field has its own
  // finder), what the field is (category, basis, purpose, controller) and the requirement.
  const readSteps = new Map(
    policies.map((policy) => {
      const scope = options.subjects[policy.coordinate] || options.controllers[policy.coordinate] ? policy.coordinate : policy.type;
      const personal = policy.personal;
      const signature = personal ? `${personal.category}|${personal.basis}|${personal.purpose ?? ""}|${personal.controller}` : "-";
      const steps = policy.read.map((alternative) =>
        alternative.map((name) => {
          const definition = requirement(name);
          // A requirement that reads the field itself (a partner's declared fields) is shared by no other field.
          return { name, definition, key: `${definition.perField ? policy.coordinate : scope}|${signature}|${name}` };
        }),
      );
      return [policy, steps] as const;
    }),
  );

  /**
   * A read already decided for this record in this request, without waiting: every requirement
   * it needs is settled in the request's memo. Undefined when something is still to evaluate
   * (or must be evaluated per field: a field with arguments, a requirement that records).
   */
  function settledRead(policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): boolean | undefined {
    if (typeof parent !== "object" || parent === null || hasKeys(args)) return undefined;
    const decisions = requestMemos.get(context.policy)?.records.get(parent);
    if (!decisions) return undefined;
    for (const alternative of readSteps.get(policy)!) {
      let all = true;
      for (const step of alternative) {
        if (step.definition.recordsAccess) return undefined;
        const decided = decisions.get(step.key);
        if (typeof decided !== "boolean") return undefined;
        if (!decided) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  async function holds(
    policy: FieldPolicy,
    alternatives: PolicyAlternatives | null,
    subjectFrom: FieldPolicy,
    parent: unknown,
    args: Record<string, unknown>,
    context: WithPolicy,
    mode: "read" | "write" = "read",
  ) {
    let subject: Promise<string | null> | undefined;
    let controllers: Promise<string[]> | undefined;
    const input = {
      policy: context.policy,
      field: policy,
      parent,
      args,
      mode,
      partnerFields,
      subject: () => (subject ??= Promise.resolve(subjectOf(subjectFrom)?.(parent, args, context)).then((value) => value ?? null)),
      controllers: () => (controllers ??= Promise.resolve(controllersOf(subjectFrom)?.(parent, args, context)).then((value) => [...(value ?? [])])),
    };
    // A read of a field of a record: requirements that record nothing are decided once per
    // record, request and declaration (the same subject, controllers, category, basis and
    // purpose give the same answer), and every field of the record that shares them reuses it,
    // at once when it is settled (`settledRead`). Field arguments can matter (conditions read
    // them): a field with arguments decides alone.
    const memo = mode === "read" && subjectFrom === policy && typeof parent === "object" && parent !== null ? requestMemo(context.policy) : undefined;
    let decisions: Map<string, boolean | Promise<boolean>> | undefined;
    let prefix = "";
    if (memo) {
      decisions = memo.records.get(parent as object);
      if (!decisions) memo.records.set(parent as object, (decisions = new Map()));
      if (hasKeys(args)) prefix = `${policy.coordinate}|${JSON.stringify(args)}|`;
    }
    const steps = readSteps.get(policy);
    const evaluate = (name: string, index: number, position: number): Promise<boolean> | boolean => {
      const definition = requirement(name);
      if (!decisions || definition.recordsAccess) return definition.evaluate(input);
      const key = prefix + steps![index]![position]!.key;
      let decided = decisions.get(key);
      if (decided === undefined) {
        const settled = decisions;
        decided = Promise.resolve(definition.evaluate({ ...input, policy: memo!.unrecording })).then((value) => {
          settled.set(key, value);
          return value;
        });
        settled.set(key, decided);
      }
      return decided;
    };
    for (const [index, alternative] of (alternatives ?? []).entries()) {
      let all = true;
      for (const [position, name] of alternative.entries()) {
        if (!(await evaluate(name, index, position))) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  /** A read's decision: at once when settled, else evaluated. */
  const decideRead = (policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): boolean | Promise<boolean> =>
    settledRead(policy, parent, args, context) ?? holds(policy, policy.read, policy, parent, args, context);

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
        if (!(await holds(target, target.write, policy, parent, args, context, "write"))) return denyPolicy(context, coordinate, "write", target.write);
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
        const decision = decideRead(policy, parent, args, context);
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
    // entity it returns is checked by that field's own rule.
    Query: { _entities: allow, _service: allow },
    _Service: { sdl: allow },
  };
  for (const policy of policies) (ruleTree[policy.type] ??= {})[policy.field] = fieldRule(policy);

  const base = buildSubgraphSchema({ typeDefs: options.typeDefs, resolvers: options.resolvers });
  // Fields that may be decided ahead for a list's records: no requirement of theirs records an access.
  const decidableAhead = (policy: FieldPolicy) => !policy.writes && readSteps.get(policy)!.every((alternative) => alternative.every((step) => !step.definition.recordsAccess));
  hideUnreadableListItems(base, byCoordinate, decideRead, decidableAhead);
  const unguarded = resolversOf(base);
  const schema = applyMiddleware(
    base,
    shield(ruleTree as IRules, { fallbackRule: deny, allowExternalErrors: false, fallbackError: createFallbackError(options.log) }),
  );
  answerSettledReadsAtOnce(schema, byCoordinate, unguarded, settledRead);
  return { schema, policies };
}

type Resolve = (parent: unknown, args: Record<string, unknown>, context: WithPolicy, info: GraphQLResolveInfo) => unknown;

/** Each object field's own resolver (the default one where the SDL gives none), before graphql-shield wraps it. */
function resolversOf(schema: GraphQLSchema): Map<string, Resolve> {
  const resolvers = new Map<string, Resolve>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("_")) continue;
    for (const field of Object.values(type.getFields())) resolvers.set(`${type.name}.${field.name}`, (field.resolve ?? defaultFieldResolver) as Resolve);
  }
  return resolvers;
}

/**
 * graphql-shield decides every read; its middleware makes each field asynchronous, a promise
 * per field of every record of a list. A read whose decision graphql-shield's rule has already
 * made in this request, for this record and this declaration (the request's memo: `settledRead`),
 * and that was allowed, is answered by the field's own resolver at once. Anything undecided,
 * denied, with arguments, or recording an access still goes through graphql-shield, which
 * decides, answers the denial and counts it.
 */
function answerSettledReadsAtOnce(
  schema: GraphQLSchema,
  byCoordinate: Map<string, FieldPolicy>,
  unguarded: Map<string, Resolve>,
  settledRead: (policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy) => boolean | undefined,
) {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("_")) continue;
    for (const field of Object.values(type.getFields())) {
      const coordinate = `${type.name}.${field.name}`;
      const policy = byCoordinate.get(coordinate);
      const own = unguarded.get(coordinate);
      const shielded = field.resolve as Resolve | undefined;
      if (!policy || policy.writes || !own || !shielded) continue;
      field.resolve = (parent, args, context: WithPolicy, info) =>
        settledRead(policy, parent, args, context) === true ? own(parent, args, context, info) : shielded(parent, args, context, info);
    }
  }
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


/** Per request (per PolicyContext, which a request's context holds): decisions by record, and the context they are made with. */
const requestMemos = new WeakMap<PolicyContext, { records: WeakMap<object, Map<string, boolean | Promise<boolean>>>; unrecording: PolicyContext }>();

/**
 * The request's memo of decisions. Nothing here outlives the request: a withdrawal is seen by
 * the next one. Requirements decided once per record see a `recordStaffAccess` that fails, so a
 * requirement that records but does not say so (`recordsAccess`) is refused, not under-recorded.
 */
function requestMemo(policy: PolicyContext) {
  let memo = requestMemos.get(policy);
  if (!memo) {
    const refuse = { load: () => Promise.reject(new Error("A requirement decided once per record tried to record an access: declare it `recordsAccess`.")) };
    memo = { records: new WeakMap(), unrecording: { ...policy, lookups: { ...policy.lookups, recordStaffAccess: refuse as unknown as PolicyContext["lookups"]["recordStaffAccess"] } } };
    requestMemos.set(policy, memo);
  }
  return memo;
}

type DecideRead = (policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy) => boolean | Promise<boolean>;

function hasKeys(record: Record<string, unknown>): boolean {
  for (const _ in record) return true;
  return false;
}

/**
 * A list shows only the records whose key the caller may read: each item of a list of a type
 * with a declared `id` (or each edge of a connection, by its node) is kept only when that
 * `id`'s read policy holds for the record. A page may then hold fewer than `first` records;
 * its cursors still move through the whole list. A record
 * the caller may not read is left out without an error, so a list does not reveal that it
 * exists (that anna is treated at another practice is itself health data). Everything else is
 * still checked field by field.
 */
function hideUnreadableListItems(schema: GraphQLSchema, byCoordinate: Map<string, FieldPolicy>, decideRead: DecideRead, decidableAhead: (policy: FieldPolicy) => boolean) {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("_")) continue;
    for (const field of Object.values(type.getFields())) {
      const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
      const item = getNamedType(field.type);
      if (!isListType(unwrapped) || !isObjectType(item)) continue;
      // A connection's edges are judged by their node, as its nodes are: both lists hold the same records.
      const edgeNode = item.getFields().node;
      const recordType = edgeNode ? getNamedType(edgeNode.type) : item;
      const recordOf = edgeNode ? (edge: unknown) => (edge as { node?: unknown } | null)?.node : (record: unknown) => record;
      const key = byCoordinate.get(`${recordType.name}.id`);
      if (!key || isOpenToEveryone(key)) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      field.resolve = async (parent, args, context: WithPolicy, info) => {
        const items: unknown = await resolve(parent, args, context, info);
        if (!Array.isArray(items)) return items;
        const decisions = items.map((entry) => decideRead(key, recordOf(entry), {}, context));
        const readable = decisions.every((decision) => typeof decision === "boolean") ? decisions : await Promise.all(decisions);
        const kept = items.filter((_, index) => readable[index]);
        // The fields this query selects of each kept record are decided now, together, so that
        // graphql-shield finds them decided and each is answered at once (answerSettledReadsAtOnce).
        // A field with arguments, or whose requirement records an access, is decided as it resolves.
        if (!edgeNode) {
          const ahead = selectedPolicies(item, info, byCoordinate).filter(decidableAhead);
          if (ahead.length > 0) {
            const pending = kept.flatMap((record) => ahead.map((policy) => decideRead(policy, record, {}, context))).filter((decision) => typeof decision !== "boolean");
            // A failure is the field's own to report, when graphql-shield asks for it.
            if (pending.length > 0) await Promise.allSettled(pending);
          }
        }
        return kept;
      };
    }
  }
}

/** The policies of the fields a list field's selection asks of its records, without arguments, fragments followed. */
function selectedPolicies(recordType: GraphQLObjectType, info: GraphQLResolveInfo, byCoordinate: Map<string, FieldPolicy>): FieldPolicy[] {
  const names = new Set<string>();
  const visit = (selections: readonly SelectionNode[]) => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) {
        if ((selection.arguments?.length ?? 0) === 0 && !selection.name.value.startsWith("__")) names.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || selection.typeCondition.name.value === recordType.name) visit(selection.selectionSet.selections);
      } else {
        const fragment = info.fragments[selection.name.value];
        if (fragment && fragment.typeCondition.name.value === recordType.name) visit(fragment.selectionSet.selections);
      }
    }
  };
  for (const node of info.fieldNodes) if (node.selectionSet) visit(node.selectionSet.selections);
  return [...names].map((name) => byCoordinate.get(`${recordType.name}.${name}`)).filter((policy): policy is FieldPolicy => policy !== undefined);
}

const isOpenToEveryone = (policy: FieldPolicy) => policy.read.some((alternative) => alternative.length === 1 && alternative[0] === "authenticated");

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
