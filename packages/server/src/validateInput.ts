import type { ApolloServerPlugin } from "@apollo/server";
import {
  getNamedType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  TypeInfo,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type ASTNode,
  type DocumentNode,
  type GraphQLCompositeType,
  type GraphQLDirective,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationRule,
  type ValueNode,
} from "graphql";
import { checkScalarInput } from "./checkScalarInput.ts";

/** Where a value was sent: the argument (and its field or directive), or a variable's default. */
interface Place {
  argument?: string;
  /** `Query.person`, or `@include` for a directive's argument. */
  owner?: string;
  variable?: string;
}

/**
 * Checks every scalar the caller sends, by its type, before the operation is planned or run:
 * ids, strings, days and instants (`checkScalarInput`), in inline literals and in variables,
 * at any depth of lists and input objects. The gateway and every subgraph use the same checks,
 * so a subgraph called directly is as strict as the graph. `ID` and `String` are graphql-js's
 * own scalars, so their limits cannot live in a scalar's parse functions: they live here.
 *
 * Literals are checked as a validation rule (`GRAPHQL_VALIDATION_FAILED`), variables once the
 * operation is known (`BAD_USER_INPUT`); both name the argument, and neither is logged: a
 * caller's mistake is not an incident.
 */
export function validateInput(): { validationRules: ValidationRule[]; plugin: ApolloServerPlugin<any> } {
  return { validationRules: [InputLiteralsRule], plugin: inputVariablesPlugin() };
}

/** The validation rule for values written in the operation itself: one error per refused argument. */
export const InputLiteralsRule: ValidationRule = (context) => {
  const check = (node: ValueNode, type: GraphQLInputType, place: Place, at: ASTNode) => {
    let problem: { typeName: string; text: string } | undefined;
    walkLiteral(node, type, (typeName, value) => {
      const text = problem ? null : checkScalarInput(typeName, value);
      if (text) problem = { typeName, text };
    });
    if (problem) context.reportError(refused(place, problem.typeName, problem.text, "GRAPHQL_VALIDATION_FAILED", at));
  };
  return {
    Argument(node) {
      const argument = context.getArgument();
      if (!argument) return; // an unknown argument: graphql-js's own rules say so
      check(node.value, argument.type, { argument: argument.name, ...ownerOf(context.getDirective(), context.getParentType(), context.getFieldDef()) }, node);
    },
    VariableDefinition(node) {
      const type = context.getInputType();
      if (node.defaultValue && type) check(node.defaultValue, type, { variable: node.variable.name.value }, node);
    },
  };
};

/** `Query.person` for a field's argument, `@include` for a directive's. */
function ownerOf(directive: GraphQLDirective | null | undefined, parent: GraphQLCompositeType | null | undefined, field: GraphQLField<unknown, unknown> | null | undefined): { owner?: string } {
  if (directive) return { owner: `@${directive.name}` };
  return field && parent ? { owner: `${parent.name}.${field.name}` } : {};
}

/** Values sent as variables, checked where they are used, once the operation to run is known. */
function inputVariablesPlugin(): ApolloServerPlugin<any> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, schema }) {
          if (!operation) return;
          const variables = request.variables ?? {};
          for (const use of variableUsesOf(schema, document, operation)) {
            if (!Object.hasOwn(variables, use.name)) continue; // absent: its default was checked as a literal
            walkValue(variables[use.name], use.type, (typeName, value) => {
              const problem = checkScalarInput(typeName, value);
              if (problem) throw refused(use.place, typeName, problem, "BAD_USER_INPUT", use.node);
            });
          }
        },
      };
    },
  };
}

/** A place where an operation uses one of its variables: the type there, and how a refusal names it. */
interface VariableUse {
  name: string;
  type: GraphQLInputType;
  place: Place;
  node: ArgumentNode;
}

/**
 * Where an operation uses its own variables, in the order the document names them: found once per
 * schema, document and operation, not on every request. Apollo keeps a parsed document per text,
 * so a batch of fifty entity fetches of one text walks it once rather than fifty times with
 * `TypeInfo`; what depends on the request (the variables' values) is checked on every request.
 * Held weakly: a document Apollo drops is dropped here too.
 */
