import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

/**
 * A readable prefixed id such as `usr_5k2m9q…`: the prefix tells a person what the id names; the
 * 20 random base-32 characters (100 bits) make it unguessable.
 */
export function newId(prefix: string): string {
  let out = "";
  for (const b of randomBytes(20)) out += ALPHABET[b & 31];
  return `${prefix}_${out}`;
}
