import { inflateSync, constants as zlibConstants } from "node:zlib";
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, decodePDFRawStream } from "pdf-lib";

/** Byte-level helpers for reading PDF files without parsing them whole. */

/** Whether `b` is PDF white space. */
export function isPdfWhitespace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
}

/** Whether `b` is a PDF delimiter. */
export function isPdfDelimiter(b: number | undefined): boolean {
  return b === 0x28 || b === 0x29 || b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d || b === 0x7b || b === 0x7d || b === 0x2f || b === 0x25;
}

/** Latin-1 text of a byte window (for keyword and number scanning). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1", Math.max(0, start), Math.min(bytes.length, end));
}

/** Index of `needle` in `bytes` at or after `from`, or -1. */
export function indexOfBytes(bytes: Uint8Array, needle: string, from = 0): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(needle, from, "latin1");
}

/** Index of the last `needle` in `bytes` that starts at or before `before`, or -1. */
export function lastIndexOfBytes(bytes: Uint8Array, needle: string, before = bytes.length): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).lastIndexOf(needle, before, "latin1");
}

/** Position after white space and comments starting at `pos`. */
export function skipWhitespace(bytes: Uint8Array, pos: number): number {
  let p = pos;
  while (p < bytes.length) {
    const b = bytes[p];
    if (isPdfWhitespace(b)) p++;
    else if (b === 0x25) {
      while (p < bytes.length && bytes[p] !== 0x0a && bytes[p] !== 0x0d) p++;
    } else break;
  }
  return p;
}

/** Reads an unsigned integer at `pos` (after white space); undefined when there is none. */
export function readUnsignedInt(bytes: Uint8Array, pos: number): { value: number; end: number } | undefined {
  let p = skipWhitespace(bytes, pos);
  const start = p;
  let value = 0;
  while (p < bytes.length && bytes[p]! >= 0x30 && bytes[p]! <= 0x39 && p - start < 16) value = value * 10 + (bytes[p++]! - 0x30);
  return p === start ? undefined : { value, end: p };
}

/** Whether `keyword` starts at `pos` and is followed by a delimiter or white space. */
export function matchKeyword(bytes: Uint8Array, pos: number, keyword: string): boolean {
  for (let i = 0; i < keyword.length; i++) if (bytes[pos + i] !== keyword.charCodeAt(i)) return false;
  const after = bytes[pos + keyword.length];
  return after === undefined || isPdfWhitespace(after) || isPdfDelimiter(after);
}

/** Parses `N G obj` at `pos`; returns the numbers and the offset after `obj`. */
export function readObjectHeader(bytes: Uint8Array, pos: number): { objectNumber: number; generation: number; end: number } | undefined {
  const n = readUnsignedInt(bytes, pos);
  if (!n) return undefined;
  const g = readUnsignedInt(bytes, n.end);
  if (!g || !isPdfWhitespace(bytes[n.end])) return undefined;
  const k = skipWhitespace(bytes, g.end);
  if (!matchKeyword(bytes, k, "obj")) return undefined;
  return { objectNumber: n.value, generation: g.value, end: k + 3 };
}

/**
 * Decodes a stream's data: FlateDecode (tolerating truncated data) with PNG/TIFF
 * predictors, or whatever pdf-lib's decoders handle. `maxOutputLength` bounds what FlateDecode
 * may inflate to (against a small stream that inflates to gigabytes).
 *
 * @throws Error when the data cannot be decoded or inflates beyond `maxOutputLength`.
 */
/**
 * The most an object stream or a cross-reference stream may inflate to (a file's structure, not
 * its images: a cross-reference stream of a million objects is some 7 MB). Beyond it the stream
 * counts as unreadable: a few kilobytes that inflate to gigabytes must not take the server down.
 */
export const MAX_STRUCTURE_STREAM_BYTES = 32 * 1024 * 1024;

export function decodeStreamData(stream: PDFRawStream, maxOutputLength?: number): Uint8Array {
  const filter = stream.dict.get(PDFName.of("Filter"));
  const filterName = filter instanceof PDFName ? filter : filter instanceof PDFArray && filter.size() === 1 ? filter.get(0) : undefined;
  if (filter === undefined) return stream.contents;
  if (filterName === PDFName.of("FlateDecode")) {
    const raw = Buffer.from(stream.contents.buffer, stream.contents.byteOffset, stream.contents.byteLength);
    let data: Uint8Array;
    try {
      data = inflateSync(raw, maxOutputLength ? { maxOutputLength } : {});
    } catch (error) {
      if (maxOutputLength && error instanceof RangeError) throw error;
      data = inflateSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH, ...(maxOutputLength ? { maxOutputLength } : {}) });
    }
    let parms = stream.dict.get(PDFName.of("DecodeParms"));
    if (parms instanceof PDFArray) parms = parms.get(0);
    return parms instanceof PDFDict ? undoPredictor(data, parms) : data;
  }
  const decoded = decodePDFRawStream(stream).decode();
  if (maxOutputLength && decoded.length > maxOutputLength) throw new RangeError(`the stream decodes to more than ${maxOutputLength} bytes`);
  return decoded;
}

function numberIn(dict: PDFDict, key: string, fallback: number): number {
  const v = dict.get(PDFName.of(key));
  return v instanceof PDFNumber ? v.asNumber() : fallback;
}

function undoPredictor(data: Uint8Array, parms: PDFDict): Uint8Array {
  const predictor = numberIn(parms, "Predictor", 1);
  if (predictor < 2) return data;
  const colors = numberIn(parms, "Colors", 1);
  const bpc = numberIn(parms, "BitsPerComponent", 8);
  const columns = numberIn(parms, "Columns", 1);
  const bpp = Math.max(1, Math.ceil((colors * bpc) / 8));
  const rowLength = Math.ceil((colors * bpc * columns) / 8);
  if (predictor === 2) {
    const out = Uint8Array.from(data);
    for (let r = 0; r + rowLength <= out.length; r += rowLength) {
      for (let i = bpp; i < rowLength; i++) out[r + i] = (out[r + i]! + out[r + i - bpp]!) & 0xff;
    }
    return out;
  }
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = new Uint8Array(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)]!;
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const raw = data[src + i]!;
      const left = i >= bpp ? out[dst + i - bpp]! : 0;
      const up = r > 0 ? out[dst - rowLength + i]! : 0;
      const upLeft = r > 0 && i >= bpp ? out[dst - rowLength + i - bpp]! : 0;
      let v: number;
      switch (type) {
        case 1: v = raw + left; break;
        case 2: v = raw + up; break;
        case 3: v = raw + ((left + up) >> 1); break;
        case 4: {
          const p = left + up - upLeft;
          const pa = Math.abs(p - left);
          const pb = Math.abs(p - up);
          const pc = Math.abs(p - upLeft);
          v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        default: v = raw;
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}
