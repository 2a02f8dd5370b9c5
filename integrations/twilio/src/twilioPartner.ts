import type { PartnerPackage } from "@grondslag/integration-common";
import { mailDeclaration, smsDeclaration } from "./declaration.ts";

/** Twilio as the platform registers it (`integrations/registry`). */
export const twilioPartner: PartnerPackage = {
  partner: "twilio",
  declarations: [smsDeclaration, mailDeclaration],
};
