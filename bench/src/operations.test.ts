import { describe, expect, it } from "vitest";
import { operationNamed } from "./operations.ts";

describe("operationNamed", () => {
  it("builds the three operations the diagnostics are named", () => {
    for (const name of ["patient", "therapist", "employer"]) expect(typeof operationNamed(name)).toBe("function");
  });

  it("refuses any other name, before anything is built, naming the ones it knows", () => {
    for (const name of ["therapists", "", "toString", "__proto__"]) {
      expect(() => operationNamed(name)).toThrow(`Unknown operation "${name}": one of patient, therapist, employer.`);
    }
  });
});
