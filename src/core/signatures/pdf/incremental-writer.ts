/**
 * # Incremental updates: a small writer of our own
 *
 * Why not `@cantoo/pdf-lib`'s incremental save: it is a fork of the whole of pdf-lib
 * (a second copy of every class, so its objects do not mix with the `pdf-lib` the rest
 * of Custos uses), and it still parses the entire file before appending, which costs
 * time on every signature of a large PDF. A revision only needs a few things — the
 * trailer of the previous revision, the handful of objects being changed, the new
 * objects serialized, and one cross-reference section — so we write it ourselves:
 *
 * - the previous bytes are never touched: the update is appended after them;
 * - objects are read lazily through the file's own xref (see `openPdf`), so opening a
 *   1 MB PDF reads its xref and three or four objects, not every stream;
 * - objects are built and serialized with `pdf-lib`'s object classes, so fonts and
 *   appearance streams made with pdf-lib's embedders drop in unchanged;
 * - the new section is an xref stream when the previous one is, a classic table
 *   otherwise; /Prev chains to the previous section; /Root, /Info and the first /ID
 *   element are kept.
 */
import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import { PDFArray, PDFHexString, PDFName, PDFNumber, PDFRef, type PDFContext, type PDFObject } from "pdf-lib";
import { PdfStructureError, type PdfFile } from "./pdf-file";

/** One revision being built on top of a file. */
export interface IncrementalUpdate {
  /** The file being updated. */
  readonly file: PdfFile;
  /** Where new objects are allocated (object numbers continue after the file's). */
  readonly context: PDFContext;
  /** Adds a new object and returns its reference. */
  add(obj: PDFObject): PDFRef;
  /** Allocates a reference whose object is given later with {@link replace} or {@link setRaw}. */
  reserve(): PDFRef;
  /** Writes a new version of an existing (or reserved) object in this revision. */
  replace(ref: PDFRef, obj: PDFObject): void;
  /** Writes `body` verbatim between `obj` and `endobj` (for byte-exact placeholders). */
  setRaw(ref: PDFRef, body: Uint8Array): void;
  /** Serializes the revision after the original bytes. */
  write(): WrittenUpdate;
}

/** The result of {@link IncrementalUpdate.write}. */
export interface WrittenUpdate {
  /** The complete new file: original bytes followed by the new revision. */
  bytes: Uint8Array;
  /** Offset of each written object's body (just after `N G obj\n`), by object number. */
  bodyOffsets: Map<number, number>;
  /** Offset at which the new revision starts. */
  revisionStart: number;
}

/**
 * Starts a new revision of `file`.
 *
 * @throws {@link PdfStructureError} ENCRYPTED for encrypted files, DAMAGED_XREF when the
 * cross-reference data had to be reconstructed (appending to it would carry the damage on).
 */
export function beginIncrementalUpdate(file: PdfFile): IncrementalUpdate {
  if (file.encrypted) throw new PdfStructureError("ENCRYPTED", "encrypted PDFs cannot be updated");
  if (file.reconstructed || file.sections.length === 0) {
    throw new PdfStructureError("DAMAGED_XREF", "the PDF's cross-reference data is damaged; repair the file before signing it");
  }
  const context = file.context;
  const raw = new Map<number, { ref: PDFRef; body: Uint8Array }>();
  const update: IncrementalUpdate = {
    file,
    context,
    add: (obj) => context.register(obj),
    reserve: () => context.nextRef(),
    replace: (ref, obj) => context.assign(ref, obj),
    setRaw: (ref, body) => {
      raw.set(ref.objectNumber, { ref, body });
    },
    write: () => writeRevision(file, context, raw),
  };
  return update;
}

const enc = (s: string): Buffer => Buffer.from(s, "latin1");

function serialize(obj: PDFObject): Uint8Array {
  const out = new Uint8Array(obj.sizeInBytes());
  obj.copyBytesInto(out, 0);
  return out;
}

