import { createHash, type KeyObject } from "node:crypto";
import { buildCadesSignedData, createRsaSigner } from "./cms/index";
import { embedCmsSignature, hashByteRange, preparePdfSignature, type SignatureStampOptions } from "./pdf/index";

/** What a signature means (21 CFR 11.50 style): shown in the stamp, /Reason and the completion page. */
export const MEANINGS = {
  authored: { zh: "起草", en: "Authored" },
  reviewed: { zh: "审核", en: "Reviewed" },
  approved: { zh: "批准", en: "Approved" },
  signed: { zh: "签署", en: "Signed" },
  acknowledged: { zh: "确认", en: "Acknowledged" },
} as const;
export type Meaning = keyof typeof MEANINGS;

/** Everything needed to add one PAdES signature to a PDF. */
export interface SignPdfInput {
  pdf: Uint8Array;
  fieldName: string;
  signerName: string;
  meaning: Meaning;
  signingTime: Date;
  /** Offset of the signer's zone from UTC in minutes (China: +480); used for /M and the stamp text. */
  timeZoneOffsetMinutes: number;
  certificate: Buffer;
  chain: Buffer[];
  privateKey: KeyObject;
  /** A visible stamp on this page; omitted = invisible signature. */
  stampPage?: number | "last";
  location?: string;
  /** /Reason; by default the meaning in Chinese and English ("审核 Reviewed"). */
  reason?: string;
  /** A certification signature (DocMDP) with these permissions; only the first signature of a PDF may certify it. */
  certify?: 1 | 2 | 3;
  /** Returns an RFC 3161 token over the signature value (PAdES B-T); omitted = B-B. */
  timestamp?: (digestOfSignatureValue: Buffer) => Promise<Buffer>;
}

/** The signed file and what the evidence record keeps of it. */
export interface SignPdfResult {
  pdf: Uint8Array;
  byteRange: [number, number, number, number];
  cms: Buffer;
  certificateSerial: string;
}

/** "2026-11-25 14:03:12 +08:00" in the given zone. */
export function formatSigningTime(at: Date, offsetMinutes: number): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000).toISOString();
  const sign = offsetMinutes >= 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${local.slice(0, 10)} ${local.slice(11, 19)} ${zone}`;
}

/**
 * Adds one PAdES signature (B-B, or B-T with `timestamp`) as an incremental update: prepare the
 * field and placeholder, hash the two byte ranges, build the CAdES SignedData with the signer's
 * key, embed it. Every earlier signature keeps covering exactly the bytes it signed.
 */
export async function signPdf(input: SignPdfInput, certificateSerial: string): Promise<SignPdfResult> {
  const meaning = MEANINGS[input.meaning];
  const stamp: SignatureStampOptions | undefined =
    input.stampPage === undefined
      ? undefined
      : {
          pageIndex: input.stampPage,
          signerName: input.signerName,
          meaningZh: meaning.zh,
          meaningEn: meaning.en,
          signedAtText: formatSigningTime(input.signingTime, input.timeZoneOffsetMinutes),
          certificateSerial,
        };
  const prepared = await preparePdfSignature(input.pdf, {
    fieldName: input.fieldName,
    signerName: input.signerName,
    reason: input.reason ?? `${meaning.zh} ${meaning.en}`,
    location: input.location,
    ...(input.certify !== undefined ? { certify: input.certify } : {}),
    signingTime: input.signingTime,
    timeZoneOffsetMinutes: input.timeZoneOffsetMinutes,
    stamp,
  });
  const digest = hashByteRange(prepared.pdf, prepared.byteRange);
  const timestamp = input.timestamp;
  const cms = await buildCadesSignedData({
    digest,
    signerCertificate: input.certificate,
    certificates: input.chain,
    sign: createRsaSigner(input.privateKey),
    ...(timestamp ? { timestamp: (signatureValue: Buffer) => timestamp(createHash("sha256").update(signatureValue).digest()) } : {}),
  });
  return { pdf: embedCmsSignature(prepared, cms), byteRange: prepared.byteRange, cms, certificateSerial };
}

/**
 * Adds a document timestamp (PAdES B-LTA: /Type /DocTimeStamp, /SubFilter /ETSI.RFC3161) as an
 * incremental update: an invisible field whose /Contents is an RFC 3161 token over the SHA-256 of
 * everything but the token itself, so it covers the whole file, DSS included.
 */
export async function addDocumentTimestamp(
  pdf: Uint8Array,
  fieldName: string,
  timestamp: (digest: Buffer) => Promise<Buffer>,
  /** The imprint's hash algorithm (node:crypto name): SHA-256 unless an older archive is reproduced. */
  digestAlgorithm = "sha256",
): Promise<{ pdf: Uint8Array; byteRange: [number, number, number, number]; token: Buffer }> {
  const prepared = await preparePdfSignature(pdf, {
    fieldName,
    signerName: "",
    reason: "",
    signingTime: new Date(0),
    documentTimestamp: true,
    placeholderBytes: 8192,
  });
  const token = await timestamp(hashByteRange(prepared.pdf, prepared.byteRange, digestAlgorithm));
  return { pdf: embedCmsSignature(prepared, token), byteRange: prepared.byteRange, token };
}
