export { PartnerError } from "./PartnerAdapter.ts";
export type { LawfulBasis, PartnerAdapter, PartnerDeclaration } from "./PartnerAdapter.ts";
export { createGraphClient } from "./createGraphClient.ts";
export type { GraphClient, GraphClientOptions, GraphResponse } from "./createGraphClient.ts";
export { createPartnerRunner, toGraphQLError } from "./createPartnerRunner.ts";
export type { PartnerRunner, PartnerRunnerOptions, PartnerSend, PartnerSendResult } from "./createPartnerRunner.ts";
export { fieldCoordinates } from "./fieldCoordinates.ts";
export type { PartnerPackage } from "./PartnerPackage.ts";
