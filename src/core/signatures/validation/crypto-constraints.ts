import { X509Certificate } from "node:crypto";

/**
 * Sunset dates of weak algorithms: a signature using one is acceptable only with a proof of
 * existence before the date (ETSI TS 119 312 style; the dates are Custos's policy). After it,
 * without such proof, the result is INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE.
 */
export const ALGORITHM_SUNSET: Readonly<Record<string, { date: Date; what: string }>> = {
  md5: { date: new Date("2009-01-01T00:00:00Z"), what: "MD5" },
  sha1: { date: new Date("2017-01-01T00:00:00Z"), what: "SHA-1" },
  "rsa<2048": { date: new Date("2014-01-01T00:00:00Z"), what: "RSA keys shorter than 2048 bits" },
};

/** Digest-algorithm OIDs that name MD5 (the verifier does not compute it). */
const MD5_OIDS = new Set(["1.2.840.113549.2.5", "1.2.840.113549.1.1.4"]);

/** The weak algorithms a signature uses: keys of {@link ALGORITHM_SUNSET}. */
export function weakAlgorithmsOf(input: { digestAlgorithm?: string | undefined; signatureAlgorithm?: string | undefined; certificate?: Uint8Array | undefined }): string[] {
  const out = new Set<string>();
  const names = `${input.digestAlgorithm ?? ""} ${input.signatureAlgorithm ?? ""}`.toLowerCase();
  if (/\bsha1\b|sha1with|with-sha1|1\.3\.14\.3\.2\.26|1\.2\.840\.113549\.1\.1\.5/.test(names)) out.add("sha1");
  if (/md5/.test(names) || [...MD5_OIDS].some((o) => names.includes(o))) out.add("md5");
  if (input.certificate) {
    try {
      const key = new X509Certificate(Buffer.from(input.certificate)).publicKey;
      const bits = key.asymmetricKeyDetails?.modulusLength;
      if ((key.asymmetricKeyType === "rsa" || key.asymmetricKeyType === "rsa-pss") && bits !== undefined && bits < 2048) out.add("rsa<2048");
    } catch {
      // an unreadable key is reported elsewhere
    }
  }
  return [...out];
}
