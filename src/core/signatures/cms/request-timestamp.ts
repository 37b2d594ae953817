import { buildTimeStampReq, TimestampError } from "./timestamp-request";
import { parseTimeStampResp } from "./timestamp-response";
import { parseSignedData } from "./parse-signed-data";
import { parseTstInfo } from "./verify-timestamp-token";

/**
 * How long to wait for an external TSA, answer body included. Signing waits for the time stamp
 * inside its transaction (the request row stays locked, and embedded PGlite serves nothing else
 * meanwhile), so a TSA that never answers must not hold it for long; public TSAs answer in well
 * under a second, 15 s leaves room for a slow network without making the signer wait minutes.
 */
export const TSA_TIMEOUT_MS = 15_000;

/** The subset of `fetch` the client needs (inject another for tests or proxies). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body: Uint8Array; signal?: AbortSignal },
) => Promise<{
  ok: boolean;
  status: number;
  headers: { get(name: string): string | null };
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

/** Options of {@link requestTimestamp}. */
export interface RequestTimestampOptions {
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Defaults to {@link TSA_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/**
 * Asks an external RFC 3161 TSA (HTTP POST, application/timestamp-query) for a token
 * over `digest`, with a random nonce and certReq. Checks that the answer is granted and
 * that the token's imprint and nonce are the ones asked for.
 *
 * @param digest SHA-256 of the data to time-stamp (for PAdES B-T: of the signature value).
 * @returns DER of the TimeStampToken.
 * @throws {@link TimestampError} when the TSA cannot be reached, does not answer in time, refuses,
 * answers garbage or another imprint (`systemFailure` for transport failures).
 */
export async function requestTimestamp(url: string, digest: Buffer, options: RequestTimestampOptions = {}): Promise<Buffer> {
  if (digest.length !== 32) throw new TimestampError("the digest must be SHA-256 (32 bytes)", "badAlg");
  const fetchImpl = options.fetch ?? (fetch as unknown as FetchLike);
  const timeoutMs = options.timeoutMs ?? TSA_TIMEOUT_MS;
  const { der, nonce } = buildTimeStampReq({ messageImprint: digest, certReq: true });
  let body: Buffer;
  try {
    const response = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" },
      body: der,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) throw new TimestampError(`TSA answered HTTP ${response.status}`, "systemFailure");
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    if (error instanceof TimestampError) throw error;
    throw new TimestampError(describeTransportFailure(error, timeoutMs), "systemFailure", { cause: error });
  }
  const parsed = parseTimeStampResp(body);
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

/** What went wrong on the way, in words (fetch reports "fetch failed" and hides the reason in `cause`). */
function describeTransportFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `TSA did not answer within ${timeoutMs / 1000} s`;
  const reason = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(error);
  return `TSA could not be reached (${reason})`;
}
