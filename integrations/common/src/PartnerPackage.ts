import type { PartnerDeclaration } from "./PartnerAdapter.ts";

/**
 * What a partner package (`integrations/<partner>`) exports for the platform to register it:
 * its declarations are the only place its access to the graph is written.
 */
export interface PartnerPackage {
  /** The partner's name, as in each of its declarations (`partner:<partner>` in the schema). */
  partner: string;
  /** Every field set the partner receives; one per purpose or channel. */
  declarations: PartnerDeclaration[];
}