function writeRevision(file: PdfFile, context: PDFContext, raw: Map<number, { ref: PDFRef; body: Uint8Array }>): WrittenUpdate {
  const original = file.bytes;
  const parts: Uint8Array[] = [];
  let length = original.length;
  const push = (chunk: Uint8Array): void => {
    parts.push(chunk);
    length += chunk.length;
  };
  const last = original[original.length - 1];
  if (last !== 0x0a && last !== 0x0d) push(enc("\n"));
  const revisionStart = length;

  const objects: { ref: PDFRef; body: Uint8Array }[] = [...raw.values()];
  for (const [ref, obj] of context.enumerateIndirectObjects()) {
    if (!raw.has(ref.objectNumber)) objects.push({ ref, body: serialize(obj) });
  }
  objects.sort((a, b) => a.ref.objectNumber - b.ref.objectNumber);
  const offsets = new Map<number, { offset: number; generation: number }>();
  const bodyOffsets = new Map<number, number>();
  for (const { ref, body } of objects) {
    offsets.set(ref.objectNumber, { offset: length, generation: ref.generationNumber });
    const head = enc(`${ref.objectNumber} ${ref.generationNumber} obj\n`);
    push(head);
    bodyOffsets.set(ref.objectNumber, length);
    push(body);
    push(enc("\nendobj\n"));
  }

  const previous = file.sections[0]!;
  const trailerEntries = trailerBase(file);
  if (previous.format === "stream") {
    const xrefRef = context.nextRef();
    const xrefOffset = length;
    offsets.set(xrefRef.objectNumber, { offset: xrefOffset, generation: 0 });
    const size = Math.max(file.size, context.largestObjectNumber + 1);
    const numbers = [...offsets.keys()].sort((a, b) => a - b);
    const offsetWidth = xrefOffset < 2 ** 32 ? 4 : 6;
    const rows = Buffer.alloc(numbers.length * (1 + offsetWidth + 2));
    numbers.forEach((n, i) => {
      const e = offsets.get(n)!;
      const at = i * (3 + offsetWidth);
      rows[at] = 1;
      rows.writeUIntBE(e.offset, at + 1, offsetWidth);
      rows.writeUInt16BE(e.generation, at + 1 + offsetWidth);
    });
    const data = deflateSync(rows);
    const dict = [
      "/Type /XRef",
      `/Size ${size}`,
      `/Index [${subsections(numbers).map(([s, c]) => `${s} ${c}`).join(" ")}]`,
      `/W [1 ${offsetWidth} 2]`,
      "/Filter /FlateDecode",
      `/Length ${data.length}`,
      ...trailerEntries,
    ].join(" ");
    push(enc(`${xrefRef.objectNumber} 0 obj\n<< ${dict} >>\nstream\n`));
    push(data);
    push(enc(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`));
  } else {
    const xrefOffset = length;
    const numbers = [...offsets.keys()].sort((a, b) => a - b);
    let table = "xref\n";
    for (const [start, count] of subsections(numbers)) {
      table += `${start} ${count}\n`;
      for (let n = start; n < start + count; n++) {
        const e = offsets.get(n)!;
        table += `${String(e.offset).padStart(10, "0")} ${String(e.generation).padStart(5, "0")} n\r\n`;
      }
    }
    const size = Math.max(file.size, context.largestObjectNumber + 1);
    table += `trailer\n<< /Size ${size} ${trailerEntries.join(" ")} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
    push(enc(table));
  }

  const bytes = new Uint8Array(length);
  bytes.set(original, 0);
  let at = original.length;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, bodyOffsets, revisionStart };
}

function subsections(sorted: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const n of sorted) {
    const run = runs[runs.length - 1];
    if (run && run[0] + run[1] === n) run[1]++;
    else runs.push([n, 1]);
  }
  return runs;
}

function trailerBase(file: PdfFile): string[] {
  const t = file.trailer;
  const out: string[] = [];
  const root = t.get(PDFName.of("Root"));
  const info = t.get(PDFName.of("Info"));
  if (root instanceof PDFRef) out.push(`/Root ${root.toString()}`);
  if (info instanceof PDFRef) out.push(`/Info ${info.toString()}`);
  const id = file.resolve(t.get(PDFName.of("ID")));
  const first = id instanceof PDFArray ? id.get(0) : undefined;
  const firstText = first && !(first instanceof PDFNumber) ? first.toString() : PDFHexString.of(randomBytes(16).toString("hex").toUpperCase()).toString();
  out.push(`/ID [${firstText} ${PDFHexString.of(randomBytes(16).toString("hex").toUpperCase()).toString()}]`);
  out.push(`/Prev ${file.startXref}`);
  return out;
}
