import { capabilityFor, type Caller } from "@grondslag/auth";
import type { GraphClient } from "./createGraphClient.ts";
import type { PartnerDeclaration } from "./PartnerAdapter.ts";

export interface FieldSetRead {
  declaration: PartnerDeclaration;
  /** The data subject: the person every record the field set reads must be about. */
  personId: string;
  /**
   * The field set's variables, as its operation declares them: `{ personId }` (the default),
   * `{ invoiceId }`, `{ cardId }`... The records they reach must be about `personId`.
   */
  variables?: Record<string, string>;
  /** The request that caused the read, carried into the graph call. */
  requestId?: string | undefined;
}

/**
 * Reads a declaration's field set through the gateway, as the partner holding a capability for
 * exactly this: the declared operation, these variables and this person, for about a minute
 * (signed by the platform's own key, `GraphClient`'s `tokenFor`). The gateway refuses it for any
 * other operation or variables, and the subgraphs for any record about another person, so a
 * leaked capability unlocks one person's declared fields for a minute, no more.
 * Returns the answer's `data`; throws when the graph refused any of it.
 */
export async function readFieldSet(graph: GraphClient, read: FieldSetRead): Promise<Record<string, unknown>> {
  const { declaration, personId } = read;
  const variables = read.variables ?? { personId };
  const partner: Caller = {
    subject: declaration.partner,
    role: `partner:${declaration.partner}`,
    capability: capabilityFor(declaration.fieldSet, variables, personId),
  };
  const answer = await graph(declaration.fieldSet, variables, partner, { requestId: read.requestId });
  if (answer.errors?.length || !answer.data) {
    // The declaration and the schema's partner policy disagree, or the variables reach a record
    // about someone else: a configuration or caller error, never a partial send.
    throw new Error(`The graph refused ${partner.role}'s field set: ${(answer.errors ?? []).map((error) => String(error.extensions?.field ?? error.message)).join(", ")}`);
  }
  return answer.data;
}
