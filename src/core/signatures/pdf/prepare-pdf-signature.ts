import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRef, type PDFObject } from "pdf-lib";
import { beginIncrementalUpdate, type IncrementalUpdate } from "./incremental-writer";
import { indexOfBytes } from "./pdf-bytes";
import { listPages, openPdf, type PdfFile } from "./pdf-file";
import { pdfDate, textString } from "./pdf-text";
import { addStampAppearance, type SignatureStampContent } from "./signature-stamp";

/** A rectangle on a page, in points from the page's lower-left corner. */
export interface StampRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A visible stamp for the signature field. */
export interface SignatureStampOptions extends SignatureStampContent {
  /** Page to put it on (0-based) or "last". */
  pageIndex: number | "last";
  /** Where; by default 240 × 92 pt in the lower right, above earlier stamps on the page. */
  rect?: StampRect;
}

/** Input for {@link preparePdfSignature}. */
export interface PreparePdfSignatureOptions {
  /** Name of the new signature field (unique in the document), e.g. "Signature2". */
  fieldName: string;
  /** /Name of the signature dictionary. */
  signerName: string;
  /** /Reason, e.g. "审核 Reviewed". */
  reason: string;
  location?: string;
  contactInfo?: string;
  /** /M. */
  signingTime: Date;
  /** Offset from UTC (minutes) to write /M in; default 0 (UTC). */
  timeZoneOffsetMinutes?: number;
  /** Bytes reserved for the CMS (default 16384, enough for a chain and a timestamp token). */
  placeholderBytes?: number;
  /** A visible stamp; without it the field is an invisible 0×0 widget on the first page. */
  stamp?: SignatureStampOptions;
  /**
   * Makes this a certification signature (DocMDP) with these permissions: 1 no change at all,
   * 2 only form fills and further signatures, 3 also annotations. Only the first signature
   * of a document may certify it.
   */
  certify?: 1 | 2 | 3;
  /**
   * Makes this a document timestamp (PAdES B-LTA): /Type /DocTimeStamp, /SubFilter
   * /ETSI.RFC3161, whose /Contents is an RFC 3161 token over the byte ranges; no /Name, /Reason
   * or /M (the time is the token's).
   */
  documentTimestamp?: boolean;
}

/** A PDF with an empty signature, ready to be hashed and filled by {@link embedCmsSignature}. */
export interface PreparedPdfSignature {
  /** The whole file, ByteRange final, /Contents a zero-filled hex placeholder. */
  pdf: Uint8Array;
  /** [0, start of /Contents, end of /Contents, length after it]: the signed ranges. */
  byteRange: [number, number, number, number];
}

const DEFAULT_PLACEHOLDER = 16384;
const BYTE_RANGE_PLACEHOLDER = "/ByteRange [0 ********** ********** **********]";

/**
 * Adds a signature field and an unsigned PAdES signature dictionary (/Filter
 * /Adobe.PPKLite, /SubFilter /ETSI.CAdES.detached) to `pdf` as one incremental update,
 * leaving every earlier byte as it was. The /ByteRange written is final.
 *
 * @throws {@link PdfStructureError} for files that are not PDFs, encrypted or damaged.
 * @throws Error when the field name is taken or the page does not exist.
 */
