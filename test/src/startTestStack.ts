import { createKeyPair, createLocalJWKSet, createTokenSigner, createTokenVerifier, personas, type Caller, type PersonaName, type SigningKeyPair } from "@grondslag/auth";
import type { GatewayEdgeOptions } from "@grondslag/gateway";
import { createLogger, type Logger } from "@grondslag/server";
import type { PartnerPackage } from "@grondslag/integration-common";
import { createStack, type PartnerConfig, type Stack, type StackOptions } from "@grondslag/stack";
import { getTestDatabase, resetDatabase, type TestDatabase } from "@grondslag/testing";

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
  /** A valid token for a persona of the demo cast. */
  tokenFor(persona: PersonaName | Caller): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The whole graph on free loopback ports, over the suite's one database (reset and seeded
 * with the demo cast), with a test issuer instead of the development key files.
 */
export async function startTestStack(
  options: { partners?: PartnerConfig; extraPartnerPackages?: readonly PartnerPackage[]; partnerWorker?: StackOptions["partnerWorker"]; log?: Logger; edge?: GatewayEdgeOptions } = {},
): Promise<TestStack> {
  const database = await getTestDatabase();
  const [issuerKey, gatewayKey] = await Promise.all([createKeyPair(), createKeyPair()]);
  const verifyToken = createTokenVerifier({ keys: createLocalJWKSet({ keys: [issuerKey.publicJwk] }), issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  const issue = createTokenSigner({ key: issuerKey, issuer: TEST_ISSUER, audience: TEST_AUDIENCE, ttlSeconds: 300 });
  const log = options.log ?? createLogger({ level: "silent" });

  const stack = await createStack({
    database,
    auth: { verifyToken, gatewayKey, issueToken: issue },
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
    tokenFor: (persona) => issue(typeof persona === "string" ? personas[persona] : persona),
    stop: () => stack.stop(),
  };
}
