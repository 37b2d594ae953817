import { createSign, type KeyObject } from "node:crypto";
import { octetString, rawElement } from "../pki/asn1-builder";
import { Oid } from "./oids";
import { attribute, buildSignedData, signingCertificateV2Attribute, type SignCallback } from "./signed-data-builder";

/** Input for {@link buildCadesSignedData}. */
export interface BuildCadesSignedDataInput {
  /** SHA-256 of the signed content (for a PDF: of the two byte ranges). */
  digest: Buffer;
  /** DER of the signer's certificate. */
  signerCertificate: Uint8Array;
  /** The chain to include (intermediates, root); the signer's certificate is added if missing. */
  certificates: Uint8Array[];
  /** RSA PKCS#1 v1.5 SHA-256 signature over the DER of the signed attributes. */
  sign: SignCallback;
  /**
   * Returns a TimeStampToken (DER) over the signature value; when given the result is
   * PAdES B-T (signature-time-stamp unsigned attribute).
   */
  timestamp?: (signatureValue: Buffer) => Promise<Buffer>;
}

/**
 * Builds a detached CMS SignedData for PAdES baseline B-B (or B-T with `timestamp`):
 * signed attributes content-type, message-digest and signing-certificate-v2, no
 * signing-time (PAdES takes the time from /M or the timestamp), DER set order.
 *
 * @returns DER of the ContentInfo, ready for the PDF /Contents.
 * @throws Error when the digest is not 32 bytes or the certificate cannot be read.
 */
export async function buildCadesSignedData(input: BuildCadesSignedDataInput): Promise<Buffer> {
  if (input.digest.length !== 32) throw new Error(`digest must be a SHA-256 value (32 bytes), got ${input.digest.length}`);
  const timestamp = input.timestamp;
  return buildSignedData({
    contentType: Oid.data,
    digestAlgorithm: "sha256",
    signerCertificate: input.signerCertificate,
    certificates: input.certificates,
    sign: input.sign,
    signedAttributes: [
      attribute(Oid.messageDigest, octetString(input.digest)),
      signingCertificateV2Attribute(input.signerCertificate),
    ],
    ...(timestamp
      ? { unsignedAttributes: async (signature: Buffer) => [attribute(Oid.signatureTimeStampToken, rawElement(await timestamp(signature)))] }
      : {}),
  });
}

/** A {@link SignCallback} that signs with a node:crypto RSA private key (PKCS#1 v1.5, SHA-256). */
export function createRsaSigner(privateKey: KeyObject): SignCallback {
  return async (data) => createSign("sha256").update(data).sign(privateKey);
}
