import {
  Kind,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
} from "graphql";

/** A list of alternatives, each a list of requirements that must all hold. */
export type PolicyAlternatives = string[][];

export interface PersonalData {
  category: string;
  basis: string;
  controller: string;
  /** ISO 8601 duration, e.g. P1Y. */
  retention: string;
  retentionFrom: string;
  /** The consent purpose a CONSENT or EXPLICIT_CONSENT basis rests on. */
  purpose?: string;
}

/** The declared policy of one field, read from the SDL: the one source of truth. */
export interface FieldPolicy {
  type: string;
  field: string;
  /** `Type.field`. */
  coordinate: string;
  /** Null when the field is declared `@notPersonal`. */
  personal: PersonalData | null;
  /** Who may read the field. Empty on mutations, whose access comes from `writes`. */
  read: PolicyAlternatives;
  /** Who may write the field; null when nobody writes it through the graph. */
  write: PolicyAlternatives | null;
  /** On a mutation: the `Type.field`s it writes. */
  writes: string[] | null;
}

export interface ReadFieldPoliciesResult {
  policies: FieldPolicy[];
  /** Fields whose declaration is missing or malformed; the schema must not be served. */
  problems: string[];
}

const MUTATION = "Mutation";
/** Lawful bases that hold only while the person's consent for a purpose does. */
export const CONSENT_BASES = new Set(["CONSENT", "EXPLICIT_CONSENT"]);

/** Reads every object field's declarations from SDL: a subgraph's type definitions or the supergraph. */
export function readFieldPolicies(document: DocumentNode): ReadFieldPoliciesResult {
  const policies: FieldPolicy[] = [];
  const problems: string[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    if (isFederationInternal(definition)) continue;
    for (const field of definition.fields ?? []) {
      const result = readField(definition.name.value, field);
      if (typeof result === "string") problems.push(result);
      else policies.push(result);
    }
  }
  return { policies, problems };
}

function readField(type: string, field: FieldDefinitionNode): FieldPolicy | string {
  const coordinate = `${type}.${field.name.value}`;
  const personal = directive(field, "personal");
  const notPersonal = directive(field, "notPersonal");
  const access = directive(field, "access");
  const writes = directive(field, "writes");

  if (personal && notPersonal) return `${coordinate} is declared both @personal and @notPersonal`;
  if (!personal && !notPersonal) return `${coordinate} declares no data category: add @personal(...) or @notPersonal`;
  if (type === MUTATION) {
    if (!writes) return `${coordinate} is a mutation without @writes(fields: [...])`;
    if (access) return `${coordinate}: a mutation's access comes from the fields in @writes, not @access`;
  } else if (!access) {
    return `${coordinate} declares no access: add @access(read: [[...]])`;
  } else if (writes) {
    return `${coordinate}: @writes belongs on mutations only`;
  }

  const args = (node: ConstDirectiveNode | undefined) =>
    Object.fromEntries((node?.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value)]));
  const accessArgs = args(access);
  const read = (accessArgs.read as PolicyAlternatives | undefined) ?? [];
  if (type !== MUTATION && read.length === 0) return `${coordinate} has an empty read policy: nobody could read it; say so with @access(read: [["nobody"]])`;

  const personalArgs = personal ? (args(personal) as unknown as PersonalData) : null;
  if (personalArgs && CONSENT_BASES.has(personalArgs.basis) && !personalArgs.purpose) {
    return `${coordinate} rests on ${personalArgs.basis} but names no consent purpose: add purpose: "<ConsentPurpose id>" to @personal`;
  }

  return {
    type,
    field: field.name.value,
    coordinate,
    personal: personalArgs,
    read,
    write: (accessArgs.write as PolicyAlternatives | undefined) ?? null,
    writes: writes ? (args(writes).fields as string[]) : null,
  };
}

function directive(field: FieldDefinitionNode, name: string): ConstDirectiveNode | undefined {
  return field.directives?.find((node) => node.name.value === name);
}

/** Federation's and the supergraph's own plumbing types carry no data and no declarations. */
function isFederationInternal(definition: ObjectTypeDefinitionNode | ObjectTypeExtensionNode): boolean {
  return definition.name.value.startsWith("_") || definition.name.value.startsWith("join__") || definition.name.value.startsWith("link__");
}
