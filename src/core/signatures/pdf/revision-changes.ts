import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef, PDFStream, type PDFObject } from "pdf-lib";
import { latin1 } from "./pdf-bytes";
import { listPages, openPdf, type PdfFile } from "./pdf-file";
import type { PdfRevision } from "./pdf-revisions";

/**
 * What happened after a signature's revision, from harmless to suspicious:
 * `none`; `laterSignaturesOnly` (new signature fields, widgets and their appearances,
 * AcroForm, DSS); `pagesAdded` (new pages appended, e.g. a completion page); and
 * `otherModified` (anything else: content, annotations, deletions — possible shadow
 * attacks).
 */
export type ChangeKind = "none" | "laterSignaturesOnly" | "pagesAdded" | "otherModified";

/** The changes made by later revisions, with one sentence per finding. */
export interface ChangesAfterSignature {
  kind: ChangeKind;
  details: string[];
}

type Category = "signature" | "pages" | "metadata" | "other";

const ALLOWED_CATALOG_KEYS = new Set(["AcroForm", "DSS", "Extensions", "Perms"]);
const ALLOWED_ACROFORM_KEYS = new Set(["Fields", "SigFlags", "DR", "DA", "NeedAppearances"]);
const MAX_DETAILS = 40;

/**
 * Compares the file as of the end of revision `index` with the final file and classifies
 * every object added, changed or deleted after it. Never throws.
 */
export function describeChangesAfter(bytes: Uint8Array, final: PdfFile, revisions: PdfRevision[], index: number): ChangesAfterSignature {
  if (index >= revisions.length - 1) return { kind: "none", details: [] };
  try {
    return compare(bytes, final, revisions, index);
  } catch (error) {
    return { kind: "otherModified", details: [`later revisions could not be analysed: ${(error as Error).message}`] };
  }
}

