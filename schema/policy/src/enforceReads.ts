import {
  defaultFieldResolver,
  getNamedType,
  type GraphQLError,
  isListType,
  isNonNullType,
  isObjectType,
  getArgumentValues,
  getVariableValues,
  Kind,
  OperationTypeNode,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
} from "graphql";
import type { ReadDecider, RootCallOf } from "./createReadDecider.ts";
import { isPromise } from "./maybe.ts";
import type { WithPolicy } from "./PolicyContext.ts";
import type { FieldPolicy } from "./readFieldPolicies.ts";

/** graphql-shield's `fallbackError` (errors.ts): how a resolver's failure is answered. */
export type FallbackError = (thrown: unknown, parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) => GraphQLError;

export type Resolve = (parent: unknown, args: Record<string, unknown>, context: WithPolicy, info: GraphQLResolveInfo) => unknown;

/**
 * A list shows only the records whose key the caller may read: each item of a list of a type
 * with a declared `id` (or each edge of a connection, by its node) is kept only when that
 * `id`'s read policy holds for the record. A page may then hold fewer than `first` records;
 * its cursors still move through the whole list. A record the caller may not read is left out
 * without an error, so a list does not reveal that it exists (that anna is treated at another
 * practice is itself health data). Everything else is still checked field by field.
 *
 * The records' keys are decided together (`decideAhead`), and then the fields the query
 * selects of each kept record, so that each is answered at once (`answerSettledReadsAtOnce`).
 * A key whose decision records an access (staff reads) or failed is decided by its own read.
 */
export function hideUnreadableListItems(schema: GraphQLSchema, byCoordinate: ReadonlyMap<string, FieldPolicy>, decider: ReadDecider, fallbackError: FallbackError) {
  for (const [type, field] of objectFields(schema)) {
    const unwrapped = isNonNullType(field.type) ? field.type.ofType : field.type;
    const item = getNamedType(field.type);
    if (!isListType(unwrapped) || !isObjectType(item)) continue;
    // A connection's edges are judged by their node, as its nodes are: both lists hold the same records.
    const edgeNode = item.getFields().node;
    const recordType = edgeNode ? getNamedType(edgeNode.type) : item;
    const recordOf = edgeNode ? (edge: unknown) => (edge as { node?: unknown } | null)?.node : (record: unknown) => record;
    const key = byCoordinate.get(`${recordType.name}.id`);
    if (!key || isOpenToEveryone(key) || type.name.startsWith("_")) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    // Without the key's own read: decided with it.
    const readsAhead = selectionReads(item, byCoordinate, decider, key);
    const keyOnly = [key];

    // The kept records' selected fields, decided ahead (a connection's edges: by their node's own list).
    const fieldsAhead = (records: unknown[], context: WithPolicy, info: GraphQLResolveInfo): unknown[] | Promise<unknown[]> => {
      if (edgeNode) return records;
      const ahead = decider.decideAhead(readsAhead(info), records as object[], context);
      return typeof ahead === "boolean" ? records : ahead.then(() => records);
    };
    const keep = (items: unknown[], context: WithPolicy, info: GraphQLResolveInfo): unknown[] | Promise<unknown[]> => {
      // Most lists keep every record, decided ahead: then the list itself is the answer, with nothing copied.
      let everyone = true;
      for (let index = 0; everyone && index < items.length; index += 1) {
        const record = recordOf(items[index]);
        everyone = typeof record === "object" && record !== null && decider.settledAhead(key, record, context) === true;
      }
      if (everyone) return fieldsAhead(items, context, info);
      const readable: Array<boolean | Promise<boolean>> = [];
      let waiting = false;
      for (const entry of items) {
        const record = recordOf(entry);
        const settled = typeof record === "object" && record !== null ? decider.settledAhead(key, record, context) : undefined;
        const decision = settled ?? decider.decideRead(key, record, {}, context);
        waiting ||= isPromise(decision);
        readable.push(decision);
      }
      const kept = (flags: readonly boolean[]) => fieldsAhead(items.filter((_, index) => flags[index]), context, info);
      return waiting ? Promise.all(readable).then(kept) : kept(readable as boolean[]);
    };
    const filter = (items: unknown, context: WithPolicy, info: GraphQLResolveInfo): unknown => {
      if (!Array.isArray(items)) return items;
      const records = recordsIn(items, recordOf);
      const keys = decider.decideAhead(keyOnly, records, context);
      if (typeof keys !== "boolean") return keys.then(() => keep(items, context, info));
      // Every item a record and every record's key allowed at once: nothing to hide, nothing to ask again.
      return keys && records.length === items.length ? fieldsAhead(items, context, info) : keep(items, context, info);
    };
    // At once when the list and its decisions are at hand (a connection's nodes), else a promise.
    field.resolve = thenAhead(resolve, filter, fallbackError);
  }
}

