import { createHash } from "node:crypto";
import { DomainError } from "../errors";
import { SHA256_HEX, type BlobBody, type FixityResult, type PutOptions } from "./blob-store";

/**
 * Iterates `body` chunk by chunk, feeding a SHA-256 and a byte counter, enforcing the size limit.
 * `digest()` is valid once the iteration has finished.
 */
export function hashingTap(body: BlobBody, options: PutOptions = {}) {
  const hash = createHash("sha256");
  let size = 0;
  const source: AsyncIterable<Uint8Array> = body instanceof Uint8Array ? single(body) : body;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (options.maxBytes !== undefined && size > options.maxBytes) {
        throw new DomainError(
          "PAYLOAD_TOO_LARGE",
          `The upload is larger than the allowed ${formatBytes(options.maxBytes)}.`,
          { maxBytes: options.maxBytes },
        );
      }
      hash.update(chunk);
      yield chunk;
    }
  }
  return {
    chunks: chunks(),
    size: () => size,
    digest: () => hash.digest("hex"),
  };
}

/** Throws DIGEST_MISMATCH if the client announced a digest that is not what we computed. */
export function checkExpectedDigest(actual: string, options: PutOptions): void {
  if (options.expectedSha256 === undefined) return;
  const expected = options.expectedSha256.toLowerCase();
  if (!SHA256_HEX.test(expected)) {
    throw new DomainError("VALIDATION_FAILED", "The announced SHA-256 must be 64 hexadecimal digits.");
  }
  if (expected !== actual) {
    throw new DomainError(
      "DIGEST_MISMATCH",
      "The uploaded bytes do not match the SHA-256 you announced; nothing was stored. Upload the file again.",
      { expected, actual },
    );
  }
}

/** Rejects anything that is not a lower-case SHA-256 hex string before it reaches a path or key. */
export function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new DomainError("VALIDATION_FAILED", "Not a SHA-256 digest.");
}

/**
 * Serves a stored blob while re-hashing it: every chunk but the last is passed on as it is read;
 * the last is held back until the whole digest is known. If the bytes do not match `sha256`,
 * `onMismatch` runs and the stream ends in an error instead, so the reader never receives a
 * complete copy of altered bytes (for files too large to re-hash before the first byte).
 */
export function verifyingStream(
  sha256: string,
  source: ReadableStream<Uint8Array>,
  onMismatch: (actualSha256: string) => Promise<void>,
): ReadableStream<Uint8Array> {
  const hash = createHash("sha256");
  let held: Uint8Array | null = null;
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        hash.update(chunk);
        if (held) controller.enqueue(held);
        held = chunk;
      },
      async flush(controller) {
        const actual = hash.digest("hex");
        if (actual !== sha256) {
          await onMismatch(actual);
          controller.error(integrityFailure(sha256, actual));
          return;
        }
        if (held) controller.enqueue(held);
      },
    }),
  );
}

/** Hashes a stream fully and compares with the name it is stored under. */
export async function rehash(sha256: string, stream: AsyncIterable<Uint8Array>): Promise<FixityResult> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  const actual = hash.digest("hex");
  return { sha256, ok: actual === sha256, actualSha256: actual, size, missing: false };
}

/** Collects a stream into one buffer, checking its hash. */
export async function collectVerified(sha256: string, stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const hash = createHash("sha256");
  for await (const chunk of stream) {
    parts.push(chunk);
    hash.update(chunk);
  }
  const actual = hash.digest("hex");
  if (actual !== sha256) throw integrityFailure(sha256, actual);
  return Buffer.concat(parts);
}

/** The error for stored bytes that no longer match their name. */
export function integrityFailure(sha256: string, actual?: string): DomainError {
  return new DomainError(
    "INTEGRITY_FAILURE",
    "The stored bytes of this file no longer match its SHA-256 fingerprint; it was not served. An administrator must restore it from backup.",
    { sha256, actualSha256: actual },
  );
}

async function* single(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** 1536 → "1.5 KB"; for messages people read. */
export function formatBytes(n: number): string {
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} bytes` : `${Number(value.toFixed(1))} ${units[unit]}`;
}
