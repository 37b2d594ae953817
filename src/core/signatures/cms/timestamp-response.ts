import { bitString, integer, rawElement, seq, toDer, utf8String, type Asn1Node } from "../pki/asn1-builder";
import {
  DerError,
  UniversalTag,
  childAt,
  contentOf,
  encodingOf,
  isUniversal,
  parseDerExact,
  readSmallInteger,
  readString,
} from "../pki/der-reader";
import { TimestampError, type TimestampFailure } from "./timestamp-request";

/** PKIStatus values (RFC 3161 §2.4.2). */
export type TimestampStatus = "granted" | "grantedWithMods" | "rejection" | "waiting" | "revocationWarning" | "revocationNotification";

const STATUS_CODES: TimestampStatus[] = ["granted", "grantedWithMods", "rejection", "waiting", "revocationWarning", "revocationNotification"];

const FAILURE_BITS: Record<TimestampFailure, number> = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
};

/** The PKIStatusInfo of a response. */
export interface TimestampStatusInfo {
  status: TimestampStatus;
  /** Free text for people. */
  statusText?: string;
  /** The reason of a rejection. */
  failInfo?: TimestampFailure;
}

/**
 * Builds a DER TimeStampResp. A `granted` status needs the token; any other status must
 * come without one.
 *
 * @throws Error when status and token do not agree.
 */
export function buildTimeStampResp(status: TimestampStatus | TimestampStatusInfo, token?: Uint8Array): Buffer {
  const info = typeof status === "string" ? { status } : status;
  const grants = info.status === "granted" || info.status === "grantedWithMods";
  if (grants !== (token !== undefined)) throw new Error(`a ${info.status} response ${grants ? "needs" : "must not carry"} a token`);
  return toDer(
    seq(
      seq(
        integer(STATUS_CODES.indexOf(info.status)),
        info.statusText ? seq(utf8String(info.statusText)) : undefined,
        info.failInfo ? failInfoBits(FAILURE_BITS[info.failInfo]) : undefined,
      ),
      token ? rawElement(token) : undefined,
    ),
  );
}

function failInfoBits(bit: number): Asn1Node {
  const bytes = Buffer.alloc((bit >> 3) + 1);
  bytes[bit >> 3] = 0x80 >> (bit & 7);
  return bitString(bytes, 7 - (bit & 7));
}

/** A parsed TimeStampResp. */
export interface TimeStampResponse {
  status: TimestampStatus;
  statusText?: string;
  /** Failure names set in failInfo. */
  failInfo: TimestampFailure[];
  /** DER of the TimeStampToken when granted. */
  token?: Buffer;
}

/**
 * Parses a DER TimeStampResp.
 *
 * @throws {@link TimestampError} (`badDataFormat`) when the bytes are not a response.
 */
export function parseTimeStampResp(der: Uint8Array): TimeStampResponse {
  try {
    const root = parseDerExact(der);
    const statusInfo = childAt(root, 0, UniversalTag.sequence);
    const code = readSmallInteger(childAt(statusInfo, 0, UniversalTag.integer));
    const status = STATUS_CODES[code];
    if (!status) throw new DerError(`unknown PKIStatus ${code}`);
    const response: TimeStampResponse = { status, failInfo: [] };
    for (const node of statusInfo.children.slice(1)) {
      if (isUniversal(node, UniversalTag.sequence)) response.statusText = node.children.map(readString).join(" ");
      else if (isUniversal(node, UniversalTag.bitString)) {
        const bits = contentOf(node).subarray(1);
        for (const [name, bit] of Object.entries(FAILURE_BITS) as [TimestampFailure, number][]) {
          if ((bits[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) response.failInfo.push(name);
        }
      }
    }
    const token = root.children[1];
    if (token) response.token = Buffer.from(encodingOf(token));
    return response;
  } catch (error) {
    throw new TimestampError(`malformed TimeStampResp: ${(error as Error).message}`, "badDataFormat");
  }
}
