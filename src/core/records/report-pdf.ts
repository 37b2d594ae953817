import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import { embedCjkFont } from "../signatures/pdf/index";
import { fieldTableItems } from "../templates/pdf-field-table";
import { baselineOffset, pageBottom, paginate, spacer, textItems, textWidth, type LayoutItem } from "../templates/pdf-layout";
import { wrapText } from "../templates/wrap-text";
import { A4, SIGNATURE_AREA_TOP } from "../templates/pdf-signature-area";
import type { LocalizedText } from "../templates/schema";

/**
 * Bilingual A4 reports (destruction certificates, transfer lists, contract IP review reports):
 * the organisation, a Chinese and English title, sections of labelled fields, tables and
 * paragraphs, a header line and page numbers on every page. Chinese is drawn with Noto Sans SC
 * cut to the characters used (embedCjkFont), so the text is extractable. Laid out with the
 * templates' flow layout; with `signable`, the lower right of the last page stays free for the
 * signing service's stamps.
 */

export interface ReportTable {
  columns: LocalizedText[];
  /** Relative column widths. */
  widths: number[];
  rows: string[][];
}

export interface ReportSection {
  heading: LocalizedText;
  fields?: { label: LocalizedText; value: string }[];
  table?: ReportTable;
  paragraphs?: string[];
}

export interface ReportInput {
  title: LocalizedText;
  organisation: { name: string; nameEn: string | null };
  headerLine: string;
  sections: ReportSection[];
  createdAt: Date;
  keywords?: string[];
  /** Keep the signature stamp area of the last page free. */
  signable?: boolean;
}

const MARGIN_X = 56;
const CONTENT_WIDTH = A4.width - 2 * MARGIN_X;
const FRAME = { top: A4.height - 64, bottom: 56 };
const GREY = rgb(0.35, 0.35, 0.35);
const RULE = rgb(0.6, 0.6, 0.6);
const PAGE_NUMBER_CHARACTERS = "第页共/ 0123456789";

function tableItems(table: ReportTable, font: PDFFont, bold: PDFFont, box: { x: number; width: number }): LayoutItem[] {
  const total = table.widths.reduce((a, b) => a + b, 0);
  const widths = table.widths.map((w) => (w / total) * box.width);
  const size = 8;
  const leading = 11;
  const pad = 3;
  const row = (cells: string[], f: PDFFont, header: boolean): LayoutItem => {
    const lines = cells.map((cell, i) => wrapText(cell || "—", (s) => textWidth(f, s, size), widths[i]! - 2 * pad));
    const height = Math.max(...lines.map((l) => l.length)) * leading + 2 * pad;
    return {
      height,
      gapBefore: 0,
      keepWithNext: header,
      breakBefore: false,
      draw(page: PDFPage, { top }) {
        let x = box.x;
        lines.forEach((column, i) => {
          column.forEach((line, j) => {
            page.drawText(line, { x: x + pad, y: top - pad - j * leading - baselineOffset({ size, leading }), size, font: f });
          });
          x += widths[i]!;
        });
        page.drawLine({ start: { x: box.x, y: top - height }, end: { x: box.x + box.width, y: top - height }, thickness: header ? 0.8 : 0.3, color: RULE });
      },
    };
  };
  return [row(table.columns.map((c) => `${c.zh} ${c.en}`), bold, true), ...table.rows.map((r) => row(r, font, false))];
}

function allText(input: ReportInput): { regular: string; bold: string } {
  const regular = [
    input.organisation.name,
    input.organisation.nameEn ?? "",
    input.title.en,
    input.headerLine,
    PAGE_NUMBER_CHARACTERS,
    "—",
    ...input.sections.flatMap((s) => [
      s.heading.en,
      ...(s.fields ?? []).flatMap((f) => [f.label.zh, f.label.en, f.value]),
      ...(s.table?.rows.flat() ?? []),
      ...(s.paragraphs ?? []),
    ]),
  ];
  const bold = [input.title.zh, ...input.sections.flatMap((s) => [s.heading.zh, ...(s.table?.columns.flatMap((c) => [c.zh, " ", c.en]) ?? [])])];
  return { regular: regular.join(""), bold: bold.join("") };
}

