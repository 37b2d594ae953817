import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFStream, type PDFObject } from "pdf-lib";
import { latin1, readObjectHeader } from "./pdf-bytes";
import { listPages, openPdf, type ParseCache, type PdfFile } from "./pdf-file";
import type { PdfRevision } from "./pdf-revisions";
import { textOf } from "./signature-scan";
import { parserAt } from "./xref-reader";

/**
 * # Change analysis after a signature: a whitelist
 *
 * The approach of pyHanko's difference analysis and of the EU DSS, written from their
 * ideas: the document as the signature covers it (the bytes up to the end of its
 * revision) and the final document are both opened, and every object the final document
 * actually uses is found by walking from the catalog and the trailer, each with what it is
 * used for (the content stream of page 1, a font of page 2, the appearance of a widget, the
 * DSS …). An object that differs between the two documents is allowed only when every use
 * of it is one of the few things that may follow a signature:
 *
 * - a later signature: a new signature field appended to the AcroForm /Fields, its value
 *   (the signature or document timestamp dictionary), its widget appended to the page's
 *   /Annots, with an appearance only when the field is signed and not covering the page;
 *   or an empty signature field of the signed revision being filled the same way;
 * - the DSS (certificates, CRLs, OCSP responses, VRI), the catalog's /Extensions,
 *   /AcroForm /SigFlags;
 * - the XMP metadata stream and the document information dictionary, when nothing else uses
 *   them;
 * - pages appended at the end (a completion page) — reported apart, and accepted by the
 *   verifier only when a later valid signature covers them.
 *
 * Anything else — whatever /Type a changed object claims — is a modification, reported
 * with the object number and what it is used for. Objects nothing uses are ignored.
 * Not modelled: form fills and annotations a DocMDP/FieldMDP certification would permit
 * (they are reported as modifications, which is the stricter answer).
 */

/**
 * What happened after a signature's revision: `none`; `laterSignaturesOnly` (new
 * signatures, their fields and widgets, DSS, document timestamps, metadata);
 * `pagesAdded` (pages appended too, acceptable only when a later signature covers them);
 * `otherModified` (anything else: the signature does not vouch for the document shown).
 */
export type ChangeKind = "none" | "laterSignaturesOnly" | "pagesAdded" | "otherModified";

/** One change that a signature does not allow. */
export interface Modification {
  /**
   * OBJECT_CHANGED, OBJECT_ADDED, OBJECT_DELETED, OBJECT_UNREADABLE (an object used by the document, redefined so that it cannot be read), OBJECT_HIDDEN (defined again after the signature where the xref does not point),
   * PAGE_CHANGED, PAGES_CHANGED (removed, replaced or reordered), PAGE_TREE_CHANGED,
   * ANNOTATION_ADDED, ANNOTATIONS_CHANGED, CATALOG_CHANGED, FORM_CHANGED, FIELD_ADDED,
   * UNSIGNED_FIELD_APPEARANCE, STAMP_TOO_LARGE, FIELD_CHANGED, PAGE_NOT_SIGNED (a page
   * added and covered by no later valid signature), XREF_DAMAGED_AFTER, ANALYSIS_FAILED.
   */
  code: string;
  objectNumber?: number;
  /** What the object is used for, e.g. "content stream of page 1". */
  usedFor?: string;
  message: string;
}

/** A page appended after the signature. */
export interface AddedPage {
  objectNumber: number;
  /** 1-based page number in the final document. */
  pageNumber: number;
}

/** A visible appearance (a stamp) of a later signature, drawn on a page after this one. */
export interface AddedAppearance {
  /** The widget annotation. */
  widget: number;
  /** The signature dictionary (the field's /V) whose validity the stamp depends on. */
  signatureObject: number;
  fieldName: string;
}

/** The changes made by later revisions. */
export interface ChangesAfterSignature {
  kind: ChangeKind;
  /** One sentence per finding, modifications first. */
  details: string[];
  /** Changes the signature does not allow (empty when none). */
  modifications: Modification[];
  /** Pages appended after the signature (allowed only under a later valid signature). */
  pagesAdded: AddedPage[];
  /** Stamps of later signatures (allowed only when that signature is valid). */
  appearancesAdded: AddedAppearance[];
  /** Object numbers of the pages of the signed revision (to tell which pages a signature covers). */
  pagesAtSignature: number[];
}

type Zone = "page" | "newPage" | "newSignature" | "newFormDefaults" | "dss" | "metadata" | "info" | "form" | "field" | "catalog" | "rejected";
const ALLOWED_ZONES: ReadonlySet<Zone> = new Set<Zone>(["newPage", "newSignature", "newFormDefaults", "dss", "metadata", "info", "rejected"]);
const ALLOWED_CATALOG_KEYS = new Set(["AcroForm", "DSS", "Extensions", "Metadata"]);
const ALLOWED_ACROFORM_KEYS = new Set(["Fields", "SigFlags"]);
/** Form defaults a signing tool may add when the signed revision had none (never change). */
const ADDABLE_ACROFORM_KEYS = new Set(["DR", "DA"]);
/** Keys a signing tool sets on an empty signature field it fills. */
const FILLED_FIELD_KEYS = new Set(["V", "AP", "F", "Lock"]);
/**
 * A new signature's appearance may cover at most this share of its page: a stamp, not an
 * overlay. (Whether a smaller stamp overlaps drawn content is not computed; Custos's own
 * stamps are 240 × 92 pt, 4% of an A4 page, and on tiny pages may cover half of it.)
 */
