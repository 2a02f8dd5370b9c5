import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createPersistedOperations, loadPersistedQueryManifest, sha256, type PersistedQueryManifest } from "./createPersistedOperations.ts";

const ME = "query Me { me { id givenName } }";
const manifest: PersistedQueryManifest = { format: "apollo-persisted-query-manifest", version: 1, operations: [{ id: sha256(ME), name: "Me", type: "query", body: ME }] };
const byHash = (hash: string, query?: string) => ({ ...(query ? { query } : {}), extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
const codeOf = (answer: ReturnType<ReturnType<typeof createPersistedOperations>["resolve"]>) => ("refusal" in answer ? answer.refusal.code : undefined);

describe("persisted operations", () => {
  it("the committed manifest is valid: every id is the sha256 of its body", () => {
    const committed = loadPersistedQueryManifest(fileURLToPath(new URL("../persisted-operations.json", import.meta.url)));
    expect(committed.operations.length).toBeGreaterThan(0);
  });

  it("refuses a manifest whose id does not match its body", () => {
    const path = fileURLToPath(new URL("../package.json", import.meta.url));
    expect(() => loadPersistedQueryManifest(path)).toThrow(/not an Apollo persisted query manifest/);
  });

  it("in production runs registered operations, by hash or in full, and refuses the rest", () => {
    const persisted = createPersistedOperations({ manifest, requireRegistered: true });
    expect(persisted.resolve(byHash(sha256(ME)))).toEqual({ body: { ...byHash(sha256(ME)), query: ME } });
    expect(persisted.resolve({ query: ME })).toEqual({ body: { query: ME } });
    expect(codeOf(persisted.resolve({ query: "{ me { id } }" }))).toBe("OPERATION_NOT_REGISTERED");
    expect(codeOf(persisted.resolve(byHash(sha256("{ me { id } }"))))).toBe("OPERATION_NOT_REGISTERED");
    // Registering by APQ is no way around the manifest.
    expect(codeOf(persisted.resolve(byHash(sha256("{ me { id } }"), "{ me { id } }")))).toBe("OPERATION_NOT_REGISTERED");
  });

  it("in development runs anything and supports APQ, screening the text it stored", () => {
    const persisted = createPersistedOperations({ manifest });
    const query = "{ me { id } }";
    expect(codeOf(persisted.resolve(byHash(sha256(query))))).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect(persisted.resolve(byHash(sha256(query), query))).toEqual({ body: byHash(sha256(query), query) });
    expect(persisted.resolve(byHash(sha256(query)))).toEqual({ body: byHash(sha256(query), query) });
    expect(persisted.resolve({ query })).toEqual({ body: { query } });
  });

  it("answers a hash that does not match its query as the client's error", () => {
    const persisted = createPersistedOperations({ manifest });
    const answer = persisted.resolve(byHash(sha256(ME), "{ me { id } }"));
    expect(answer).toEqual({ refusal: { status: 400, code: "PERSISTED_QUERY_HASH_MISMATCH", message: expect.any(String) } });
  });
});
