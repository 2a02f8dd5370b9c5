import { describe, expect, it } from "vitest";
import { createQueriesOnlyCheck, readsOnly } from "./createSubgraphServer.ts";

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

// A batch is refused whole when any of its documents may write (screenBatch); the verdict is kept
// per document text, so a batch of the gateway's usual fetches is not parsed again every request.
describe("createQueriesOnlyCheck", () => {
  it("answers by the document's text, the same the second time, and never lets a mutation through", () => {
    const queriesOnly = createQueriesOnlyCheck(2);
    const query = `query Q__therapy__1($r: [_Any!]!) { _entities(representations: $r) { __typename } }`;
    const mutation = `mutation { withdrawConsent(personId: "anna", purposeId: "gps-tracking") { id } }`;
    for (let time = 0; time < 2; time += 1) {
      expect(queriesOnly(query)).toBe(true);
      expect(queriesOnly(mutation)).toBe(false);
      expect(queriesOnly("subscription { changed }")).toBe(false);
      expect(queriesOnly("{ not a document")).toBe(false);
      // A document of a query and a mutation holds a mutation.
      expect(queriesOnly(`query A { me { id } } mutation B { x }`)).toBe(false);
    }
    // Kept at most two: the oldest went, and is decided again, alike.
    expect(queriesOnly(query)).toBe(true);
    expect(queriesOnly(mutation)).toBe(false);
  });

  it("decides a long document every time, as a short one", () => {
    const queriesOnly = createQueriesOnlyCheck();
    const long = `{ ${Array.from({ length: 800 }, (_, index) => `a${index}: me { id }`).join(" ")} }`;
    expect(long.length).toBeGreaterThan(4_000);
    expect(queriesOnly(long)).toBe(true);
    expect(queriesOnly(`mutation { ${long.slice(2)}`)).toBe(false);
  });
});