export const MAX_STAMP_SHARE = 0.75;
const MAX_DETAILS = 40;
const MAX_VISITS = 500_000;

/** Object visits left for all the analyses of one file (many signatures over many objects must not stall a request). */
export interface AnalysisBudget {
  visits: number;
}

/** The default budget for one file: a few million object visits. */
export function newAnalysisBudget(): AnalysisBudget {
  return { visits: 3_000_000 };
}

/**
 * Compares the document as of the end of revision `index` with the final file and lists
 * what changed, allowing only what may follow a signature. Never throws.
 */
export function describeChangesAfter(bytes: Uint8Array, final: PdfFile, revisions: PdfRevision[], index: number, budget: AnalysisBudget = newAnalysisBudget()): ChangesAfterSignature {
  let before: PdfFile | undefined;
  try {
    before = openPdf(bytes.subarray(0, revisions[index]!.end), final.parseCache ? { parseCache: final.parseCache } : {});
  } catch (error) {
    return failed(`the signed revision cannot be read: ${(error as Error).message}`, []);
  }
  const pagesAtSignature = safePages(before);
  // Bytes after the revision count even without a %%EOF of their own: readers tolerate a missing one.
  if (onlyWhitespaceAfter(bytes, revisions[index]!.end)) return { kind: "none", details: [], modifications: [], pagesAdded: [], appearancesAdded: [], pagesAtSignature };
  try {
    return new Analysis(before, final, budget).run(pagesAtSignature);
  } catch (error) {
    return failed(`later revisions could not be analysed: ${(error as Error).message}`, pagesAtSignature);
  }
}

function onlyWhitespaceAfter(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i];
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0x0c && b !== 0x00) return false;
  }
  return true;
}

function failed(message: string, pagesAtSignature: number[]): ChangesAfterSignature {
  return { kind: "otherModified", details: [message], modifications: [{ code: "ANALYSIS_FAILED", message }], pagesAdded: [], appearancesAdded: [], pagesAtSignature };
}

function safePages(file: PdfFile): number[] {
  try {
    return listPages(file).map((p) => p.ref.objectNumber);
  } catch {
    return [];
  }
}

class Analysis {
  private readonly modifications: Modification[] = [];
  private readonly notes: string[] = [];
  private readonly pagesAdded: AddedPage[] = [];
  private readonly appearancesAdded: AddedAppearance[] = [];
  /** For each object number: the first label per zone it is used in. */
  private readonly uses = new Map<number, Map<Zone, string>>();
  /** Objects compared structurally (catalog, page tree, pages, AcroForm, arrays they hold). */
  private readonly containers = new Set<number>();
  /** Widgets of allowed new (or newly filled) signature fields. */
  private readonly allowedWidgets = new Set<number>();
  private readonly visited = new Set<string>();
  private anyChange = false;
  /** Set when the object graph was too large or too deeply nested to follow completely. */
  private tooComplex = false;

  constructor(
    private readonly before: PdfFile,
    private readonly final: PdfFile,
    private readonly budget: AnalysisBudget,
  ) {}

  run(pagesAtSignature: number[]): ChangesAfterSignature {
    const oldCatalog = this.before.catalog();
    const newCatalog = this.final.catalog();
    if (!oldCatalog || !newCatalog) {
      this.modify({ code: "CATALOG_CHANGED", message: "the document catalog cannot be found in the signed revision or in the final file" });
      return this.result(pagesAtSignature);
    }
    if (newCatalog.ref) this.containers.add(newCatalog.ref.objectNumber);
    this.collectContainers(newCatalog.dict);
    this.checkCatalog(oldCatalog.dict, newCatalog.dict);
    this.checkForm(oldCatalog.dict, newCatalog.dict);
    this.checkPages(oldCatalog.dict, newCatalog.dict, pagesAtSignature);
    for (const [key, value] of newCatalog.dict.entries()) {
      const k = nameText(key);
      if (k === "Pages" || k === "AcroForm") continue;
      if (k === "DSS") this.walk(value, "dss", "the DSS (validation data)");
      else if (k === "Metadata") this.walk(value, "metadata", "the XMP metadata");
      else this.walk(value, "catalog", `/${k} of the document catalog`);
    }
    this.walk(this.final.trailer.get(PDFName.of("Info")), "info", "the document information dictionary");
    this.compareObjects();
    this.findHiddenDefinitions();
    if (this.final.reconstructed && !this.before.reconstructed) {
      // Readers repair a damaged file each in their own way: what they show cannot be known.
      this.modify({ code: "XREF_DAMAGED_AFTER", message: "the cross-reference data of the later revisions is damaged, so readers may each show a different document" });
    }
    if (this.tooComplex) {
      // Fail closed: a change could hide where the walk did not reach.
      this.modify({ code: "ANALYSIS_FAILED", message: "the document's objects are nested too deeply or too many (for this many signatures) to follow completely" });
    }
    return this.result(pagesAtSignature);
  }

