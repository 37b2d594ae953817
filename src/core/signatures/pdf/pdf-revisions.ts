import { indexOfBytes } from "./pdf-bytes";

/** One revision of a PDF: the original file or an incremental update, ending at a %%EOF. */
export interface PdfRevision {
  /** 0 for the original document, then one per incremental update. */
  index: number;
  /** Offset where the revision starts. */
  start: number;
  /** Offset just after its %%EOF marker. */
  eofEnd: number;
  /** Offset after the %%EOF and its end-of-line, where the next revision starts. */
  end: number;
}

/**
 * Splits a file into revisions at its %%EOF markers. Bytes after the last marker (other
 * than white space) form no revision of their own; `trailingBytes` counts them.
 */
export function findRevisions(bytes: Uint8Array): { revisions: PdfRevision[]; trailingBytes: number } {
  const revisions: PdfRevision[] = [];
  let start = 0;
  for (let at = indexOfBytes(bytes, "%%EOF"); at >= 0; at = indexOfBytes(bytes, "%%EOF", at + 5)) {
    let end = at + 5;
    if (bytes[end] === 0x0d) end++;
    if (bytes[end] === 0x0a) end++;
    revisions.push({ index: revisions.length, start, eofEnd: at + 5, end });
    start = end;
  }
  let tail = bytes.length - start;
  for (let i = start; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x00) tail--;
  }
  if (revisions.length === 0) return { revisions: [{ index: 0, start: 0, eofEnd: bytes.length, end: bytes.length }], trailingBytes: 0 };
  return { revisions, trailingBytes: tail };
}

/** The index of the revision that contains `offset`. */
export function revisionAt(revisions: PdfRevision[], offset: number): number {
  const found = revisions.findIndex((r) => offset < r.end);
  return found < 0 ? revisions.length - 1 : found;
}
