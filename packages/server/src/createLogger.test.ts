import { Writable } from "node:stream";
import { GraphQLError } from "graphql";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { serializeError } from "./createLogger.ts";

describe("logging an error", () => {
  it("keeps its kind and code but not the values a query, a row or a partner put in it", () => {
    const lines: string[] = [];
    const log = pino({ serializers: { err: serializeError } }, new Writable({ write: (chunk, _, done) => (lines.push(String(chunk)), done()) }));
    const database = Object.assign(new Error('duplicate key value violates unique constraint "person_email_key"'), { code: "23505", detail: "Key (email)=(anna@example.nl) already exists." });
    const drizzle = new Error('Failed query: update "identity"."person" set "phone" = $1\nparams: +31612345678', { cause: database });
    const twilio = Object.assign(new Error("The 'To' number +31600000000 is not a valid phone number."), { status: 400, code: 21211 });

    log.error({ err: drizzle }, "resolver failed");
    log.error({ err: twilio }, "partner send failed");
    const logged = lines.join("");
    expect(logged).not.toMatch(/anna@example|\+316/);
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: "Error", message: expect.stringContaining("Failed query"), cause: { code: "23505" } });
    expect(JSON.parse(lines[1]!).err).toMatchObject({ status: 400, code: 21211 });
  });

  it("keeps a variable's name but not the email, phone or IBAN graphql-js quotes from it", () => {
    const lines: string[] = [];
    const log = pino({ serializers: { err: serializeError } }, new Writable({ write: (chunk, _, done) => (lines.push(String(chunk)), done()) }));
    const coercion = new GraphQLError('Variable "$input" got invalid value { email: "anna@example.nl", phone: "+31612345678", iban: "NL91ABNA0417164300" }; Field "x" is not defined.');

    log.error({ err: coercion }, "request failed");
    expect(lines.join("")).not.toMatch(/anna@example|\+316|NL91ABNA/);
    expect(JSON.parse(lines[0]!).err.message).toBe('Variable "$input" got invalid value');
  });
});