  /** The objects compared structurally, known before any walk so that no walk enters them. */
  private collectContainers(catalog: PDFDict): void {
    const seen = new Set<number>();
    const visit = (node: PDFObject | undefined, depth: number): void => {
      if (!(node instanceof PDFRef) || seen.has(node.objectNumber) || depth > 64) return;
      seen.add(node.objectNumber);
      const dict = asDict(this.final.lookup(node));
      // An unreadable node is no container: it is compared (and refused) like any object a page uses.
      if (!dict) return;
      this.containers.add(node.objectNumber);
      const kidsRaw = dict?.get(PDFName.of("Kids"));
      if (kidsRaw instanceof PDFRef) this.containers.add(kidsRaw.objectNumber);
      for (const kid of refsOf(this.final.resolve(kidsRaw))) visit(kid, depth + 1);
    };
    visit(catalog.get(PDFName.of("Pages")), 0);
    const formRaw = catalog.get(PDFName.of("AcroForm"));
    if (formRaw instanceof PDFRef) this.containers.add(formRaw.objectNumber);
    const fieldsRaw = asDict(this.final.resolve(formRaw))?.get(PDFName.of("Fields"));
    if (fieldsRaw instanceof PDFRef) this.containers.add(fieldsRaw.objectNumber);
  }

  private result(pagesAtSignature: number[]): ChangesAfterSignature {
    const modifications = this.modifications;
    const kind: ChangeKind = modifications.length > 0 ? "otherModified" : this.pagesAdded.length > 0 ? "pagesAdded" : this.anyChange ? "laterSignaturesOnly" : "none";
    const pageNote = this.pagesAdded.length > 0 ? [`${this.pagesAdded.length} page(s) added: ${this.pagesAdded.map((p) => `page ${p.pageNumber}`).join(", ")}`] : [];
    const all = [...modifications.map((m) => m.message), ...pageNote, ...this.notes];
    const details = all.slice(0, MAX_DETAILS);
    if (all.length > MAX_DETAILS) details.push(`… and ${all.length - MAX_DETAILS} more changes`);
    return { kind, details, modifications, pagesAdded: this.pagesAdded, appearancesAdded: this.appearancesAdded, pagesAtSignature };
  }

  private modify(m: Modification): void {
    this.anyChange = true;
    if (this.modifications.length < 1000) this.modifications.push(m);
  }

  private note(text: string): void {
    this.anyChange = true;
    if (!this.notes.includes(text)) this.notes.push(text);
  }

  // ---- the catalog -------------------------------------------------------------------

  private checkCatalog(old: PDFDict, nu: PDFDict): void {
    for (const key of changedKeys(old, nu)) {
      if (key === "Pages") this.modify({ code: "CATALOG_CHANGED", message: "the document catalog's /Pages (the page tree) was replaced" });
      else if (key === "AcroForm") continue;
      else if (ALLOWED_CATALOG_KEYS.has(key)) this.note(key === "DSS" ? "validation data (DSS) added or updated" : key === "Metadata" ? "XMP metadata updated" : `document catalog /${key} updated`);
      else this.modify({ code: "CATALOG_CHANGED", message: `the document catalog's /${key} changed` });
    }
  }

  // ---- the form: new signature fields, filled empty signature fields --------------------

  private checkForm(oldCatalog: PDFDict, newCatalog: PDFDict): void {
    const oldRaw = oldCatalog.get(PDFName.of("AcroForm"));
    const newRaw = newCatalog.get(PDFName.of("AcroForm"));
    const oldForm = asDict(this.before.resolve(oldRaw));
    const newForm = asDict(this.final.resolve(newRaw));
    if (newRaw instanceof PDFRef) this.containers.add(newRaw.objectNumber);
    if (!newForm) {
      if (oldForm) this.modify({ code: "FORM_CHANGED", message: "the form (AcroForm) was removed" });
      return;
    }
    const added = new Set<string>();
    for (const key of changedKeys(oldForm, newForm)) {
      if (key === "Fields") continue;
      if (ALLOWED_ACROFORM_KEYS.has(key)) this.note(`AcroForm /${key} updated`);
      else if (ADDABLE_ACROFORM_KEYS.has(key) && oldForm?.get(PDFName.of(key)) === undefined) {
        added.add(key);
        this.note(`AcroForm /${key} added`);
      } else this.modify({ code: "FORM_CHANGED", message: `the form's (AcroForm) /${key} changed` });
    }
    for (const [key, value] of newForm.entries()) {
      const k = nameText(key);
      if (k !== "Fields") this.walk(value, added.has(k) ? "newFormDefaults" : "form", `/${k} of the form (AcroForm)`);
    }
    const fieldsRaw = newForm.get(PDFName.of("Fields"));
    if (fieldsRaw instanceof PDFRef) this.containers.add(fieldsRaw.objectNumber);
    const oldFields = refsOf(this.before.resolve(oldForm?.get(PDFName.of("Fields"))));
    const newFields = refsOf(this.final.resolve(fieldsRaw));
    const appended = appendedTo(oldFields, newFields);
    if (!appended) {
      this.modify({ code: "FORM_CHANGED", message: "form fields of the signed revision were removed, replaced or reordered" });
    }
    const oldSet = new Set(oldFields.map(numberOfRef));
    for (const item of newFields) {
      if (item instanceof PDFRef && !oldSet.has(item.objectNumber)) this.checkNewField(item);
      else this.checkOldField(item);
    }
  }

