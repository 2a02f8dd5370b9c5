import { createKeyPair, createTokenSigner, personas } from "@grondslag/auth";
import { FORWARDED_AUDIENCE, FORWARDED_ISSUER } from "@grondslag/stack";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

let graph: TestStack;
beforeAll(async () => {
  graph = await startTestStack();
});
afterAll(() => graph?.stop());

const ENTITIES = /* GraphQL */ `{ _entities(representations: [{ __typename: "Person", id: "anna" }]) { ... on Person { id email } } }`;
const SUBGRAPHS = ["identity", "therapy", "mobility", "billing", "consent"] as const;

describe("a subgraph called directly", () => {
  it.each(SUBGRAPHS)("%s answers federation's _service without a caller", async (name) => {
    const { status, body } = await postGraphQL(graph.subgraphUrls[name]!, `{ _service { sdl } }`);
    expect(status).toBe(200);
    expect(body.data?._service).toMatchObject({ sdl: expect.stringContaining("type Person") });
  });

  it("answers `_service` to a request without a caller once only: no alias, in fragments neither, and no long document", async () => {
    const url = graph.subgraphUrls.mobility!;
    const named = await postGraphQL(url, `query SubgraphIntrospectQuery { _service { sdl } }`);
    expect(named.status).toBe(200);
    expect(named.body.data?._service).toMatchObject({ sdl: expect.stringContaining("type Trip") });
    const multiplied = [
      `{ a: _service { sdl } b: _service { sdl } }`,
      `{ _service { a: sdl b: sdl } }`,
      `{ ...F } fragment F on Query { a: _service { sdl } b: _service { sdl } }`,
      `{ _service { ... on _Service { a: sdl } } }`,
    ];
    for (const query of multiplied) {
      const { status, body } = await postGraphQL(url, query);
      expect(status).toBe(401);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    }
    // Long enough to be anything but `_service` alone: refused before it is parsed.
    const long = await postGraphQL(url, `{ ${"_service { sdl } ".repeat(100)}}`);
    expect(long.status).toBe(401);
    expect(long.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it.each(SUBGRAPHS)("%s refuses data to a request without a caller", async (name) => {
    const { status, body } = await postGraphQL(graph.subgraphUrls[name]!, `{ _entities(representations: [{ __typename: "Person", id: "anna" }]) { __typename } }`);
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a caller forged with another key", async () => {
    const forger = createTokenSigner({ key: await createKeyPair(), issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE });
    const { status, body } = await postGraphQL(graph.subgraphUrls.identity!, ENTITIES, await forger(personas.anna));
    expect(status).toBe(401);
    expect(body).toEqual({
      errors: [expect.objectContaining({ message: "Caller refused: The token's signature does not verify.", extensions: expect.objectContaining({ code: "UNAUTHENTICATED" }) })],
    });
  });

  it("refuses a caller's own token: only the gateway's forwarded caller is trusted", async () => {
    const { status, body } = await postGraphQL(graph.subgraphUrls.identity!, ENTITIES, await graph.tokenFor("anna"));
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
  });

  it("refuses a caller named in a header without a signature", async () => {
    const response = await fetch(graph.subgraphUrls.identity!, {
      method: "POST",
      headers: { "content-type": "application/json", "x-caller": "anna", authorization: "Bearer anna" },
      body: JSON.stringify({ query: ENTITIES }),
    });
    expect(response.status).toBe(401);
  });

  it("refuses a batch without the gateway's caller, an oversized batch, and a batch holding a mutation, before any of it runs", async () => {
    const gateway = createTokenSigner({ key: graph.gatewayKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE, ttlSeconds: 60 });
    const token = await gateway(personas.anna);
    const batch = async (operations: unknown[], authorization?: string) => {
      const response = await fetch(graph.subgraphUrls.consent!, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization: `Bearer ${authorization}` } : {}) },
        body: JSON.stringify(operations),
      });
      return { status: response.status, body: (await response.json()) as { errors?: { extensions?: { code?: string } }[] } | unknown[] };
    };
    // Anonymous: `_service` alone is open, and a batch of it would be an amplifier.
    const anonymous = await batch(Array.from({ length: 3 }, () => ({ query: "{ _service { sdl } }" })));
    expect(anonymous.status).toBe(401);
    expect((anonymous.body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("UNAUTHENTICATED");
    const tooMany = await batch(Array.from({ length: 129 }, () => ({ query: "{ _service { sdl } }" })), token);
    expect(tooMany.status).toBe(400);
    expect((tooMany.body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("BATCH_TOO_LARGE");
    // Twice: the second time each document's verdict is the one kept from the first.
    for (let time = 0; time < 2; time += 1) {
      const withMutation = await batch([{ query: "{ _service { sdl } }" }, { query: `mutation { withdrawConsent(personId: "anna", purposeId: "gps-tracking") { id } }` }], token);
      expect(withMutation.status).toBe(400);
      expect((withMutation.body as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("BATCH_NOT_QUERIES");
    }
    // The gateway's own kind of batch: its caller, a few queries, one answer each.
    const allowed = await batch([{ query: "{ _service { sdl } }" }, { query: "{ _service { sdl } }" }], token);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toHaveLength(2);
  });

  it("answers a caller the gateway signed", async () => {
    const gateway = createTokenSigner({ key: graph.gatewayKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE, ttlSeconds: 60 });
    const { status, body } = await postGraphQL(graph.subgraphUrls.identity!, ENTITIES, await gateway(personas.anna));
    expect(status).toBe(200);
    expect(body).toEqual({ data: { _entities: [{ id: "anna", email: "anna@example.nl" }] } });
  });

  it("answers no federated trace and no cache hint, even when asked for a trace", async () => {
    const gateway = createTokenSigner({ key: graph.gatewayKey, issuer: FORWARDED_ISSUER, audience: FORWARDED_AUDIENCE, ttlSeconds: 60 });
    const response = await fetch(graph.subgraphUrls.identity!, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await gateway(personas.anna)}`, "apollo-federation-include-trace": "ftv1" },
      body: JSON.stringify({ query: ENTITIES }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBeNull();
    expect(await response.json()).toEqual({ data: { _entities: [{ id: "anna", email: "anna@example.nl" }] } });
  });
});
