import { isObjectType, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import { isPromise } from "./maybe.ts";

type ResolveReference = (reference: object, context: unknown, info: GraphQLResolveInfo) => unknown;

/**
 * Federation's `_entities` field answering each entity at once where its type's reference resolver
 * does. Apollo's own resolver (`@apollo/subgraph` 2.14) hands back every entity as a promise,
 * since the step that stamps its `__typename` is an `async` function, even for a reference such as
 * `Person`'s, which costs no query: a batch of 50 fetches is 50 promises more and a turn each, and
 * the policy, which decides the entities' fields together once they are in, waited for them.
 *
 * The same steps, in the same order, for an object type: its `__resolveReference` (or the
 * reference itself), then `__typename` stamped as Apollo stamps it (defined on the entity, or a
 * copy where the entity names another type). A promise from a reference resolver (a loader) stays
 * that entity's promise. Anything else goes to Apollo's resolver, whole: an interface, a type the
 * schema does not have (Apollo's error), or a request with cache hints to restrict (the subgraphs
 * run with Apollo's cache control disabled). Used by the production schema and the benchmark's
 * copy without enforcement alike, so that `policy on/off` still measures only the policy.
 */
export function resolveEntitiesAtOnce(schema: GraphQLSchema): void {
  const field = schema.getQueryType()?.getFields()._entities;
  const apollo = field?.resolve;
  if (!field || !apollo) return;
  const resolver: GraphQLFieldResolver<unknown, unknown, { representations?: unknown }> = (parent, args, context, info) => {
    const { representations } = args;
    if (!Array.isArray(representations) || hasCacheHints(info)) return apollo(parent, args, context, info);
    // Every type checked before any reference is resolved: a fallback never resolves one twice.
    for (const reference of representations as { __typename?: unknown }[]) {
      const typename = typeof reference === "object" && reference !== null ? reference.__typename : undefined;
      if (typeof typename !== "string" || !isObjectType(info.schema.getType(typename))) return apollo(parent, args, context, info);
    }
    return (representations as { __typename: string }[]).map((reference) => {
      const type = info.schema.getType(reference.__typename)!;
      const resolveReference = (type.extensions as { apollo?: { subgraph?: { resolveReference?: ResolveReference } } }).apollo?.subgraph?.resolveReference;
      const entity = resolveReference ? resolveReference(reference, context, info) : reference;
      return isPromise(entity) ? entity.then((found) => withTypename(found, reference.__typename)) : withTypename(entity, reference.__typename);
    });
  };
  field.resolve = resolver as GraphQLFieldResolver<unknown, unknown>;
}

/** `__typename` on the entity as Apollo's `maybeAddTypeNameToPossibleReturn` puts it there. */
function withTypename(entity: unknown, typename: string): unknown {
  if (entity === null || typeof entity !== "object") return entity;
  if ("__typename" in entity && entity.__typename !== typename) return { ...entity, __typename: typename };
  Object.defineProperty(entity, "__typename", { value: typename });
  return entity;
}

/** Whether Apollo's cache control runs for this request (`maybeCacheControlFromInfo`): its hints are restricted per entity type. */
function hasCacheHints(info: GraphQLResolveInfo): boolean {
  const cacheControl = (info as { cacheControl?: { cacheHint?: { restrict?: unknown } } }).cacheControl;
  return typeof cacheControl?.cacheHint?.restrict === "function";
}
