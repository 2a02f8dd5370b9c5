export { createGateway } from "./createGateway.ts";
export type { Gateway, GatewayContext, GatewayOptions } from "./createGateway.ts";
