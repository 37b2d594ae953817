import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import { embedCjkFont } from "../signatures/pdf";
import { fillTemplate, type FilledDocument, type TemplateOrganisation } from "./fill-template";
import { fieldTableItems } from "./pdf-field-table";
import { pageBottom, paginate, spacer, textItems, type LayoutItem } from "./pdf-layout";
import { A4, drawSignatureArea, SIGNATURE_AREA_TOP, signatureAreaStrings } from "./pdf-signature-area";
import type { DocumentTemplate } from "./schema";

/** Options of {@link renderTemplatePdf} and {@link renderTemplateDocx}. */
export interface RenderTemplateOptions {
  /** The issuing organisation, filled into `{{organisation.name}}` and shown as the author. */
  organisation: TemplateOrganisation;
  /** The document's creation date in its metadata; the same inputs and date give the same bytes. Defaults to now. */
  createdAt?: Date;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

const MARGIN_X = 56;
const CONTENT_WIDTH = A4.width - 2 * MARGIN_X;
const FRAME = { top: A4.height - 64, bottom: 56 };
const GREY = rgb(0.35, 0.35, 0.35);
const END_OF_TEXT = "（以下无正文）(No further text; signatures follow.)";
// Keep at least this many final lines of the body on the page that carries the signatures.
const LINES_WITH_SIGNATURES = 3;

// Every character a page number line can hold, for the font cut.
const PAGE_NUMBER_CHARACTERS = "第页共/ 0123456789";

function pageNumberText(page: number, total: number): string {
  return `第 ${page} 页 / 共 ${total} 页`;
}

function documentTitle(doc: FilledDocument): string {
  return `${doc.template.title.zh} / ${doc.template.title.en}`;
}

/** The body as flow items, and the index of the first item of the last section. */
function bodyItems(doc: FilledDocument, fonts: Fonts): { items: LayoutItem[]; lastSectionStart: number } {
  const box = { x: MARGIN_X, width: CONTENT_WIDTH };
  const { organisation: org, template } = doc;
  const items: LayoutItem[] = [
    ...textItems(org.name, { font: fonts.regular, size: 11, leading: 16, align: "center" }, box),
    ...(org.nameEn !== org.name ? textItems(org.nameEn, { font: fonts.regular, size: 8.5, leading: 13, color: GREY, align: "center" }, box) : []),
    ...textItems(template.title.zh, { font: fonts.bold, size: 20, leading: 30, align: "center" }, box, { gapBefore: 10 }),
    ...textItems(template.title.en, { font: fonts.regular, size: 12, leading: 18, align: "center" }, box),
    spacer(14),
    ...fieldTableItems(doc.fieldRows, { font: fonts.regular, size: 9.5, labelEnSize: 7.5, leading: 13.5, labelWidth: 170 }, box),
  ];
  let lastSectionStart = items.length;
  for (const section of doc.sections) {
    lastSectionStart = items.length;
    items.push(...textItems(section.heading.zh, { font: fonts.bold, size: 12, leading: 20 }, box, { gapBefore: 12, keepWithNext: true }));
    items.push(...textItems(section.heading.en, { font: fonts.regular, size: 9.5, leading: 14, color: GREY }, box, { keepWithNext: true }));
    for (const paragraph of section.paragraphs) {
      items.push(...textItems(paragraph.zh, { font: fonts.regular, size: 10.5, leading: 17 }, box, { gapBefore: 6, keepFirstLines: true }));
      items.push(...textItems(paragraph.en, { font: fonts.regular, size: 9, leading: 13.5, color: GREY }, box, { gapBefore: 2, keepFirstLines: true }));
    }
  }
  items.push(...textItems(END_OF_TEXT, { font: fonts.regular, size: 9, leading: 14, color: GREY }, box, { gapBefore: 10 }));
  return { items, lastSectionStart };
}

function heightFrom(items: LayoutItem[], from: number): number {
  return items.slice(from).reduce((sum, item, i) => sum + item.height + (i > 0 ? item.gapBefore : 0), 0);
}

/**
 * Lays out the body so that the last page leaves room for the signature area. When it
 * does not, the final section moves to a new page with the signatures (or, when that
 * section is too long, its last lines do), so the signatures never stand on a page alone.
 */
function layOut(items: LayoutItem[], lastSectionStart: number): ReturnType<typeof paginate> {
  const pages = paginate(items, FRAME);
  if (pageBottom(pages.at(-1)!) >= SIGNATURE_AREA_TOP) return pages;
  let tail = lastSectionStart;
  if (heightFrom(items, tail) > FRAME.top - SIGNATURE_AREA_TOP) {
    tail = Math.max(1, items.length - LINES_WITH_SIGNATURES);
    while (tail > 1 && items[tail - 1]!.keepWithNext) tail--;
  }
  return paginate(items.map((item, i) => (i === tail ? { ...item, breakBefore: true } : item)), FRAME);
}

function drawPageFrame(page: PDFPage, doc: FilledDocument, fonts: Fonts, number: number, total: number): void {
  page.drawText(doc.headerLine, { x: MARGIN_X, y: A4.height - 36, size: 7.5, font: fonts.regular, color: GREY });
  page.drawLine({ start: { x: MARGIN_X, y: A4.height - 42 }, end: { x: A4.width - MARGIN_X, y: A4.height - 42 }, thickness: 0.5, color: rgb(0.6, 0.6, 0.6) });
  page.drawText(pageNumberText(number, total), { x: MARGIN_X, y: 24, size: 8, font: fonts.regular, color: GREY });
}

function allStrings(doc: FilledDocument): { regular: string; bold: string } {
  const signatureArea = signatureAreaStrings(doc);
  const regular = [
    doc.organisation.name,
    doc.organisation.nameEn,
    doc.template.title.en,
    doc.headerLine,
    PAGE_NUMBER_CHARACTERS,
    END_OF_TEXT,
    ...doc.fieldRows.flatMap((r) => [r.label.zh, r.label.en, r.value]),
    ...doc.sections.flatMap((s) => [s.heading.en, ...s.paragraphs.flatMap((p) => [p.zh, p.en])]),
    ...signatureArea.regular,
  ];
  const bold = [doc.template.title.zh, ...doc.sections.map((s) => s.heading.zh), ...signatureArea.bold];
  return { regular: regular.join(""), bold: bold.join("") };
}

/**
 * Renders a template, filled with `values`, as an A4 PDF: organisation, bilingual title,
 * the field table, the numbered sections (Chinese, each paragraph followed by its English
 * translation), a header line with template id, revision and clause and a page number on
 * every page, and a signature area at the end of the last page whose lower right
 * ({@link SIGNATURE_STAMP_AREA}) is left empty for the signing service's stamps.
 * Chinese is drawn with Noto Sans SC cut to the characters used; all text is extractable.
 * Two renders with the same inputs and `createdAt` are byte-identical.
 *
 * @throws DomainError `VALIDATION_FAILED` when `values` do not fit the template.
 */
export async function renderTemplatePdf(template: DocumentTemplate, values: Record<string, unknown>, options: RenderTemplateOptions): Promise<Uint8Array> {
  return renderFilledPdf(fillTemplate(template, values, options.organisation), options);
}

/**
 * Renders a document whose text is already final (a filled template, or a document another area
 * composed in the same shape, such as a module item's record) exactly as {@link renderTemplatePdf}.
 */
export async function renderFilledPdf(doc: FilledDocument, options: Pick<RenderTemplateOptions, "createdAt">): Promise<Uint8Array> {
  const template = doc.template;
  const createdAt = options.createdAt ?? new Date();
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(documentTitle(doc), { showInWindowTitleBar: true });
  pdf.setAuthor(doc.organisation.name);
  pdf.setSubject(doc.headerLine);
  pdf.setKeywords([template.id, `revision ${template.revision}`, `clause ${template.clause}`]);
  pdf.setCreator("Custos");
  pdf.setProducer("Custos");
  pdf.setLanguage("zh-CN");
  pdf.setCreationDate(createdAt);
  pdf.setModificationDate(createdAt);

  const strings = allStrings(doc);
  // One after the other: object numbers must not depend on which font finishes first.
  const regular = await embedCjkFont(pdf, strings.regular);
  const bold = await embedCjkFont(pdf, strings.bold, "Bold");
  const fonts = { regular, bold };
  const body = bodyItems(doc, fonts);
  const laidOut = layOut(body.items, body.lastSectionStart);

  laidOut.forEach((placed, index) => {
    const page = pdf.addPage([A4.width, A4.height]);
    drawPageFrame(page, doc, fonts, index + 1, laidOut.length);
    for (const { item, placement } of placed) item.draw(page, placement);
  });
  drawSignatureArea(pdf.getPage(pdf.getPageCount() - 1), doc, fonts);
  return pdf.save({ useObjectStreams: false });
}
