import type { Caller } from "@grondslag/auth";
import { GraphQLError, type GraphQLSchema } from "graphql";
import type { GraphClient } from "./createGraphClient.ts";
import { fieldCoordinates } from "./fieldCoordinates.ts";
import { PartnerError, type PartnerAdapter } from "./PartnerAdapter.ts";
import { readFieldSet } from "./readFieldSet.ts";

export interface PartnerRunnerOptions {
  /** The graph, as the adapters' callers (`partner:<name>`, and `service` to record disclosures). */
  graph: GraphClient;
  /** The graph's API schema, to name the fields each field set sends. */
  schema: GraphQLSchema;
  log: { info(details: object, message: string): void; error(details: object, message: string): void };
  /** Sends at most this many times when the partner says a retry is harmless. Default 3. */
  attempts?: number;
  /** Milliseconds to wait before retry number `attempt` (1-based). Default 250 ms doubling. */
  backoff?: (attempt: number) => number;
}

export interface PartnerSend<Input> {
  /** The data subject: for the disclosure log and the capability the field set is read with. */
  personId: string;
  /** The field set's variables (`{ invoiceId }`, `{ cardId }`...); default `{ personId }`. */
  variables?: Record<string, string>;
  input: Input;
  /** Names this send: running it again with the same key sends nothing twice. */
  idempotencyKey: string;
  /** The id of the request that caused the send, when one is known: in the log lines and the graph calls. */
  requestId?: string;
}

export interface PartnerSendResult {
  reference: string;
  /** The `Type.field`s whose values went to the partner. */
  fields: string[];
  /** True when an earlier send with the same key answered. */
  deduplicated: boolean;
}

const RECORD_DISCLOSURE = /* GraphQL */ `
  mutation RecordDisclosure($input: DisclosureInput!) { recordDisclosure(input: $input) { __typename } }
`;

/**
 * Runs an adapter: reads its declared field set from the graph as the partner itself (so the
 * policy lets through exactly those fields), maps and sends, retries only what the partner
 * calls safe, and records the disclosure (field names, never values) in consent's log.
 */
export function createPartnerRunner(options: PartnerRunnerOptions) {
  const attempts = options.attempts ?? 3;
  const backoff = options.backoff ?? ((attempt: number) => 250 * 2 ** (attempt - 1));
  // Twilio's Messages API has no idempotency key: deduplicate here, per process, on ours.
  const sent = new Map<string, Promise<{ reference: string; fields: string[] }>>();
  // A field set's names never change: derive them once per operation, not per send.
  const fieldsOf = new Map<string, string[]>();
  const leavesOf = (fieldSet: string) => {
    let leaves = fieldsOf.get(fieldSet);
    if (!leaves) fieldsOf.set(fieldSet, (leaves = fieldCoordinates(fieldSet, options.schema).leaves));
    return leaves;
  };

  async function run<Input, Request>(adapter: PartnerAdapter<Input, Request>, send: PartnerSend<Input>): Promise<PartnerSendResult> {
    const earlier = sent.get(send.idempotencyKey);
    if (earlier) return { ...(await earlier), deduplicated: true };
    const attempt = deliver(adapter, send);
    sent.set(send.idempotencyKey, attempt);
    try {
      return { ...(await attempt), deduplicated: false };
    } catch (error) {
      sent.delete(send.idempotencyKey);
      throw error;
    }
  }

  async function deliver<Input, Request>(adapter: PartnerAdapter<Input, Request>, send: PartnerSend<Input>) {
    const { declaration } = adapter;
    const data = await readFieldSet(options.graph, {
      declaration,
      personId: send.personId,
      ...(send.variables ? { variables: send.variables } : {}),
      requestId: send.requestId,
    });
    const fields = leavesOf(declaration.fieldSet);
    const request = adapter.toRequest(data, send.input);

    let failure: PartnerError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const { reference } = await adapter.send(request, { idempotencyKey: send.idempotencyKey });
        await record(send, declaration, fields, "SENT", reference);
        options.log.info({ partner: declaration.partner, purpose: declaration.purpose, fields, attempt, ...requestIdOf(send) }, "sent to partner");
        return { reference, fields };
      } catch (error) {
        failure = error instanceof PartnerError ? error : new PartnerError("PARTNER_UNAVAILABLE", `${declaration.partner} could not be reached.`, false, { cause: error });
        if (!failure.retryable || attempt === attempts) break;
        await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
      }
    }
    // The request left this process, so its fields may have reached the partner: say so in the log.
    await record(send, declaration, fields, "FAILED", null);
    options.log.error({ partner: declaration.partner, purpose: declaration.purpose, code: failure!.code, err: failure!.cause ?? failure, ...requestIdOf(send) }, "partner send failed");
    throw failure!;
  }

  async function record(send: PartnerSend<unknown>, declaration: PartnerAdapter<unknown, unknown>["declaration"], fields: string[], outcome: "SENT" | "FAILED", reference: string | null) {
    const service: Caller = { subject: `${declaration.partner}-adapter`, role: "service" };
    const input = {
      partner: declaration.partner,
      personId: send.personId,
      fields,
      purpose: declaration.purpose,
      basis: declaration.basis,
      outcome,
      reference,
      idempotencyKey: `${send.idempotencyKey}:${outcome.toLowerCase()}`,
    };
    const answer = await options.graph(RECORD_DISCLOSURE, { input }, service, { requestId: send.requestId });
    if (answer.errors?.length) throw new Error(`The disclosure to ${declaration.partner} could not be recorded: ${answer.errors.map((error) => error.message).join("; ")}`);
  }

  return { run };
}

const requestIdOf = (send: PartnerSend<unknown>) => (send.requestId ? { requestId: send.requestId } : {});

export type PartnerRunner = ReturnType<typeof createPartnerRunner>;

/** A PartnerError as the GraphQL caller sees it; anything else stays internal. */
export function toGraphQLError(error: unknown): unknown {
  return error instanceof PartnerError ? new GraphQLError(error.message, { extensions: { code: error.code } }) : error;
}
