import { PDFArray, PDFContext, PDFDict, PDFName, PDFNumber, PDFObjectParser, PDFRawStream } from "pdf-lib";
import { MAX_STRUCTURE_STREAM_BYTES, decodeStreamData, indexOfBytes, lastIndexOfBytes, latin1, matchKeyword, readObjectHeader, readUnsignedInt, skipWhitespace } from "./pdf-bytes";

/** Where an object lives, per a cross-reference section. */
export type XrefEntry =
  | { kind: "offset"; offset: number; generation: number }
  | { kind: "compressed"; stream: number; index: number }
  | { kind: "free"; generation: number };

/** One cross-reference section (classic table or xref stream) with its trailer. */
export interface XrefSection {
  /** Byte offset of `xref` or of the xref stream object. */
  offset: number;
  format: "table" | "stream";
  trailer: PDFDict;
  entries: Map<number, XrefEntry>;
  /** Object number of the xref stream itself. */
  streamObjectNumber?: number;
}

/** Raised when cross-reference data cannot be read. */
export class XrefError extends Error {
  override name = "XrefError";
}

const MAX_SECTIONS = 512;

/** Offset given by the last `startxref` of the file. */
export function findStartXref(bytes: Uint8Array): number {
  const at = lastIndexOfBytes(bytes, "startxref");
  if (at < 0) throw new XrefError("no startxref");
  const n = readUnsignedInt(bytes, at + 9);
  if (!n) throw new XrefError("startxref has no offset");
  return n.value;
}

/**
 * Reads the chain of cross-reference sections from `start`, following /Prev (and the
 * /XRefStm of hybrid files), newest first.
 *
 * @throws {@link XrefError} on a loop, a bad offset or a malformed section.
 */
export function readXrefChain(bytes: Uint8Array, start: number, context: PDFContext): XrefSection[] {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let offset: number | undefined = start;
  while (offset !== undefined) {
    if (seen.has(offset)) throw new XrefError(`cross-reference loop at offset ${offset}`);
    if (sections.length >= MAX_SECTIONS) throw new XrefError("too many cross-reference sections");
    seen.add(offset);
    const section = readXrefSection(bytes, offset, context);
    const hybrid = numberOf(section.trailer, "XRefStm");
    if (section.format === "table" && hybrid !== undefined && !seen.has(hybrid)) {
      try {
        const stream = readXrefSection(bytes, hybrid, context);
        for (const [num, entry] of stream.entries) {
          const existing = section.entries.get(num);
          if (!existing || existing.kind === "free") section.entries.set(num, entry);
        }
      } catch {
        // A broken hybrid stream leaves the table's own entries usable.
      }
    }
    sections.push(section);
    offset = numberOf(section.trailer, "Prev");
  }
  return sections;
}

/**
 * Reads one cross-reference section at `offset`.
 *
 * @throws {@link XrefError} when there is no valid section there.
 */
export function readXrefSection(bytes: Uint8Array, offset: number, context: PDFContext): XrefSection {
  if (offset < 0 || offset >= bytes.length) throw new XrefError(`cross-reference offset ${offset} is outside the file`);
  const p = skipWhitespace(bytes, offset);
  if (matchKeyword(bytes, p, "xref")) return readTable(bytes, offset, p + 4, context);
  const header = readObjectHeader(bytes, p);
  if (header) return readStream(bytes, offset, header, context);
  throw new XrefError(`no cross-reference section at offset ${offset}`);
}

function readTable(bytes: Uint8Array, offset: number, from: number, context: PDFContext): XrefSection {
  const entries = new Map<number, XrefEntry>();
  let p = from;
  for (;;) {
    p = skipWhitespace(bytes, p);
    if (matchKeyword(bytes, p, "trailer")) break;
    const first = readUnsignedInt(bytes, p);
    const count = first && readUnsignedInt(bytes, first.end);
    if (!first || !count) throw new XrefError(`malformed cross-reference table at ${p}`);
    if (count.value > bytes.length / 18) throw new XrefError("cross-reference subsection larger than the file");
    p = count.end;
    for (let i = 0; i < count.value; i++) {
      const off = readUnsignedInt(bytes, p);
      const gen = off && readUnsignedInt(bytes, off.end);
      if (!off || !gen) throw new XrefError(`malformed cross-reference entry at ${p}`);
      const k = skipWhitespace(bytes, gen.end);
      const type = bytes[k];
      if (type !== 0x6e && type !== 0x66) throw new XrefError(`malformed cross-reference entry type at ${k}`);
      const num = first.value + i;
      if (!entries.has(num)) {
        entries.set(num, type === 0x6e ? { kind: "offset", offset: off.value, generation: gen.value } : { kind: "free", generation: gen.value });
      }
      p = k + 1;
    }
  }
  const parser = parserAt(bytes, p + 7, context);
  const trailer = parser.parseObject();
  if (!(trailer instanceof PDFDict)) throw new XrefError("trailer is not a dictionary");
  // Some writers emit a bogus entry 0; object 0 is always free.
  entries.set(0, { kind: "free", generation: 65535 });
  return { offset, format: "table", trailer, entries };
}

