import {
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

export interface OperationMeasure {
  /** Fields in the root selection set, aliases counted apart, fragments expanded (`__typename` not counted). */
  rootFields: number;
  /** Every field the operation selects, with each fragment spread counted as often as it is spread. */
  selections: number;
  /**
   * Estimated resolver work: each field 1, a list field's subselection times its list size: its
   * own `first`, or, for the lists of a page (a connection's `nodes` and `edges`), the page's.
   */
  cost: number;
}

export interface MeasureOptions {
  /** List size assumed for a list field without a `first` argument. Default 20. */
  defaultListSize?: number;
  /** The operation's variables, to read `first: $n`. */
  variables?: Record<string, unknown>;
}

/** Where counting stops: the numbers only need to tell "over the limit", and must stay finite. */
const CEILING = 1e12;

/**
 * Measures an operation with its fragments expanded, as the query planner will see it.
 * graphql-armor has no rule for these three: its cost-limit knows no list sizes, and nothing
 * in it counts root fields or the expanded size of fragment fan-out (six fragments spreading
 * each other five times each are 5^6 selections from a 2 KB text). Every fragment is measured
 * once and memoised, so counting is linear in the text however large the expansion; a fragment
 * cycle counts as empty here (validation refuses it afterwards).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  options: MeasureOptions = {},
): OperationMeasure {
  const defaultListSize = options.defaultListSize ?? 20;
  const variables = options.variables ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // By fragment and the page size its lists take (`pageSize`): a fragment spread in pages of
  // different sizes costs differently; a text holds few sizes, so counting stays linear.
  const memo = new Map<string, { selections: number; cost: number; rootFields: number }>();
  const inProgress = new Set<string>();

  /** `pageSize`: how many items the set's list fields hold when they have no `first` of their own (the set is a page's). */
  function measureSet(set: SelectionSetNode, parentType: GraphQLNamedType | undefined, pageSize?: number): { selections: number; cost: number; rootFields: number } {
    let selections = 0;
    let cost = 0;
    let rootFields = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = measureField(selection, parentType, pageSize);
        selections += field.selections;
        cost += field.cost;
        if (selection.name.value !== "__typename") rootFields += 1;
      } else {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT
            ? measureSet(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) ?? undefined : parentType, pageSize)
            : measureFragment(selection.name.value, pageSize);
        selections += inner.selections;
        cost += inner.cost;
        rootFields += inner.rootFields;
      }
    }
    return { selections: Math.min(selections, CEILING), cost: Math.min(cost, CEILING), rootFields: Math.min(rootFields, CEILING) };
  }

  function measureFragment(name: string, pageSize: number | undefined): { selections: number; cost: number; rootFields: number } {
    const key = `${name}|${pageSize ?? ""}`;
    const known = memo.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    if (!fragment || inProgress.has(name)) return { selections: 0, cost: 0, rootFields: 0 };
    inProgress.add(name);
    const measured = measureSet(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, pageSize);
    inProgress.delete(name);
    memo.set(key, measured);
    return measured;
  }

  function measureField(node: FieldNode, parentType: GraphQLNamedType | undefined, pageSize: number | undefined): { selections: number; cost: number } {
    const definition = isObjectType(parentType) || isInterfaceType(parentType) ? parentType.getFields()[node.name.value] : undefined;
    if (!node.selectionSet) return { selections: 1, cost: 1 };
    const isList = !!definition && isListType(getNullableType(definition.type));
    // A page (a connection: one object, paged by `first`) holds its lists' items: `nodes` and
    // `edges` are `first` long (or the default), not the default whatever `first` says.
    const isPage = !!definition && !isList && definition.args.some((argument) => argument.name === "first");
    // Without `first`, the size the schema gives it by default (`trips(first: Int = 20)`).
    const declared = definition?.args.find((argument) => argument.name === "first")?.defaultValue;
    const byDefault = typeof declared === "number" && declared >= 0 ? declared : undefined;
    const inner = measureSet(node.selectionSet, definition ? getNamedType(definition.type) : undefined, isPage ? listSize(node, byDefault) : undefined);
    const multiplier = isList ? listSize(node, byDefault ?? pageSize) : 1;
    return { selections: 1 + inner.selections, cost: 1 + multiplier * inner.cost };
  }

  /** The field's own `first`; else `fallback` (its declared default, or its page's size); else the default. */
  function listSize(node: FieldNode, fallback: number | undefined): number {
    const first = node.arguments?.find((argument) => argument.name.value === "first");
    const value = first ? readInt(first.value) : undefined;
    return value !== undefined && value >= 0 ? value : (fallback ?? defaultListSize);
  }

  // A variable the request leaves out takes its declared default (`query ($n: Int = 100)`), as
  // graphql-js will give it: measured as 20 instead, such a page was under-counted five times.
  const declaredDefaults = new Map<string, ValueNode>();
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) declaredDefaults.set(definition.variable.name.value, definition.defaultValue);
  }

  function readInt(value: ValueNode): number | undefined {
    if (value.kind === Kind.INT) return Number(value.value);
    if (value.kind === Kind.VARIABLE) {
      const name = value.name.value;
      if (!Object.hasOwn(variables, name)) {
        const declared = declaredDefaults.get(name);
        return declared?.kind === Kind.INT ? Number(declared.value) : undefined;
      }
      const given = variables[name];
      return typeof given === "number" && Number.isFinite(given) ? given : undefined;
    }
    return undefined;
  }

  const rootType = schema.getRootType(operation.operation) ?? undefined;
  return measureSet(operation.selectionSet, rootType);
}
