import { PDFArray, PDFDict, PDFHexString, PDFName, PDFRef, PDFString, type PDFObject } from "pdf-lib";
import { indexOfBytes, latin1, readObjectHeader, skipWhitespace } from "./pdf-bytes";
import type { PdfFile } from "./pdf-file";
import { parserAt } from "./xref-reader";

/** A signature dictionary as found in the file's bytes. */
export interface FoundSignature {
  /** Object number of the dictionary, when known. */
  objectNumber?: number;
  /** Offset of the dictionary's object (its `N G obj`), or of /ByteRange when no header was found. */
  offset: number;
  /** The /ByteRange values as written (numbers; null for tokens that are not integers). */
  byteRange?: (number | null)[];
  /** Offsets of the /Contents hex string: its `<` and just after its `>`. */
  contentsSpan?: [number, number];
  /** Decoded /Contents bytes. */
  contents?: Buffer;
  /** The parsed dictionary, when pdf-lib could parse it. */
  dict?: PDFDict;
}

const MAX_SIGNATURES = 256;

/**
 * Finds signature dictionaries by scanning the raw bytes for /ByteRange, reading the
 * /ByteRange array and the /Contents hex string of the same object directly from the
 * bytes (exact offsets, even when the file's structure is broken).
 */
export function scanSignatureDictionaries(file: Pick<PdfFile, "bytes" | "context">): FoundSignature[] {
  const { bytes } = file;
  const found: FoundSignature[] = [];
  const seenObjects = new Set<number>();
  for (let at = indexOfBytes(bytes, "/ByteRange"); at >= 0 && found.length < MAX_SIGNATURES; at = indexOfBytes(bytes, "/ByteRange", at + 10)) {
    const header = findObjectStart(bytes, at);
    if (header && seenObjects.has(header.offset)) continue;
    const objectEnd = header ? endOfObject(bytes, at) : Math.min(bytes.length, at + 200_000);
    const start = header?.offset ?? at;
    if (header) seenObjects.add(header.offset);
    const sig: FoundSignature = { offset: start, ...(header ? { objectNumber: header.objectNumber } : {}) };
    sig.byteRange = readByteRange(bytes, at + 10);
    const contentsAt = findKey(bytes, header ? header.bodyStart : Math.max(0, at - 100_000), objectEnd, "/Contents");
    if (contentsAt >= 0) {
      const p = skipWhitespace(bytes, contentsAt + 9);
      if (bytes[p] === 0x3c && bytes[p + 1] !== 0x3c) {
        const close = bytes.indexOf(0x3e, p);
        if (close > p) {
          sig.contentsSpan = [p, close + 1];
          sig.contents = decodeHex(latin1(bytes, p + 1, close));
        }
      }
    }
    if (header) {
      try {
        const parsed = parseDictAt(file, header.bodyStart);
        if (parsed) sig.dict = parsed;
      } catch {
        // The raw values above remain usable.
      }
    }
    found.push(sig);
  }
  return found;
}

function parseDictAt(file: Pick<PdfFile, "bytes" | "context">, at: number): PDFDict | undefined {
  const obj = parserAt(file.bytes, at, file.context).parseObject();
  return obj instanceof PDFDict ? obj : undefined;
}

/** Finds the `N G obj` header of the object containing `pos` (within 64 KB before it). */
function findObjectStart(bytes: Uint8Array, pos: number): { offset: number; objectNumber: number; bodyStart: number } | undefined {
  const from = Math.max(0, pos - 65_536);
  const text = latin1(bytes, from, pos);
  const re = /(\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]+obj\b/g;
  let last: RegExpExecArray | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) last = m;
  if (!last) return undefined;
  const offset = from + last.index;
  if (text.lastIndexOf("endobj") > last.index) return undefined;
  const h = readObjectHeader(bytes, offset);
  return h ? { offset, objectNumber: h.objectNumber, bodyStart: h.end } : undefined;
}

function endOfObject(bytes: Uint8Array, pos: number): number {
  const end = indexOfBytes(bytes, "endobj", pos);
  return end < 0 ? bytes.length : end;
}

/** Offset of `key` as a dictionary key between `from` and `to`, skipping hex strings; -1 if absent. */
function findKey(bytes: Uint8Array, from: number, to: number, key: string): number {
  let at = indexOfBytes(bytes, key, from);
  while (at >= 0 && at < to) {
    const next = bytes[at + key.length];
    if (next === undefined || !/[A-Za-z0-9]/.test(String.fromCharCode(next))) return at;
    at = indexOfBytes(bytes, key, at + key.length);
  }
  return -1;
}

function readByteRange(bytes: Uint8Array, pos: number): (number | null)[] | undefined {
  const p = skipWhitespace(bytes, pos);
  if (bytes[p] !== 0x5b) return undefined;
  const close = bytes.indexOf(0x5d, p);
  if (close < 0 || close - p > 512) return undefined;
  const tokens = latin1(bytes, p + 1, close).trim().split(/[\s\0]+/).filter(Boolean);
  return tokens.map((t) => (/^\d+$/.test(t) ? Number(t) : null));
}

function decodeHex(text: string): Buffer {
  const hex = text.replace(/[^0-9a-fA-F]/g, "");
  return Buffer.from(hex.length % 2 ? `${hex}0` : hex, "hex");
}

/** Text of a string object (literal or hex; PDFDocEncoding or UTF-16), else undefined. */
export function textOf(obj: PDFObject | undefined): string | undefined {
  if (obj instanceof PDFString || obj instanceof PDFHexString) {
    try {
      return obj.decodeText();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Name of a name object without the slash. */
export function nameOf(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFName ? obj.decodeText() : undefined;
}

/**
 * Maps signature dictionary object numbers to their fully qualified field names by
 * walking the AcroForm field tree (loop-safe).
 */
export function signatureFieldNames(file: PdfFile): Map<number, string> {
  const names = new Map<number, string>();
  const acroForm = file.getDict(file.catalog()?.dict, "AcroForm");
  const fields = file.resolve(acroForm?.get(PDFName.of("Fields")));
  const seen = new Set<number>();
  const walk = (node: PDFObject | undefined, prefix: string, depth: number): void => {
    if (depth > 32) return;
    if (node instanceof PDFRef) {
      if (seen.has(node.objectNumber)) return;
      seen.add(node.objectNumber);
    }
    const dict = file.resolve(node);
    if (!(dict instanceof PDFDict)) return;
    const own = textOf(dict.get(PDFName.of("T")));
    const name = own === undefined ? prefix : prefix ? `${prefix}.${own}` : own;
    const value = dict.get(PDFName.of("V"));
    if (value instanceof PDFRef && !names.has(value.objectNumber)) names.set(value.objectNumber, name);
    const kids = file.resolve(dict.get(PDFName.of("Kids")));
    if (kids instanceof PDFArray) for (const k of kids.asArray().slice(0, 10_000)) walk(k, name, depth + 1);
  };
  if (fields instanceof PDFArray) for (const f of fields.asArray().slice(0, 10_000)) walk(f, "", 0);
  return names;
}