const variableUses = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<OperationDefinitionNode, readonly VariableUse[]>>>();

function variableUsesOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): readonly VariableUse[] {
  let byDocument = variableUses.get(schema);
  if (!byDocument) variableUses.set(schema, (byDocument = new WeakMap()));
  let byOperation = byDocument.get(document);
  if (!byOperation) byDocument.set(document, (byOperation = new Map()));
  let uses = byOperation.get(operation);
  if (!uses) byOperation.set(operation, (uses = findVariableUses(schema, document, operation)));
  return uses;
}

function findVariableUses(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): VariableUse[] {
  const uses: VariableUse[] = [];
  // Fragments may use the operation's variables too; only this operation's definitions count.
  const defined = new Set((operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value));
  if (defined.size === 0) return uses;
  const typeInfo = new TypeInfo(schema);
  const nodes = [operation, ...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)];
  for (const node of nodes) {
    visit(
      node,
      visitWithTypeInfo(typeInfo, {
        Argument(argumentNode) {
          const argument = typeInfo.getArgument();
          if (!argument) return;
          const place = { argument: argument.name, ...ownerOf(typeInfo.getDirective(), typeInfo.getParentType(), typeInfo.getFieldDef()) };
          walkLiteral(argumentNode.value, argument.type, () => {}, (name, type) => {
            if (defined.has(name)) uses.push({ name, type, place: { ...place, variable: name }, node: argumentNode });
          });
        },
      }),
    );
  }
  return uses;
}

type OnScalar = (typeName: string, value: unknown) => void;

/** Walks a literal by its type down to scalars; variables inside it go to `onVariable` with the type at their place. */
function walkLiteral(node: ValueNode, type: GraphQLInputType, onScalar: OnScalar, onVariable?: (name: string, type: GraphQLInputType) => void): void {
  if (node.kind === Kind.VARIABLE) {
    onVariable?.(node.name.value, type);
    return;
  }
  if (node.kind === Kind.NULL) return;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    // A single value where a list is expected is coerced to a list of one.
    for (const item of node.kind === Kind.LIST ? node.values : [node]) walkLiteral(item, inner.ofType, onScalar, onVariable);
  } else if (isInputObjectType(inner)) {
    if (node.kind !== Kind.OBJECT) return;
    const fields = inner.getFields();
    for (const field of node.fields) {
      const definition = fields[field.name.value];
      if (definition) walkLiteral(field.value, definition.type, onScalar, onVariable);
    }
  } else if (isScalarType(inner)) {
    onScalar(inner.name, node.kind === Kind.STRING || node.kind === Kind.INT ? node.value : valueFromASTUntyped(node));
  }
}

/** Walks a variable's JSON value by the type of the place it is used. */
function walkValue(value: unknown, type: GraphQLInputType, onScalar: OnScalar): void {
  if (value === null || value === undefined) return;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    for (const item of Array.isArray(value) ? value : [value]) walkValue(item, inner.ofType, onScalar);
  } else if (isInputObjectType(inner)) {
    if (typeof value !== "object" || Array.isArray(value)) return;
    const fields = inner.getFields();
    for (const [name, item] of Object.entries(value)) {
      const definition = fields[name];
      if (definition) walkValue(item, definition.type, onScalar);
    }
  } else if (isScalarType(inner)) {
    onScalar(getNamedType(inner).name, value);
  }
}

function refused(place: Place, typeName: string, problem: string, code: string, node: ASTNode): GraphQLError {
  const what = place.argument
    ? `${place.variable ? `Variable "$${place.variable}" for argument` : "Argument"} "${place.argument}"${place.owner ? ` of ${place.owner}` : ""}`
    : `The default value of variable "$${place.variable}"`;
  return new GraphQLError(`${what} is refused: the ${typeName} ${problem}.`, {
    nodes: node,
    extensions: {
      code,
      ...(place.argument ? { argument: place.argument } : {}),
      ...(place.variable ? { variable: place.variable } : {}),
      ...(place.owner ? { field: place.owner } : {}),
      http: { status: 400 },
    },
  });
}
