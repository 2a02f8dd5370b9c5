// ITU-T E.164 country codes of one and two digits; every other code has three.
const ONE_DIGIT = new Set(["1", "7"]);
const TWO_DIGITS = new Set(
  "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98".split(" "),
);

/**
 * A phone number as a person recognises it without it being given away: the country code and
 * the last three digits, e.g. "+31 ••• ••• 678". The mask does not tell the number's length.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, "");
  const countryCode = ONE_DIGIT.has(digits.slice(0, 1)) ? digits.slice(0, 1) : TWO_DIGITS.has(digits.slice(0, 2)) ? digits.slice(0, 2) : digits.slice(0, 3);
  return `+${countryCode} ••• ••• ${digits.slice(-3)}`;
}
