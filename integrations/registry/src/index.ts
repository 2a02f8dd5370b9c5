import type { PartnerPackage } from "@grondslag/integration-common";
import { twilioPartner } from "@grondslag/twilio";

/**
 * Every partner the platform is connected to. Onboarding a partner is adding its package here
 * (and to this package's dependencies); the stack, the composition check and the policy read
 * this list and nothing else.
 */
export const partnerPackages: readonly PartnerPackage[] = [twilioPartner];

export { readPartnerFields } from "./readPartnerFields.ts";
