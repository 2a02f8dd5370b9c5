import { definePartnerPackage } from "@grondslag/integration-common";
import type { RouteHandler } from "@grondslag/server";
import { MailService } from "@sendgrid/mail";
import twilio, { type Twilio } from "twilio";
import { z } from "zod";
import { createSendGridMailAdapter } from "./createSendGridMailAdapter.ts";
import { createTwilioSmsAdapter } from "./createTwilioSmsAdapter.ts";
import { mailDeclaration, smsDeclaration } from "./declaration.ts";
import { createTwilioStatusWebhook } from "./verifyWebhook.ts";

/** Where Twilio's delivery status callbacks arrive, on the gateway. */
export const TWILIO_STATUS_PATH = "/webhooks/twilio/status";

/** What the package is built from: SDK clients and settings, from the environment or a test. */
export interface TwilioConfig {
  sms?: {
    /** The official SDK's client. */
    client: Twilio;
    messagingServiceSid: string;
    /** Verifies Twilio's webhook signatures. */
    authToken: string;
    /** The public URL of /webhooks/twilio/status, exactly as configured at Twilio. */
    statusCallbackUrl: string;
  };
  mail?: { client: MailService; from: string };
}

const env = z.object({
  /** Twilio (SMS codes). All three, or none: without them, SMS codes answer NOT_CONFIGURED. */
  TWILIO_ACCOUNT_SID: z.string().startsWith("AC").optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().startsWith("MG").optional(),
  /** SendGrid (mail codes). Both, or none. */
  SENDGRID_API_KEY: z.string().startsWith("SG.").optional(),
  SENDGRID_FROM: z.string().email().optional(),
});

/**
 * How long one call to Twilio or SendGrid may take: well under the runner's hold on a send (60 s),
 * so that a slow call ends as "may have gone out" in the request that made it, before a worker
 * could take the same send up (a call with no time limit was still out when the hold ran out).
 */
export const PARTNER_CALL_TIMEOUT_MS = 10_000;

/** SendGrid's client as the platform uses it: its key, and a time limit on every call. */
export function sendGridClient(apiKey: string, timeoutMs = PARTNER_CALL_TIMEOUT_MS): MailService {
  const client = new MailService();
  client.setApiKey(apiKey);
  client.setTimeout(timeoutMs);
  return client;
}

/** Twilio as the platform registers it (`integrations/registry`): SMS and mail one-time codes, and the status webhook. */
export const twilioPartner = definePartnerPackage<TwilioConfig>({
  partner: "twilio",
  declarations: [smsDeclaration, mailDeclaration],
  envNames: Object.keys(env.shape),
  configFromEnv(values, { publicUrl }) {
    const parsed = env.safeParse(values);
    if (!parsed.success) throw new Error(`Invalid Twilio settings:\n${parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`).join("\n")}`);
    const settings = parsed.data;
    const config: TwilioConfig = {};
    if (settings.TWILIO_ACCOUNT_SID && settings.TWILIO_AUTH_TOKEN && settings.TWILIO_MESSAGING_SERVICE_SID) {
      config.sms = {
        client: twilio(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, { httpClient: new twilio.RequestClient({ timeout: PARTNER_CALL_TIMEOUT_MS }) }),
        messagingServiceSid: settings.TWILIO_MESSAGING_SERVICE_SID,
        authToken: settings.TWILIO_AUTH_TOKEN,
        statusCallbackUrl: `${publicUrl}${TWILIO_STATUS_PATH}`,
      };
    }
    if (settings.SENDGRID_API_KEY && settings.SENDGRID_FROM) {
      config.mail = { client: sendGridClient(settings.SENDGRID_API_KEY), from: settings.SENDGRID_FROM };
    }
    return config.sms || config.mail ? config : undefined;
  },
  channels: (config) => ({
    "one-time-code:sms": config.sms && createTwilioSmsAdapter(config.sms),
    "one-time-code:email": config.mail && createSendGridMailAdapter(config.mail),
  }),
  webhooks(config, platform): Record<string, RouteHandler> {
    if (!config.sms) return {};
    return {
      [TWILIO_STATUS_PATH]: createTwilioStatusWebhook({ authToken: config.sms.authToken, publicUrl: config.sms.statusCallbackUrl, onStatus: platform.recordStatus }),
    };
  },
});
