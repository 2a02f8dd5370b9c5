import { formatPolicy } from "./errors.ts";
import type { PartnerFieldGrant } from "./partnerGrants.ts";
import { readFieldPolicies, type PolicyAlternatives } from "./readFieldPolicies.ts";
import { Kind, parse, type ConstDirectiveNode, type EnumValueNode } from "graphql";

/** One field's policy as the auditor report and `pnpm policy:json` give it. */
export interface GraphFieldPolicy {
  /** `Type.field`. */
  coordinate: string;
  /** The subgraph that resolves the field; for a key field every subgraph has, the first. */
  subgraph: string;
  /** Every subgraph that resolves it (a key such as Person.id is in all five). */
  subgraphs: string[];
  personal: boolean;
  category: string | null;
  basis: string | null;
  controller: string | null;
  /** The consent purpose a CONSENT or EXPLICIT_CONSENT basis rests on. */
  purpose: string | null;
  retention: { keep: string; from: string } | null;
  read: PolicyAlternatives;
  /** As read: `self | employer-of & work-trip`; null on a mutation, whose access is its `writes`. */
  readPolicy: string | null;
  write: PolicyAlternatives | null;
  writePolicy: string | null;
  /** On a mutation: the fields it writes. */
  writes: string[] | null;
  /** The declared partner purposes that receive (or select) this field, from the partners' declarations. */
  partners: { partner: string; purpose: string; legalRole: string; basis: string; operation: string }[];
}

/**
 * The policy of the whole graph, read from the composed supergraph: the directives travel
 * through composition, so this is the gateway's view of exactly what each subgraph enforces.
 */
export function readGraphPolicy(supergraphSdl: string, partnerFields: readonly PartnerFieldGrant[] = []): GraphFieldPolicy[] {
  const document = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  const typeGraphs = new Map<string, string[]>();
  const fieldGraphs = new Map<string, string[]>();

  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === "join__Graph") {
      for (const value of definition.values ?? []) {
        const name = argument(value.directives?.find((node) => node.name.value === "join__graph"), "name");
        if (typeof name === "string") graphNames.set(value.name.value, name);
      }
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    typeGraphs.set(definition.name.value, graphsOf(definition.directives, "join__type"));
    for (const field of definition.fields ?? []) {
      const graphs = graphsOf(field.directives, "join__field");
      if (graphs.length > 0) fieldGraphs.set(`${definition.name.value}.${field.name.value}`, graphs);
    }
  }

  const { policies, problems } = readFieldPolicies(document);
  if (problems.length > 0) throw new Error(`The supergraph's policy declarations are incomplete:\n- ${problems.join("\n- ")}`);
  return policies
    .map((policy) => {
      const graphs = (fieldGraphs.get(policy.coordinate) ?? typeGraphs.get(policy.type) ?? []).map((graph) => graphNames.get(graph) ?? graph);
      return {
        coordinate: policy.coordinate,
        subgraph: graphs[0] ?? "",
        subgraphs: graphs,
        personal: policy.personal !== null,
        category: policy.personal?.category ?? null,
        basis: policy.personal?.basis ?? null,
        controller: policy.personal?.controller ?? null,
        purpose: policy.personal?.purpose ?? null,
        retention: policy.personal ? { keep: policy.personal.retention, from: policy.personal.retentionFrom } : null,
        read: policy.read,
        readPolicy: policy.writes ? null : formatPolicy(policy.read),
        write: policy.write,
        writePolicy: policy.write ? formatPolicy(policy.write) : null,
        writes: policy.writes,
        partners: partnerFields
          .filter((grant) => grant.coordinate === policy.coordinate)
          .map(({ partner, purpose, legalRole, basis, operation }) => ({ partner, purpose, legalRole, basis, operation }))
          .sort((a, b) => `${a.partner}/${a.operation}`.localeCompare(`${b.partner}/${b.operation}`)),
      };
    })
    .sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}

function graphsOf(directives: readonly ConstDirectiveNode[] | undefined, name: string): string[] {
  return [...new Set((directives ?? []).filter((node) => node.name.value === name).map((node) => (node.arguments?.find((arg) => arg.name.value === "graph")?.value as EnumValueNode | undefined)?.value ?? ""))].filter(Boolean);
}

function argument(node: ConstDirectiveNode | undefined, name: string): unknown {
  const value = node?.arguments?.find((arg) => arg.name.value === name)?.value;
  return value?.kind === Kind.STRING ? value.value : undefined;
}
