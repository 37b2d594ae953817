import { PDFArray, PDFContext, PDFDict, PDFName, PDFRawStream, PDFRef, type PDFObject } from "pdf-lib";
import { MAX_STRUCTURE_STREAM_BYTES, decodeStreamData, indexOfBytes, readObjectHeader, readUnsignedInt } from "./pdf-bytes";
import { XrefError, findStartXref, numberOf, readXrefChain, reconstructXref, parserAt, type XrefEntry, type XrefSection } from "./xref-reader";

/** Raised when bytes are not a usable PDF. `code` says why. */
export class PdfStructureError extends Error {
  override name = "PdfStructureError";
  constructor(
    /** NOT_PDF, DAMAGED_XREF, ENCRYPTED or NO_CATALOG. */
    readonly code: "NOT_PDF" | "DAMAGED_XREF" | "ENCRYPTED" | "NO_CATALOG",
    message: string,
  ) {
    super(message);
  }
}

/**
 * A PDF opened lazily: only the cross-reference data is read up front, objects are
 * parsed (with pdf-lib's object parser) when first looked up, so opening a large file
 * costs little more than reading its xref.
 */
export interface PdfFile {
  readonly bytes: Uint8Array;
  /** pdf-lib context the parsed objects belong to; new objects are allocated in it too. */
  readonly context: PDFContext;
  /** Cross-reference sections, newest first (empty when reconstructed). */
  readonly sections: XrefSection[];
  /** The newest trailer. */
  readonly trailer: PDFDict;
  /** Merged object map, newest definition first. */
  readonly entries: Map<number, XrefEntry>;
  /** Offset named by the last startxref. */
  readonly startXref: number;
  /** Highest object number in use plus one. */
  readonly size: number;
  /** Whether the object map had to be rebuilt by scanning because the xref was damaged. */
  readonly reconstructed: boolean;
  /** Whether the trailer has /Encrypt. */
  readonly encrypted: boolean;
  /** Structural problems noticed while opening. */
  readonly notes: string[];
  /** The parse cache this file shares with the other revisions of the same bytes, if any. */
  readonly parseCache?: ParseCache;
  /** The object with this number, or undefined when absent or unreadable. */
  lookup(ref: PDFRef | number): PDFObject | undefined;
  /** `obj` itself, or the object it refers to. */
  resolve(obj: PDFObject | undefined): PDFObject | undefined;
  /** A dictionary entry, dereferenced. */
  get(dict: PDFDict | undefined, key: string): PDFObject | undefined;
  /** A dictionary entry that is (or refers to) a dictionary. */
  getDict(dict: PDFDict | undefined, key: string): PDFDict | undefined;
  /** The document catalog (undefined when missing). */
  catalog(): { ref?: PDFRef; dict: PDFDict } | undefined;
}

/** Options for {@link openPdf}. */
export interface OpenPdfOptions {
  /** Rebuild the object map by scanning when the xref is damaged (default true). */
  reconstruct?: boolean;
  /** Share parsed objects with other views of the same bytes (see {@link newParseCache}). */
  parseCache?: ParseCache;
}

/**
 * Objects parsed from one buffer, shared by the files opened on it and on its prefixes (the
 * signed revisions of one PDF, during one inspection): an object at a given offset parses the
 * same in every view that holds all of its bytes, so each is parsed once and the same object
 * is seen in every revision that does not redefine it. Holds parsed objects, so it must not
 * outlive the inspection or see the bytes change.
 */
export interface ParseCache {
  readonly buffer: ArrayBufferLike;
  readonly byteOffset: number;
  /** Absolute offset of an object's header → the object and where its parse ended. */
  readonly objects: Map<number, { obj: PDFObject; end: number }>;
  /** Object streams: the stream object → its decoded data, member offsets and parsed members. */
  readonly objectStreams: WeakMap<PDFRawStream, { data: Uint8Array; first: number; offsets: Map<number, number>; members: Map<number, PDFObject> }>;
  /** What analyses of the same bytes compute once (e.g. the object headers of the whole file). */
  readonly memo: Map<string, unknown>;
}

/** A parse cache for `bytes` and its prefixes (`bytes.subarray(0, n)`). */
export function newParseCache(bytes: Uint8Array): ParseCache {
  return { buffer: bytes.buffer, byteOffset: bytes.byteOffset, objects: new Map(), objectStreams: new WeakMap(), memo: new Map() };
}

/**
 * A cached parse is reused only by a view that extends this far past where the parse ended, so
 * that no look-ahead of the parser could have seen different bytes (a view that cuts an object
 * short parses it again, and gets what a reader of that revision gets).
 */
