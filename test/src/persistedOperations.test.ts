import { fileURLToPath } from "node:url";
import { loadApiSchema, loadPersistedQueryManifest } from "@grondslag/gateway";
import { loadSupergraphSdl } from "@grondslag/supergraph";
import { parse, validate } from "graphql";
import { describe, expect, it } from "vitest";

// The manifest is the list of questions production answers: a schema change that breaks one of
// them must fail here, in CI, and not in front of a frontend team in production.
describe("persisted operations", () => {
  it("every registered operation is valid against the committed graph", async () => {
    const committed = loadPersistedQueryManifest(fileURLToPath(new URL("../../gateway/persisted-operations.json", import.meta.url)));
    const schema = await loadApiSchema(loadSupergraphSdl());
    const invalid = committed.operations
      .map((operation) => ({ name: operation.name, errors: validate(schema, parse(operation.body)).map((error) => error.message) }))
      .filter((operation) => operation.errors.length > 0);
    expect(committed.operations.length).toBeGreaterThan(0);
    expect(invalid).toEqual([]);
  });
});
