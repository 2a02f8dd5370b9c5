import type { RouteHandler } from "@grondslag/server";
import type { PartnerAdapter, PartnerDeclaration } from "./PartnerAdapter.ts";

// A package's channels take inputs and build requests of their own types.
type ChannelAdapter = PartnerAdapter<any, any>;

/** What the platform tells a package when it builds it from the environment. */
export interface PartnerPlatform {
  /** Where partners reach this platform's gateway (webhooks), without a trailing slash: PUBLIC_URL. */
  publicUrl: string;
}

/** What a package's webhooks may do on the platform: record a partner's status for a send. */
export interface PartnerWebhookPlatform {
  /**
   * Records a status the partner reported for one of its sends (consent's `recordPartnerStatus`):
   * a replay changes nothing, a final status never moves back; a send not (yet) recorded throws.
   */
  recordStatus(status: { reference: string; status: string }): Promise<void>;
}

/**
 * What a partner package (`integrations/<partner>`) exports for the platform to register it
 * (`integrations/registry`). The stack reads only this: registering the package is all that
 * wiring a partner takes (no member of PlatformServices, no list of channels in `stack/`).
 */
export interface PartnerPackage<Config = unknown> {
  /** The partner's name, as in each of its declarations (`partner:<partner>` in the schema). */
  partner: string;
  /** Every field set the partner receives; one per purpose or channel. */
  declarations: PartnerDeclaration[];
  /** The environment variables it reads; the deployment manifests may name them. */
  envNames: readonly string[];
  /**
   * Builds its configuration (SDK clients, settings) from its variables, validated by the
   * package's own schema. Undefined when they are unset: its channels then answer
   * NOT_CONFIGURED. Throws, naming the variable, when one is set wrong.
   */
  configFromEnv(env: Readonly<Record<string, string | undefined>>, platform: PartnerPlatform): Config | undefined;
  /**
   * The channels (capabilities) it serves, such as `one-time-code:sms`, each an adapter built
   * from its configuration; a channel it cannot serve with this configuration is left out.
   */
  channels(config: Config): Record<string, ChannelAdapter | undefined>;
  /** The webhook routes it mounts on the gateway, by path (`/webhooks/<partner>/...`). */
  webhooks?(config: Config, platform: PartnerWebhookPlatform): Record<string, RouteHandler>;
}

/** Types a package by its own configuration and hands it to the registry's list. */
export function definePartnerPackage<Config>(partnerPackage: PartnerPackage<Config>): PartnerPackage {
  return partnerPackage as PartnerPackage;
}
