import { createHash } from "node:crypto";
import {
  algorithmIdentifier,
  bigInteger,
  contextConstructed,
  generalizedTime,
  integer,
  octetString,
  oid,
  rawElement,
  seq,
  toDer,
} from "../pki/asn1-builder";
import { readCertificate } from "../pki/read-certificate";
import { HASH_LENGTH, Oid, hashOidOf, type HashAlgorithm } from "./oids";
import { attribute, buildSignedData, signingCertificateV2Attribute, type SignCallback } from "./signed-data-builder";
import { TimestampError } from "./timestamp-request";

/** Input for {@link createTimeStampToken}. */
export interface CreateTimeStampTokenInput {
  /** The hashed message to time-stamp (from the request). */
  messageImprint: Buffer;
  /** Its hash algorithm. */
  hashAlgorithm: HashAlgorithm;
  /** Echoed from the request when present. */
  nonce?: bigint;
  /** Whether to include the TSA certificate and chain (from the request). */
  certReq?: boolean;
  /** Unique serial number of this token. */
  serialNumber: bigint;
  /** The time asserted. */
  genTime: Date;
  /** The TSA policy under which the token is issued. */
  policyOid: string;
  /** DER of the TSA certificate (extendedKeyUsage timeStamping, critical). */
  tsaCertificate: Uint8Array;
  /** Issuing chain of the TSA certificate, included when certReq is true. */
  chain: Uint8Array[];
  /** RSA PKCS#1 v1.5 SHA-256 signature over the DER of the signed attributes. */
  sign: SignCallback;
}

/**
 * Creates an RFC 3161 TimeStampToken: SignedData over a TSTInfo (millisecond genTime,
 * the TSA named in the tsa field) with content-type, message-digest and ESS
 * signing-certificate-v2 (RFC 5816) signed attributes.
 *
 * @returns DER of the token (a ContentInfo).
 * @throws {@link TimestampError} (`badAlg`) when the imprint length does not fit its algorithm.
 */
export async function createTimeStampToken(input: CreateTimeStampTokenInput): Promise<Buffer> {
  if (input.messageImprint.length !== HASH_LENGTH[input.hashAlgorithm]) {
    throw new TimestampError("message imprint length does not match its algorithm", "badAlg");
  }
  if (input.serialNumber < 0n) throw new TimestampError("serial number must be positive", "systemFailure");
  const tsa = readCertificate(input.tsaCertificate);
  const tstInfo = toDer(
    seq(
      integer(1),
      oid(input.policyOid),
      seq(algorithmIdentifier(hashOidOf(input.hashAlgorithm)), octetString(input.messageImprint)),
      bigInteger(input.serialNumber),
      generalizedTime(input.genTime, true),
      input.nonce === undefined ? undefined : bigInteger(input.nonce),
      contextConstructed(0, contextConstructed(4, rawElement(tsa.subjectNameDer))),
    ),
  );
  return buildSignedData({
    contentType: Oid.tstInfo,
    content: tstInfo,
    digestAlgorithm: "sha256",
    signerCertificate: input.tsaCertificate,
    certificates: input.certReq ? input.chain : [],
    includeSignerCertificate: input.certReq ?? false,
    sign: input.sign,
    signedAttributes: [
      attribute(Oid.messageDigest, octetString(createHash("sha256").update(tstInfo).digest())),
      signingCertificateV2Attribute(input.tsaCertificate),
    ],
  });
}