  private checkOldField(item: PDFObject): void {
    const n = item instanceof PDFRef ? item.objectNumber : undefined;
    const name = this.fieldName(item);
    const oldDict = n !== undefined ? asDict(this.before.lookup(n)) : undefined;
    const newDict = asDict(this.final.resolve(item));
    if (n !== undefined && oldDict && newDict && isSigField(oldDict) && !oldDict.get(PDFName.of("V")) && newDict.get(PDFName.of("V"))) {
      // An empty signature field of the signed revision, signed later.
      const keys = changedKeys(oldDict, newDict);
      const value = asDict(this.final.resolve(newDict.get(PDFName.of("V"))));
      if (keys.every((k) => FILLED_FIELD_KEYS.has(k)) && value?.get(PDFName.of("ByteRange"))) {
        const problems = this.checkWidgets(n, newDict, true, name);
        if (problems === 0) {
          this.containers.add(n);
          this.note(`signature field ${name} (object ${n}) signed`);
          for (const key of ["V", "AP"]) this.walk(newDict.get(PDFName.of(key)), "newSignature", `the signature in field ${name}`);
          for (const [key, v] of newDict.entries()) if (!["V", "AP"].includes(nameText(key))) this.walk(v, "field", `field ${name}`, [nameText(key)]);
          return;
        }
      }
    }
    this.walk(item, "field", `field ${name}`);
  }

  private checkNewField(ref: PDFRef): void {
    const n = ref.objectNumber;
    const field = asDict(this.final.lookup(ref));
    const name = this.fieldName(ref);
    if (!field) {
      this.modify({ code: "FIELD_ADDED", objectNumber: n, message: `object ${n} added to the form's fields is not a field` });
      return;
    }
    const kids = refsOf(this.final.resolve(field.get(PDFName.of("Kids")))).filter((k): k is PDFRef => k instanceof PDFRef);
    const reused = [n, ...kids.map((k) => k.objectNumber)].filter((x) => {
      const entry = this.before.entries.get(x);
      return entry !== undefined && entry.kind !== "free";
    });
    if (reused.length > 0) {
      // A later signature brings new objects; turning an existing one (a link, a widget) into its field is a change to it.
      this.modify({ code: "FIELD_ADDED", objectNumber: n, usedFor: `form field ${name}`, message: `object ${reused[0]} of the signed revision was made into (part of) the new field ${name}` });
      this.walk(ref, "rejected", `new field ${name}`);
      return;
    }
    if (!isSigField(field)) {
      const type = field.get(PDFName.of("FT"));
      this.modify({ code: "FIELD_ADDED", objectNumber: n, usedFor: `form field ${name}`, message: `object ${n} (new form field ${name}${type ? `, ${type.toString()}` : ""}) added: only signature fields may follow a signature` });
      this.walk(ref, "rejected", `new field ${name}`);
      return;
    }
    const value = asDict(this.final.resolve(field.get(PDFName.of("V"))));
    const signed = value?.get(PDFName.of("ByteRange")) !== undefined;
    if (this.checkWidgets(n, field, signed, name) > 0) {
      this.walk(ref, "rejected", `new field ${name}`);
      return;
    }
    const kind = value?.get(PDFName.of("Type")) === PDFName.of("DocTimeStamp") ? "document timestamp" : "signature";
    this.note(signed ? `${kind} field ${name} (object ${n}) added` : `empty signature field ${name} (object ${n}) added`);
    this.walk(ref, "newSignature", `the ${kind} field ${name}`);
  }

