import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { MailService } from "@sendgrid/mail";
import twilio from "twilio";
import type { PartnerConfig } from "./createPartners.ts";
import { TWILIO_STATUS_PATH } from "./createPartners.ts";
import type { Env } from "./env.ts";

/** Builds the partners' SDK clients from the environment; a partner left unset is left out. */
export function loadPartnerConfig(env: Env): PartnerConfig {
  const config: PartnerConfig = {};
  if (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_MESSAGING_SERVICE_SID) {
    config.twilio = {
      client: twilio(env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, { httpClient: new twilio.RequestClient({ timeout: 10_000 }) }),
      messagingServiceSid: env.TWILIO_MESSAGING_SERVICE_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      statusCallbackUrl: `${env.PUBLIC_URL ?? `http://localhost:${env.GATEWAY_PORT}`}${TWILIO_STATUS_PATH}`,
    };
  }
  if (env.SENDGRID_API_KEY && env.SENDGRID_FROM) {
    const client = new MailService();
    client.setApiKey(env.SENDGRID_API_KEY);
    config.sendgrid = { client, from: env.SENDGRID_FROM };
  }
  return config;
}

/** OTP_KEY, or in development a random key kept in DATA_DIR so codes survive a restart. */
export function loadOtpKey(env: Env): string {
  if (env.OTP_KEY) return env.OTP_KEY;
  const file = join(env.DATA_DIR, "keys", "otp.key");
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8");
}
