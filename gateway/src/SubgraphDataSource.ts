import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { GraphQLError, Kind, parse, type GraphQLFormattedError, type SelectionSetNode } from "graphql";

/** The codes `createSubgraphFetcher` throws when a subgraph gives no answer at all. */
const NO_ANSWER = new Set(["SUBGRAPH_TIMEOUT", "SUBGRAPH_UNAVAILABLE"]);

type GatewayResponse = Awaited<ReturnType<RemoteGraphQLDataSource["process"]>>;

/**
 * A subgraph reached over HTTP. When it gives no answer (down or too slow), the fetch fails as
 * if the subgraph had answered an error at each field it was asked for: the gateway then puts
 * the error at those fields' paths in the caller's answer (`me.trips`), beside the rest of the
 * data, rather than as a pathless error the client cannot place.
 */
export class SubgraphDataSource<TContext extends Record<string, any>> extends RemoteGraphQLDataSource<TContext> {
  override async process(options: GraphQLDataSourceProcessOptions<TContext>): Promise<GatewayResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      const code = error instanceof GraphQLError ? error.extensions.code : undefined;
      if (typeof code !== "string" || !NO_ANSWER.has(code) || !options.request.query) throw error;
      const { message, extensions } = error as GraphQLError;
      const paths = requestedPaths(options.request.query, options.request.variables);
      if (paths.length === 0) throw error;
      return { errors: paths.map((path): GraphQLFormattedError => ({ message, path, extensions })) };
    }
  }
}

/**
 * The response paths of the fields a subgraph operation asks for at its top: `["me"]`, or for
 * an entity fetch `["_entities", i, "trips"]` for each representation `i`, which the gateway
 * maps to where that entity sits in the caller's answer.
 */
function requestedPaths(query: string, variables: Record<string, unknown> | undefined): (string | number)[][] {
  const operation = parse(query).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  const paths: (string | number)[][] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const name = selection.alias?.value ?? selection.name.value;
    if (selection.name.value !== "_entities") {
      paths.push([name]);
      continue;
    }
    const representations = Array.isArray(variables?.representations) ? variables.representations.length : 0;
    const fields = selection.selectionSet ? fieldNames(selection.selectionSet) : [];
    for (let index = 0; index < representations; index += 1) for (const field of fields) paths.push([name, index, field]);
  }
  return paths;
}

/** The response names of a selection set's fields, through its inline fragments. */
function fieldNames(selectionSet: SelectionSetNode): string[] {
  const names = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== "__typename") names.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      for (const name of fieldNames(selection.selectionSet)) names.add(name);
    }
  }
  return [...names];
}