/**
 * A field that returns one record (a root field's answer, a connection of a list) decides the
 * fields the query selects of it before they resolve, as a list does for its records, so that
 * they are answered at once rather than each through graphql-shield's middleware. Nothing is
 * hidden or refused here: each field's own read still decides (from the memo), answers a denial
 * and counts it. A failure is left to the field that reads it.
 */
export function decideObjectFieldsAhead(schema: GraphQLSchema, byCoordinate: ReadonlyMap<string, FieldPolicy>, decider: ReadDecider, fallbackError: FallbackError) {
  for (const [type, field] of objectFields(schema)) {
    const record = isNonNullType(field.type) ? field.type.ofType : field.type;
    if (!isObjectType(record) || record.name.startsWith("_") || type.name.startsWith("_")) continue;
    // A record whose every read depends on the caller alone (a connection, its page info) has nothing to decide per record.
    const decidedPerRecord = Object.keys(record.getFields()).some((name) => {
      const policy = byCoordinate.get(`${record.name}.${name}`);
      return !!policy && !policy.writes && !decider.perRequest.has(policy);
    });
    if (!decidedPerRecord) continue;
    const resolve = field.resolve ?? defaultFieldResolver;
    const readsAhead = selectionReads(record, byCoordinate, decider);
    const decide = (value: unknown, context: WithPolicy, info: GraphQLResolveInfo): unknown => {
      if (typeof value !== "object" || value === null) return value;
      const ahead = decider.decideAhead(readsAhead(info), [value], context);
      return typeof ahead === "boolean" ? value : ahead.then(() => value);
    };
    field.resolve = thenAhead(resolve, decide, fallbackError);
  }
}

/**
 * Resolvers that answer their own failures as `fallbackError` does (`thenAhead`): graphql-shield's
 * and `answerOwn`'s masking would only add a promise to each of their answers.
 */
const masksFailures = new WeakSet<Resolve>();

/**
 * The resolver, then `next` on its value (the decisions ahead). A failure of either, once the
 * value is a promise, is answered as `fallbackError` answers it, in the same `then`: one promise
 * per list or record rather than two. A synchronous throw is left to the caller, which masks it.
 */
function thenAhead(resolve: GraphQLFieldResolver<unknown, WithPolicy>, next: (value: unknown, context: WithPolicy, info: GraphQLResolveInfo) => unknown, fallbackError: FallbackError): Resolve {
  const resolver: Resolve = (parent, args, context, info) => {
    const value: unknown = resolve(parent, args, context, info);
    if (isPromise(value)) return nextMasked(value, next, fallbackError, parent, args, context, info);
    const answer = next(value, context, info);
    return isPromise(answer) ? answeredLater(answer, fallbackError, parent, args, context, info) : answer;
  };
  masksFailures.add(resolver);
  return resolver;
}

/** `next` once the value is in, a failure of either answered by `fallbackError`; see `answeredLater` for why it is its own function. */
function nextMasked(
  value: Promise<unknown>,
  next: (value: unknown, context: WithPolicy, info: GraphQLResolveInfo) => unknown,
  fallbackError: FallbackError,
  parent: unknown,
  args: Record<string, unknown>,
  context: WithPolicy,
  info: GraphQLResolveInfo,
) {
  const failed = (error: unknown) => fallbackError(error, parent, args, context, info);
  return value.then((found) => {
    try {
      const answer = next(found, context, info);
      return isPromise(answer) ? answer.then(undefined, failed) : answer;
    } catch (error) {
      return failed(error);
    }
  }, failed);
}

/**
 * Federation's `_entities` hands back the records other subgraphs' fetches asked for (a batch of
 * 50 fetches: 50 representations of 50 persons). The fields the query selects of each, by type,
 * are decided together, as a list's are, so they are answered at once rather than each through
 * graphql-shield's middleware. Nothing is hidden or refused here; a failed reference stays that
 * entity's own error, without its message.
 *
 * Returns the resolver, which answers every failure of its own as graphql-shield would
 * (`fallbackError`): `answerEntitiesAtOnce` installs it in front of graphql-shield.
 */
