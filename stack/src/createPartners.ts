import { randomUUID } from "node:crypto";
import type { Caller } from "@grondslag/auth";
import { createGraphClient, createPartnerRunner, toGraphQLError, type PartnerAdapter } from "@grondslag/integration-common";
import type { Logger, PlatformServices, RouteHandler } from "@grondslag/server";
import { createSendGridMailAdapter, createTwilioSmsAdapter, createTwilioStatusWebhook } from "@grondslag/twilio";
import type { MailService } from "@sendgrid/mail";
import { buildASTSchema, GraphQLError, parse } from "graphql";
import type { Twilio } from "twilio";

export interface PartnerConfig {
  twilio?: {
    /** The official SDK's client. */
    client: Twilio;
    messagingServiceSid: string;
    /** Verifies Twilio's webhook signatures. */
    authToken: string;
    /** The public URL of /webhooks/twilio/status, exactly as configured at Twilio. */
    statusCallbackUrl: string;
  };
  sendgrid?: { client: MailService; from: string };
}

export const TWILIO_STATUS_PATH = "/webhooks/twilio/status";

const RECORD_STATUS = /* GraphQL */ `
  mutation RecordPartnerStatus($partner: String!, $reference: String!, $status: String!) {
    recordPartnerStatus(partner: $partner, reference: $reference, status: $status) { __typename }
  }
`;

/**
 * Wires the partner adapters to the graph: they read their field sets through the gateway as
 * `partner:<name>` and record disclosures as a `service` caller, with tokens the gateway
 * trusts. Without a token issuer or a partner's configuration, the services say so when used.
 */
export function createPartners(options: {
  config: PartnerConfig;
  supergraphSdl: string;
  gatewayUrl: () => string;
  issueToken: ((caller: Caller) => Promise<string>) | undefined;
  log: Logger;
}): { sendCode: NonNullable<PlatformServices["sendCode"]>; routes: Record<string, RouteHandler> } {
  const { config, issueToken, log } = options;
  const graph = issueToken ? createGraphClient({ url: options.gatewayUrl, tokenFor: issueToken }) : undefined;
  const runner = graph && createPartnerRunner({ graph, schema: buildASTSchema(parse(options.supergraphSdl), { assumeValidSDL: true }), log: log.child({ component: "partners" }) });
  const adapters: Record<"sms" | "email", PartnerAdapter<{ text: string }, unknown> | undefined> = {
    sms: config.twilio && createTwilioSmsAdapter(config.twilio),
    email: config.sendgrid && createSendGridMailAdapter(config.sendgrid),
  };

  const sendCode: NonNullable<PlatformServices["sendCode"]> = async ({ personId, channel, text }) => {
    const adapter = adapters[channel];
    if (!runner || !adapter) {
      throw new GraphQLError(`Sending codes by ${channel} is not configured here (see stack/src/env.ts).`, { extensions: { code: "NOT_CONFIGURED" } });
    }
    try {
      await runner.run(adapter, { personId, input: { text }, idempotencyKey: `second-factor:${randomUUID()}` });
    } catch (error) {
      throw toGraphQLError(error);
    }
  };

  const routes: Record<string, RouteHandler> = {};
  if (config.twilio && graph) {
    const service: Caller = { subject: "twilio-adapter", role: "service" };
    const webhook = createTwilioStatusWebhook({
      authToken: config.twilio.authToken,
      publicUrl: config.twilio.statusCallbackUrl,
      onStatus: async ({ reference, status }) => {
        const answer = await graph(RECORD_STATUS, { partner: "twilio", reference, status }, service);
        // An unknown message is not an error worth a retry from Twilio; anything else is.
        if (answer.errors?.some((error) => error.extensions?.code !== "UNAUTHORIZED_FIELD_OR_TYPE")) {
          throw new Error(`Twilio status not recorded: ${answer.errors.map((error) => error.message).join("; ")}`);
        }
      },
    });
    routes[TWILIO_STATUS_PATH] = webhook;
  }
  return { sendCode, routes };
}
