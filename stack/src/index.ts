export { createStack } from "./createStack.ts";
export type { ListenOptions, Stack, StackOptions } from "./createStack.ts";
export { FORWARDED_AUDIENCE, FORWARDED_ISSUER, PLATFORM_AUDIENCE, PLATFORM_ISSUER, createAuth, createForwarding, createStackAuth } from "./createAuth.ts";
export type { StackAuth, StackAuthParts } from "./createAuth.ts";
export { envNames, loadEnv, requiredInProduction } from "./env.ts";
export { edgeOptions } from "./edgeOptions.ts";
export type { Env } from "./env.ts";
export { TWILIO_STATUS_PATH, createPartners } from "./createPartners.ts";
export type { PartnerConfig } from "./createPartners.ts";