export function decideEntitiesAhead(schema: GraphQLSchema, byCoordinate: ReadonlyMap<string, FieldPolicy>, decider: ReadDecider, fallbackError: FallbackError): Resolve | undefined {
  const field = schema.getQueryType()?.getFields()._entities;
  if (!field) return undefined;
  const resolve = field.resolve ?? defaultFieldResolver;
  const readsOf = new Map<string, (info: GraphQLResolveInfo) => FieldPolicy[]>();
  for (const type of Object.values(schema.getTypeMap())) if (isObjectType(type) && !type.name.startsWith("_")) readsOf.set(type.name, selectionReads(type, byCoordinate, decider));
  const decide = (entities: unknown[], representations: readonly { __typename?: unknown }[], context: WithPolicy, info: GraphQLResolveInfo) => {
    // One representation per fetch is what the planner sends for each alias: no grouping by type then.
    if (entities.length === 1) {
      const entity = entities[0];
      const reads = readsOf.get(representations[0]?.__typename as string);
      if (typeof entity !== "object" || entity === null || !reads) return undefined;
      const ahead = decider.decideAhead(reads(info), entities as object[], context);
      return typeof ahead === "boolean" ? undefined : ahead;
    }
    const byType = new Map<string, object[]>();
    entities.forEach((entity, index) => {
      const typename = representations[index]?.__typename;
      if (typeof entity !== "object" || entity === null || typeof typename !== "string" || !readsOf.has(typename)) return;
      (byType.get(typename) ?? byType.set(typename, []).get(typename)!).push(entity);
    });
    const pending: Promise<void>[] = [];
    for (const [typename, records] of byType) {
      const ahead = decider.decideAhead(readsOf.get(typename)!(info), records, context);
      if (typeof ahead !== "boolean") pending.push(ahead);
    }
    return pending.length === 0 ? undefined : pending.length === 1 ? pending[0] : Promise.all(pending);
  };
  const resolver: Resolve = (parent, args: { representations?: readonly { __typename?: unknown }[] }, context, info) => {
    const failed = (error: unknown) => fallbackError(error, parent, args, context, info);
    try {
      const found: unknown = resolve(parent, args, context, info);
      if (!Array.isArray(found) || !Array.isArray(args.representations)) return isPromise(found) ? found.then(undefined, failed) : found;
      const representations = args.representations;
      if (!found.some(isPromise)) {
        const ahead = decide(found, representations, context, info);
        return ahead ? ahead.then(() => found, failed) : found;
      }
      // Each entity keeps its own outcome: a reference that failed is that entity's error (answered
      // as graphql-shield answers a resolver's failure: an internal error, its message withheld).
      return Promise.allSettled(found).then((outcomes) => {
        try {
          const entities = outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : undefined));
          const answer = outcomes.map((outcome) => (outcome.status === "fulfilled" ? outcome.value : failed(outcome.reason)));
          const ahead = decide(entities, representations, context, info);
          return ahead ? ahead.then(() => answer, failed) : answer;
        } catch (error) {
          return failed(error);
        }
      });
    } catch (error) {
      return failed(error);
    }
  };
  field.resolve = resolver;
  masksFailures.add(resolver);
  return resolver;
}

/**
 * `_entities` is open to every caller (it only hands back references; every field of every
 * entity is checked by its own read), so graphql-shield's `allow` decides nothing there, yet its
 * middleware makes four promises per fetch (fifty fetches per list request). The entities'
 * resolver (`decideEntitiesAhead`) is put back in front of it; it answers its own failures as
 * graphql-shield would.
 */
export function answerEntitiesAtOnce(schema: GraphQLSchema, resolver: Resolve | undefined) {
  const field = schema.getQueryType()?.getFields()._entities;
  if (field && resolver) field.resolve = resolver as GraphQLFieldResolver<unknown, unknown>;
}

/**
 * graphql-shield's middleware makes each field asynchronous, a promise per field of every record
 * of a list. A read already decided and allowed in this request, for this record and this
 * declaration (`settledRead`: by a list's or a parent's decision ahead, or by a sibling field's
 * own read), is answered by the field's own resolver at once. Anything undecided, denied, with
 * arguments that matter, or recording an access goes through graphql-shield, which decides,
 * answers the denial and counts it. A resolver's failure is answered as graphql-shield answers
 * it (`fallbackError`: logged, an internal error without its message), never passed on raw: a
 * driver's message holds the statement and its parameters. Root fields: `answerAllowedCalls`.
 */
