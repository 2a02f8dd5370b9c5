import { ApolloGateway, type GatewayConfig } from "@apollo/gateway";

/**
 * An `ApolloGateway` that connects out to nobody. @apollo/gateway 2.14 otherwise reports the
 * host (OS, CPU, memory, uptime, cloud provider) to Apollo's usage-reporting endpoint every
 * hour, and probes the AWS, GCP, Azure and Alibaba metadata addresses as it is constructed. Its
 * only switch is this variable, read by the constructor. The platform connects out only to the
 * partners its privacy statements name.
 */
export function newApolloGateway(config: GatewayConfig): ApolloGateway {
  // eslint-disable-next-line no-restricted-properties -- not configuration read: the setting Apollo reads, forced off.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  return new ApolloGateway(config);
}