function compare(bytes: Uint8Array, final: PdfFile, revisions: PdfRevision[], index: number): ChangesAfterSignature {
  const boundary = revisions[index]!.end;
  const before = openPdf(bytes.subarray(0, boundary));
  const changedNumbers = changedAfter(bytes, final, boundary);
  const findings: { category: Category; text: string }[] = [];
  const note = (category: Category, text: string): void => {
    findings.push({ category, text });
  };
  const rootNum = final.catalog()?.ref?.objectNumber;
  const infoRef = final.trailer.get(PDFName.of("Info"));
  const acroFormRef = final.catalog()?.dict.get(PDFName.of("AcroForm"));
  const dssRef = final.catalog()?.dict.get(PDFName.of("DSS"));
  const pageNumbers = new Map(listPages(final).map((p, i) => [p.ref.objectNumber, i + 1]));
  const pageLabel = (n: number) => (pageNumbers.has(n) ? `page ${pageNumbers.get(n)}` : `page object ${n}`);

  const added = new Set<number>();
  const sigRoots: number[] = [];
  const pageRoots: number[] = [];
  if (dssRef instanceof PDFRef) sigRoots.push(dssRef.objectNumber);

  for (const n of changedNumbers) {
    const entry = final.entries.get(n);
    const nu = final.lookup(n);
    const old = before.lookup(n);
    if (!entry || entry.kind === "free" || nu === undefined) {
      if (old !== undefined) note("other", `object ${n} (${describe(old)}) was deleted`);
      continue;
    }
    if (isStructural(nu)) continue;
    if (old === undefined) {
      added.add(n);
      if (isSignatureObject(final, nu)) sigRoots.push(n);
      continue;
    }
    if (serialize(old) === serialize(nu)) continue;
    if (n === rootNum && old instanceof PDFDict && nu instanceof PDFDict) {
      const keys = changedKeys(old, nu);
      if (keys.every((k) => ALLOWED_CATALOG_KEYS.has(k))) note("signature", `document catalog: ${keys.map((k) => `/${k}`).join(", ")} updated`);
      else note("other", `document catalog changed: ${keys.map((k) => `/${k}`).join(", ")}`);
      continue;
    }
    if (infoRef instanceof PDFRef && n === infoRef.objectNumber) {
      note("metadata", "document information dictionary updated");
      continue;
    }
    if (nu instanceof PDFRawStream && nu.dict.get(PDFName.of("Type")) === PDFName.of("Metadata")) {
      note("metadata", "XMP metadata updated");
      continue;
    }
    if (acroFormRef instanceof PDFRef && n === acroFormRef.objectNumber && old instanceof PDFDict && nu instanceof PDFDict) {
      const keys = changedKeys(old, nu);
      if (keys.every((k) => ALLOWED_ACROFORM_KEYS.has(k))) note("signature", `AcroForm: ${keys.map((k) => `/${k}`).join(", ")} updated`);
      else note("other", `AcroForm changed: ${keys.map((k) => `/${k}`).join(", ")}`);
      continue;
    }
    if (old instanceof PDFDict && nu instanceof PDFDict) {
      const keys = changedKeys(old, nu);
      const type = nu.get(PDFName.of("Type"));
      if (nu.get(PDFName.of("Kids")) && (type === PDFName.of("Pages") || type === undefined)) {
        const kidsAdded = addedItems(final, before, old.get(PDFName.of("Kids")), nu.get(PDFName.of("Kids")));
        if (kidsAdded && keys.every((k) => k === "Kids" || k === "Count")) {
          pageRoots.push(...kidsAdded);
          note("pages", `${kidsAdded.length} page(s) added: ${kidsAdded.map(pageLabel).join(", ")}`);
        } else note("other", `page tree node ${n} changed: ${keys.map((k) => `/${k}`).join(", ")}`);
        continue;
      }
      if (type === PDFName.of("Page")) {
        const annotsAdded = addedItems(final, before, old.get(PDFName.of("Annots")), nu.get(PDFName.of("Annots")));
        if (keys.every((k) => k === "Annots") && annotsAdded && annotsAdded.every((a) => isSignatureObject(final, final.lookup(a)))) {
          note("signature", `signature widget added to ${pageLabel(n)}`);
        } else {
          note("other", `${pageLabel(n)} modified: ${keys.map((k) => `/${k}`).join(", ")}`);
        }
        continue;
      }
      if (isSignatureObject(final, nu) && keys.every((k) => ["V", "AP", "F", "Lock", "SV"].includes(k))) {
        note("signature", `signature field ${n} filled`);
        sigRoots.push(n);
        continue;
      }
      note("other", `object ${n} (${describe(nu)}) modified: ${keys.map((k) => `/${k}`).join(", ")}`);
      continue;
    }
    if (old instanceof PDFArray && nu instanceof PDFArray) {
      const items = addedItems(final, before, old, nu);
      if (items && items.every((a) => isSignatureObject(final, final.lookup(a)))) note("signature", `signature field(s) added to array ${n}`);
      else if (items && items.every((a) => pageNumbers.has(a))) {
        pageRoots.push(...items);
        note("pages", `${items.length} page(s) added: ${items.map(pageLabel).join(", ")}`);
      } else note("other", `array object ${n} changed`);
      continue;
    }
    note("other", `object ${n} (${describe(nu)}) modified`);
  }

  const signatureSide = reach(final, sigRoots, added);
  const pageSide = reach(final, pageRoots, added);
  let newSignatures = 0;
  for (const n of added) {
    const obj = final.lookup(n);
    if (obj instanceof PDFDict && obj.get(PDFName.of("ByteRange"))) newSignatures++;
    if (signatureSide.has(n) || sigRoots.includes(n)) continue;
    if (pageSide.has(n)) continue;
    note("other", `object ${n} (${describe(obj)}) added outside any signature or new page`);
  }
  if (newSignatures > 0) note("signature", `${newSignatures} signature(s) added`);

  const rank: Record<Category, number> = { metadata: 0, signature: 1, pages: 2, other: 3 };
  const worst = findings.reduce<Category | undefined>((w, f) => (w === undefined || rank[f.category] > rank[w] ? f.category : w), undefined);
  const kind: ChangeKind = worst === "other" ? "otherModified" : worst === "pages" ? "pagesAdded" : worst === "signature" ? "laterSignaturesOnly" : "none";
  const ordered = [...findings].sort((x, y) => rank[y.category] - rank[x.category]);
  const details = ordered.slice(0, MAX_DETAILS).map((f) => f.text);
  if (ordered.length > MAX_DETAILS) details.push(`… and ${ordered.length - MAX_DETAILS} more changes`);
  return { kind, details };
}

/** Object numbers (re)defined after `boundary`: from the xref sections, or by scanning headers. */
function changedAfter(bytes: Uint8Array, final: PdfFile, boundary: number): number[] {
  const numbers = new Set<number>();
  if (!final.reconstructed) {
    for (const s of final.sections) if (s.offset >= boundary) for (const n of s.entries.keys()) numbers.add(n);
  }
  const text = latin1(bytes, boundary, bytes.length);
  const re = /(?:^|[\s>])(\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]+obj\b/g;
  for (let m = re.exec(text); m; m = re.exec(text)) numbers.add(Number(m[1]));
  numbers.delete(0);
  return [...numbers].sort((a, b) => a - b);
}