export function answerSettledReadsAtOnce(
  schema: GraphQLSchema,
  byCoordinate: ReadonlyMap<string, FieldPolicy>,
  unguarded: ReadonlyMap<string, Resolve>,
  decider: ReadDecider,
  fallbackError: FallbackError,
) {
  const root = schema.getQueryType();
  for (const [type, field] of objectFields(schema)) {
    const coordinate = `${type.name}.${field.name}`;
    const policy = byCoordinate.get(coordinate);
    const own = unguarded.get(coordinate);
    const shielded = field.resolve as Resolve | undefined;
    if (!policy || policy.writes || !own || !shielded || type.name.startsWith("_") || field.name.startsWith("_")) continue;
    if (type === root) {
      field.resolve = answerAllowedCalls(policy, own, shielded, decider, fallbackError);
      continue;
    }
    const settledRead = decider.settledReadOf(policy);
    if (own === defaultFieldResolver) {
      // Most fields of a list's records are columns: read as graphql-js's default resolver reads
      // them, without calling it (thousands a request); a method or a promise goes to it as before.
      field.resolve = (parent, args, context: WithPolicy, info) => {
        if (settledRead(parent, args, context) !== true) return shielded(parent, args, context, info);
        let value: unknown;
        try {
          value = (parent as Record<string, unknown>)[info.fieldName];
        } catch (error) {
          return fallbackError(error, parent, args, context, info);
        }
        return typeof value === "function" || isPromise(value) ? answerOwn(own, fallbackError, parent, args, context, info) : value;
      };
      continue;
    }
    field.resolve = (parent, args, context: WithPolicy, info) => {
      if (settledRead(parent, args, context) !== true) return shielded(parent, args, context, info);
      return answerOwn(own, fallbackError, parent, args, context, info);
    };
  }
}

/**
 * A root field (fifty aliases of `person(id:)` in one fetch) has no record to share decisions
 * with, and through graphql-shield each decision is a dozen promises of its own. Its read is
 * decided as a record's is ahead (`decideCall`: through the request's memo, one wait for what it
 * waits on), and an allowed call is answered by the field's own resolver. A denial, a requirement
 * that needs the call itself or records an access, and a failure go through graphql-shield,
 * which decides them itself, answers the denial and counts it.
 */
function answerAllowedCalls(policy: FieldPolicy, own: Resolve, shielded: Resolve, decider: ReadDecider, fallbackError: FallbackError): Resolve {
  return (parent, args, context, info) => {
    const decided = decider.decideCall(policy, parent, args, context);
    if (decided === true) return answerOwn(own, fallbackError, parent, args, context, info);
    if (decided === false || decided === undefined) return shielded(parent, args, context, info);
    return decided.then(
      (held) => (held === true ? answerOwn(own, fallbackError, parent, args, context, info) : shielded(parent, args, context, info)),
      () => shielded(parent, args, context, info),
    );
  };
}

/** Decides a query's root calls ahead, before it runs (`prepareRootCalls`); undefined when there is nothing to wait for. */
export type PrepareRootCalls = (operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, context: WithPolicy) => void | Promise<void>;

/**
 * A query's root calls (fifty aliases of `person(id:)` in one fetch) each wait for the facts their
 * read needs, and each is then a promise that graphql-js completes a turn later, where the same
 * calls without the policy answer at once. Decided together before the operation runs
 * (`ReadDecider.decideCallsAhead`: one round of look-ups, one wait), each call's own read
 * (`answerAllowedCalls`) then finds its decision settled and answers at once. Only what the call's
 * own read decides is decided here, with the arguments as graphql-js will coerce them; a field
 * with a directive (`@skip`, `@include`) is left to its own read, so no look-up starts that the
 * operation would not start. Nothing here answers or refuses anything, and it never fails.
 */
export function prepareRootCalls(schema: GraphQLSchema, byCoordinate: ReadonlyMap<string, FieldPolicy>, decider: ReadDecider): PrepareRootCalls {
  const query = schema.getQueryType();
  return (operation, variables, context) => {
    if (!query || operation.operation !== OperationTypeNode.QUERY) return;
    try {
      let coerced: Record<string, unknown> | undefined;
      const calls: RootCallOf[] = [];
      for (const selection of operation.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD || (selection.directives?.length ?? 0) > 0 || selection.name.value.startsWith("_")) continue;
        const policy = byCoordinate.get(`${query.name}.${selection.name.value}`);
        const field = query.getFields()[selection.name.value];
        if (!policy || policy.writes || !field) continue;
        if (!coerced) {
          const values = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
          if (values.errors) return;
          coerced = values.coerced;
        }
        calls.push({ policy, parent: undefined, args: getArgumentValues(field, selection, coerced) });
      }
      const ahead = decider.decideCallsAhead(calls, context);
      return ahead ? ahead.then(undefined, () => undefined) : undefined;
    } catch {
      // Arguments graphql-js will refuse, say: each call decides (and reports) for itself.
      return undefined;
    }
  };
}

