export { mailDeclaration, smsDeclaration } from "./declaration.ts";
export { createTwilioSmsAdapter } from "./createTwilioSmsAdapter.ts";
export type { TwilioSmsOptions, TwilioSmsRequest } from "./createTwilioSmsAdapter.ts";
export { createSendGridMailAdapter } from "./createSendGridMailAdapter.ts";
export type { SendGridMailOptions, SendGridMailRequest } from "./createSendGridMailAdapter.ts";
export { createTwilioStatusWebhook } from "./verifyWebhook.ts";
export type { TwilioStatus, TwilioStatusWebhookOptions, WebhookResponse } from "./verifyWebhook.ts";
export { TWILIO_STATUS_PATH, twilioPartner } from "./twilioPartner.ts";
export type { TwilioConfig } from "./twilioPartner.ts";
