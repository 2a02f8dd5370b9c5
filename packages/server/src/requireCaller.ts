import type { ApolloServerPlugin, GraphQLRequestContextExecutionDidStart } from "@apollo/server";
import { GraphQLError, Kind, type FragmentDefinitionNode, type SelectionSetNode } from "graphql";
import type { Subgraph, SubgraphContext } from "./Subgraph.ts";

/** Root fields answered without a verified caller: federation's schema export, nothing else. */
const ANONYMOUS_ROOT_FIELDS = new Set(["_service", "__typename"]);

/**
 * A subgraph called without a caller it can verify answers only `_service`, once (no alias), so
 * composition tooling still works while every field that could carry data is refused before
 * execution, and the one open answer cannot be multiplied.
 *
 * With `prepareExecution` (`Subgraph.prepareExecution`), the same listener then runs it before
 * each operation executes, once every check of the operation has passed, and execution waits for
 * it. The same listener rather than a plugin of its own: Apollo makes a dozen promises per listener
 * for every operation, and a list request's batch holds fifty.
 */
export function requireCaller(prepareExecution?: Subgraph["prepareExecution"]): ApolloServerPlugin<SubgraphContext> {
  // Most operations (entity fetches) have nothing to prepare: they get this one settled promise.
  const nothing = Promise.resolve();
  const executionDidStart = prepareExecution
    ? ({ operation, request, contextValue }: GraphQLRequestContextExecutionDidStart<SubgraphContext>): Promise<void> =>
        (operation ? prepareExecution(operation, request.variables, contextValue) : undefined) ?? nothing
    : undefined;
  return {
    async requestDidStart() {
      return {
        ...(executionDidStart ? { executionDidStart } : {}),
        async didResolveOperation({ contextValue, operation, document }) {
          if (contextValue.caller) return;
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const definition of document.definitions) {
            if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
          }
          const isAnonymousSafe =
            operation?.operation === "query" &&
            rootFieldNames(operation.selectionSet, fragments).every((name) => ANONYMOUS_ROOT_FIELDS.has(name)) &&
            !hasAlias(operation.selectionSet, fragments, new Set());
          if (!isAnonymousSafe) throw unauthenticated("This subgraph answers only callers forwarded by the gateway.");
        },
      };
    },
  };
}

/**
 * Whether a selection (its fragments followed, each once) gives any field an alias. Without a
 * caller, an alias is the only way to have `_service { sdl }` answered more than once in one
 * answer: four thousand of them made one 95-KB request a 77-MB answer.
 */
function hasAlias(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, followed: Set<string>): boolean {
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.alias !== undefined || (selection.selectionSet !== undefined && hasAlias(selection.selectionSet, fragments, followed));
    if (selection.kind === Kind.INLINE_FRAGMENT) return hasAlias(selection.selectionSet, fragments, followed);
    const fragment = fragments.get(selection.name.value);
    if (!fragment || followed.has(selection.name.value)) return false;
    followed.add(selection.name.value);
    return hasAlias(fragment.selectionSet, fragments, followed);
  });
}

function rootFieldNames(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): string[] {
  return selectionSet.selections.flatMap((selection) => {
    if (selection.kind === Kind.FIELD) return [selection.name.value];
    if (selection.kind === Kind.INLINE_FRAGMENT) return rootFieldNames(selection.selectionSet, fragments);
    const fragment = fragments.get(selection.name.value);
    return fragment ? rootFieldNames(fragment.selectionSet, fragments) : ["<unknown fragment>"];
  });
}

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}
