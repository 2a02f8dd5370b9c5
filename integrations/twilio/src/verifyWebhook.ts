import twilio from "twilio";

export interface TwilioStatus {
  /** The message SID the platform keeps as the disclosure's reference. */
  reference: string;
  status: string;
}

export interface TwilioStatusWebhookOptions {
  authToken: string;
  /** The URL Twilio calls, exactly as configured there: the signature covers it. */
  publicUrl: string;
  /** Stores the status; must be idempotent, as Twilio retries callbacks. */
  onStatus: (status: TwilioStatus) => Promise<void>;
}

export interface WebhookResponse {
  status: number;
  body: string;
}

/**
 * Delivery status callbacks. Twilio signs each with `X-Twilio-Signature`: HMAC-SHA1 of the URL
 * and the sorted form parameters under the account's auth token. An unsigned or wrongly signed
 * callback is refused before anything is read from it.
 */
export function createTwilioStatusWebhook(options: TwilioStatusWebhookOptions) {
  return async (headers: Record<string, string | string[] | undefined>, rawBody: string): Promise<WebhookResponse> => {
    const signature = headers["x-twilio-signature"];
    const params = Object.fromEntries(new URLSearchParams(rawBody));
    if (typeof signature !== "string" || !twilio.validateRequest(options.authToken, signature, options.publicUrl, params)) {
      return { status: 403, body: "invalid signature" };
    }
    if (!params.MessageSid || !params.MessageStatus) return { status: 400, body: "MessageSid and MessageStatus are required" };
    await options.onStatus({ reference: params.MessageSid, status: params.MessageStatus });
    return { status: 204, body: "" };
  };
}
