import { createGateway, type GatewayEdgeOptions } from "@grondslag/gateway";
import { createLogger } from "@grondslag/server";
import { createForwarding } from "@grondslag/stack";
import { loadSupergraphSdl } from "@grondslag/supergraph";
import type { TestStack } from "./startTestStack.ts";

/**
 * Another gateway over a test stack's subgraphs, verifying tokens as the stack's gateway does,
 * with its own edge settings only. Without the stack's `partnerOperations` it lets a partner
 * capability for an undeclared operation through: what the subgraphs' own checks meet should one
 * ever get past the gateway. `stop` it when done.
 */
export async function startGateway(graph: TestStack, edge: GatewayEdgeOptions = {}, subgraphUrls = graph.subgraphUrls): Promise<{ url: string; stop: () => Promise<void> }> {
  const gateway = createGateway({
    ...edge,
    supergraphSdl: loadSupergraphSdl(),
    subgraphUrls,
    verifyToken: graph.auth.verifyToken,
    signForwardedCaller: createForwarding(graph.gatewayKey).sign,
    log: createLogger({ level: "silent" }),
  });
  return { url: `http://127.0.0.1:${await gateway.listen(0)}/graphql`, stop: () => gateway.stop() };
}
