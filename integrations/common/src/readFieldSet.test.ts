import { operationHash, type Caller } from "@grondslag/auth";
import { describe, expect, it } from "vitest";
import { createGraphClient, type GraphClient } from "./createGraphClient.ts";
import type { PartnerDeclaration } from "./PartnerAdapter.ts";
import { readFieldSet } from "./readFieldSet.ts";

const byPerson: PartnerDeclaration = {
  partner: "acme-sms",
  legalRole: "processor",
  purpose: "reminders",
  basis: "CONTRACT",
  fieldSet: `query AcmeRecipient($personId: ID!) { person(id: $personId) { phone } }`,
};
const byInvoice: PartnerDeclaration = {
  partner: "acme-pay",
  legalRole: "processor",
  purpose: "payment",
  basis: "CONTRACT",
  fieldSet: `query AcmePayment($invoiceId: ID!) { invoice(id: $invoiceId) { amount payer { iban } } }`,
};

function recording(answer: Record<string, unknown>) {
  const calls: { query: string; variables: Record<string, unknown>; caller: Caller; requestId: string | undefined }[] = [];
  const graph = (async (query, variables, caller, options) => {
    calls.push({ query, variables, caller, requestId: options?.requestId });
    return answer;
  }) as GraphClient;
  return { graph, calls };
}

describe("readFieldSet", () => {
  it("reads as the partner with a capability for this operation, { personId } and this person", async () => {
    const { graph, calls } = recording({ data: { person: { phone: "+31612345678" } } });
    expect(await readFieldSet(graph, { declaration: byPerson, personId: "anna", requestId: "req-1" })).toEqual({ person: { phone: "+31612345678" } });
    expect(calls).toEqual([
      {
        query: byPerson.fieldSet,
        variables: { personId: "anna" },
        caller: { subject: "acme-sms", role: "partner:acme-sms", capability: { operation: operationHash(byPerson.fieldSet), variables: { personId: "anna" }, personId: "anna" } },
        requestId: "req-1",
      },
    ]);
  });

  it("takes the variables a field set needs beyond $personId, and binds the data subject beside them", async () => {
    const { graph, calls } = recording({ data: { invoice: { amount: 50, payer: { iban: "NL91ABNA0417164300" } } } });
    await readFieldSet(graph, { declaration: byInvoice, personId: "bram", variables: { invoiceId: "inv-7" } });
    expect(calls[0]?.variables).toEqual({ invoiceId: "inv-7" });
    expect(calls[0]?.caller.capability).toEqual({ operation: operationHash(byInvoice.fieldSet), variables: { invoiceId: "inv-7" }, personId: "bram" });
  });

  it("throws, naming the refused fields and no value, when the graph refuses any of the set", async () => {
    const { graph } = recording({
      data: { person: { phone: null } },
      errors: [{ message: "Not authorised to read Person.phone.", extensions: { code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Person.phone" } }],
    });
    await expect(readFieldSet(graph, { declaration: byPerson, personId: "anna" })).rejects.toThrow("The graph refused partner:acme-sms's field set: Person.phone");
  });
});

describe("createGraphClient", () => {
  it("will not send a capability with a request it was not issued for", async () => {
    const signed: Caller[] = [];
    const graph = createGraphClient({ url: "http://127.0.0.1:9/graphql", tokenFor: async (caller) => (signed.push(caller), "token") });
    const capability = { operation: operationHash(byPerson.fieldSet), variables: { personId: "anna" }, personId: "anna" };
    const partner: Caller = { subject: "acme-sms", role: "partner:acme-sms", capability };
    await expect(graph(byPerson.fieldSet, { personId: "bram" }, partner)).rejects.toThrow(/issued for another operation or other variables/);
    await expect(graph(`{ me { id } }`, {}, partner)).rejects.toThrow(/issued for another operation or other variables/);
    expect(signed).toEqual([]);
  });
});