function readStream(bytes: Uint8Array, offset: number, header: { objectNumber: number; end: number }, context: PDFContext): XrefSection {
  const stream = parserAt(bytes, header.end, context).parseObject();
  if (!(stream instanceof PDFRawStream) || stream.dict.get(PDFName.of("Type")) !== PDFName.of("XRef")) {
    throw new XrefError(`object at ${offset} is not a cross-reference stream`);
  }
  const dict = stream.dict;
  const w = dict.get(PDFName.of("W"));
  if (!(w instanceof PDFArray) || w.size() !== 3) throw new XrefError("xref stream /W is malformed");
  const widths = [0, 1, 2].map((i) => {
    const v = w.get(i);
    return v instanceof PDFNumber ? v.asNumber() : -1;
  });
  if (widths.some((x) => x < 0 || x > 8)) throw new XrefError("xref stream /W is malformed");
  const size = numberOf(dict, "Size") ?? 0;
  const indexArray = dict.get(PDFName.of("Index"));
  const index: number[] = indexArray instanceof PDFArray ? indexArray.asArray().map((v) => (v instanceof PDFNumber ? v.asNumber() : 0)) : [0, size];
  let data: Uint8Array;
  try {
    data = decodeStreamData(stream, MAX_STRUCTURE_STREAM_BYTES);
  } catch (error) {
    throw new XrefError(`xref stream cannot be decoded: ${(error as Error).message}`);
  }
  const entries = new Map<number, XrefEntry>();
  const rowLength = widths[0]! + widths[1]! + widths[2]!;
  let pos = 0;
  for (let i = 0; i + 1 < index.length; i += 2) {
    const first = index[i]!;
    const count = index[i + 1]!;
    for (let j = 0; j < count && pos + rowLength <= data.length; j++) {
      const type = widths[0] === 0 ? 1 : readField(data, pos, widths[0]!);
      const f2 = readField(data, pos + widths[0]!, widths[1]!);
      const f3 = readField(data, pos + widths[0]! + widths[1]!, widths[2]!);
      pos += rowLength;
      const num = first + j;
      if (entries.has(num)) continue;
      if (type === 0) entries.set(num, { kind: "free", generation: f3 });
      else if (type === 1) entries.set(num, { kind: "offset", offset: f2, generation: f3 });
      else if (type === 2) entries.set(num, { kind: "compressed", stream: f2, index: f3 });
    }
  }
  return { offset, format: "stream", trailer: dict, entries, streamObjectNumber: header.objectNumber };
}

function readField(data: Uint8Array, pos: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + data[pos + i]!;
  return v;
}

/** A pdf-lib object parser reading from `pos` (over a view, no copy). */
export function parserAt(bytes: Uint8Array, pos: number, context: PDFContext): PDFObjectParser {
  return PDFObjectParser.forBytes(bytes.subarray(pos), context);
}

/** A number entry of a dictionary, when it is a direct number. */
export function numberOf(dict: PDFDict, key: string): number | undefined {
  const v = dict.get(PDFName.of(key));
  return v instanceof PDFNumber ? v.asNumber() : undefined;
}

/**
 * Rebuilds an object map by scanning the file for `N G obj` headers (later definitions
 * win) and finds a trailer, for files whose cross-reference data is broken.
 */
export function reconstructXref(bytes: Uint8Array, context: PDFContext): { entries: Map<number, XrefEntry>; trailer?: PDFDict } {
  const entries = new Map<number, XrefEntry>();
  const text = latin1(bytes, 0, bytes.length);
  const re = /(\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]*obj(?=[\s<[(/%]|$)/g;
  let trailer: PDFDict | undefined;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = m.index > 0 ? text.charCodeAt(m.index - 1) : 0x0a;
    if (before >= 0x30 && before <= 0x39) continue;
    entries.set(Number(m[1]), { kind: "offset", offset: m.index, generation: Number(m[2]) });
    const ahead = text.slice(m.index, m.index + 200);
    if (/\/Type\s*\/XRef\b/.test(ahead)) {
      try {
        const section = readXrefSection(bytes, m.index, context);
        trailer = section.trailer;
        for (const [num, entry] of section.entries) if (entry.kind === "compressed" && !entries.has(num)) entries.set(num, entry);
      } catch {
        // A damaged xref stream contributes nothing.
      }
    }
  }
  for (let at = lastIndexOfBytes(bytes, "trailer"); at >= 0; at = at > 0 ? lastIndexOfBytes(bytes, "trailer", at - 1) : -1) {
    try {
      const dict = parserAt(bytes, at + 7, context).parseObject();
      if (dict instanceof PDFDict && dict.get(PDFName.of("Root"))) {
        trailer = dict;
        break;
      }
    } catch {
      // Not a usable trailer; look further back.
    }
    if (indexOfBytes(bytes, "trailer") === at) break;
  }
  return { entries, ...(trailer ? { trailer } : {}) };
}
