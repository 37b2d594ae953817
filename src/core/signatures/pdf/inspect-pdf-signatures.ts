import { PDFArray, PDFDict, PDFName, PDFNumber } from "pdf-lib";
import { parseDer } from "../pki/der-reader";
import { checkByteRange, type ByteRangeCoverage } from "./byte-range-check";
import { indexOfBytes } from "./pdf-bytes";
import { PdfStructureError, newParseCache, openPdf, type PdfFile } from "./pdf-file";
import { findRevisions, revisionAt, type PdfRevision } from "./pdf-revisions";
import { parsePdfDate } from "./pdf-text";
import { describeChangesAfter, newAnalysisBudget, type ChangesAfterSignature } from "./revision-changes";
import { nameOf, scanSignatureDictionaries, signatureFieldNames, textOf, type FoundSignature } from "./signature-scan";

/** A finding about the file as a whole. */
export interface InspectionProblem {
  /** NOT_PDF, EMPTY, ENCRYPTED, XREF_DAMAGED, TRAILING_DATA, NO_CATALOG, INTERNAL_ERROR. */
  code: string;
  message: string;
}

/** One signature dictionary found in the file. */
export interface InspectedSignature {
  /** Position in the file, 0 for the first signature dictionary. */
  index: number;
  /** Fully qualified field name, when the field tree names it. */
  fieldName?: string;
  objectNumber?: number;
  /** `signature` (/Type /Sig or untyped) or `documentTimestamp` (/Type /DocTimeStamp). */
  type: "signature" | "documentTimestamp";
  filter?: string;
  /** e.g. ETSI.CAdES.detached, adbe.pkcs7.detached, ETSI.RFC3161. */
  subFilter?: string;
  /** The /ByteRange values as written (null for a value that is not an integer). */
  byteRange?: (number | null)[];
  /** The CMS from /Contents, cut to its DER length (undefined when absent or all zeros). */
  contents?: Buffer;
  /** Offsets of the /Contents hex string, from `<` to just after `>`. */
  contentsSpan?: [number, number];
  /** /M as written and as a Date. */
  signingTimeText?: string;
  signingTime?: Date;
  name?: string;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** The revision (0 = original, 1 = first incremental update …) holding the signature dictionary. */
  revision: number;
  /** Offset where that revision ends. */
  revisionEnd: number;
  coverage: ByteRangeCoverage;
  /** What later revisions changed. */
  changesAfter: ChangesAfterSignature;
  /** The DocMDP permissions when the signature certifies the document: 1 no changes, 2 form fills and signatures, 3 also annotations. */
  docMdp?: 1 | 2 | 3;
}

/** The result of {@link inspectPdfSignatures}. */
export interface PdfSignatureInspection {
  isPdf: boolean;
  encrypted: boolean;
  fileLength: number;
  revisions: PdfRevision[];
  signatures: InspectedSignature[];
  problems: InspectionProblem[];
}

/**
 * Lists every signature dictionary of a PDF with its byte-range coverage and what later
 * revisions changed. Tolerates malformed files: the object structure is read through
 * the xref (rebuilt by scanning when damaged), and /ByteRange and /Contents are read
 * straight from the bytes. Never throws.
 */
export function inspectPdfSignatures(bytes: Uint8Array): PdfSignatureInspection {
  const report: PdfSignatureInspection = { isPdf: false, encrypted: false, fileLength: bytes.length, revisions: [], signatures: [], problems: [] };
  try {
    inspect(bytes, report);
  } catch (error) {
    report.problems.push({ code: "INTERNAL_ERROR", message: `inspection stopped: ${(error as Error).message}` });
  }
  return report;
}

function inspect(bytes: Uint8Array, report: PdfSignatureInspection): void {
  if (bytes.length === 0 || indexOfBytes(bytes.subarray(0, 1024), "%PDF-") < 0) {
    report.problems.push({ code: bytes.length === 0 ? "EMPTY" : "NOT_PDF", message: bytes.length === 0 ? "the file is empty" : "the data is not a PDF (no %PDF- header)" });
    return;
  }
  report.isPdf = true;
  let file: PdfFile;
  try {
    // every signed revision is opened on a prefix of these bytes: parse each object once
    file = openPdf(bytes, { parseCache: newParseCache(bytes) });
  } catch (error) {
    const code = error instanceof PdfStructureError ? error.code : "XREF_DAMAGED";
    report.problems.push({ code, message: (error as Error).message });
    return;
  }
  report.encrypted = file.encrypted;
  if (file.encrypted) report.problems.push({ code: "ENCRYPTED", message: "the PDF is encrypted; field names and texts cannot be read without the password" });
  if (file.reconstructed) report.problems.push({ code: "XREF_DAMAGED", message: file.notes.join("; ") || "the cross-reference data is damaged" });
  if (!file.catalog()) report.problems.push({ code: "NO_CATALOG", message: "the document catalog cannot be found" });
  const { revisions, trailingBytes } = findRevisions(bytes);
  report.revisions = revisions;
  if (trailingBytes > 0) report.problems.push({ code: "TRAILING_DATA", message: `${trailingBytes} bytes follow the last %%EOF` });

  let fieldNames = new Map<number, string>();
  if (!file.encrypted) {
    try {
      fieldNames = signatureFieldNames(file);
    } catch {
      // Field names are a convenience; the raw scan below still finds the signatures.
    }
  }
  const changesCache = new Map<number, ChangesAfterSignature>();
  const budget = newAnalysisBudget();
  scanSignatureDictionaries(file).forEach((found, index) => {
    const revision = revisionAt(revisions, found.offset);
    let changesAfter = changesCache.get(revision);
    if (!changesAfter) {
      changesAfter = describeChangesAfter(bytes, file, revisions, revision, budget);
      changesCache.set(revision, changesAfter);
    }
    const docMdp = file.encrypted ? undefined : docMdpOf(file, found.dict);
    const described = describeSignature(found, index, file, fieldNames, revisions[revision]!, bytes.length, forSignature(changesAfter, index, docMdp));
    report.signatures.push(docMdp ? { ...described, docMdp } : described);
  });
}

