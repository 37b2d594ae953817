import { buildTimeStampReq, TimestampError } from "./timestamp-request";
import { parseTimeStampResp } from "./timestamp-response";
import { parseSignedData } from "./parse-signed-data";
import { parseTstInfo } from "./verify-timestamp-token";

/** The subset of `fetch` the client needs (inject another for tests or proxies). */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: Uint8Array }) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/**
 * Asks an external RFC 3161 TSA (HTTP POST, application/timestamp-query) for a token
 * over `digest`, with a random nonce and certReq. Checks that the answer is granted and
 * that the token's imprint and nonce are the ones asked for.
 *
 * @param digest SHA-256 of the data to time-stamp (for PAdES B-T: of the signature value).
 * @returns DER of the TimeStampToken.
 * @throws {@link TimestampError} when the TSA refuses, answers garbage or another imprint.
 */
export async function requestTimestamp(url: string, digest: Buffer, fetchImpl: FetchLike = fetch as unknown as FetchLike): Promise<Buffer> {
  if (digest.length !== 32) throw new TimestampError("the digest must be SHA-256 (32 bytes)", "badAlg");
  const { der, nonce } = buildTimeStampReq({ messageImprint: digest, certReq: true });
  const response = await fetchImpl(url, { method: "POST", headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" }, body: der });
  if (!response.ok) throw new TimestampError(`TSA answered HTTP ${response.status}`, "systemFailure");
  const parsed = parseTimeStampResp(Buffer.from(await response.arrayBuffer()));
  if (parsed.status !== "granted" && parsed.status !== "grantedWithMods") {
    throw new TimestampError(`TSA refused: ${parsed.status}${parsed.statusText ? ` (${parsed.statusText})` : ""}${parsed.failInfo.length ? ` [${parsed.failInfo.join(", ")}]` : ""}`, parsed.failInfo[0] ?? "systemFailure");
  }
  if (!parsed.token) throw new TimestampError("TSA granted without a token", "systemFailure");
  let info;
  try {
    const sd = parseSignedData(parsed.token);
    if (!sd.content) throw new Error("token has no TSTInfo");
    info = parseTstInfo(sd.content);
  } catch (error) {
    throw new TimestampError(`TSA token is malformed: ${(error as Error).message}`, "badDataFormat");
  }
  if (info.hashAlgorithm !== "sha256" || !info.messageImprint.equals(digest)) throw new TimestampError("TSA token is for another imprint", "badRequest");
  if (info.nonce === undefined || BigInt(`0x${info.nonce}`) !== nonce) throw new TimestampError("TSA token nonce does not match the request", "badRequest");
  return parsed.token;
}