  /** Checks the widgets of a signature field; allowed ones are remembered. Returns the number of problems. */
  private checkWidgets(fieldNumber: number, field: PDFDict, signed: boolean, name: string): number {
    const widgets: { n: number; dict: PDFDict }[] = [];
    if (field.get(PDFName.of("Subtype")) === PDFName.of("Widget")) widgets.push({ n: fieldNumber, dict: field });
    for (const kid of refsOf(this.final.resolve(field.get(PDFName.of("Kids"))))) {
      const dict = asDict(this.final.resolve(kid));
      if (kid instanceof PDFRef && dict) widgets.push({ n: kid.objectNumber, dict });
    }
    let problems = 0;
    for (const w of widgets) {
      const area = rectArea(this.final, w.dict.get(PDFName.of("Rect")));
      const visible = area > 0 && w.dict.get(PDFName.of("AP")) !== undefined;
      if (visible && !signed) {
        problems++;
        this.modify({
          code: "UNSIGNED_FIELD_APPEARANCE",
          objectNumber: w.n,
          usedFor: `widget of the unsigned signature field ${name}`,
          message: `object ${w.n} (widget of the new, unsigned signature field ${name}) added with a visible appearance: an empty field may not draw on the page`,
        });
        continue;
      }
      if (visible) {
        const pageArea = this.pageAreaOf(w.n, w.dict);
        if (pageArea > 0 && area > MAX_STAMP_SHARE * pageArea) {
          problems++;
          this.modify({
            code: "STAMP_TOO_LARGE",
            objectNumber: w.n,
            usedFor: `widget of the signature field ${name}`,
            message: `object ${w.n} (widget of signature field ${name}) covers ${Math.round((100 * area) / pageArea)}% of its page: a signature's appearance may not cover page content`,
          });
          continue;
        }
      }
      this.allowedWidgets.add(w.n);
      const value = field.get(PDFName.of("V"));
      if (visible && value instanceof PDFRef) this.appearancesAdded.push({ widget: w.n, signatureObject: value.objectNumber, fieldName: name });
    }
    return problems;
  }

  private pageAreaOf(widgetNumber: number, widget: PDFDict): number {
    let page = asDict(this.final.resolve(widget.get(PDFName.of("P"))));
    if (!page) {
      for (const p of listPages(this.final)) {
        if (refsOf(this.final.resolve(p.dict.get(PDFName.of("Annots")))).some((a) => numberOfRef(a) === widgetNumber)) page = p.dict;
      }
    }
    if (!page) return 0;
    let node: PDFDict | undefined = page;
    for (let i = 0; node && i < 32; i++) {
      const box = node.get(PDFName.of("CropBox")) ?? node.get(PDFName.of("MediaBox"));
      if (box) return rectArea(this.final, box);
      node = asDict(this.final.resolve(node.get(PDFName.of("Parent"))));
    }
    return 612 * 792;
  }

  private fieldName(item: PDFObject): string {
    const parts: string[] = [];
    let dict = asDict(this.final.resolve(item));
    for (let i = 0; dict && i < 32; i++) {
      const t = textOf(dict.get(PDFName.of("T")));
      if (t !== undefined) parts.unshift(t);
      dict = asDict(this.final.resolve(dict.get(PDFName.of("Parent"))));
    }
    return parts.length ? `"${parts.join(".")}"` : item instanceof PDFRef ? `(object ${item.objectNumber})` : "(unnamed)";
  }

  // ---- the page tree and the pages ----------------------------------------------------

  private checkPages(oldCatalog: PDFDict, newCatalog: PDFDict, oldPages: number[]): void {
    const pages = listPages(this.final);
    const newPages = pages.map((p) => p.ref.objectNumber);
    const oldSet = new Set(oldPages);
    const keepsOrder = oldPages.every((n, i) => newPages[i] === n);
    if (!keepsOrder) {
      this.modify({ code: "PAGES_CHANGED", message: `the pages of the signed revision were removed, replaced or reordered (${oldPages.length} signed, ${newPages.length} now)` });
    }
    this.walkPageTree(newCatalog.get(PDFName.of("Pages")), 0, new Set());
    void oldCatalog;
    pages.forEach((page, i) => {
      const n = page.ref.objectNumber;
      this.containers.add(n);
      const label = `page ${i + 1}`;
      if (!oldSet.has(n)) {
        this.pagesAdded.push({ objectNumber: n, pageNumber: i + 1 });
        this.anyChange = true;
        for (const [key, value] of page.dict.entries()) this.walk(value, "newPage", `the added page ${i + 1}`, [nameText(key)]);
        return;
      }
      const old = asDict(this.before.lookup(n));
      if (!old) return;
      const keys = changedKeys(old, page.dict).filter((k) => k !== "Annots");
      if (keys.length > 0) {
        this.modify({ code: "PAGE_CHANGED", objectNumber: n, usedFor: label, message: `object ${n} (${label}) changed: ${keys.map((k) => `/${k}`).join(", ")}` });
      }
      this.checkAnnots(n, old, page.dict, label);
      for (const [key, value] of page.dict.entries()) {
        const k = nameText(key);
        if (k !== "Annots") this.walk(value, "page", label, [k]);
      }
    });
  }

  private walkPageTree(node: PDFObject | undefined, depth: number, seen: Set<number>): void {
    if (!(node instanceof PDFRef) || seen.has(node.objectNumber) || depth > 64) return;
    seen.add(node.objectNumber);
    const dict = asDict(this.final.lookup(node));
    const kids = dict && this.final.resolve(dict.get(PDFName.of("Kids")));
    if (!dict || !(kids instanceof PDFArray)) return;
    const n = node.objectNumber;
    this.containers.add(n);
    const kidsRaw = dict.get(PDFName.of("Kids"));
    if (kidsRaw instanceof PDFRef) this.containers.add(kidsRaw.objectNumber);
    const old = asDict(this.before.lookup(n));
    const label = `page tree node ${n} (inherited by its pages)`;
    const keys = old ? changedKeys(old, dict).filter((k) => k !== "Kids" && k !== "Count") : [...dict.keys()].map((k) => nameText(k)).filter((k) => !["Type", "Kids", "Count", "Parent"].includes(k));
    if (keys.length > 0) this.modify({ code: "PAGE_TREE_CHANGED", objectNumber: n, usedFor: label, message: `object ${n} (${old ? "" : "new "}page tree node) changed: ${keys.map((k) => `/${k}`).join(", ")}` });
    for (const [key, value] of dict.entries()) {
      const k = nameText(key);
      if (!["Kids", "Count", "Parent", "Type"].includes(k)) this.walk(value, "page", label, [k]);
    }
    for (const kid of kids.asArray()) {
      this.walk(kid, "page", `page tree node ${n}`, ["Kids"]);
      this.walkPageTree(kid, depth + 1, seen);
    }
  }