/** The field's own resolver, its failure answered as graphql-shield answers it (`fallbackError`). */
function answerOwn(own: Resolve, fallbackError: FallbackError, parent: unknown, args: Record<string, unknown>, context: WithPolicy, info: GraphQLResolveInfo): unknown {
  try {
    const value = own(parent, args, context, info);
    return isPromise(value) && !masksFailures.has(own) ? answeredLater(value, fallbackError, parent, args, context, info) : value;
  } catch (error) {
    return fallbackError(error, parent, args, context, info);
  }
}

/**
 * A resolver's promise, its failure answered as `fallbackError` answers it. A function of its own
 * so that the hot wrappers above create no closure over their parameters: V8 would allocate a
 * context for it on every call, thousands per list, though most values are not promises.
 */
function answeredLater(value: Promise<unknown>, fallbackError: FallbackError, parent: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo) {
  return value.then(undefined, (error: unknown) => fallbackError(error, parent, args, context, info));
}

/** Each object field's own resolver (the default one where the SDL gives none), before graphql-shield wraps it. */
export function resolversOf(schema: GraphQLSchema): Map<string, Resolve> {
  const resolvers = new Map<string, Resolve>();
  for (const [type, field] of objectFields(schema)) {
    if (!type.name.startsWith("_")) resolvers.set(`${type.name}.${field.name}`, (field.resolve ?? defaultFieldResolver) as Resolve);
  }
  return resolvers;
}

function* objectFields(schema: GraphQLSchema): Generator<[GraphQLObjectType, GraphQLField<unknown, any>]> {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields())) yield [type, field];
  }
}

/**
 * Per selection (the field nodes graphql-js hands every item of a list alike), the reads to
 * decide ahead: one policy per distinct read, no write, none already decided with `without`,
 * none that depends on the caller alone (`ReadDecider.perRequest`).
 */
function selectionReads(recordType: GraphQLObjectType, byCoordinate: ReadonlyMap<string, FieldPolicy>, decider: ReadDecider, without?: FieldPolicy) {
  // Keyed by the field's node in the (cached, parsed once) document when it is the only one: graphql-js
  // makes a new fieldNodes array per execution, and a batch of 50 fetches is 50 executions of one document.
  const bySelection = new WeakMap<object, FieldPolicy[]>();
  return (info: GraphQLResolveInfo): FieldPolicy[] => {
    const selection: object = info.fieldNodes.length === 1 ? info.fieldNodes[0]! : info.fieldNodes;
    let found = bySelection.get(selection);
    if (!found) {
      const reads = new Map<string, FieldPolicy>();
      // Reads that depend on the caller alone are decided once per request, by the first field that asks.
      for (const policy of selectedPolicies(recordType, info, byCoordinate, decider.argumentsMatter)) if (!policy.writes && !decider.perRequest.has(policy)) reads.set(decider.readKeys.get(policy)!, policy);
      if (without) reads.delete(decider.readKeys.get(without)!);
      bySelection.set(selection, (found = [...reads.values()]));
    }
    return found;
  };
}

/**
 * The policies of the fields a selection asks of its records, fragments followed; a field with
 * arguments only where its arguments do not matter to its decision.
 */
function selectedPolicies(recordType: GraphQLObjectType, info: GraphQLResolveInfo, byCoordinate: ReadonlyMap<string, FieldPolicy>, argumentsMatter: ReadonlySet<FieldPolicy>): FieldPolicy[] {
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

/** The records of a list (an edge's node), skipping what is not one; the list itself when every item is a record. */
function recordsIn(items: unknown[], recordOf: (entry: unknown) => unknown): object[] {
  let copy: object[] | undefined;
  for (let index = 0; index < items.length; index += 1) {
    const entry = items[index];
    const record = recordOf(entry);
    const isRecord = typeof record === "object" && record !== null;
    if (!copy && isRecord && record === entry) continue;
    copy ??= items.slice(0, index) as object[];
    if (isRecord) copy.push(record);
  }
  return copy ?? (items as object[]);
}

const isOpenToEveryone = (policy: FieldPolicy) => policy.read.some((alternative) => alternative.length === 1 && alternative[0] === "authenticated");
