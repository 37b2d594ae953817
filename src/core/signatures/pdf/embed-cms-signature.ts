import { createHash } from "node:crypto";
import type { PreparedPdfSignature } from "./prepare-pdf-signature";

/** Raised when a CMS does not fit the /Contents placeholder. */
export class SignatureTooLargeError extends Error {
  override name = "SignatureTooLargeError";
}

/**
 * SHA-256 of the bytes a /ByteRange covers, hashed straight from the file (no copies).
 *
 * @throws RangeError when the ranges fall outside the data.
 */
export function hashByteRange(pdf: Uint8Array, byteRange: readonly [number, number, number, number], algorithm = "sha256"): Buffer {
  const [a, b, c, d] = byteRange;
  if (a < 0 || b < 0 || c < a + b || d < 0 || c + d > pdf.length) throw new RangeError("byte range outside the data");
  return createHash(algorithm).update(pdf.subarray(a, a + b)).update(pdf.subarray(c, c + d)).digest();
}

/**
 * Writes the DER CMS into the /Contents placeholder of a prepared PDF and returns the
 * final file (a new buffer; `prepared.pdf` is left unchanged).
 *
 * @throws {@link SignatureTooLargeError} when the CMS is larger than the placeholder.
 */
export function embedCmsSignature(prepared: PreparedPdfSignature, cms: Uint8Array): Uint8Array {
  const [, start, end] = prepared.byteRange;
  const capacity = (end - start - 2) / 2;
  if (prepared.pdf[start] !== 0x3c || prepared.pdf[end - 1] !== 0x3e) throw new Error("the byte range gap is not the /Contents placeholder");
  if (cms.length > capacity) {
    throw new SignatureTooLargeError(`the signature needs ${cms.length} bytes but the placeholder holds ${capacity}; prepare with a larger placeholderBytes`);
  }
  const out = new Uint8Array(prepared.pdf);
  Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(Buffer.from(cms).toString("hex"), start + 1, "latin1");
  return out;
}
