import { randomBytes } from "node:crypto";
import { algorithmIdentifier, bigInteger, boolean, integer, octetString, oid, seq, toDer } from "../pki/asn1-builder";
import {
  DerError,
  UniversalTag,
  childAt,
  contentOf,
  isContext,
  isUniversal,
  parseDerExact,
  readIntegerBytes,
  readOid,
  readSmallInteger,
} from "../pki/der-reader";
import { HASH_LENGTH, hashAlgorithmOf, hashOidOf, type HashAlgorithm } from "./oids";

/** PKIFailureInfo names (RFC 3161 §2.4.2). */
export type TimestampFailure =
  | "badAlg"
  | "badRequest"
  | "badDataFormat"
  | "timeNotAvailable"
  | "unacceptedPolicy"
  | "unacceptedExtension"
  | "addInfoNotAvailable"
  | "systemFailure";

/** Raised for a bad time-stamp request or response; `failure` maps to PKIFailureInfo. */
export class TimestampError extends Error {
  override name = "TimestampError";
  constructor(
    message: string,
    /** The PKIFailureInfo a TSA should answer with. */
    readonly failure: TimestampFailure = "badRequest",
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A parsed RFC 3161 TimeStampReq. */
export interface TimeStampRequest {
  hashAlgorithm: HashAlgorithm;
  /** The hashed message (messageImprint.hashedMessage). */
  messageImprint: Buffer;
  /** reqPolicy, when requested. */
  policyOid?: string;
  nonce?: bigint;
  /** Whether the TSA must include its certificate. */
  certReq: boolean;
  /** Whether the request carries extensions (Custos accepts none). */
  hasExtensions: boolean;
}

/**
 * Parses a DER TimeStampReq.
 *
 * @throws {@link TimestampError} with `badDataFormat` for malformed input, `badAlg` for
 * an unknown digest or an imprint of the wrong length.
 */
export function parseTimeStampReq(der: Uint8Array): TimeStampRequest {
  try {
    const root = parseDerExact(der);
    if (!isUniversal(root, UniversalTag.sequence)) throw new DerError("TimeStampReq is not a SEQUENCE");
    if (readSmallInteger(childAt(root, 0, UniversalTag.integer)) !== 1) throw new TimestampError("unsupported TimeStampReq version", "badRequest");
    const imprint = childAt(root, 1, UniversalTag.sequence);
    const algOid = readOid(childAt(childAt(imprint, 0, UniversalTag.sequence), 0));
    const hashAlgorithm = hashAlgorithmOf(algOid);
    if (!hashAlgorithm) throw new TimestampError(`unsupported hash algorithm ${algOid}`, "badAlg");
    const hashed = Buffer.from(contentOf(childAt(imprint, 1, UniversalTag.octetString)));
    if (hashed.length !== HASH_LENGTH[hashAlgorithm]) throw new TimestampError("message imprint length does not match its algorithm", "badAlg");
    const request: TimeStampRequest = { hashAlgorithm, messageImprint: hashed, certReq: false, hasExtensions: false };
    for (const node of root.children.slice(2)) {
      if (isUniversal(node, UniversalTag.oid)) request.policyOid = readOid(node);
      else if (isUniversal(node, UniversalTag.integer)) request.nonce = bigintFromBytes(readIntegerBytes(node));
      else if (isUniversal(node, UniversalTag.boolean)) request.certReq = contentOf(node)[0] !== 0;
      else if (isContext(node, 0)) request.hasExtensions = true;
      else throw new DerError("unexpected element in TimeStampReq");
    }
    return request;
  } catch (error) {
    if (error instanceof TimestampError) throw error;
    throw new TimestampError(`malformed TimeStampReq: ${(error as Error).message}`, "badDataFormat");
  }
}

/** Input for {@link buildTimeStampReq}. */
export interface BuildTimeStampReqInput {
  hashAlgorithm?: HashAlgorithm;
  messageImprint: Buffer;
  policyOid?: string;
  /** A nonce; a random 64-bit one is used when omitted. */
  nonce?: bigint;
  certReq?: boolean;
}

/** Builds a DER TimeStampReq (certReq true unless told otherwise). */
export function buildTimeStampReq(input: BuildTimeStampReqInput): { der: Buffer; nonce: bigint } {
  const nonce = input.nonce ?? randomNonce();
  const der = toDer(
    seq(
      integer(1),
      seq(algorithmIdentifier(hashOidOf(input.hashAlgorithm ?? "sha256")), octetString(input.messageImprint)),
      input.policyOid ? oid(input.policyOid) : undefined,
      bigInteger(nonce),
      (input.certReq ?? true) ? boolean(true) : undefined,
    ),
  );
  return { der, nonce };
}

function randomNonce(): bigint {
  const bytes = randomBytes(8);
  bytes[0] = bytes[0]! & 0x7f;
  return bigintFromBytes(bytes);
}

/** Interprets INTEGER content octets as a two's-complement big integer. */
export function bigintFromBytes(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
  if (bytes[0]! & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}
