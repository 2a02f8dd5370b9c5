import {
  capabilityFor,
  createKeyPair,
  createLocalJWKSet,
  createTokenSigner,
  isPartnerRole,
  personas,
  type Caller,
  type PersonaName,
  type SigningKeyPair,
} from "@grondslag/auth";
import type { GatewayEdgeOptions } from "@grondslag/gateway";
import { createLogger, type Logger } from "@grondslag/server";
import type { PartnerPackage } from "@grondslag/integration-common";
import { createStack, createStackAuth, type PartnerConfig, type Stack, type StackAuth, type StackOptions } from "@grondslag/stack";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";
import { inject } from "vitest";
import { startSplitStack } from "./splitStack.ts";

export const TEST_ISSUER = "grondslag-test";
export const TEST_AUDIENCE = "grondslag";
const UNLIMITED = { burst: 1e9, perSecond: 1e9 };

export interface TestStack {
  stack: Stack;
  database: TestDatabase;
  gatewayUrl: string;
  subgraphUrls: Record<string, string>;
  /** The key the test issuer signs callers' tokens with. */
  issuerKey: SigningKeyPair;
  /** The gateway's key for forwarded callers: lets a test call a subgraph as the gateway would. */
  gatewayKey: SigningKeyPair;
  /** The platform's own key: `service` callers, partner capabilities, second-factor sessions. */
  platformKey: SigningKeyPair;
  /** The stack's two issuers, as the gateway verifies them. */
  auth: StackAuth;
  /**
   * A valid token for a person of the demo cast, from the people's (test) issuer. Partners hold
   * no such token: ask `capabilityFor`.
   */
  tokenFor(persona: PersonaName | Caller): Promise<string>;
  /** A partner persona's capability, from the platform's issuer, for one operation, its variables and one person. */
  capabilityFor(partner: PersonaName, query: string, variables: Record<string, string>, personId: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * How the suite's stack runs, chosen per vitest project (vitest.config.ts): "one-process" (the
 * default) builds it in the test's process; "split" starts the built gateway and each subgraph
 * as its own `node` process on PostgreSQL (test/src/splitStack.ts).
 */
export type StackShape = "one-process" | "split";

declare module "vitest" {
  export interface ProvidedContext {
    stackShape: StackShape;
  }
}

export function stackShape(): StackShape {
  return inject("stackShape") ?? "one-process";
}

/**
 * The whole graph on free loopback ports, over the suite's one database (reset and seeded
 * with the demo cast), with a test issuer instead of the development key files.
 */
// `auth`: the stack's issuers built elsewhere (externalIssuer.test.ts: createAuth with AUTH_JWKS_URL);
// `tokenFor` then signs with a test key that stack does not trust, and the test signs its own.
export async function startTestStack(
  options: {
    partners?: PartnerConfig;
    extraPartnerPackages?: readonly PartnerPackage[];
    partnerWorker?: StackOptions["partnerWorker"];
    log?: Logger;
    edge?: GatewayEdgeOptions;
    auth?: { auth: StackAuth; gatewayKey: SigningKeyPair; platformKey: SigningKeyPair };
  } = {},
): Promise<TestStack> {
  if (stackShape() === "split") {
    // Separate processes have their own loggers, partner clients, edge and keys (from their env).
    const inProcess = Object.keys(options);
    if (inProcess.length > 0) throw new Error(`startTestStack(${inProcess.join(", ")}) needs the one-process stack: leave this file out of the split project (vitest.config.ts).`);
    return startSplitStack({ issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  }
  const database = await getTestDatabase();
  const [issuerKey, gatewayKey, platformKey] = options.auth
    ? [await createKeyPair(), options.auth.gatewayKey, options.auth.platformKey]
    : await Promise.all([createKeyPair(), createKeyPair(), createKeyPair()]);
  const issue = createTokenSigner({ key: issuerKey, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, ttlSeconds: 300 });
  const auth =
    options.auth?.auth ??
    createStackAuth({
      people: { keys: createLocalJWKSet({ keys: [issuerKey.publicJwk] }), issuer: TEST_ISSUER, audience: TEST_AUDIENCE },
      platformKey,
      gatewayKey,
      issuePersonToken: issue,
    });
  const log = options.log ?? createLogger({ level: "silent" });

  const stack = await createStack({
    database,
    auth,
    log,
    seedDemoData: false,
    otpKey: `test-otp-key-${Math.random()}`,
    ...(options.partners ? { partners: options.partners } : {}),
    ...(options.extraPartnerPackages ? { extraPartnerPackages: options.extraPartnerPackages } : {}),
    ...(options.partnerWorker === undefined ? {} : { partnerWorker: options.partnerWorker }),
    // Suites fire requests as fast as they can as one persona: rates stay out of their way
    // unless a test sets its own (gatewayLimits.test.ts does).
    edge: { callerRateLimit: UNLIMITED, refusalRateLimit: UNLIMITED, ...options.edge },
  });
  await resetDatabase(database, stack.subgraphs);
  const subgraphPorts = Object.fromEntries(stack.subgraphs.map((subgraph) => [subgraph.name, 0]));
  const { gatewayUrl, subgraphUrls } = await stack.listen({ gatewayPort: 0, subgraphPorts });

  return {
    stack,
    database,
    gatewayUrl,
    subgraphUrls,
    issuerKey,
    gatewayKey,
    platformKey,
    auth,
    tokenFor: (persona) => {
      const caller = typeof persona === "string" ? personas[persona] : persona;
      if (isPartnerRole(caller.role)) throw new Error(`${caller.role} holds capabilities only: use capabilityFor`);
      return issue(caller);
    },
    capabilityFor: (partner, query, variables, personId) => auth.issueToken({ ...personas[partner], capability: capabilityFor(query, variables, personId) }),
    stop: () => stack.stop(),
  };
}
