import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** A random secret for a cookie or bearer token, with a readable prefix. */
export function newSecretToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** What is stored for a token: its SHA-256 (hex). */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The CSRF token of a session: an HMAC of its id, so nothing extra is stored. */
export function csrfTokenFor(csrfKey: Buffer, sessionId: string): string {
  return createHmac("sha256", csrfKey).update(sessionId).digest("base64url");
}

export function csrfTokenMatches(csrfKey: Buffer, sessionId: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(csrfKey, sessionId));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
