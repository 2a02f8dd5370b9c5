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
  type FieldNode,
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
import { findRequirement, type Condition, type Reads, type RequirementDefinition, type RequirementInput } from "./requirements.ts";

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

  // A read's requirements, resolved once at start, each with its memo keys (see `holds`): where
  // the record's subject and controllers come from (its type, unless the field has its own
  // finder), what the field is (category, basis, purpose, controller) and the requirement.
  const readSteps = new Map(
    policies.map((policy) => {
      const scope = options.subjects[policy.coordinate] || options.controllers[policy.coordinate] ? policy.coordinate : policy.type;
      const personal = policy.personal;
      const signature = personal ? `${personal.category}|${personal.basis}|${personal.purpose ?? ""}|${personal.controller}` : "-";
      const steps = policy.read.map((alternative) =>
        alternative.map((name): Step => {
          const definition = requirement(name);
          // A requirement that reads the field itself (a partner's declared fields) is shared by no other field.
          const reads = typeof definition.reads === "function" ? definition.reads(policy) : definition.reads;
          return { definition, reads, key: `${definition.perField ? policy.coordinate : scope}|${definition.ofRecord ? "-" : signature}|${name}`, shared: `${signature}|${name}` };
        }),
      );
      return [policy, steps] as const;
    }),
  );
  // A field's arguments matter to its decision only where a step reads them: a record condition
  // (it sees the arguments), or a subject or controllers finder of the field's own (it may read
  // them). Elsewhere (`first`, `after` of a list) the field decides like its record's other fields.
  const argumentsMatter = new Set(
    policies.filter(
      (policy) =>
        !!(options.subjects[policy.coordinate] || options.controllers[policy.coordinate]) ||
        policy.read.some((alternative) =>
          alternative.some((name) => {
            const definition = requirement(name);
            // Shared, recording and per-field requirements read no arguments; a condition does.
            return !(definition.reads || definition.recordsAccess || definition.perField);
          }),
        ),
    ),
  );
  // Fields whose reads have the same steps decide alike on one record: a list decides each such group once per record.
  const readKeys = new Map(policies.map((policy) => [policy, readSteps.get(policy)!.map((alternative) => alternative.map((step) => step.key).join("&")).join("|")]));

  /**
   * A read already decided for this record in this request, without waiting: every requirement
   * it needs is settled in the request's memo. Undefined when something is still to evaluate
   * (or must be evaluated per field: a field with arguments, a requirement that records).
   */
  function settledRead(policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): boolean | undefined {
    if (typeof parent !== "object" || parent === null || (argumentsMatter.has(policy) && hasKeys(args))) return undefined;
    const memo = requestMemos.get(context.policy);
    if (!memo) return undefined;
    for (const alternative of readSteps.get(policy)!) {
      let all = true;
      for (const step of alternative) {
        if (step.definition.recordsAccess) return undefined;
        const decided = memo.decisions.get(step.key)?.get(parent);
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

  // Write alternatives have no memo keys: a write is decided per field, every time.
  const writeSteps = new WeakMap<PolicyAlternatives, Step[][]>();
  const stepsOf = (policy: FieldPolicy, alternatives: PolicyAlternatives, mode: "read" | "write"): Step[][] => {
    if (mode === "read") return readSteps.get(policy)!;
    let steps = writeSteps.get(alternatives);
    if (!steps) writeSteps.set(alternatives, (steps = alternatives.map((alternative) => alternative.map((name) => ({ definition: requirement(name), reads: undefined, key: "", shared: "" })))));
    return steps;
  };

  /**
   * Whether a policy's alternatives hold for a record: at once when every decision it needs is
   * made, else a promise. Reads of a record share their decisions through the request's memo: a
   * requirement that records nothing is decided once per record, request and declaration (the
   * same subject, controllers, category, basis and purpose give the same answer), and every field
   * of the record that shares it reuses it, at once when it is settled (`settledRead`); one that
   * declares what it reads (`reads`) is shared by all the records that agree on that. Where a
   * field's arguments can matter (`argumentsMatter`: a condition reads them), a field with
   * arguments decides alone. With
   * `ahead` (a list deciding its records' fields before they resolve), evaluation stops before an
   * alternative that records an access: that one is evaluated, and recorded, by the field's own
   * read; the answer is then undefined.
   */
  function holds(
    policy: FieldPolicy,
    alternatives: PolicyAlternatives | null,
    subjectFrom: FieldPolicy,
    parent: unknown,
    args: Record<string, unknown>,
    context: WithPolicy,
    mode: "read" | "write" = "read",
    ahead = false,
  ): Decision<boolean | undefined> {
    if (!alternatives) return false;
    const memo = mode === "read" && subjectFrom === policy && typeof parent === "object" && parent !== null ? requestMemo(context.policy) : undefined;
    const prefix = memo && argumentsMatter.has(policy) && hasKeys(args) ? `${policy.coordinate}|${JSON.stringify(args)}|` : "";
    const reading: Reading = { policy, subjectFrom, parent, args, context, mode, memo, prefix };
    return decideFrom(reading, stepsOf(policy, alternatives, mode), ahead, 0, 0);
  }

  /** The alternatives from alternative `from`, step `position` on: synchronous as long as every decision is made. */
  function decideFrom(reading: Reading, steps: Step[][], ahead: boolean, from: number, position: number): Decision<boolean | undefined> {
    for (let index = from; index < steps.length; index += 1, position = 0) {
      const alternative = steps[index]!;
      if (ahead && alternative.some((step) => step.definition.recordsAccess)) return undefined;
      let all = true;
      for (let at = position; at < alternative.length; at += 1) {
        const decided = decideStep(reading, alternative[at]!);
        if (typeof decided !== "boolean") {
          return decided.then((held) => (held ? decideFrom(reading, steps, ahead, index, at + 1) : decideFrom(reading, steps, ahead, index + 1, 0)));
        }
        if (!decided) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  function decideStep(reading: Reading, step: Step): Decision {
    const { definition } = step;
    const { memo } = reading;
    if (!memo || definition.recordsAccess) return definition.evaluate(inputOf(reading));
    const key = reading.prefix ? reading.prefix + step.key : step.key;
    let decisions = memo.decisions.get(key);
    if (!decisions) memo.decisions.set(key, (decisions = new Map()));
    const record = reading.parent as object;
    const known = decisions.get(record);
    if (known !== undefined) return known;
    const fresh = step.reads ? sharedDecision(reading, step, memo) : definition.evaluate({ ...inputOf(reading), policy: memo.unrecording });
    return remember(decisions, record, fresh);
  }

  /**
   * A requirement that declares what it reads (`reads`) is decided once per request for all the
   * records that agree on it: the same caller, declaration, subject (and controllers) give the
   * same answer. It is evaluated seeing only what it declares, so a declaration that says less
   * than the requirement reads fails closed (an evaluation error), never shares a wrong answer.
   */
  function sharedDecision(reading: Reading, step: Step, memo: RequestMemo): Decision {
    const { reads } = step;
    if (reads === "caller") return sharedBy(reading, step, memo, step.shared);
    const subject = subjectOfReading(reading);
    return isPromise(subject)
      ? subject.then((value) => sharedBySubject(reading, step, memo, value))
      : sharedBySubject(reading, step, memo, subject);
  }

  function sharedBySubject(reading: Reading, step: Step, memo: RequestMemo, subject: string | null): Decision {
    if (step.reads === "subject") return sharedBy(reading, step, memo, `${step.shared}|${subject}`);
    const controllers = controllersOfReading(reading);
    return isPromise(controllers)
      ? controllers.then((value) => sharedBy(reading, step, memo, `${step.shared}|${subject}|${value.join(",")}`))
      : sharedBy(reading, step, memo, `${step.shared}|${subject}|${controllers.join(",")}`);
  }

  function sharedBy(reading: Reading, step: Step, memo: RequestMemo, key: string): Decision {
    const known = memo.shared.get(key);
    if (known !== undefined) return known;
    return remember(memo.shared, key, step.definition.evaluate(readingOnly(inputOf(reading), step.reads!, memo.unrecording)));
  }

  /** The record's subject, found once per reading: at once when its finder answers at once. */
  function subjectOfReading(reading: Reading): string | null | Promise<string | null> {
    if (reading.subject === undefined) {
      const found = subjectOf(reading.subjectFrom)?.(reading.parent, reading.args, reading.context);
      reading.subject = isPromise(found) ? found.then((value) => value ?? null) : (found ?? null);
    }
    return reading.subject;
  }

  function controllersOfReading(reading: Reading): readonly string[] | Promise<readonly string[]> {
    if (reading.controllers === undefined) {
      const found = controllersOf(reading.subjectFrom)?.(reading.parent, reading.args, reading.context);
      reading.controllers = isPromise(found) ? found.then((value) => value ?? []) : (found ?? []);
    }
    return reading.controllers;
  }

  /** What a requirement sees of a reading, made when one is first evaluated. */
  function inputOf(reading: Reading): RequirementInput {
    return (reading.input ??= {
      policy: reading.context.policy,
      field: reading.policy,
      parent: reading.parent,
      args: reading.args,
      mode: reading.mode,
      partnerFields,
      subject: () => Promise.resolve(subjectOfReading(reading)),
      controllers: () => Promise.resolve(controllersOfReading(reading)).then((value) => [...value]),
    });
  }

  /** A read's decision: at once when settled, else evaluated. */
  const decideRead = (policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy): Decision =>
    settledRead(policy, parent, args, context) ?? (holds(policy, policy.read, policy, parent, args, context) as Decision);
  /** Decides a record's read ahead of its field, as far as no access is recorded (see `holds`). */
  const decideAhead = (policy: FieldPolicy, parent: object, context: WithPolicy): Decision<boolean | undefined> =>
    settledRead(policy, parent, {}, context) ?? holds(policy, policy.read, policy, parent, {}, context, "read", true);

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
  hideUnreadableListItems(base, byCoordinate, decideRead, decideAhead, readKeys, argumentsMatter);
  decideObjectFieldsAhead(base, byCoordinate, decideAhead, readKeys, argumentsMatter);
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
 * graphql-shield's middleware makes each field asynchronous, a promise per field of every record
 * of a list. A read already decided and allowed in this request, for this record and this
 * declaration (the request's memo: `settledRead`), by the same decision function graphql-shield's
 * rule calls (`decideRead`: as a list decided its records, or as shield decided a sibling field),
 * is answered by the field's own resolver at once. Anything undecided, denied, with arguments, or
 * recording an access goes through graphql-shield, which decides, answers the denial and counts it.
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


type Decision<T = boolean> = T | Promise<T>;

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> =>
  typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";

/** Keeps a decision in a memo: the promise while it is pending, the answer once it is made. */
function remember<K>(memo: Map<K, Decision>, key: K, decision: Decision): Decision {
  if (typeof decision === "boolean") {
    memo.set(key, decision);
    return decision;
  }
  const pending = decision.then((value) => {
    memo.set(key, value);
    return value;
  });
  memo.set(key, pending);
  return pending;
}

/** One decision in progress: a policy read (or written) on one record, and what has been found about the record. */
interface Reading {
  policy: FieldPolicy;
  subjectFrom: FieldPolicy;
  parent: unknown;
  args: Record<string, unknown>;
  context: WithPolicy;
  mode: "read" | "write";
  memo: RequestMemo | undefined;
  /** Set for a field with arguments: its decisions are its own. */
  prefix: string;
  subject?: string | null | Promise<string | null>;
  controllers?: readonly string[] | Promise<readonly string[]>;
  input?: RequirementInput;
}

/** A requirement of a read, resolved at start: its memo key per record (`key`) and across records (`shared`, see `reads`). */
interface Step {
  definition: RequirementDefinition;
  /** What its decision is shared by, for this field's declaration; undefined: the record's own. */
  reads: Reads | undefined;
  key: string;
  shared: string;
}

/**
 * Per request (per PolicyContext, which a request's context holds): decisions by record, those
 * shared by records that agree on what the requirement reads, and the context they are made with.
 */
interface RequestMemo {
  /**
   * By step key, then record: one map per kind of decision rather than one per record. Maps,
   * not WeakMaps: they live as long as their request, and weak entries cost the collector more.
   */
  decisions: Map<string, Map<object, Decision>>;
  shared: Map<string, boolean | Promise<boolean>>;
  unrecording: PolicyContext;
}
const requestMemos = new WeakMap<PolicyContext, RequestMemo>();

/**
 * The input a shared decision's requirement sees: what it declares it reads, and nothing else.
 * Touching anything more (the record, the arguments, which field it is) throws, and the read
 * fails closed as an evaluation error.
 */
function readingOnly(input: RequirementInput, reads: Reads, policy: PolicyContext): RequirementInput {
  const undeclared = (what: string) => new Error(`A requirement that declares it reads the ${reads} read the record's ${what}: correct its \`reads\`.`);
  const field = new Proxy(input.field, {
    get: (target, property) => {
      if (property === "personal") return target.personal;
      throw undeclared(`field (${String(property)})`);
    },
  });
  return {
    policy,
    field,
    mode: input.mode,
    partnerFields: input.partnerFields,
    subject: reads === "caller" ? () => Promise.reject(undeclared("subject")) : input.subject,
    controllers: reads === "subject-and-controllers" ? input.controllers : () => Promise.reject(undeclared("controllers")),
    get parent(): unknown {
      throw undeclared("parent");
    },
    get args(): Record<string, unknown> {
      throw undeclared("arguments");
    },
  };
}

/**
 * The request's memo of decisions. Nothing here outlives the request: a withdrawal is seen by
 * the next one. Requirements decided once per record see a `recordStaffAccess` that fails, so a
 * requirement that records but does not say so (`recordsAccess`) is refused, not under-recorded.
 */
function requestMemo(policy: PolicyContext) {
  let memo = requestMemos.get(policy);
  if (!memo) {
    const refuse = { load: () => Promise.reject(new Error("A requirement decided once per record tried to record an access: declare it `recordsAccess`.")) };
    memo = { decisions: new Map(), shared: new Map(), unrecording: { ...policy, lookups: { ...policy.lookups, recordStaffAccess: refuse as unknown as PolicyContext["lookups"]["recordStaffAccess"] } } };
    requestMemos.set(policy, memo);
  }
  return memo;
}

type DecideRead = (policy: FieldPolicy, parent: unknown, args: Record<string, unknown>, context: WithPolicy) => Decision;
type DecideAhead = (policy: FieldPolicy, parent: object, context: WithPolicy) => Decision<boolean | undefined>;

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
function hideUnreadableListItems(
  schema: GraphQLSchema,
  byCoordinate: Map<string, FieldPolicy>,
  decideRead: DecideRead,
  decideAhead: DecideAhead,
  readKeys: Map<FieldPolicy, string>,
  argumentsMatter: ReadonlySet<FieldPolicy>,
) {
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
      // Per selection (the field nodes graphql-js hands every item of a list alike), the reads to
      // decide ahead: one policy per distinct read, without the key's own (decided with it).
      const aheadBySelection = new WeakMap<readonly FieldNode[], FieldPolicy[]>();
      const readsAhead = (info: GraphQLResolveInfo): FieldPolicy[] => {
        let found = aheadBySelection.get(info.fieldNodes);
        if (!found) {
          const reads = new Map<string, FieldPolicy>();
          for (const policy of selectedPolicies(item, info, byCoordinate, argumentsMatter)) if (!policy.writes) reads.set(readKeys.get(policy)!, policy);
          reads.delete(readKeys.get(key)!);
          aheadBySelection.set(info.fieldNodes, (found = [...reads.values()]));
        }
        return found;
      };
      /** The records kept; then the fields this query selects of each are decided (see below), and the list answered. */
      const keep = (items: unknown[], readable: readonly boolean[], context: WithPolicy, info: GraphQLResolveInfo): unknown[] | Promise<unknown[]> => {
        const kept = items.filter((_, index) => readable[index]);
        // The fields this query selects of each kept record are decided now, together (once per
        // record for the fields with the same read), so that graphql-shield finds them decided and
        // each is answered at once (answerSettledReadsAtOnce). A field with arguments, a write, or
        // an alternative that records an access is decided as it resolves.
        if (edgeNode) return kept;
        const ahead = readsAhead(info);
        if (ahead.length === 0) return kept;
        const pending: Promise<unknown>[] = [];
        for (const record of kept) {
          if (typeof record !== "object" || record === null) continue;
          for (const policy of ahead) {
            const decision = decideAhead(policy, record, context);
            if (isPromise(decision)) pending.push(decision);
          }
        }
        // A failure is the field's own to report, when graphql-shield asks for it.
        return pending.length > 0 ? Promise.allSettled(pending).then(() => kept) : kept;
      };
      const filter = (items: unknown, context: WithPolicy, info: GraphQLResolveInfo): unknown => {
        if (!Array.isArray(items)) return items;
        const decisions = items.map((entry) => decideRead(key, recordOf(entry), {}, context));
        return decisions.every((decision) => typeof decision === "boolean")
          ? keep(items, decisions as boolean[], context, info)
          : Promise.all(decisions).then((readable) => keep(items, readable, context, info));
      };
      // At once when the list and its decisions are at hand (a connection's nodes), else a promise.
      field.resolve = (parent, args, context: WithPolicy, info) => {
        const items: unknown = resolve(parent, args, context, info);
        return isPromise(items) ? items.then((found) => filter(found, context, info)) : filter(items, context, info);
      };
    }
  }
}

/**
 * A field that returns one record (a root field's answer, a connection of a list) decides the
 * fields the query selects of it before they resolve, as a list does for its records, so that
 * they are answered at once rather than each through graphql-shield's middleware. Nothing is
 * hidden or refused here: each field's own read still decides (from the memo), answers a denial
 * and counts it. A failure is left to the field that reads it.
 */
function decideObjectFieldsAhead(
  schema: GraphQLSchema,
  byCoordinate: Map<string, FieldPolicy>,
  decideAhead: DecideAhead,
  readKeys: Map<FieldPolicy, string>,
  argumentsMatter: ReadonlySet<FieldPolicy>,
) {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("_")) continue;
    for (const field of Object.values(type.getFields())) {
      const record = isNonNullType(field.type) ? field.type.ofType : field.type;
      if (!isObjectType(record) || record.name.startsWith("_")) continue;
      const resolve = field.resolve ?? defaultFieldResolver;
      const aheadBySelection = new WeakMap<readonly FieldNode[], FieldPolicy[]>();
      const readsAhead = (info: GraphQLResolveInfo): FieldPolicy[] => {
        let found = aheadBySelection.get(info.fieldNodes);
        if (!found) {
          const reads = new Map<string, FieldPolicy>();
          for (const policy of selectedPolicies(record, info, byCoordinate, argumentsMatter)) if (!policy.writes) reads.set(readKeys.get(policy)!, policy);
          aheadBySelection.set(info.fieldNodes, (found = [...reads.values()]));
        }
        return found;
      };
      const decide = (value: unknown, context: WithPolicy, info: GraphQLResolveInfo): unknown => {
        if (typeof value !== "object" || value === null) return value;
        const pending: Promise<unknown>[] = [];
        for (const policy of readsAhead(info)) {
          const decision = decideAhead(policy, value, context);
          if (isPromise(decision)) pending.push(decision);
        }
        return pending.length > 0 ? Promise.allSettled(pending).then(() => value) : value;
      };
      field.resolve = (parent, args, context: WithPolicy, info) => {
        const value: unknown = resolve(parent, args, context, info);
        return isPromise(value) ? value.then((found) => decide(found, context, info)) : decide(value, context, info);
      };
    }
  }
}

/**
 * The policies of the fields a list field's selection asks of its records, fragments followed;
 * a field with arguments only where its arguments do not matter to its decision.
 */
function selectedPolicies(recordType: GraphQLObjectType, info: GraphQLResolveInfo, byCoordinate: Map<string, FieldPolicy>, argumentsMatter: ReadonlySet<FieldPolicy>): FieldPolicy[] {
  const names = new Map<string, boolean>();
  const visit = (selections: readonly SelectionNode[]) => {
    for (const selection of selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith("__")) names.set(selection.name.value, (names.get(selection.name.value) ?? false) || (selection.arguments?.length ?? 0) > 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || selection.typeCondition.name.value === recordType.name) visit(selection.selectionSet.selections);
      } else {
        const fragment = info.fragments[selection.name.value];
        if (fragment && fragment.typeCondition.name.value === recordType.name) visit(fragment.selectionSet.selections);
      }
    }
  };
  for (const node of info.fieldNodes) if (node.selectionSet) visit(node.selectionSet.selections);
  const policies: FieldPolicy[] = [];
  for (const [name, withArguments] of names) {
    const policy = byCoordinate.get(`${recordType.name}.${name}`);
    if (policy && !(withArguments && argumentsMatter.has(policy))) policies.push(policy);
  }
  return policies;
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