export async function preparePdfSignature(pdf: Uint8Array, options: PreparePdfSignatureOptions): Promise<PreparedPdfSignature> {
  const file = openPdf(pdf, { reconstruct: false });
  const update = beginIncrementalUpdate(file);
  const catalog = file.catalog();
  if (!catalog?.ref) throw new Error("the PDF has no indirect document catalog");
  const pages = listPages(file);
  if (pages.length === 0) throw new Error("the PDF has no pages");
  const stamp = options.stamp;
  const pageIndex = stamp ? (stamp.pageIndex === "last" ? pages.length - 1 : stamp.pageIndex) : 0;
  const page = pages[pageIndex];
  if (!page) throw new Error(`page ${pageIndex} does not exist (the document has ${pages.length})`);

  if (options.certify !== undefined && indexOfBytes(pdf, "/ByteRange") >= 0) {
    throw new Error("only the first signature of a document may certify it, and this PDF is already signed");
  }
  const acroForm = readAcroForm(file, catalog.dict);
  if (acroForm && fieldNames(file, acroForm.dict).has(options.fieldName)) throw new Error(`a field named "${options.fieldName}" already exists`);

  const placeholder = options.placeholderBytes ?? DEFAULT_PLACEHOLDER;
  const sigRef = update.reserve();
  update.setRaw(sigRef, signatureBody(options, placeholder));

  const widget = update.context.obj({
    Type: "Annot",
    Subtype: "Widget",
    FT: "Sig",
    T: textString(options.fieldName),
    V: sigRef,
    F: 132,
    P: page.ref,
    Rect: [0, 0, 0, 0],
  }) as PDFDict;
  if (stamp) {
    const rect = stamp.rect ?? defaultStampRect(file, page.dict);
    widget.set(PDFName.of("Rect"), update.context.obj([rect.x, rect.y, rect.x + rect.width, rect.y + rect.height]));
    const appearance = await addStampAppearance(update, stamp, rect.width, rect.height);
    widget.set(PDFName.of("AP"), update.context.obj({ N: appearance }));
  }
  const widgetRef = update.add(widget);
  addAnnotation(update, page.ref, page.dict, widgetRef);
  addField(update, catalog.ref, catalog.dict, acroForm, widgetRef);
  if (options.certify !== undefined) {
    const current = update.context.lookup(catalog.ref);
    const copy = current instanceof PDFDict ? current : catalog.dict.clone(update.context);
    copy.set(PDFName.of("Perms"), update.context.obj({ DocMDP: sigRef }));
    update.replace(catalog.ref, copy);
  }

  const written = update.write();
  const bytes = written.bytes;
  const bodyStart = written.bodyOffsets.get(sigRef.objectNumber)!;
  const body = Buffer.from(bytes.buffer, bytes.byteOffset + bodyStart, bytes.length - bodyStart);
  const contentsStart = bodyStart + body.indexOf("/Contents <", 0, "latin1") + "/Contents ".length;
  const contentsEnd = contentsStart + placeholder * 2 + 2;
  const byteRange: [number, number, number, number] = [0, contentsStart, contentsEnd, bytes.length - contentsEnd];
  const rangeAt = bodyStart + body.indexOf(BYTE_RANGE_PLACEHOLDER, 0, "latin1");
  const rangeText = `/ByteRange [${byteRange.join(" ")}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, " ");
  if (rangeText.length > BYTE_RANGE_PLACEHOLDER.length) throw new Error("the file is too large for the byte range placeholder");
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).write(rangeText.replace(/\]( +)$/, "$1]"), rangeAt, "latin1");
  return { pdf: bytes, byteRange };
}

function signatureBody(options: PreparePdfSignatureOptions, placeholder: number): Buffer {
  if (options.documentTimestamp) {
    const entries = [
      "/Type /DocTimeStamp",
      "/Filter /Adobe.PPKLite",
      "/SubFilter /ETSI.RFC3161",
      BYTE_RANGE_PLACEHOLDER,
      `/Contents <${"0".repeat(placeholder * 2)}>`,
      "/Prop_Build << /App << /Name /Custos >> >>",
    ];
    return Buffer.from(`<<\n${entries.join("\n")}\n>>`, "latin1");
  }
  const entries = [
    "/Type /Sig",
    "/Filter /Adobe.PPKLite",
    "/SubFilter /ETSI.CAdES.detached",
    BYTE_RANGE_PLACEHOLDER,
    `/Contents <${"0".repeat(placeholder * 2)}>`,
    `/M ${textString(pdfDate(options.signingTime, options.timeZoneOffsetMinutes)).toString()}`,
    `/Name ${textString(options.signerName).toString()}`,
    `/Reason ${textString(options.reason).toString()}`,
    ...(options.location ? [`/Location ${textString(options.location).toString()}`] : []),
    ...(options.contactInfo ? [`/ContactInfo ${textString(options.contactInfo).toString()}`] : []),
    ...(options.certify !== undefined
      ? [`/Reference [<< /Type /SigRef /TransformMethod /DocMDP /TransformParams << /Type /TransformParams /P ${options.certify} /V /1.2 >> >>]`]
      : []),
    "/Prop_Build << /App << /Name /Custos >> >>",
  ];
  return Buffer.from(`<<\n${entries.join("\n")}\n>>`, "latin1");
}

function readAcroForm(file: PdfFile, catalog: PDFDict): { ref?: PDFRef; dict: PDFDict } | undefined {
  const raw = catalog.get(PDFName.of("AcroForm"));
  const dict = file.resolve(raw);
  if (!(dict instanceof PDFDict)) return undefined;
  return { ...(raw instanceof PDFRef ? { ref: raw } : {}), dict };
}

function fieldNames(file: PdfFile, acroForm: PDFDict): Set<string> {
  const names = new Set<string>();
  const seen = new Set<number>();
  const walk = (node: PDFObject | undefined, prefix: string, depth: number): void => {
    if (depth > 32) return;
    if (node instanceof PDFRef) {
      if (seen.has(node.objectNumber)) return;
      seen.add(node.objectNumber);
    }
    const dict = file.resolve(node);
    if (!(dict instanceof PDFDict)) return;
    const t = dict.get(PDFName.of("T"));
    const own = t && "decodeText" in t ? (t as { decodeText(): string }).decodeText() : undefined;
    const name = own === undefined ? prefix : prefix ? `${prefix}.${own}` : own;
    if (name) names.add(name);
    const kids = file.resolve(dict.get(PDFName.of("Kids")));
    if (kids instanceof PDFArray) for (const k of kids.asArray()) walk(k, name, depth + 1);
  };
  const fields = file.resolve(acroForm.get(PDFName.of("Fields")));
  if (fields instanceof PDFArray) for (const f of fields.asArray()) walk(f, "", 0);
  return names;
}

/** Appends `item` to the array at `key` of `dict`, writing whichever object holds the array. */
function appendToArray(update: IncrementalUpdate, owner: { ref: PDFRef; dict: PDFDict }, key: string, item: PDFRef): void {
  const raw = owner.dict.get(PDFName.of(key));
  if (raw instanceof PDFRef) {
    const array = update.file.lookup(raw);
    if (array instanceof PDFArray) {
      const copy = array.clone(update.context);
      copy.push(item);
      update.replace(raw, copy);
      return;
    }
  }
  const copy = owner.dict.clone(update.context);
  const items = raw instanceof PDFArray ? raw.asArray() : [];
  copy.set(PDFName.of(key), update.context.obj([...items, item]));
  update.replace(owner.ref, copy);
}

function addAnnotation(update: IncrementalUpdate, pageRef: PDFRef, page: PDFDict, widget: PDFRef): void {
  appendToArray(update, { ref: pageRef, dict: page }, "Annots", widget);
}

function addField(update: IncrementalUpdate, catalogRef: PDFRef, catalog: PDFDict, acroForm: { ref?: PDFRef; dict: PDFDict } | undefined, widget: PDFRef): void {
  const ctx = update.context;
  if (!acroForm) {
    const formRef = update.add(ctx.obj({ Fields: [widget], SigFlags: 3 }));
    const copy = catalog.clone(ctx);
    copy.set(PDFName.of("AcroForm"), formRef);
    update.replace(catalogRef, copy);
    return;
  }
  if (acroForm.ref) {
    const form = acroForm.dict.clone(ctx);
    form.set(PDFName.of("SigFlags"), PDFNumber.of(3));
    const fields = form.get(PDFName.of("Fields"));
    if (fields instanceof PDFRef && update.file.lookup(fields) instanceof PDFArray) {
      appendToArray(update, { ref: acroForm.ref, dict: form }, "Fields", widget);
      update.replace(acroForm.ref, form);
    } else {
      const items = fields instanceof PDFArray ? fields.asArray() : [];
      form.set(PDFName.of("Fields"), ctx.obj([...items, widget]));
      update.replace(acroForm.ref, form);
    }
    return;
  }
  const copy = catalog.clone(ctx);
  const form = acroForm.dict.clone(ctx);
  const fields = form.get(PDFName.of("Fields"));
  const resolved = update.file.resolve(fields);
  if (fields instanceof PDFRef && resolved instanceof PDFArray) {
    const arr = resolved.clone(ctx);
    arr.push(widget);
    update.replace(fields, arr);
  } else {
    form.set(PDFName.of("Fields"), ctx.obj([...(resolved instanceof PDFArray ? resolved.asArray() : []), widget]));
  }
  form.set(PDFName.of("SigFlags"), PDFNumber.of(3));
  copy.set(PDFName.of("AcroForm"), form);
  update.replace(catalogRef, copy);
}

function defaultStampRect(file: PdfFile, page: PDFDict): StampRect {
  const box = file.resolve(page.get(PDFName.of("MediaBox"))) ?? inheritedMediaBox(file, page);
  let x1 = 0;
  let y1 = 0;
  let x2 = 595;
  if (box instanceof PDFArray && box.size() === 4) {
    const n = box.asArray().map((v) => file.resolve(v)).map((v) => (v instanceof PDFNumber ? v.asNumber() : 0));
    [x1, y1, x2] = [n[0]!, n[1]!, n[2]!];
  }
  const width = 240;
  const height = 92;
  const annots = file.resolve(page.get(PDFName.of("Annots")));
  let stamps = 0;
  for (const a of annots instanceof PDFArray ? annots.asArray() : []) {
    const d = file.resolve(a);
    if (!(d instanceof PDFDict) || d.get(PDFName.of("FT")) !== PDFName.of("Sig")) continue;
    const r = file.resolve(d.get(PDFName.of("Rect")));
    const w = r instanceof PDFArray ? file.resolve(r.get(2)) : undefined;
    const x = r instanceof PDFArray ? file.resolve(r.get(0)) : undefined;
    if (w instanceof PDFNumber && x instanceof PDFNumber && w.asNumber() !== x.asNumber()) stamps++;
  }
  return { x: Math.max(x1 + 36, x2 - 36 - width), y: y1 + 36 + stamps * (height + 8), width, height };
}

function inheritedMediaBox(file: PdfFile, page: PDFDict): PDFObject | undefined {
  let node: PDFDict | undefined = page;
  for (let i = 0; node && i < 32; i++) {
    const box = file.resolve(node.get(PDFName.of("MediaBox")));
    if (box) return box;
    node = file.getDict(node, "Parent");
  }
  return undefined;
}