function isStructural(obj: PDFObject): boolean {
  if (!(obj instanceof PDFRawStream)) return false;
  const type = obj.dict.get(PDFName.of("Type"));
  return type === PDFName.of("XRef") || type === PDFName.of("ObjStm");
}

/** Signature dictionaries, signature fields and their widgets, document timestamps. */
function isSignatureObject(file: PdfFile, obj: PDFObject | undefined): boolean {
  if (!(obj instanceof PDFDict)) return false;
  const type = obj.get(PDFName.of("Type"));
  if (type === PDFName.of("Sig") || type === PDFName.of("DocTimeStamp") || obj.get(PDFName.of("ByteRange"))) return true;
  if (obj.get(PDFName.of("FT")) === PDFName.of("Sig")) return true;
  if (obj.get(PDFName.of("Subtype")) === PDFName.of("Widget")) {
    const parent = file.resolve(obj.get(PDFName.of("Parent")));
    return parent instanceof PDFDict && parent.get(PDFName.of("FT")) === PDFName.of("Sig");
  }
  return false;
}

function changedKeys(old: PDFDict, nu: PDFDict): string[] {
  const keys = new Set([...old.keys(), ...nu.keys()].map((k) => k.decodeText()));
  return [...keys].filter((k) => serialize(old.get(PDFName.of(k))) !== serialize(nu.get(PDFName.of(k))));
}

/** Refs appended to an array (direct or indirect); undefined when old items were removed or reordered. */
function addedItems(final: PdfFile, before: PdfFile, oldRaw: PDFObject | undefined, nuRaw: PDFObject | undefined): number[] | undefined {
  const old = oldRaw instanceof PDFRef ? before.lookup(oldRaw) : oldRaw;
  const nu = nuRaw instanceof PDFRef ? final.lookup(nuRaw) : nuRaw;
  const oldItems = old instanceof PDFArray ? old.asArray().map(serialize) : [];
  if (!(nu instanceof PDFArray)) return oldItems.length === 0 ? [] : undefined;
  const nuItems = nu.asArray();
  for (let i = 0; i < oldItems.length; i++) if (serialize(nuItems[i]) !== oldItems[i]) return undefined;
  const extra = nuItems.slice(oldItems.length);
  if (!extra.every((x) => x instanceof PDFRef)) return undefined;
  return extra.map((x) => (x as PDFRef).objectNumber);
}

/** Objects among `candidates` reachable from `roots` through references. */
function reach(file: PdfFile, roots: number[], candidates: Set<number>): Set<number> {
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length > 0 && seen.size < 100_000) {
    const n = queue.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const ref of refsIn(file.lookup(n))) if (candidates.has(ref) && !seen.has(ref)) queue.push(ref);
  }
  return seen;
}

function refsIn(obj: PDFObject | undefined, out: number[] = [], depth = 0): number[] {
  if (!obj || depth > 32) return out;
  if (obj instanceof PDFRef) out.push(obj.objectNumber);
  else if (obj instanceof PDFArray) for (const x of obj.asArray()) refsIn(x, out, depth + 1);
  else if (obj instanceof PDFDict) for (const [, v] of obj.entries()) refsIn(v, out, depth + 1);
  else if (obj instanceof PDFStream) refsIn(obj.dict, out, depth + 1);
  return out;
}

function serialize(obj: PDFObject | undefined): string {
  if (obj === undefined) return "";
  try {
    if (obj instanceof PDFRawStream) return `${obj.dict.toString()}#${Buffer.from(obj.contents).toString("base64")}`;
    return obj.toString();
  } catch {
    return `#${Math.random()}`;
  }
}

function describe(obj: PDFObject | undefined): string {
  if (obj instanceof PDFStream) {
    const t = obj.dict.get(PDFName.of("Subtype")) ?? obj.dict.get(PDFName.of("Type"));
    return t ? `stream ${t.toString()}` : "stream";
  }
  if (obj instanceof PDFDict) {
    const t = obj.get(PDFName.of("Type")) ?? obj.get(PDFName.of("Subtype"));
    return t ? `dictionary ${t.toString()}` : "dictionary";
  }
  if (obj instanceof PDFArray) return "array";
  return obj ? obj.constructor.name.replace(/^PDF/, "").toLowerCase() : "missing";
}
