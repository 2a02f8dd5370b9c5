import { describe, expect, it } from "vitest";
import { factsIn } from "./createPolicyLookups.ts";

describe("the facts statement's answer", () => {
  it("is the JSON array of its one row", () => {
    const facts = [["consent", "anna", "health-data"], ["care", "anna", "tom", "fysio-utrecht", true]];
    expect(factsIn([{ facts }])).toBe(facts);
    expect(factsIn([{ facts: [] }])).toEqual([]);
  });

  it("fails, naming the statement, when the driver hands back anything but an array: never read as no facts", () => {
    for (const answer of [[{ facts: '[["consent","anna","health-data"]]' }], [{ facts: null }], [{ facts: { consent: [] } }], []]) {
      expect(() => factsIn(answer)).toThrow("The policy's facts statement did not answer a JSON array.");
    }
  });
});
