import { buildSubgraphSchema } from "@apollo/subgraph";
import { graphql, parse } from "graphql";
import { describe, expect, it, vi } from "vitest";
import { resolveEntitiesAtOnce } from "./resolveEntitiesAtOnce.ts";

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Query { ping: String }
  type Person @key(fields: "id") { id: ID! name: String }
  type Practice @key(fields: "id") { id: ID! name: String }
  type Room @key(fields: "id") { id: ID! }
  interface Place @key(fields: "id") { id: ID! }
  type Office implements Place @key(fields: "id") { id: ID! }
`);

function build() {
  const personReference = vi.fn((reference: { id: string }) => ({ id: reference.id, name: `person ${reference.id}` }));
  const practiceReference = vi.fn(async (reference: { id: string }) => (reference.id === "gone" ? null : { id: reference.id, name: `practice ${reference.id}`, __typename: "Clinic" }));
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Person: { __resolveReference: personReference },
      Practice: { __resolveReference: practiceReference },
      Place: { __resolveType: () => "Office" },
    } as never,
  });
  return { schema, personReference, practiceReference };
}

const entities = (representations: object[]) => ({
  source: `query ($representations: [_Any!]!) { _entities(representations: $representations) { __typename ... on Person { id name } ... on Practice { id name } ... on Room { id } ... on Office { id } } }`,
  variableValues: { representations },
});

describe("resolveEntitiesAtOnce", () => {
  it("answers as Apollo's resolver does, each entity at once where its reference resolver is", async () => {
    const representations = [
      { __typename: "Person", id: "anna" },
      { __typename: "Practice", id: "p1" },
      { __typename: "Room", id: "r1" },
      { __typename: "Practice", id: "gone" },
    ];
    const plain = build();
    const expected = await graphql({ schema: plain.schema, ...entities(representations) });
    expect(expected.errors).toBeUndefined();
    const atOnce = build();
    resolveEntitiesAtOnce(atOnce.schema);
    expect(await graphql({ schema: atOnce.schema, ...entities(representations) })).toEqual(expected);
    expect(atOnce.personReference).toHaveBeenCalledTimes(1);
    expect(atOnce.practiceReference).toHaveBeenCalledTimes(2);
    // The list itself, and a Person in it, at once; a loader's entity stays its promise.
    const field = atOnce.schema.getQueryType()!.getFields()._entities!;
    const answer = field.resolve!(undefined, { representations }, {}, { schema: atOnce.schema } as never) as unknown[];
    expect(Array.isArray(answer)).toBe(true);
    expect(answer[0]).toEqual({ id: "anna", name: "person anna" });
    expect((answer[0] as { __typename: string }).__typename).toBe("Person");
    expect(answer[1]).toBeInstanceOf(Promise);
    // A reference resolver naming another type is answered with a copy naming the one asked for.
    expect(await answer[1]).toMatchObject({ id: "p1", __typename: "Practice" });
  });

  it("leaves to Apollo's resolver what it does not answer itself: an interface, an unknown type", async () => {
    for (const representations of [[{ __typename: "Person", id: "anna" }, { __typename: "Office", id: "o1" }], [{ __typename: "Nowhere", id: "x" }]]) {
      const plain = build();
      const expected = await graphql({ schema: plain.schema, ...entities(representations) });
      const atOnce = build();
      resolveEntitiesAtOnce(atOnce.schema);
      expect(await graphql({ schema: atOnce.schema, ...entities(representations) })).toEqual(expected);
      // Checked before any reference is resolved: none is resolved twice.
      expect(atOnce.personReference.mock.calls.length).toBe(plain.personReference.mock.calls.length);
    }
  });
});
