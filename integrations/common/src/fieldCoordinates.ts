import { getNamedType, Kind, parse, TypeInfo, visit, visitWithTypeInfo, type GraphQLSchema } from "graphql";

/**
 * The `Type.field`s an operation selects, and the leaves among them (the values a partner
 * actually receives). Derived from the operation and the schema, so a disclosure record and
 * an auditor read the same list the policy enforced.
 */
export function fieldCoordinates(operation: string, schema: GraphQLSchema): { selected: string[]; leaves: string[] } {
  const selected = new Set<string>();
  const leaves = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    parse(operation),
    visitWithTypeInfo(typeInfo, {
      [Kind.FIELD](node) {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field || node.name.value.startsWith("__")) return;
        const coordinate = `${parent.name}.${field.name}`;
        selected.add(coordinate);
        if (!node.selectionSet && getNamedType(field.type)) leaves.add(coordinate);
      },
    }),
  );
  return { selected: [...selected].sort(), leaves: [...leaves].sort() };
}
