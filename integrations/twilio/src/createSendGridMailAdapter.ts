import { PartnerError, type PartnerAdapter } from "@grondslag/integration-common";
import type { MailService } from "@sendgrid/mail";
import { mailDeclaration } from "./declaration.ts";

export interface SendGridMailOptions {
  /** A client from the official SDK (`new MailService()` with `setApiKey`). */
  client: MailService;
  /** The platform's sending address. */
  from: string;
  /** Default "Your Grondslag code". */
  subject?: string;
}

export interface SendGridMailRequest {
  to: string;
  from: string;
  subject: string;
  text: string;
}

/** What SendGrid receives: the address and the text. No custom args, categories or names. */
export function createSendGridMailAdapter(options: SendGridMailOptions): PartnerAdapter<{ text: string }, SendGridMailRequest> {
  return {
    declaration: mailDeclaration,
    toRequest(fields, { text }) {
      const to = (fields.person as { mailRecipient?: string | null } | null)?.mailRecipient;
      if (!to) throw new PartnerError("BAD_USER_INPUT", "There is no email address to send the code to.");
      return { to, from: options.from, subject: options.subject ?? "Your Grondslag code", text };
    },
    async send(request) {
      try {
        const [response] = await options.client.send(request);
        return { reference: String(response.headers["x-message-id"] ?? "") };
      } catch (error) {
        // SendGrid's ResponseError carries the HTTP status as `code`. A 400 is our data (an
        // address it will not take); 401/403 are our configuration, 429 and 5xx its load.
        const status = (error as { code?: number }).code;
        const retryable = status === 429;
        throw new PartnerError(
          status === 400 ? "BAD_USER_INPUT" : "PARTNER_UNAVAILABLE",
          retryable ? "The mail service is busy; try again in a moment." : "The mail service did not take the message.",
          retryable,
          { cause: error },
        );
      }
    },
  };
}
