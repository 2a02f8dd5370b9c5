import { readFileSync } from "node:fs";
import type { PartnerDeclaration } from "@grondslag/integration-common";
import { parse, print, type OperationDefinitionNode } from "graphql";

const operations = new Map(
  parse(readFileSync(new URL("./fieldSet.graphql", import.meta.url), "utf8"))
    .definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === "OperationDefinition")
    .map((operation) => [operation.name!.value, print(operation)]),
);

/**
 * Twilio is the platform's processor for second-factor codes (MijnOefening's and Onmi's
 * statements: "it does not process any data but only executes our orders").
 */
const common = { partner: "twilio", legalRole: "processor", purpose: "second-factor-login", basis: "CONTRACT" } as const;

export const smsDeclaration: PartnerDeclaration = { ...common, fieldSet: operations.get("TwilioSmsRecipient")! };
export const mailDeclaration: PartnerDeclaration = { ...common, fieldSet: operations.get("SendGridMailRecipient")! };
