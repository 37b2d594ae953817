import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRef, PDFString } from "pdf-lib";
import { beginIncrementalUpdate, listPages, openPdf, type PdfFile } from "../../src/core/signatures/pdf/index";

/**
 * Attacks on a signed PDF, each an incremental update that leaves the signed bytes intact (so
 * every CMS still verifies): what the change analysis must refuse. Shared by the change-analysis
 * tests and the demo's long-term check of the PDFs it writes.
 */

/** The first page of the document. */
export function firstPage(file: PdfFile) {
  return listPages(file)[0]!;
}

/** The (first) content stream of page 1. */
export function contentRef(file: PdfFile): PDFRef {
  const contents = firstPage(file).dict.get(PDFName.of("Contents"));
  if (contents instanceof PDFRef) return contents;
  const array = file.resolve(contents) as PDFArray;
  return array.asArray().find((x): x is PDFRef => x instanceof PDFRef)!;
}

/** The name of the first font in page 1's resources (F1 when it has none). */
export function fontName(file: PdfFile): string {
  const resources = file.getDict(firstPage(file).dict, "Resources");
  const fonts = file.getDict(resources, "Font");
  return fonts ? fonts.keys()[0]!.decodeText() : "F1";
}

/** What the attacks draw: a line of forged text in the given font. */
export const FORGED_TEXT = (font: string) => `BT /${font} 24 Tf 50 700 Td (Pay 1000000 CNY) Tj ET`;

/** Page 1's first font (a reference or dictionary), or a standard Helvetica when the page has none. */
function fontOf(file: PdfFile, ctx: ReturnType<typeof beginIncrementalUpdate>["context"]) {
  const fonts = file.getDict(file.getDict(firstPage(file).dict, "Resources"), "Font");
  return fonts?.get(PDFName.of(fontName(file))) ?? ctx.obj({ Type: "Font", Subtype: "Type1", BaseFont: "Helvetica" });
}

/** (a) The page's content stream redefined in an appended update and labelled XMP metadata. */
export function contentAsMetadata(pdf: Uint8Array, pointInfoAtIt = false): { pdf: Uint8Array; object: number } {
  const file = openPdf(pdf);
  const update = beginIncrementalUpdate(file);
  const ref = contentRef(file);
  update.replace(ref, update.context.stream(FORGED_TEXT(fontName(file)), { Type: "Metadata", Subtype: "XML" }));
  let bytes = update.write().bytes;
  if (pointInfoAtIt) {
    // (b) the trailer's /Info pointing at the replaced object, so it looks like document information
    const text = Buffer.from(bytes).toString("latin1");
    const at = text.lastIndexOf("/Info ");
    const end = text.indexOf(" R", at) + 2;
    bytes = Buffer.from(text.slice(0, at) + `/Info ${ref.objectNumber} 0 R` + text.slice(end), "latin1");
  }
  return { pdf: bytes, object: ref.objectNumber };
}

/** (c) A full-page overlay as the widget of a new, unsigned /FT /Sig field. */
export function overlayAsUnsignedField(pdf: Uint8Array): { pdf: Uint8Array; widget: number } {
  const file = openPdf(pdf);
  const update = beginIncrementalUpdate(file);
  const ctx = update.context;
  const page = firstPage(file);
  const font = fontOf(file, ctx);
  const appearance = update.add(
    ctx.stream(`1 1 1 rg 0 0 595 842 re f 0 0 0 rg ${FORGED_TEXT("F1")}`, { Type: "XObject", Subtype: "Form", BBox: [0, 0, 595, 842], Resources: { Font: { F1: font } } }),
  );
  const widget = update.add(ctx.obj({ Type: "Annot", Subtype: "Widget", FT: "Sig", T: PDFString.of("Overlay"), F: 4, P: page.ref, Rect: [0, 0, 595, 842], AP: { N: appearance } }));
  const pageCopy = page.dict.clone(ctx);
  const annots = file.resolve(page.dict.get(PDFName.of("Annots")));
  pageCopy.set(PDFName.of("Annots"), ctx.obj([...(annots instanceof PDFArray ? annots.asArray() : []), widget]));
  update.replace(page.ref, pageCopy);
  const catalog = file.catalog()!;
  const formRaw = catalog.dict.get(PDFName.of("AcroForm"));
  const form = (file.resolve(formRaw) as PDFDict).clone(ctx);
  const fields = file.resolve(form.get(PDFName.of("Fields"))) as PDFArray;
  form.set(PDFName.of("Fields"), ctx.obj([...fields.asArray(), widget]));
  if (formRaw instanceof PDFRef) update.replace(formRaw, form);
  else {
    const copy = catalog.dict.clone(ctx);
    copy.set(PDFName.of("AcroForm"), form);
    update.replace(catalog.ref!, copy);
  }
  return { pdf: update.write().bytes, widget: widget.objectNumber };
}

/** (d) A new page appended after signing. */
export function appendPage(pdf: Uint8Array): { pdf: Uint8Array; page: number } {
  const file = openPdf(pdf);
  const update = beginIncrementalUpdate(file);
  const ctx = update.context;
  const pagesRef = file.catalog()!.dict.get(PDFName.of("Pages")) as PDFRef;
  const pages = (file.lookup(pagesRef) as PDFDict).clone(ctx);
  const font = fontOf(file, ctx);
  const contents = update.add(ctx.stream(FORGED_TEXT("F1")));
  const page = update.add(ctx.obj({ Type: "Page", Parent: pagesRef, MediaBox: [0, 0, 595, 842], Resources: { Font: { F1: font } }, Contents: contents }));
  const kids = file.resolve(pages.get(PDFName.of("Kids"))) as PDFArray;
  pages.set(PDFName.of("Kids"), ctx.obj([...kids.asArray(), page]));
  pages.set(PDFName.of("Count"), PDFNumber.of(kids.size() + 1));
  update.replace(pagesRef, pages);
  return { pdf: update.write().bytes, page: page.objectNumber };
}

/** (e) The signed signature's widget given a new appearance. */
export function newAppearanceOnSignedWidget(pdf: Uint8Array): { pdf: Uint8Array; widget: number } {
  const file = openPdf(pdf);
  const update = beginIncrementalUpdate(file);
  const ctx = update.context;
  const form = file.getDict(file.catalog()!.dict, "AcroForm")!;
  const widgetRef = (file.resolve(form.get(PDFName.of("Fields"))) as PDFArray).get(0) as PDFRef;
  const widget = (file.lookup(widgetRef) as PDFDict).clone(ctx);
  const appearance = update.add(ctx.stream("1 0 0 rg 0 0 240 92 re f", { Type: "XObject", Subtype: "Form", BBox: [0, 0, 240, 92] }));
  widget.set(PDFName.of("AP"), ctx.obj({ N: appearance }));
  update.replace(widgetRef, widget);
  return { pdf: update.write().bytes, widget: widgetRef.objectNumber };
}
