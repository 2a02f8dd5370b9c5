import { describe, expect, it } from "vitest";
import { readsOnly } from "./createSubgraphServer.ts";

// A gateway request's read-only fetches share the policy's facts (createPolicyLookups); a fetch
// that may write must never be taken for one that only reads.
describe("readsOnly", () => {
  it("holds for a query and for a batch of queries", () => {
    expect(readsOnly({ query: `query Q { person(id: "anna") { id } }` })).toBe(true);
    expect(readsOnly({ query: `{ _entities(representations: $r) { __typename } }`, variables: { r: [] } })).toBe(true);
    expect(readsOnly([{ query: "{ a: person(id: \"anna\") { id } }" }, { query: "query { me { id } }" }])).toBe(true);
  });

  it("fails for anything that may write or cannot be read as a document", () => {
    expect(readsOnly({ query: `mutation { withdrawConsent(personId: "anna", purposeId: "health-data") { state } }` })).toBe(false);
    expect(readsOnly([{ query: "{ me { id } }" }, { query: "mutation M { x }" }])).toBe(false);
    expect(readsOnly({ query: "subscription { changed }" })).toBe(false);
    // Sent by hash alone (no document), a GET (no body), an empty batch, a document that is not a string.
    expect(readsOnly({ extensions: { persistedQuery: { version: 1, sha256Hash: "ab" } } })).toBe(false);
    expect(readsOnly(undefined)).toBe(false);
    expect(readsOnly([])).toBe(false);
    expect(readsOnly({ query: { kind: "Document" } })).toBe(false);
  });

  it("errs only towards writing: the word anywhere, in any case, counts", () => {
    expect(readsOnly({ query: `{ person(id: "mutation") { id } }` })).toBe(false);
    expect(readsOnly({ query: "{ Mutation: me { id } }" })).toBe(false);
    expect(readsOnly({ query: "\nMUTATION { x }" })).toBe(false);
  });
});