const PARSE_MARGIN = 256;

/**
 * Opens PDF bytes for reading.
 *
 * @throws {@link PdfStructureError} NOT_PDF when there is no %PDF header, DAMAGED_XREF
 * when the xref is broken and reconstruction is off or fails.
 */
export function openPdf(bytes: Uint8Array, options: OpenPdfOptions = {}): PdfFile {
  const header = indexOfBytes(bytes.subarray(0, 1024), "%PDF-");
  if (header < 0) throw new PdfStructureError("NOT_PDF", "the data is not a PDF (no %PDF- header)");
  const context = PDFContext.create();
  const notes: string[] = [];
  let sections: XrefSection[] = [];
  let entries = new Map<number, XrefEntry>();
  let trailer: PDFDict | undefined;
  let startXref = -1;
  let reconstructed = false;
  try {
    startXref = findStartXref(bytes);
    sections = readXrefChain(bytes, startXref, context);
    for (const s of sections) for (const [n, e] of s.entries) if (!entries.has(n)) entries.set(n, e);
    trailer = sections[0]!.trailer;
    const root = trailer.get(PDFName.of("Root"));
    const rootEntry = root instanceof PDFRef ? entries.get(root.objectNumber) : undefined;
    if (!rootEntry || rootEntry.kind === "free" || (rootEntry.kind === "offset" && !headerMatches(bytes, rootEntry.offset, (root as PDFRef).objectNumber))) {
      throw new XrefError("the catalog is not where the cross-reference data says");
    }
  } catch (error) {
    notes.push(`cross-reference data is damaged: ${(error as Error).message}`);
    if (options.reconstruct === false) throw new PdfStructureError("DAMAGED_XREF", `the PDF's cross-reference data is damaged: ${(error as Error).message}`);
    const rebuilt = reconstructXref(bytes, context);
    entries = rebuilt.entries;
    trailer = rebuilt.trailer ?? trailer;
    reconstructed = true;
  }
  let maxNumber = 0;
  for (const n of entries.keys()) maxNumber = Math.max(maxNumber, n);
  const declared = trailer ? numberOf(trailer, "Size") ?? 0 : 0;
  const size = Math.max(maxNumber + 1, declared);
  context.largestObjectNumber = size - 1;
  const shared = options.parseCache && options.parseCache.buffer === bytes.buffer && options.parseCache.byteOffset === bytes.byteOffset ? options.parseCache : undefined;
  return createFile(bytes, context, sections, entries, trailer ?? context.obj({}), startXref, size, reconstructed, notes, shared);
}

function headerMatches(bytes: Uint8Array, offset: number, objectNumber: number): boolean {
  const h = readObjectHeader(bytes, offset);
  return h !== undefined && h.objectNumber === objectNumber;
}