/** Renders the report; the same input and `createdAt` give the same bytes. */
export async function renderReportPdf(input: ReportInput): Promise<Uint8Array> {
  const pdf = await PDFDocument.create({ updateMetadata: false });
  pdf.setTitle(`${input.title.zh} / ${input.title.en}`, { showInWindowTitleBar: true });
  pdf.setAuthor(input.organisation.name);
  pdf.setSubject(input.headerLine);
  pdf.setKeywords(input.keywords ?? []);
  pdf.setCreator("Custos");
  pdf.setProducer("Custos");
  pdf.setLanguage("zh-CN");
  pdf.setCreationDate(input.createdAt);
  pdf.setModificationDate(input.createdAt);
  const strings = allText(input);
  const regular = await embedCjkFont(pdf, strings.regular);
  const bold = await embedCjkFont(pdf, strings.bold, "Bold");
  const box = { x: MARGIN_X, width: CONTENT_WIDTH };
  const items: LayoutItem[] = [
    ...textItems(input.organisation.name, { font: regular, size: 11, leading: 16, align: "center" }, box),
    ...(input.organisation.nameEn && input.organisation.nameEn !== input.organisation.name
      ? textItems(input.organisation.nameEn, { font: regular, size: 8.5, leading: 13, color: GREY, align: "center" }, box)
      : []),
    ...textItems(input.title.zh, { font: bold, size: 20, leading: 30, align: "center" }, box, { gapBefore: 10 }),
    ...textItems(input.title.en, { font: regular, size: 12, leading: 18, align: "center" }, box),
    spacer(10),
  ];
  for (const section of input.sections) {
    items.push(...textItems(section.heading.zh, { font: bold, size: 12, leading: 20 }, box, { gapBefore: 12, keepWithNext: true }));
    items.push(...textItems(section.heading.en, { font: regular, size: 9.5, leading: 14, color: GREY }, box, { keepWithNext: true }));
    if (section.fields?.length) {
      items.push(spacer(4), ...fieldTableItems(section.fields, { font: regular, size: 9.5, labelEnSize: 7.5, leading: 13.5, labelWidth: 170 }, box));
    }
    if (section.table) items.push(spacer(4), ...tableItems(section.table, regular, bold, box));
    for (const paragraph of section.paragraphs ?? []) {
      items.push(...textItems(paragraph, { font: regular, size: 9.5, leading: 15 }, box, { gapBefore: 5, keepFirstLines: true }));
    }
  }
  let pages = paginate(items, FRAME);
  if (input.signable && pageBottom(pages.at(-1)!) < SIGNATURE_AREA_TOP) {
    const tail: LayoutItem[] = textItems("签署 Signatures", { font: regular, size: 11, leading: 16 }, box).map((item) => ({ ...item, breakBefore: true }));
    pages = paginate([...items, ...tail], FRAME);
  }
  pages.forEach((placed, index) => {
    const page = pdf.addPage([A4.width, A4.height]);
    page.drawText(input.headerLine, { x: MARGIN_X, y: A4.height - 36, size: 7.5, font: regular, color: GREY });
    page.drawLine({ start: { x: MARGIN_X, y: A4.height - 42 }, end: { x: A4.width - MARGIN_X, y: A4.height - 42 }, thickness: 0.5, color: RULE });
    page.drawText(`第 ${index + 1} 页 / 共 ${pages.length} 页`, { x: MARGIN_X, y: 24, size: 8, font: regular, color: GREY });
    for (const { item, placement } of placed) item.draw(page, placement);
  });
  return pdf.save({ useObjectStreams: false });
}