function describeSignature(
  found: FoundSignature,
  index: number,
  file: PdfFile,
  fieldNames: Map<number, string>,
  revision: PdfRevision,
  fileLength: number,
  changesAfter: ChangesAfterSignature,
): InspectedSignature {
  const dict = found.dict;
  const text = (key: string) => (file.encrypted ? undefined : textOf(dict?.get(PDFName.of(key))));
  const type = nameOf(dict?.get(PDFName.of("Type")));
  const signingTimeText = text("M");
  const signingTime = signingTimeText ? parsePdfDate(signingTimeText) : undefined;
  const fieldName = found.objectNumber !== undefined ? fieldNames.get(found.objectNumber) : undefined;
  const filter = nameOf(dict?.get(PDFName.of("Filter")));
  const subFilter = nameOf(dict?.get(PDFName.of("SubFilter")));
  const contents = cmsOf(found.contents);
  const optional = {
    ...(fieldName !== undefined ? { fieldName } : {}),
    ...(found.objectNumber !== undefined ? { objectNumber: found.objectNumber } : {}),
    ...(filter ? { filter } : {}),
    ...(subFilter ? { subFilter } : {}),
    ...(found.byteRange ? { byteRange: found.byteRange } : {}),
    ...(contents ? { contents } : {}),
    ...(found.contentsSpan ? { contentsSpan: found.contentsSpan } : {}),
    ...(signingTimeText ? { signingTimeText } : {}),
    ...(signingTime ? { signingTime } : {}),
  };
  const strings: Record<string, string> = {};
  for (const [key, prop] of [["Name", "name"], ["Reason", "reason"], ["Location", "location"], ["ContactInfo", "contactInfo"]] as const) {
    const v = text(key);
    if (v !== undefined) strings[prop] = v;
  }
  return {
    index,
    type: type === "DocTimeStamp" ? "documentTimestamp" : "signature",
    ...optional,
    ...strings,
    revision: revision.index,
    revisionEnd: revision.end,
    coverage: checkByteRange(found.byteRange, found.contentsSpan, revision, fileLength),
    changesAfter,
  };
}

/** The changes after a revision, worded for the signature `index` (0-based) it holds. */
function forSignature(changes: ChangesAfterSignature, index: number, docMdp: 1 | 2 | 3 | undefined): ChangesAfterSignature {
  const suffix = ` after signature ${index + 1}`;
  const modifications = changes.modifications.map((m) => (m.code === "ANALYSIS_FAILED" ? m : { ...m, message: `${m.message}${suffix}` }));
  const details = changes.details.map((d, i) => (i < modifications.length ? modifications[i]!.message : d));
  if (docMdp === 1 && changes.kind !== "none") {
    // A certification that allows no change at all: even later signatures break it.
    const message = `signature ${index + 1} certifies the document allowing no changes (DocMDP P=1), yet later revisions changed it`;
    return { ...changes, kind: "otherModified", modifications: [{ code: "CERTIFIED_NO_CHANGES", message }, ...modifications], details: [message, ...details] };
  }
  if (docMdp !== undefined && changes.pagesAdded.length > 0) {
    // A certification permits signatures (and P=3 annotations), never new pages, whoever signs them.
    const message = `signature ${index + 1} certifies the document (DocMDP P=${docMdp}), yet later revisions added page(s) ${changes.pagesAdded.map((p) => p.pageNumber).join(", ")}`;
    return { ...changes, kind: "otherModified", modifications: [{ code: "CERTIFIED_PAGES_ADDED", message }, ...modifications], details: [message, ...details] };
  }
  return { ...changes, modifications, details };
}

/** The /P of a DocMDP transform in the signature's /Reference (2 when /P is absent), if it certifies. */
function docMdpOf(file: PdfFile, dict: PDFDict | undefined): 1 | 2 | 3 | undefined {
  const refs = file.resolve(dict?.get(PDFName.of("Reference")));
  if (!(refs instanceof PDFArray)) return undefined;
  for (const item of refs.asArray().slice(0, 16)) {
    const ref = file.resolve(item);
    if (!(ref instanceof PDFDict) || file.resolve(ref.get(PDFName.of("TransformMethod"))) !== PDFName.of("DocMDP")) continue;
    const params = file.resolve(ref.get(PDFName.of("TransformParams")));
    const p = params instanceof PDFDict ? file.resolve(params.get(PDFName.of("P"))) : undefined;
    const value = p instanceof PDFNumber ? p.asNumber() : 2;
    return value === 1 || value === 3 ? value : 2;
  }
  return undefined;
}

/** Cuts /Contents to the length its DER header states; undefined when empty or all zeros. */
function cmsOf(contents: Buffer | undefined): Buffer | undefined {
  if (!contents || contents.length === 0 || contents.every((b) => b === 0)) return undefined;
  try {
    const node = parseDer(contents);
    return contents.subarray(0, node.end);
  } catch {
    return contents;
  }
}
