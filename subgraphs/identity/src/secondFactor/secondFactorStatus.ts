import type { OtpChallengeRow, SecondFactorRow } from "../db/tables.ts";
import { maskPhone } from "./maskPhone.ts";
import { MAX_ATTEMPTS } from "./rules.ts";

/** `SecondFactorStatus` as resolved: it carries whom it is about, for the `self` rule. */
export interface SecondFactorStatus {
  personId: string;
  phoneEnrolled: boolean;
  phoneVerifiedAt: Date | null;
  maskedPhone: string | null;
}

export function toSecondFactorStatus(personId: string, row: SecondFactorRow | undefined): SecondFactorStatus {
  const phone = row?.phone ?? null;
  return { personId, phoneEnrolled: phone !== null, phoneVerifiedAt: row?.phoneVerifiedAt ?? null, maskedPhone: phone === null ? null : maskPhone(phone) };
}

/** `SecondFactorChallenge` as resolved: never its hash. */
export interface SecondFactorChallenge {
  id: string;
  personId: string;
  channel: "SMS" | "EMAIL";
  expiresAt: Date;
  attemptsLeft: number;
}

export function toSecondFactorChallenge(row: OtpChallengeRow): SecondFactorChallenge {
  return {
    id: row.id,
    personId: row.personId,
    channel: row.channel === "sms" ? "SMS" : "EMAIL",
    expiresAt: row.expiresAt,
    attemptsLeft: Math.max(0, MAX_ATTEMPTS - row.attempts),
  };
}
