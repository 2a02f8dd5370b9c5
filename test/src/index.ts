export { startTestStack, TEST_AUDIENCE, TEST_ISSUER } from "./startTestStack.ts";
export type { TestStack } from "./startTestStack.ts";
export { postGraphQL } from "./postGraphQL.ts";
export type { GraphQLResponse } from "./postGraphQL.ts";