  private checkAnnots(pageNumber: number, old: PDFDict, nu: PDFDict, label: string): void {
    const raw = nu.get(PDFName.of("Annots"));
    if (raw instanceof PDFRef) this.containers.add(raw.objectNumber);
    const oldItems = refsOf(this.before.resolve(old.get(PDFName.of("Annots"))));
    const newItems = refsOf(this.final.resolve(raw));
    if (!appendedTo(oldItems, newItems)) {
      this.modify({ code: "ANNOTATIONS_CHANGED", objectNumber: pageNumber, usedFor: label, message: `the annotations of ${label} (object ${pageNumber}) were removed, replaced or reordered` });
    }
    const oldSet = new Set(oldItems.map(numberOfRef));
    newItems.forEach((item, i) => {
      const n = numberOfRef(item);
      const dict = asDict(this.final.resolve(item));
      const what = this.annotationLabel(dict, label);
      if (n !== undefined && this.allowedWidgets.has(n)) return;
      if (i >= oldItems.length && (n === undefined || !oldSet.has(n))) {
        const subtype = dict?.get(PDFName.of("Subtype"));
        this.modify({
          code: "ANNOTATION_ADDED",
          ...(n !== undefined ? { objectNumber: n } : {}),
          usedFor: what,
          message: `${n !== undefined ? `object ${n}` : "a direct object"} (${subtype ? `${subtype.toString()} ` : ""}annotation on ${label}) added: only a later signature's widget may be added`,
        });
      }
      this.walk(item, "page", what);
    });
  }

  private annotationLabel(dict: PDFDict | undefined, pageLabel: string): string {
    if (!dict) return `annotation on ${pageLabel}`;
    const subtype = dict.get(PDFName.of("Subtype"));
    if (subtype === PDFName.of("Widget")) {
      const sig = isSigField(dict) || isSigField(asDict(this.final.resolve(dict.get(PDFName.of("Parent")))));
      return `${sig ? "signature " : ""}widget of field ${this.fieldName(dict)} on ${pageLabel}`;
    }
    return `${subtype ? `${subtype.toString()} ` : ""}annotation on ${pageLabel}`;
  }

  // ---- every object used, by where it is used -------------------------------------------

  /**
   * Records every object `value` uses (through references, breadth first) as used in `zone`
   * for `owner`; containers are recorded but not entered (they are compared structurally).
   */
  private walk(value: PDFObject | undefined, zone: Zone, owner: string, path: string[] = []): void {
    const queue: { n: number; path: string[] }[] = [];
    const scan = (obj: PDFObject | undefined, at: string[], depth: number): void => {
      if (obj === undefined) return;
      if (depth > 64) {
        this.tooComplex = true;
        return;
      }
      if (obj instanceof PDFRef) {
        const n = obj.objectNumber;
        let zones = this.uses.get(n);
        if (!zones) this.uses.set(n, (zones = new Map()));
        if (!zones.has(zone)) zones.set(zone, describeUse(owner, at));
        if (this.containers.has(n)) return;
        const key = `${zone}:${n}`;
        if (this.visited.has(key)) return;
        this.visited.add(key);
        queue.push({ n, path: at });
        return;
      }
      if (obj instanceof PDFArray) {
        for (const item of obj.asArray()) scan(item, at, depth + 1);
        return;
      }
      const dict = obj instanceof PDFDict ? obj : obj instanceof PDFStream ? obj.dict : undefined;
      if (!dict) return;
      for (const [key, v] of dict.entries()) scan(v, at.length < 6 ? [...at, nameText(key)] : at, depth + 1);
    };
    scan(value, path, 0);
    for (let i = 0; i < queue.length; i++) {
      if (this.visited.size > MAX_VISITS || --this.budget.visits < 0) {
        this.tooComplex = true;
        return;
      }
      const { n, path: at } = queue[i]!;
      scan(this.final.lookup(n), at, 0);
    }
  }

