import { describe, expect, it } from "vitest";
import { batchSubgraphFetches } from "./batchSubgraphFetches.ts";

const URL = "http://127.0.0.1:4002/graphql";

/** A subgraph stand-in: answers a batch with one answer per operation, naming the operation it answers. */
function fakeSubgraph() {
  const received: unknown[] = [];
  const fetcher = (async (_input: unknown, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body));
    received.push(body);
    const answer = (operation: { query: string }) => ({ data: { answered: operation.query } });
    return new Response(JSON.stringify(Array.isArray(body) ? body.map(answer) : answer(body)));
  }) as typeof fetch;
  return { fetcher, received };
}

const send = (fetcher: typeof fetch, query: string, requestId = "r1", authorization = "Bearer a") =>
  fetcher(URL, { method: "POST", headers: { "x-request-id": requestId, authorization }, body: JSON.stringify({ query }) }).then(async (response) => ({
    type: response.headers.get("content-type"),
    body: (await response.json()) as { data: { answered: string } },
  }));

describe("batchSubgraphFetches", () => {
  it("sends one request's fetches in the same turn as one batch, and gives each its own answer", async () => {
    const subgraph = fakeSubgraph();
    const fetcher = batchSubgraphFetches(subgraph.fetcher);
    const answers = await Promise.all([send(fetcher, "query A { a }"), send(fetcher, "query B { b }"), send(fetcher, "query C { c }")]);
    expect(subgraph.received).toEqual([[{ query: "query A { a }" }, { query: "query B { b }" }, { query: "query C { c }" }]]);
    expect(answers.map((answer) => answer.body.data.answered)).toEqual(["query A { a }", "query B { b }", "query C { c }"]);
    expect(answers.every((answer) => answer.type?.startsWith("application/json"))).toBe(true);
  });

  it("splits a request's fetches into batches of at most the subgraph's limit", async () => {
    const subgraph = fakeSubgraph();
    const fetcher = batchSubgraphFetches(subgraph.fetcher, 2);
    const queries = ["A", "B", "C", "D", "E"].map((name) => `query ${name} { a }`);
    const answers = await Promise.all(queries.map((query) => send(fetcher, query)));
    expect(subgraph.received.map((batch) => (Array.isArray(batch) ? batch.length : 1))).toEqual([2, 2, 1]);
    expect(answers.map((answer) => answer.body.data.answered)).toEqual(queries);
  });

  it("never joins fetches of different requests or callers, nor mutations", async () => {
    const subgraph = fakeSubgraph();
    const fetcher = batchSubgraphFetches(subgraph.fetcher);
    await Promise.all([
      send(fetcher, "query A { a }", "r1"),
      send(fetcher, "query B { b }", "r2"),
      send(fetcher, "query C { c }", "r1", "Bearer other"),
      send(fetcher, "mutation M { m }", "r1"),
    ]);
    expect(subgraph.received).toHaveLength(4);
    expect(subgraph.received.every((body) => !Array.isArray(body))).toBe(true);
  });

  it("gives a refusal of the whole batch to every operation in it", async () => {
    const refusing = (async () => new Response(JSON.stringify({ errors: [{ message: "Caller refused", extensions: { code: "UNAUTHENTICATED" } }] }), { status: 401 })) as typeof fetch;
    const fetcher = batchSubgraphFetches(refusing);
    const responses = await Promise.all(["query A { a }", "query B { b }"].map((query) => fetcher(URL, { headers: { "x-request-id": "r1" }, body: JSON.stringify({ query }) })));
    expect(responses.map((response) => response.status)).toEqual([401, 401]);
    expect(await responses[1]!.json()).toEqual({ errors: [{ message: "Caller refused", extensions: { code: "UNAUTHENTICATED" } }] });
  });

  it("gives each operation its own answer even when one of them was refused (non-2xx): never a sibling's", async () => {
    const mixed = (async (_input: unknown, init?: RequestInit) => {
      const body = JSON.parse(String(init?.body)) as { query: string }[];
      const answers = body.map((operation) => (operation.query.includes("bad") ? { errors: [{ message: "refused" }] } : { data: { secret: operation.query } }));
      return new Response(JSON.stringify(answers), { status: 400 });
    }) as typeof fetch;
    const fetcher = batchSubgraphFetches(mixed);
    const responses = await Promise.all(["query A { a }", "query Bad { bad }"].map((query) => fetcher(URL, { headers: { "x-request-id": "r1" }, body: JSON.stringify({ query }) })));
    expect(await responses[0]!.json()).toEqual({ data: { secret: "query A { a }" } });
    const refused = await responses[1]!.text();
    expect(JSON.parse(refused)).toEqual({ errors: [{ message: "refused" }] });
    expect(refused).not.toContain("query A");
  });

  it("fails every operation of a batch whose fetch failed", async () => {
    const down = (async () => {
      throw new Error("SUBGRAPH_UNAVAILABLE");
    }) as typeof fetch;
    const fetcher = batchSubgraphFetches(down);
    const results = await Promise.allSettled(["query A { a }", "query B { b }"].map((query) => fetcher(URL, { headers: { "x-request-id": "r1" }, body: JSON.stringify({ query }) })));
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
  });

  it("hands each answer over parsed, and it reads the same whichever way it is read", async () => {
    const subgraph = fakeSubgraph();
    const fetcher = batchSubgraphFetches(subgraph.fetcher);
    const queries = ["query A { a }", "query B { b }", "query C { c }", "query D { d }", "query E { e }"];
    const responses = await Promise.all(queries.map((query) => fetcher(URL, { headers: { "x-request-id": "r1" }, body: JSON.stringify({ query }) })));
    const expected = (index: number) => ({ data: { answered: queries[index] } });
    for (const response of responses) {
      expect(response).toBeInstanceOf(Response);
      expect([response.status, response.ok, response.headers.get("content-type")]).toEqual([200, true, "application/json; charset=utf-8"]);
    }
    expect(await responses[0]!.json()).toEqual(expected(0));
    expect(JSON.parse(await responses[1]!.text())).toEqual(expected(1));
    expect(JSON.parse(new TextDecoder().decode(await responses[2]!.arrayBuffer()))).toEqual(expected(2));
    expect(JSON.parse(await (await responses[3]!.blob()).text())).toEqual(expected(3));
    expect(JSON.parse(await new Response(responses[4]!.body).text())).toEqual(expected(4));
    // A clone is read on its own, as a real response's is: changing what one answers leaves the other's.
    const clone = responses[0]!.clone();
    const cloned = (await clone.json()) as { data: { answered: string } };
    expect([clone.status, cloned]).toEqual([200, expected(0)]);
    cloned.data.answered = "changed";
    expect(await responses[0]!.json()).toEqual(expected(0));
  });
});
