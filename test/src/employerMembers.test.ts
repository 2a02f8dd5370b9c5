import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postGraphQL, type GraphQLResponse } from "./postGraphQL.ts";
import { startTestStack, type TestStack } from "./startTestStack.ts";

// Found probing as a frontend team: an employer's portal could not list its employees, so its
// monthly report had to know the platform's person ids from elsewhere.
let graph: TestStack;
beforeAll(async () => {
  graph = await startTestStack();
});
afterAll(() => graph?.stop());

const MEMBERS = /* GraphQL */ `
  query Members($first: Int, $after: String) {
    me { memberships { organisation { id members(first: $first, after: $after) { nodes { id employeeNumber person { id } } pageInfo { hasNextPage endCursor } } } } }
  }
`;
type Members = { nodes: { id: string; employeeNumber: string; person: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null;

async function membersAs(persona: "eva" | "anna" | "tom", variables: Record<string, unknown> = {}): Promise<{ response: GraphQLResponse; members: Members[] }> {
  const response = await postGraphQL(graph.gatewayUrl, MEMBERS, await graph.tokenFor(persona), variables);
  const memberships = (response.body.data?.me as { memberships: { organisation: { members: Members } }[] } | null)?.memberships ?? [];
  return { response, members: memberships.map((membership) => membership.organisation.members) };
}

describe("an organisation's members", () => {
  it("are listed for the organisation's own employer admin: its current employees, with their employee numbers", async () => {
    const { response, members } = await membersAs("eva");
    expect(response.body.errors).toBeUndefined();
    expect(members).toEqual([
      {
        nodes: [
          { id: "anna-acme", employeeNumber: "E-1001", person: { id: "anna" } },
          { id: "bram-acme", employeeNumber: "E-1002", person: { id: "bram" } },
        ],
        pageInfo: { hasNextPage: false, endCursor: expect.any(String) },
      },
    ]);
    // A page at a time.
    const { members: [first] } = await membersAs("eva", { first: 1 });
    expect({ ids: first!.nodes.map((node) => node.id), hasNextPage: first!.pageInfo.hasNextPage }).toEqual({ ids: ["anna-acme"], hasNextPage: true });
    const { members: [second] } = await membersAs("eva", { first: 1, after: first!.pageInfo.endCursor });
    expect({ ids: second!.nodes.map((node) => node.id), hasNextPage: second!.pageInfo.hasNextPage }).toEqual({ ids: ["bram-acme"], hasNextPage: false });
  });

  it("are refused to anyone else, employees of the organisation and therapists of a practice alike, with nothing personal in the error", async () => {
    for (const persona of ["anna", "tom"] as const) {
      const { response, members } = await membersAs(persona);
      expect(members.length).toBeGreaterThan(0);
      expect(members.every((list) => list === null)).toBe(true);
      expect(new Set(response.body.errors?.map((error) => JSON.stringify(error.extensions)))).toEqual(
        new Set([JSON.stringify({ code: "UNAUTHORIZED_FIELD_OR_TYPE", field: "Organisation.members", policy: "read: administers-organisation", serviceName: "identity" })]),
      );
      expect(JSON.stringify(response.body.errors)).not.toMatch(/E-100|bram|anna-acme/);
    }
  });

  it("leave out an employee whose processing is restricted, without a trace in the page or its cursors", async () => {
    const opened = await postGraphQL(graph.gatewayUrl, `mutation { openSupportCase(personId: "anna", kind: RESTRICTION, topic: "Beperk de verwerking") { id } }`, await graph.tokenFor("anna"));
    const caseId = (opened.body.data?.openSupportCase as { id: string }).id;
    try {
      const { response, members } = await membersAs("eva");
      expect(response.body.errors).toBeUndefined();
      expect(members[0]!.nodes.map((node) => node.id)).toEqual(["bram-acme"]);
      const { members: [page] } = await membersAs("eva", { first: 1 });
      expect({ ids: page!.nodes.map((node) => node.id), hasNextPage: page!.pageInfo.hasNextPage }).toEqual({ ids: ["bram-acme"], hasNextPage: false });
      expect(Buffer.from(page!.pageInfo.endCursor!, "base64url").toString()).not.toContain("anna");
    } finally {
      await postGraphQL(graph.gatewayUrl, `mutation { closeSupportCase(caseId: "${caseId}") { closedAt } }`, await graph.tokenFor("anna"));
    }
    expect((await membersAs("eva")).members[0]!.nodes.map((node) => node.id)).toEqual(["anna-acme", "bram-acme"]);
  });
});