  /**
   * Objects defined after the signature (`N G obj`) whose last definition is not the one the
   * cross-reference data gives: a reader that rebuilds a damaged file uses the last definition,
   * so a page could show what the xref hides. Refused when anything uses the object.
   */
  private findHiddenDefinitions(): void {
    const bytes = this.final.bytes;
    const boundary = this.before.bytes.length;
    const last = definitionsAfter(bytes, boundary, this.final.parseCache);
    // The xref points into the later revisions at something that is not that object: a lenient
    // reader parses it anyway, our reader falls back to an older definition.
    for (const n of new Set([...this.uses.keys(), ...this.containers])) {
      const entry = this.final.entries.get(n);
      if (entry?.kind !== "offset" || entry.offset < boundary || readObjectHeader(bytes, entry.offset)?.objectNumber === n) continue;
      const usedFor = describeFirstUse(this.uses.get(n), n);
      this.modify({
        code: "OBJECT_UNREADABLE",
        objectNumber: n,
        usedFor,
        message: `object ${n} (${usedFor}) was redefined after the signature where it cannot be read as that object`,
      });
    }
    for (const [n, offset] of last) {
      const zones = this.uses.get(n);
      if (!zones && !this.containers.has(n)) continue;
      // the last definition is the one the cross-reference data gives: nothing is hidden
      const entry = this.final.entries.get(n);
      if (entry?.kind === "offset" && entry.offset === offset) continue;
      let hidden: PDFObject | undefined;
      try {
        const header = readObjectHeader(bytes, offset);
        hidden = header ? parserAt(bytes, header.end, this.final.context).parseObject() : undefined;
      } catch {
        hidden = undefined;
      }
      const seen = this.final.lookup(n);
      if (hidden !== undefined && seen !== undefined && sameObject(hidden, seen)) continue;
      const usedFor = describeFirstUse(zones, n);
      this.modify({
        code: "OBJECT_HIDDEN",
        objectNumber: n,
        usedFor,
        message: `object ${n} (${usedFor}) has a later definition that the cross-reference data does not point to; a reader that rebuilds the file would show it`,
      });
    }
  }

  /** Whether the final file's cross-reference data places object `n` elsewhere than the signed revision's. */
  private redefined(n: number): boolean {
    const a = this.before.entries.get(n);
    const b = this.final.entries.get(n);
    if (!b || b.kind === "free") return false;
    if (!a || a.kind === "free") return true;
    return a.kind !== b.kind || (a.kind === "offset" && b.kind === "offset" && a.offset !== b.offset) || (a.kind === "compressed" && b.kind === "compressed" && (a.stream !== b.stream || a.index !== b.index));
  }

  private compareObjects(): void {
    for (const [n, zones] of [...this.uses.entries()].sort((a, b) => a[0] - b[0])) {
      if (this.containers.has(n)) continue;
      const old = this.before.lookup(n);
      const nu = this.final.lookup(n);
      if (old === undefined && nu === undefined && !this.redefined(n)) continue;
      const change = old === undefined && nu === undefined ? "redefined unreadably" : old === undefined ? "added" : nu === undefined ? "deleted" : sameObject(old, nu) ? undefined : "changed";
      if (!change) continue;
      this.anyChange = true;
      const disallowed = [...zones.entries()].filter(([zone]) => !ALLOWED_ZONES.has(zone));
      if (disallowed.length > 0) {
        const usedFor = disallowed[0]![1];
        const also = disallowed.length > 1 ? `; also ${disallowed.slice(1).map(([, l]) => l).join("; ")}` : "";
        const claims = nu ? claimedType(nu) : undefined;
        this.modify({
          code: change === "redefined unreadably" ? "OBJECT_UNREADABLE" : `OBJECT_${change.toUpperCase()}`,
          objectNumber: n,
          usedFor,
          message: `object ${n} (${usedFor}${also}) ${change}${claims ? `, now claiming to be ${claims}` : ""}`,
        });
        continue;
      }
      if (zones.has("metadata") && zones.size === 1) this.note("XMP metadata updated");
      if (zones.has("info") && zones.size === 1) this.note("document information dictionary updated");
    }
  }
}

const OBJECT_HEADER = /(\d{1,10})[ \t\r\n\f\0]+(\d{1,5})[ \t\r\n\f\0]*obj\b/g;

/** Every `N G obj` header of the file in order (once per inspection, when there is a parse cache). */
function objectHeaders(bytes: Uint8Array, cache: ParseCache | undefined): { text: string; headers: { n: number; at: number }[] } {
  const known = cache?.memo.get("objectHeaders") as { text: string; headers: { n: number; at: number }[] } | undefined;
  if (known) return known;
  const text = latin1(bytes, 0, bytes.length);
  const headers = [...headersIn(text, 0)];
  const found = { text, headers };
  cache?.memo.set("objectHeaders", found);
  return found;
}

/** The `N G obj` headers found by scanning `text` from `from` (a digit just before a header makes it part of a longer number). */
function* headersIn(text: string, from: number): Generator<{ n: number; at: number }> {
  const re = new RegExp(OBJECT_HEADER.source, "g");
  re.lastIndex = from;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = m.index > from ? text.charCodeAt(m.index - 1) : 0x0a;
    if (before >= 0x30 && before <= 0x39) continue;
    yield { n: Number(m[1]), at: m.index };
  }
}

/**
 * For each object number, the offset of its last `N G obj` header at or after `boundary`, as a
 * scan that starts at the boundary finds them. The scan from the boundary is run only until it
 * meets a header the scan of the whole file also found; from there on the two agree.
 */
