import { X509Certificate, sign as signWithKey, type KeyObject } from "node:crypto";
import { computeKeyIdentifier, subjectNameOf } from "./certificate-builder";
import {
  algorithmIdentifier,
  bitString,
  contextConstructed,
  contextPrimitive,
  enumerated,
  bigInteger,
  integer,
  octetString,
  oid,
  rawElement,
  seq,
  toDer,
  unsignedInteger,
  x509Time,
} from "./asn1-builder";
import { encodingOf } from "./der-reader";

const SHA256_WITH_RSA = "1.2.840.113549.1.1.11";

/** RFC 5280 CRLReason values. */
export type RevocationReason =
  | "unspecified"
  | "keyCompromise"
  | "cACompromise"
  | "affiliationChanged"
  | "superseded"
  | "cessationOfOperation"
  | "certificateHold"
  | "privilegeWithdrawn";

const REASON_CODES: Record<RevocationReason, number> = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  privilegeWithdrawn: 9,
};

/** One revoked certificate. */
export interface RevokedCertificate {
  /** Serial number in hex. */
  serialNumber: string;
  /** When it was revoked. */
  revokedAt: Date;
  /** Optional reason, written as a reasonCode entry extension. */
  reason?: RevocationReason;
}

/** Input for {@link createCrl}. */
export interface CreateCrlInput {
  /** The CA that signs the list: its DER certificate and private key. */
  issuer: { certificate: Uint8Array; privateKey: KeyObject };
  /** Certificates revoked so far. */
  revoked: RevokedCertificate[];
  /** thisUpdate. */
  thisUpdate: Date;
  /** nextUpdate. */
  nextUpdate: Date;
  /** Monotonic CRL number (cRLNumber extension). */
  crlNumber: number;
}

/**
 * Creates an X.509 v2 CRL (DER) signed by the CA with sha256WithRSAEncryption,
 * carrying authorityKeyIdentifier and cRLNumber extensions.
 */
export function createCrl(input: CreateCrlInput): Buffer {
  const issuerDer = Buffer.from(input.issuer.certificate);
  const issuerName = rawElement(encodingOf(subjectNameOf(issuerDer)));
  const keyId = computeKeyIdentifier(new X509Certificate(issuerDer).publicKey);
  const entries = input.revoked.map((r) =>
    seq(
      unsignedInteger(r.serialNumber),
      x509Time(r.revokedAt),
      r.reason === undefined ? undefined : seq(seq(oid("2.5.29.21"), octetString(toDer(enumerated(REASON_CODES[r.reason]))))),
    ),
  );
  const tbs = seq(
    integer(1),
    algorithmIdentifier(SHA256_WITH_RSA),
    issuerName,
    x509Time(input.thisUpdate),
    x509Time(input.nextUpdate),
    entries.length > 0 ? seq(...entries) : undefined,
    contextConstructed(
      0,
      seq(
        seq(oid("2.5.29.35"), octetString(toDer(seq(contextPrimitive(0, keyId))))),
        // a big integer: the number is the issue time in seconds, past 2^31 from 2038 on (records are kept 30 years)
        seq(oid("2.5.29.20"), octetString(toDer(bigInteger(BigInt(input.crlNumber))))),
      ),
    ),
  );
  const tbsDer = toDer(tbs);
  const signature = signWithKey("sha256", tbsDer, input.issuer.privateKey);
  return toDer(seq(rawElement(tbsDer), algorithmIdentifier(SHA256_WITH_RSA), bitString(signature)));
}
