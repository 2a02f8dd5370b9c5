import { ApolloServer } from "@apollo/server";
import { buildSchema, type OperationDefinitionNode } from "graphql";
import { describe, expect, it, vi } from "vitest";
import { requireCaller } from "./requireCaller.ts";
import type { SubgraphContext } from "./Subgraph.ts";

describe("requireCaller with the subgraph's prepareExecution", () => {
  const schema = buildSchema(`type Query { prepared(x: Int): Boolean, _service: String }`);
  const caller = { subject: "anna", role: "subject", personId: "anna" } as const;

  it("runs it once per operation, after the checks and before execution, which waits for it", async () => {
    let done = false;
    const prepare = vi.fn((_operation: OperationDefinitionNode, _variables: Record<string, unknown> | undefined, _context: SubgraphContext) =>
      new Promise<void>((resolve) => setTimeout(() => resolve(void (done = true)), 10)),
    );
    const server = new ApolloServer<SubgraphContext>({ schema, rootValue: { prepared: () => done }, plugins: [requireCaller(prepare)] });
    await server.start();
    try {
      const contextValue: SubgraphContext = { caller };
      const answer = await server.executeOperation({ query: `query Q($x: Int) { prepared(x: $x) }`, variables: { x: 1 } }, { contextValue });
      expect(answer.body).toMatchObject({ kind: "single", singleResult: { data: { prepared: true } } });
      expect(prepare).toHaveBeenCalledTimes(1);
      const [operation, variables, context] = prepare.mock.calls[0]!;
      expect(operation.name?.value).toBe("Q");
      expect(variables).toEqual({ x: 1 });
      expect(context).toMatchObject({ caller });
      // Without a caller the operation is refused before anything is prepared.
      const refused = await server.executeOperation({ query: `{ prepared }` }, { contextValue: { caller: null } });
      expect(refused.body).toMatchObject({ kind: "single", singleResult: { errors: [{ extensions: { code: "UNAUTHENTICATED" } }] } });
      expect(prepare).toHaveBeenCalledTimes(1);
    } finally {
      await server.stop();
    }
  });
});