function definitionsAfter(bytes: Uint8Array, boundary: number, cache: ParseCache | undefined): Map<number, number> {
  const { text, headers } = objectHeaders(bytes, cache);
  const whole = new Set(headers.map((h) => h.at));
  const last = new Map<number, number>();
  for (const h of headersIn(text, boundary)) {
    if (h.at > boundary && whole.has(h.at)) {
      for (const rest of headers) if (rest.at >= h.at) last.set(rest.n, rest.at);
      break;
    }
    last.set(h.n, h.at);
  }
  return last;
}

const NAME_TEXT = new WeakMap<PDFName, string>();

/** A name's text, decoded once (pdf-lib interns names, and decodes #xx escapes on every call). */
function nameText(name: PDFName): string {
  let text = NAME_TEXT.get(name);
  if (text === undefined) {
    text = name.decodeText();
    NAME_TEXT.set(name, text);
  }
  return text;
}

function describeFirstUse(zones: Map<Zone, string> | undefined, n: number): string {
  return zones ? [...zones.values()][0]! : `object ${n} of the page tree, the form or the catalog`;
}

function describeUse(owner: string, path: string[]): string {
  if (path.length === 0) return owner;
  const [first, second, third] = path;
  if (first === "Contents") return `content stream of ${owner}`;
  if (first === "Resources") {
    if (!second) return `resources of ${owner}`;
    const kind = { Font: "font", XObject: "XObject", ExtGState: "graphics state", ColorSpace: "colour space", Pattern: "pattern", Shading: "shading", Properties: "properties" }[second] ?? `/${second}`;
    const rest = path.slice(3);
    return `${kind}${third ? ` /${third}` : ""}${rest.length ? ` (${rest.map((k) => `/${k}`).join(" ")})` : ""} in the resources of ${owner}`;
  }
  if (first === "AP") return `appearance of the ${owner}`;
  return `${path.map((k) => `/${k}`).join(" ")} of ${owner}`;
}

function claimedType(obj: PDFObject): string | undefined {
  const dict = obj instanceof PDFDict ? obj : obj instanceof PDFStream ? obj.dict : undefined;
  const type = dict?.get(PDFName.of("Type"));
  const subtype = dict?.get(PDFName.of("Subtype"));
  if (!type && !subtype) return undefined;
  return [type, subtype].filter(Boolean).map((t) => t!.toString()).join(" ");
}

function asDict(obj: PDFObject | undefined): PDFDict | undefined {
  return obj instanceof PDFDict ? obj : undefined;
}

function isSigField(dict: PDFDict | undefined): boolean {
  return dict?.get(PDFName.of("FT")) === PDFName.of("Sig");
}

function refsOf(obj: PDFObject | undefined): PDFObject[] {
  return obj instanceof PDFArray ? obj.asArray().slice(0, 100_000) : [];
}

function numberOfRef(obj: PDFObject): number | undefined {
  return obj instanceof PDFRef ? obj.objectNumber : undefined;
}

/** Whether `nu` is `old` with items appended (the old items unchanged, in order). */
function appendedTo(old: PDFObject[], nu: PDFObject[]): boolean {
  if (nu.length < old.length) return false;
  return old.every((item, i) => serialize(item) === serialize(nu[i]));
}

function rectArea(file: PdfFile, raw: PDFObject | undefined): number {
  const rect = file.resolve(raw);
  if (!(rect instanceof PDFArray) || rect.size() !== 4) return 0;
  const v = rect.asArray().map((x) => file.resolve(x)).map((x) => (x instanceof PDFNumber ? x.asNumber() : 0));
  const area = Math.abs(v[2]! - v[0]!) * Math.abs(v[3]! - v[1]!);
  return Number.isFinite(area) ? area : 0;
}

/** Keys whose values differ between two dictionaries (indirect values compared by reference). */
function changedKeys(old: PDFDict | undefined, nu: PDFDict): string[] {
  if (old === nu) return [];
  const keys = new Set([...(old?.keys() ?? []), ...nu.keys()].map((k) => nameText(k)));
  return [...keys].filter((k) => serialize(old?.get(PDFName.of(k))) !== serialize(nu.get(PDFName.of(k))));
}

function sameObject(a: PDFObject, b: PDFObject): boolean {
  // one parse of the same bytes, shared by both revisions (see ParseCache)
  if (a === b) return true;
  if (a instanceof PDFRawStream || b instanceof PDFRawStream) {
    if (!(a instanceof PDFRawStream && b instanceof PDFRawStream)) return false;
    return serialize(a.dict) === serialize(b.dict) && Buffer.from(a.contents).equals(Buffer.from(b.contents));
  }
  return serialize(a) === serialize(b);
}

function serialize(obj: PDFObject | undefined): string {
  if (obj === undefined) return "";
  try {
    if (obj instanceof PDFRawStream) return `${obj.dict.toString()}#${Buffer.from(obj.contents).toString("base64")}`;
    return obj.toString();
  } catch {
    return `#unreadable#${Math.random()}`;
  }
}
