import type { Caller } from "@grondslag/auth";
import type { GraphClient } from "./createGraphClient.ts";
import type { PartnerDeclaration } from "./PartnerAdapter.ts";

/**
 * Reads a declaration's field set from the graph as the partner itself (`partner:<partner>`),
 * so the schema's policy lets through exactly the declared fields. Answers the operation's
 * `data`; throws when the graph refuses any of it (the declaration and the schema disagree: a
 * configuration error, not the caller's).
 */
export async function readFieldSet(
  graph: GraphClient,
  read: { declaration: PartnerDeclaration; personId: string; variables?: Record<string, string> | undefined; requestId?: string | undefined },
): Promise<Record<string, unknown>> {
  const { declaration } = read;
  const partner: Caller = { subject: declaration.partner, role: `partner:${declaration.partner}` };
  const answer = await graph(declaration.fieldSet, read.variables ?? { personId: read.personId }, partner, { requestId: read.requestId });
  if (answer.errors?.length || !answer.data) {
    throw new Error(`The graph refused ${partner.role}'s field set: ${(answer.errors ?? []).map((error) => String(error.extensions?.field ?? error.message)).join(", ")}`);
  }
  return answer.data;
}
