import { PartnerError, type PartnerAdapter } from "@grondslag/integration-common";
import type { Twilio } from "twilio";
import { smsDeclaration } from "./declaration.ts";

export interface TwilioSmsOptions {
  /** A client from the official SDK: `twilio(accountSid, authToken, { httpClient })`. */
  client: Twilio;
  /** The Messaging Service that sends; its status callback is configured on the service. */
  messagingServiceSid: string;
}

/** What Twilio receives: the number and the text, sent by the messaging service. Nothing else. */
export interface TwilioSmsRequest {
  to: string;
  messagingServiceSid: string;
  body: string;
}

// Error codes: https://www.twilio.com/docs/api/errors
const UNREACHABLE_NUMBER = new Set([21211, 21214, 21408, 21610, 21612, 21614]);
const TOO_MANY_REQUESTS = 20429;

const recipientOf = (fields: Record<string, unknown>) => (fields.person as { smsRecipient?: string | null } | null)?.smsRecipient;

export function createTwilioSmsAdapter(options: TwilioSmsOptions): PartnerAdapter<{ text: string }, TwilioSmsRequest> {
  return {
    declaration: smsDeclaration,
    toRequest(fields, { text }) {
      const to = recipientOf(fields);
      if (!to) throw new PartnerError("BAD_USER_INPUT", "There is no phone number to send the code to.");
      return { to, messagingServiceSid: options.messagingServiceSid, body: text };
    },
    /**
     * Twilio's Messages API keeps no key of ours, but lists messages by `To` (newest first): a
     * message of our messaging service to the number, created since the attempt started, is the
     * send. With several such messages the earliest is taken (two codes to one number within a
     * reconciliation window both went out, so the record stays true that one was sent).
     */
    async reconcile(fields, { since }) {
      const to = recipientOf(fields);
      if (!to) return null;
      const messages = await options.client.messages.list({ to, limit: 20 });
      const ours = messages
        .filter((message) => message.messagingServiceSid === options.messagingServiceSid && message.dateCreated.getTime() >= since.getTime())
        .sort((a, b) => a.dateCreated.getTime() - b.dateCreated.getTime());
      return ours[0] ? { reference: ours[0].sid } : null;
    },
    async send(request) {
      try {
        const message = await options.client.messages.create(request);
        return { reference: message.sid };
      } catch (error) {
        throw explain(error);
      }
    },
  };
}

function explain(error: unknown): PartnerError {
  const status = (error as { status?: number }).status;
  const code = (error as { code?: number | string }).code;
  if (status === 429 || code === TOO_MANY_REQUESTS) {
    // Twilio: a 429 "is never processed and is always safe to retry".
    return new PartnerError("PARTNER_UNAVAILABLE", "The SMS service is busy; try again in a moment.", true, { cause: error });
  }
  if (typeof code === "number" && UNREACHABLE_NUMBER.has(code)) {
    return new PartnerError("BAD_USER_INPUT", "This phone number cannot receive text messages.", false, { cause: error });
  }
  if (code === "ECONNREFUSED") {
    return new PartnerError("PARTNER_UNAVAILABLE", "The SMS service could not be reached; try again in a moment.", true, { cause: error });
  }
  // A 5xx or a timeout may or may not have sent the message: not retried, so never sent twice.
  return new PartnerError("PARTNER_UNAVAILABLE", "The SMS service did not take the message; try again later.", false, { cause: error });
}
