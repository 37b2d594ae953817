/**
 * PRC resident identity card numbers (GB 11643-1999): six digits of region, eight of
 * birth date, three of sequence and an ISO 7064 MOD 11-2 check character (0-9 or X).
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARACTERS = "10X98765432";
// Provinces, plus 81-83 used by residence permits of Hong Kong, Macao and Taiwan residents.
const REGION_PREFIXES = new Set([
  "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
  "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
  "65", "71", "81", "82", "83",
]);

/** The check character (0-9 or X) for the first 17 digits of a resident ID number. */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARACTERS[sum % 11]!;
}

/**
 * Why `value` is not a valid 18-character resident ID number, or `undefined` when it is.
 * Expects the upper-case form (a final lower-case x is the caller's to normalise).
 */
export function residentIdProblem(value: string): string | undefined {
  if (!/^\d{17}[\dX]$/.test(value)) return "must be 18 characters: 17 digits and a final digit or X";
  if (!REGION_PREFIXES.has(value.slice(0, 2))) return "does not start with a valid region code";
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1800 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day) return "does not contain a valid date of birth";
  if (residentIdCheckCharacter(value) !== value[17]) return "has a wrong check character (the last character does not match the other 17)";
  return undefined;
}
