import { createHash, X509Certificate } from "node:crypto";
import { asc, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { archiveTimestamps, type ArchiveTimestampRow } from "../../db/schema/signatures";
import { Oid, hashAlgorithmOf } from "./cms/oids";
import { parseSignedData } from "./cms/index";
import { findSignerCertificate } from "./cms/verify-signer-info";
import { verifyTimestampToken } from "./cms/verify-timestamp-token";
import { UniversalTag, childAt, contentOf, encodingOf, parseDerExact, readOid, readTime } from "./pki/der-reader";
import { inspectPdfSignatures } from "./pdf/index";

/**
 * The newest version of the archive time-stamp chain `sha256` belongs to: for a signed result (or
 * any of its renewed versions) the latest renewal, else `sha256` itself. Every download of a signed
 * result serves this; the original sha256 stays the identity in the database and the audit trail.
 */
export async function latestArchivedVersion(db: Db, sha256: string): Promise<string> {
  const original = (await archivedOriginalOf(db, sha256)) ?? sha256;
  const [latest] = await db
    .select({ sha256: archiveTimestamps.sha256 })
    .from(archiveTimestamps)
    .where(eq(archiveTimestamps.originalSha256, original))
    .orderBy(desc(archiveTimestamps.sequence))
    .limit(1);
  return latest?.sha256 ?? sha256;
}

/** The signed result a version of an archive chain renews (itself for sequence 0), or undefined when it is in no chain. */
export async function archivedOriginalOf(db: Db, sha256: string): Promise<string | undefined> {
  const [row] = await db.select({ original: archiveTimestamps.originalSha256 }).from(archiveTimestamps).where(eq(archiveTimestamps.sha256, sha256)).limit(1);
  return row?.original;
}

/** Every version of the chain of `originalSha256`, oldest first (empty until the archive job has looked at it). */
export async function listArchiveChain(db: Db, originalSha256: string): Promise<ArchiveTimestampRow[]> {
  return db.select().from(archiveTimestamps).where(eq(archiveTimestamps.originalSha256, originalSha256)).orderBy(asc(archiveTimestamps.sequence));
}

/** What a time stamp rests on: its TSA certificate, its time, and the weakest digest and key it uses. */
export interface TimestampFacts {
  tsaSerial: string;
  tsaSubject: string;
  tsaNotAfter: Date;
  genTime: Date;
  /** The weakest of the message imprint's, the signer info's and the signature's digest: sha1, md5, sha256 … */
  digestAlgorithm: string;
  /** RSA modulus length of the TSA's key; null when it is not RSA. */
  keyBits: number | null;
}

/** A stored signed result that cannot be renewed: not a PDF, no time stamp, a time stamp over other bytes. */
export class UnreadableArchiveError extends Error {
  override name = "UnreadableArchiveError";
}

const MD5 = "1.2.840.113549.2.5";
const MD5_WITH_RSA = "1.2.840.113549.1.1.4";
const DIGEST_STRENGTH: Record<string, number> = { md5: 0, sha1: 1, sha256: 2, sha384: 3, sha512: 4 };

function digestNameOf(oid: string): string {
  if (oid === MD5 || oid === MD5_WITH_RSA) return "md5";
  if (oid === Oid.sha1WithRsa) return "sha1";
  if (oid === Oid.sha256WithRsa) return "sha256";
  if (oid === Oid.sha384WithRsa) return "sha384";
  if (oid === Oid.sha512WithRsa) return "sha512";
  return hashAlgorithmOf(oid) ?? oid;
}

/**
 * Reads an RFC 3161 token: its TSA certificate (serial, subject, notAfter, key size), genTime, and
 * the weakest digest among its message imprint, signer-info digest and signature algorithm.
 *
 * @throws {@link UnreadableArchiveError} when it is not a time-stamp token or names no TSA certificate it carries.
 */
export function timestampFactsOf(token: Uint8Array): TimestampFacts {
  try {
    const sd = parseSignedData(token);
    const si = sd.signerInfos[0];
    if (sd.contentType !== Oid.tstInfo || !sd.content || !si) throw new Error("not a time-stamp token");
    const tst = parseDerExact(sd.content);
    const imprintOid = readOid(childAt(childAt(childAt(tst, 2, UniversalTag.sequence), 0, UniversalTag.sequence), 0));
    const genTime = readTime(childAt(tst, 4, UniversalTag.generalizedTime));
    const tsa = findSignerCertificate(si.sid, sd.certificates);
    if (!tsa) throw new Error("the token does not carry its TSA certificate");
    const digests = [imprintOid, si.digestAlgorithmOid, si.signatureAlgorithmOid].map(digestNameOf);
    const weakest = digests.reduce((a, b) => ((DIGEST_STRENGTH[b] ?? 99) < (DIGEST_STRENGTH[a] ?? 99) ? b : a));
    const key = new X509Certificate(tsa.der).publicKey;
    return {
      tsaSerial: tsa.serialNumber,
      tsaSubject: tsa.subject.text,
      tsaNotAfter: tsa.notAfter,
      genTime,
      digestAlgorithm: weakest,
      keyBits: key.asymmetricKeyType === "rsa" ? (key.asymmetricKeyDetails?.modulusLength ?? null) : null,
    };
  } catch (error) {
    throw new UnreadableArchiveError(`the time stamp cannot be read: ${(error as Error).message}`);
  }
}

/** Whether a token's message imprint is the hash of `data`, under whatever digest it names (MD5 included). */
function imprintMatches(token: Uint8Array, data: Uint8Array): boolean {
  try {
    const sd = parseSignedData(token);
    const imprint = childAt(parseDerExact(sd.content!), 2, UniversalTag.sequence);
    const algorithm = digestNameOf(readOid(childAt(childAt(imprint, 0, UniversalTag.sequence), 0)));
    return createHash(algorithm).update(data).digest().equals(contentOf(childAt(imprint, 1, UniversalTag.octetString)));
  } catch {
    return false;
  }
}

/** Whether a time stamp's algorithms no longer protect it: a SHA-1 or MD5 digest, or an RSA key under 2048 bits. */
export function isWeak(facts: Pick<TimestampFacts, "digestAlgorithm" | "keyBits">): boolean {
  return facts.digestAlgorithm === "sha1" || facts.digestAlgorithm === "md5" || (facts.keyBits !== null && facts.keyBits < 2048);
}

/**
 * The newest time stamp of a signed PDF: its last document timestamp (PAdES B-LTA), which must
 * cover the whole file and match its bytes; else, for a file without one, the signature time stamp
 * of its last signature (B-T).
 *
 * @throws {@link UnreadableArchiveError} when the file is not a readable PDF, has no time stamp, or its
 * newest document timestamp does not cover exactly these bytes.
 */
export function newestTimestampOf(pdf: Uint8Array): { token: Buffer; facts: TimestampFacts; kind: "document" | "signature" } {
  const inspection = inspectPdfSignatures(pdf);
  if (!inspection.isPdf || inspection.encrypted) throw new UnreadableArchiveError(inspection.isPdf ? "the PDF is encrypted" : "the file is not a PDF");
  const ordered = [...inspection.signatures].sort((a, b) => a.revision - b.revision || a.index - b.index);
  const newest = ordered[ordered.length - 1];
  if (!newest?.contents) throw new UnreadableArchiveError("the PDF has no signature or time stamp");
  if (newest.type === "documentTimestamp" || newest.subFilter === "ETSI.RFC3161") {
    if (!newest.coverage.coversWholeFile || !newest.coverage.wellFormed) throw new UnreadableArchiveError("the newest document timestamp does not cover the whole file");
    const data = Buffer.concat(newest.coverage.signedRanges.map(([s, e]) => pdf.subarray(s, e)));
    const facts = timestampFactsOf(newest.contents);
    if (!imprintMatches(newest.contents, data)) throw new UnreadableArchiveError("the newest document timestamp was issued for other bytes than the file's");
    // (a token over an MD5 imprint is not parsed by the verifier: its imprint is checked above, it is renewed as weak)
    const check = verifyTimestampToken({ token: newest.contents, data, trustAnchors: [] });
    if (check.info && !check.signatureValid) throw new UnreadableArchiveError("the newest document timestamp's signature does not verify");
    return { token: Buffer.from(newest.contents), facts, kind: "document" };
  }
  let token: Buffer | undefined;
  try {
    for (const attribute of parseSignedData(newest.contents).signerInfos[0]?.unsignedAttributes ?? []) {
      if (attribute.oid === Oid.signatureTimeStampToken && attribute.values[0]) token = encodingOf(attribute.values[0]);
    }
  } catch {
    // no readable CMS: no time stamp
  }
  if (!token) throw new UnreadableArchiveError("the PDF's newest signature has no time stamp");
  return { token, facts: timestampFactsOf(token), kind: "signature" };
}
