import { readFileSync } from "node:fs";
import { ApolloGateway } from "@apollo/gateway";
import { createKeyPair, createLocalJWKSet, createTokenSigner, createTokenVerifier } from "@grondslag/auth";
import { createLogger } from "@grondslag/server";
import nock from "nock";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { createGateway } from "./createGateway.ts";
import { loadApiSchema } from "./loadApiSchema.ts";

const supergraphSdl = readFileSync(new URL("../../schema/supergraph/supergraph.graphql", import.meta.url), "utf8");

// Every connection nock refused (vitest.setup.ts lets only loopback through), by host.
let refused: string[] = [];
const recordRefusal = (request: { hostname?: string; host?: string }) => void refused.push(String(request.hostname ?? request.host));
beforeEach(() => {
  // Each test starts as a process would, without the variable (newApolloGateway sets it).
  vi.stubEnv("APOLLO_TELEMETRY_DISABLED", undefined);
  refused = [];
  nock.emitter.on("no match", recordRefusal);
});
afterEach(() => {
  nock.emitter.removeListener("no match", recordRefusal);
  vi.unstubAllEnvs();
});

/** Long enough for Apollo's start-up probes, which go out within a few milliseconds of construction. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

it("a plain ApolloGateway probes the cloud metadata addresses as it starts (what the gateway must switch off)", async () => {
  const gateway = new ApolloGateway({ supergraphSdl });
  await settle();
  await gateway.stop();
  expect(refused).toContain("169.254.169.254");
});

it("the platform's gateway connects out to nobody as it starts and loads: Apollo's host telemetry is off", async () => {
  const keys = await createKeyPair();
  const gateway = createGateway({
    supergraphSdl,
    verifyToken: createTokenVerifier({ keys: createLocalJWKSet({ keys: [keys.publicJwk] }), issuer: "test", audience: "test" }),
    signForwardedCaller: createTokenSigner({ key: keys, issuer: "test", audience: "test" }),
    log: createLogger({ level: "silent" }),
  });
  await gateway.listen(0, "127.0.0.1");
  await settle();
  await gateway.stop();
  expect(refused).toEqual([]);
});

it("printing the API schema connects out to nobody either", async () => {
  await loadApiSchema(supergraphSdl);
  await settle();
  expect(refused).toEqual([]);
});
