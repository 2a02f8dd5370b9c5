import { buildSchema } from "graphql";
import { describe, expect, it, vi } from "vitest";
import type { GraphClient } from "./createGraphClient.ts";
import { createPartnerRunner } from "./createPartnerRunner.ts";
import { PartnerError, type PartnerAdapter } from "./PartnerAdapter.ts";

const schema = buildSchema(`type Query { person(id: ID!): Person } type Person { phone: String name: String }`);
const quiet = { info: () => {}, error: () => {} };

function adapter(send: PartnerAdapter<{ text: string }, unknown>["send"]): PartnerAdapter<{ text: string }, unknown> {
  return {
    declaration: { partner: "acme-sms", legalRole: "processor", purpose: "reminders", basis: "CONSENT", fieldSet: `query($personId: ID!) { person(id: $personId) { phone } }` },
    toRequest: (fields, input) => ({ to: (fields.person as { phone: string }).phone, text: input.text }),
    send,
  };
}

describe("createPartnerRunner", () => {
  it("reads the field set as the partner itself and records the disclosure as the platform's service", async () => {
    const calls: { role: string; variables: Record<string, unknown> }[] = [];
    const graph = (async (query, variables, caller) => {
      calls.push({ role: caller.role, variables });
      return query.includes("recordDisclosure") ? { data: { recordDisclosure: { __typename: "Disclosure" } } } : { data: { person: { phone: "+31612345678" } } };
    }) as GraphClient;
    const send = vi.fn(async () => ({ reference: "R1" }));
    const result = await createPartnerRunner({ graph, schema, log: quiet }).run(adapter(send), { personId: "anna", input: { text: "hi" }, idempotencyKey: "k1" });
    expect(result).toEqual({ reference: "R1", fields: ["Person.phone"], deduplicated: false });
    expect(send).toHaveBeenCalledWith({ to: "+31612345678", text: "hi" }, { idempotencyKey: "k1" });
    expect(calls.map((call) => call.role)).toEqual(["partner:acme-sms", "service"]);
    expect(calls[1]?.variables.input).toMatchObject({ partner: "acme-sms", personId: "anna", fields: ["Person.phone"], outcome: "SENT", reference: "R1" });
  });

  it("sends nothing when the graph refuses the partner its field set", async () => {
    const graph = (async () => ({
      data: { person: { phone: null } },
      errors: [{ message: "Not authorised to read Person.phone.", extensions: { code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.phone" } }],
    })) as GraphClient;
    const send = vi.fn(async () => ({ reference: "R2" }));
    const run = createPartnerRunner({ graph, schema, log: quiet }).run(adapter(send), { personId: "anna", input: { text: "hi" }, idempotencyKey: "k2" });
    await expect(run).rejects.toThrow("The graph refused partner:acme-sms's field set: Person.phone");
    expect(send).not.toHaveBeenCalled();
  });

  it("stops retrying after the set number of attempts and records the failure", async () => {
    const recorded: unknown[] = [];
    const graph = (async (query, variables) => {
      if (query.includes("recordDisclosure")) recorded.push(variables.input);
      return { data: { person: { phone: "+31612345678" }, recordDisclosure: { __typename: "Disclosure" } } };
    }) as GraphClient;
    const send = vi.fn(async () => {
      throw new PartnerError("PARTNER_UNAVAILABLE", "busy", true);
    });
    const runner = createPartnerRunner({ graph, schema, log: quiet, attempts: 3, backoff: () => 0 });
    await expect(runner.run(adapter(send), { personId: "anna", input: { text: "hi" }, idempotencyKey: "k3" })).rejects.toMatchObject({ code: "PARTNER_UNAVAILABLE" });
    expect(send).toHaveBeenCalledTimes(3);
    expect(recorded).toEqual([expect.objectContaining({ outcome: "FAILED", reference: null, idempotencyKey: "k3:failed" })]);
  });

  it("carries the request id that caused a send into its graph calls and its log line", async () => {
    const requestIds: (string | undefined)[] = [];
    const graph = (async (query, _variables, _caller, options) => {
      requestIds.push(options?.requestId);
      return query.includes("recordDisclosure") ? { data: { recordDisclosure: { __typename: "Disclosure" } } } : { data: { person: { phone: "+31612345678" } } };
    }) as GraphClient;
    const info = vi.fn();
    const runner = createPartnerRunner({ graph, schema, log: { info, error: () => {} } });
    await runner.run(adapter(async () => ({ reference: "R4" })), { personId: "anna", input: { text: "hi" }, idempotencyKey: "k4", requestId: "req-42" });
    expect(requestIds).toEqual(["req-42", "req-42"]);
    expect(info).toHaveBeenCalledWith(expect.objectContaining({ requestId: "req-42" }), "sent to partner");
  });
});
