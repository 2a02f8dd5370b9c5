import { createLogger } from "@grondslag/server";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";
import { eq } from "drizzle-orm";
import { graphql } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { careRelationships } from "./db/tables.ts";
import { createSubgraph } from "./index.ts";

let database: TestDatabase;
let subgraph: ReturnType<typeof createSubgraph>;

beforeAll(async () => {
  database = await getTestDatabase();
  subgraph = createSubgraph({ database, log: createLogger({ level: "silent" }) });
  await resetDatabase(database, [subgraph]);
});

const tom = { subject: "tom", role: "therapist", personId: "tom", organisationId: "fysio-utrecht" } as const;

async function run(source: string, today = "2026-11-22") {
  return graphql({ schema: subgraph.schema, source, contextValue: { ...subgraph.createContext(tom), today } });
}

const entities = (typename: string, ids: string[], selection: string) => /* GraphQL */ `{
  _entities(representations: [${ids.map((id) => `{ __typename: "${typename}", id: "${id}" }`).join(", ")}]) {
    ... on ${typename} ${selection}
  }
}`;

describe("therapy subgraph", () => {
  it("answers a patient's program with its care relationship, exercises in order and compliance by day", async () => {
    const result = await run(
      entities(
        "Person",
        ["bram"],
        `{ carePrograms {
            id title goal startedOn endsOn
            careRelationship { id startedOn endedOn active patient { id } therapist { profession person { id } practice { name city } } }
            exercises { position name sets repetitions }
            compliance { performedOn exercise { name } done painScore effortScore }
        } }`,
      ),
    );
    expect(result).toEqual({
      data: {
        _entities: [
          {
            carePrograms: [
              {
                id: "bram-back",
                title: "Lage rugklachten",
                goal: "Een werkdag zitten en een half uur wandelen zonder rugpijn",
                startedOn: "2026-09-21",
                endsOn: null,
                careRelationship: {
                  id: "tom-bram",
                  startedOn: "2026-09-14",
                  endedOn: null,
                  active: true,
                  patient: { id: "bram" },
                  therapist: { profession: "fysiotherapeut", person: { id: "tom" }, practice: { name: "Fysiotherapie Utrecht Centrum", city: "Utrecht" } },
                },
                exercises: [
                  { position: 1, name: "Bruggetje", sets: 3, repetitions: 10 },
                  { position: 2, name: "Kat en koe", sets: 2, repetitions: 8 },
                ],
                compliance: [
                  { performedOn: "2026-11-17", exercise: { name: "Bruggetje" }, done: true, painScore: 3, effortScore: 5 },
                  { performedOn: "2026-11-17", exercise: { name: "Kat en koe" }, done: true, painScore: 2, effortScore: 3 },
                  { performedOn: "2026-11-19", exercise: { name: "Bruggetje" }, done: false, painScore: null, effortScore: null },
                  { performedOn: "2026-11-19", exercise: { name: "Kat en koe" }, done: true, painScore: 2, effortScore: 3 },
                  { performedOn: "2026-11-21", exercise: { name: "Bruggetje" }, done: true, painScore: 2, effortScore: 5 },
                  { performedOn: "2026-11-21", exercise: { name: "Kat en koe" }, done: true, painScore: 1, effortScore: 3 },
                ],
              },
            ],
          },
        ],
      },
    });
  });

  it("keeps three weeks of anna's knee rehabilitation, skipped days included", async () => {
    const result = await run(entities("Person", ["anna"], `{ carePrograms { id exercises { id } compliance { id done painScore } } }`));
    expect(result.errors).toBeUndefined();
    const [program] = (result.data?._entities as { carePrograms: { compliance: { id: string; done: boolean; painScore: number | null }[] }[] }[])[0]!
      .carePrograms;
    expect(program).toMatchObject({
      id: "anna-knee",
      exercises: [{ id: "anna-knee-squat" }, { id: "anna-knee-leg-raise" }, { id: "anna-knee-step-up" }],
    });
    expect(program!.compliance).toHaveLength(27);
    expect(program!.compliance.slice(3, 6)).toEqual([
      { id: "anna-knee-2026-11-04-squat", done: true, painScore: 5 },
      { id: "anna-knee-2026-11-04-leg-raise", done: true, painScore: 4 },
      { id: "anna-knee-2026-11-04-step-up", done: false, painScore: 7 },
    ]);
    expect(program!.compliance.filter((entry) => !entry.done)).toHaveLength(5);
  });

  it("lists a person's care relationships as patient, and none for a therapist or a stranger", async () => {
    const result = await run(entities("Person", ["anna", "tom", "eva"], `{ id careRelationships { id therapist { id } active } }`));
    expect(result).toEqual({
      data: {
        _entities: [
          { id: "anna", careRelationships: [{ id: "tom-anna", therapist: { id: "tom" }, active: true }] },
          { id: "tom", careRelationships: [] },
          { id: "eva", careRelationships: [] },
        ],
      },
    });
  });

  it("resolves Practice and Therapist references", async () => {
    const practices = await run(entities("Practice", ["fysio-utrecht", "praktijk-gent"], `{ id country therapists { id person { id } } }`));
    expect(practices).toEqual({
      data: {
        _entities: [
          { id: "fysio-utrecht", country: "NL", therapists: [{ id: "tom", person: { id: "tom" } }] },
          { id: "praktijk-gent", country: "BE", therapists: [{ id: "mila", person: { id: "mila" } }] },
        ],
      },
    });
    const therapists = await run(entities("Therapist", ["mila"], `{ profession registrationNumber practice { id } }`));
    expect(therapists).toEqual({
      data: { _entities: [{ profession: "kinesitherapeut", registrationNumber: "5-12345-67-527", practice: { id: "praktijk-gent" } }] },
    });
  });

  it("counts a relationship as active until the day it ends", async () => {
    // A former patient outside the demo cast, so no other test sees this row.
    await database.db
      .insert(careRelationships)
      .values({ id: "mila-lotte", therapistId: "mila", patientId: "lotte", startedOn: "2026-06-01", endedOn: "2026-11-27" });
    try {
      const activeOn = async (today: string) =>
        (await run(entities("Person", ["lotte"], `{ careRelationships { active } }`), today)).data;
      expect(await activeOn("2026-11-22")).toEqual({ _entities: [{ careRelationships: [{ active: true }] }] });
      expect(await activeOn("2026-11-27")).toEqual({ _entities: [{ careRelationships: [{ active: false }] }] });
      expect(await activeOn("2026-12-01")).toEqual({ _entities: [{ careRelationships: [{ active: false }] }] });
    } finally {
      await database.db.delete(careRelationships).where(eq(careRelationships.id, "mila-lotte"));
    }
  });

  it("resolves a batch of Person references with programs, exercises and compliance in a constant number of queries", async () => {
    const selection = `{
      id
      carePrograms {
        careRelationship { therapist { practice { name } } }
        exercises { name }
        compliance { performedOn exercise { name } }
      }
      careRelationships { active }
    }`;
    database.resetQueryCount();
    const one = await run(entities("Person", ["anna"], selection));
    const oneCount = database.queryCount;
    database.resetQueryCount();
    const five = await run(entities("Person", ["anna", "bram", "tom", "mila", "eva"], selection));
    const fiveCount = database.queryCount;

    expect(one.errors).toBeUndefined();
    expect(five.errors).toBeUndefined();
    expect((five.data?._entities as unknown[]).length).toBe(5);
    // programs, care relationships of patients, care relationship by id, therapist, practice,
    // exercises, compliance: one query each; compliance's exercises are primed by its join.
    expect(oneCount).toBe(7);
    expect(fiveCount).toBe(oneCount);
  });

  it("seeds idempotently", async () => {
    expect(await subgraph.hasData()).toBe(true);
    await subgraph.seedDemoData();
    const result = await run(entities("Person", ["bram"], `{ carePrograms { id exercises { id } compliance { id } } }`));
    expect(result.data).toEqual({
      _entities: [
        {
          carePrograms: [
            {
              id: "bram-back",
              exercises: [{ id: "bram-back-bridge" }, { id: "bram-back-cat-camel" }],
              compliance: [
                { id: "bram-back-2026-11-17-bridge" },
                { id: "bram-back-2026-11-17-cat-camel" },
                { id: "bram-back-2026-11-19-bridge" },
                { id: "bram-back-2026-11-19-cat-camel" },
                { id: "bram-back-2026-11-21-bridge" },
                { id: "bram-back-2026-11-21-cat-camel" },
              ],
            },
          ],
        },
      ],
    });
  });
});