function createFile(
  bytes: Uint8Array,
  context: PDFContext,
  sections: XrefSection[],
  entries: Map<number, XrefEntry>,
  trailer: PDFDict,
  startXref: number,
  size: number,
  reconstructed: boolean,
  notes: string[],
  shared: ParseCache | undefined,
): PdfFile {
  const cache = new Map<number, PDFObject | null>();
  const objectStreams = new Map<number, { data: Uint8Array; first: number; offsets: Map<number, number>; members: Map<number, PDFObject> } | null>();
  const loading = new Set<number>();

  function parseAt(offset: number, expected: number): PDFObject | undefined {
    const header = readObjectHeader(bytes, offset);
    if (!header || header.objectNumber !== expected) return undefined;
    const hit = shared?.objects.get(offset);
    if (hit && hit.end + PARSE_MARGIN <= bytes.length) return hit.obj;
    const parser = parserAt(bytes, header.end, context);
    const obj = parser.parseObject();
    const end = header.end + parsedLength(parser);
    if (shared && end + PARSE_MARGIN <= bytes.length) shared.objects.set(offset, { obj, end });
    return obj;
  }

  function objectStream(num: number) {
    if (objectStreams.has(num)) return objectStreams.get(num) ?? undefined;
    objectStreams.set(num, null);
    const stream = lookup(num);
    if (!(stream instanceof PDFRawStream)) return undefined;
    const known = shared?.objectStreams.get(stream);
    if (known) {
      objectStreams.set(num, known);
      return known;
    }
    const data = decodeStreamData(stream, MAX_STRUCTURE_STREAM_BYTES);
    const first = numberOf(stream.dict, "First") ?? 0;
    const n = numberOf(stream.dict, "N") ?? 0;
    const offsets = new Map<number, number>();
    let p = 0;
    for (let i = 0; i < n; i++) {
      const on = readUnsignedInt(data, p);
      const oo = on && readUnsignedInt(data, on.end);
      if (!on || !oo) break;
      offsets.set(on.value, oo.value);
      p = oo.end;
    }
    const entry = { data, first, offsets, members: new Map<number, PDFObject>() };
    objectStreams.set(num, entry);
    shared?.objectStreams.set(stream, entry);
    return entry;
  }

  let scanned: Map<number, XrefEntry> | undefined;
  function load(num: number): PDFObject | undefined {
    const entry = entries.get(num);
    if (!entry || entry.kind === "free") return undefined;
    if (entry.kind === "offset") {
      const found = parseAt(entry.offset, num);
      if (found) return found;
      // The xref points at the wrong place: fall back to where the object really is.
      scanned ??= reconstructXref(bytes, context).entries;
      const actual = scanned.get(num);
      if (actual?.kind !== "offset") return undefined;
      notes.push(`object ${num} is not at the offset the cross-reference data gives`);
      return parseAt(actual.offset, num);
    }
    const os = objectStream(entry.stream);
    const at = os?.offsets.get(num);
    if (!os || at === undefined) return undefined;
    const member = os.members.get(num);
    if (member) return member;
    const obj = parserAt(os.data, os.first + at, context).parseObject();
    os.members.set(num, obj);
    return obj;
  }

  function lookup(ref: PDFRef | number): PDFObject | undefined {
    const num = typeof ref === "number" ? ref : ref.objectNumber;
    const cached = cache.get(num);
    if (cached !== undefined) return cached ?? undefined;
    if (loading.has(num)) return undefined;
    loading.add(num);
    let obj: PDFObject | undefined;
    try {
      obj = load(num);
    } catch {
      obj = undefined;
    } finally {
      loading.delete(num);
    }
    cache.set(num, obj ?? null);
    return obj;
  }

  const resolve = (obj: PDFObject | undefined): PDFObject | undefined => (obj instanceof PDFRef ? lookup(obj) : obj);
  const get = (dict: PDFDict | undefined, key: string) => (dict ? resolve(dict.get(PDFName.of(key))) : undefined);
  const getDict = (dict: PDFDict | undefined, key: string) => {
    const v = get(dict, key);
    return v instanceof PDFDict ? v : undefined;
  };

  function catalog(): { ref?: PDFRef; dict: PDFDict } | undefined {
    const root = trailer.get(PDFName.of("Root"));
    const dict = resolve(root);
    if (dict instanceof PDFDict) return { ...(root instanceof PDFRef ? { ref: root } : {}), dict };
    if (!reconstructed) return undefined;
    for (const num of [...entries.keys()].sort((a, b) => b - a)) {
      const obj = lookup(num);
      if (obj instanceof PDFDict && obj.get(PDFName.of("Type")) === PDFName.of("Catalog")) return { ref: PDFRef.of(num, 0), dict: obj };
    }
    return undefined;
  }

  return {
    bytes,
    context,
    sections,
    trailer,
    entries,
    startXref,
    size,
    reconstructed,
    encrypted: trailer.get(PDFName.of("Encrypt")) !== undefined,
    notes,
    ...(shared ? { parseCache: shared } : {}),
    lookup,
    resolve,
    get,
    getDict,
    catalog,
  };
}

/** How many bytes the parser consumed (pdf-lib keeps its position in a protected ByteStream). */
function parsedLength(parser: ReturnType<typeof parserAt>): number {
  return (parser as unknown as { bytes: { offset(): number } }).bytes.offset();
}

/**
 * The page objects in document order, walking /Kids from the catalog's /Pages with
 * protection against loops and absurd depth.
 */
export function listPages(file: PdfFile): { ref: PDFRef; dict: PDFDict }[] {
  const pages: { ref: PDFRef; dict: PDFDict }[] = [];
  const root = file.catalog()?.dict.get(PDFName.of("Pages"));
  const seen = new Set<number>();
  const walk = (node: PDFObject | undefined, depth: number): void => {
    if (!(node instanceof PDFRef) || seen.has(node.objectNumber) || depth > 64) return;
    seen.add(node.objectNumber);
    const dict = file.lookup(node);
    if (!(dict instanceof PDFDict)) return;
    const kids = file.resolve(dict.get(PDFName.of("Kids")));
    if (kids instanceof PDFArray) {
      for (const kid of kids.asArray()) walk(kid, depth + 1);
    } else {
      pages.push({ ref: node, dict });
    }
  };
  walk(root, 0);
  return pages;
}
