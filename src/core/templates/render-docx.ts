import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
} from "docx";
import { fillTemplate, type FilledDocument } from "./fill-template";
import type { RenderTemplateOptions } from "./render-pdf";
import type { DocumentTemplate, LocalizedText } from "./schema";

// Word falls back through the theme: the explicit rFonts name SimSun first, and the
// theme's Simplified Chinese (Hans) script font 宋体 where a font is not resolved by name.
const BODY_FONT = { ascii: "Times New Roman", hAnsi: "Times New Roman", cs: "Times New Roman", eastAsia: "SimSun", hint: "eastAsia" } as const;
const HEADING_FONT = { ascii: "Arial", hAnsi: "Arial", cs: "Arial", eastAsia: "SimHei", hint: "eastAsia" } as const;
const GREY = "595959";
const BORDER = { style: BorderStyle.SINGLE, size: 4, color: "8C8C8C" } as const;
const CELL_BORDERS = { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER } as const;
// A4 in twentieths of a point, with 2 cm margins.
const PAGE = { width: 11906, height: 16838, margin: 1134 } as const;
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;

/** Runs for text that may hold line feeds (textarea values): one run per line, with breaks between. */
function runs(text: string, options: IRunOptions = {}): TextRun[] {
  return text.split("\n").map((line, i) => new TextRun({ ...options, text: line, break: i > 0 ? 1 : 0 }));
}

function paragraphPair(text: LocalizedText, after = 120): Paragraph[] {
  return [
    new Paragraph({ children: runs(text.zh), spacing: { before: 80, after: 20, line: 360 }, alignment: AlignmentType.JUSTIFIED }),
    new Paragraph({ children: runs(text.en, { size: 18, color: GREY }), spacing: { after, line: 300 }, alignment: AlignmentType.JUSTIFIED }),
  ];
}

function cell(children: Paragraph[], widthTwips: number, shaded = false): TableCell {
  return new TableCell({
    children,
    borders: CELL_BORDERS,
    width: { size: widthTwips, type: WidthType.DXA },
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    ...(shaded ? { shading: { type: ShadingType.CLEAR, color: "auto", fill: "F2F2F2" } } : {}),
  });
}

function fieldTable(doc: FilledDocument): Table {
  const labelWidth = 3000;
  return new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths: [labelWidth, CONTENT_WIDTH - labelWidth],
    rows: doc.fieldRows.map(
      (row) =>
        new TableRow({
          cantSplit: true,
          children: [
            cell([new Paragraph({ children: [new TextRun({ text: row.label.zh, size: 19 }), new TextRun({ text: row.label.en, size: 15, color: GREY, break: 1 })] })], labelWidth, true),
            cell([new Paragraph({ children: runs(row.value, { size: 19 }) })], CONTENT_WIDTH - labelWidth),
          ],
        }),
    ),
  });
}

function signatureTable(doc: FilledDocument): Table {
  const half = CONTENT_WIDTH / 2;
  return new Table({
    width: { size: CONTENT_WIDTH, type: WidthType.DXA },
    columnWidths: [half, half],
    rows: doc.signatureLines.map(
      (line) =>
        new TableRow({
          cantSplit: true,
          height: { value: 1840, rule: "atLeast" },
          children: [
            cell(
              [
                new Paragraph({ children: [new TextRun({ text: line.label.zh, bold: true }), new TextRun({ text: line.label.en, size: 17, color: GREY, break: 1 })] }),
                ...(line.signerName ? [new Paragraph({ spacing: { before: 120 }, children: [new TextRun({ text: `${line.role === "company" ? "单位 Organisation：" : "姓名 Name："}${line.signerName}`, size: 19 })] })] : []),
              ],
              half,
            ),
            cell(
              [
                new Paragraph({ children: [new TextRun({ text: "签名 / 盖章 Signature / seal：", size: 19 })] }),
                new Paragraph({ spacing: { before: 600 }, children: [new TextRun({ text: "日期 Date：", size: 19 })] }),
              ],
              half,
            ),
          ],
        }),
    ),
  });
}

function content(doc: FilledDocument): (Paragraph | Table)[] {
  const { organisation: org, template } = doc;
  const centered = (children: TextRun[], after = 0): Paragraph => new Paragraph({ alignment: AlignmentType.CENTER, spacing: { after }, children });
  return [
    centered([new TextRun({ text: org.name, size: 22 })]),
    ...(org.nameEn !== org.name ? [centered([new TextRun({ text: org.nameEn, size: 17, color: GREY })])] : []),
    new Paragraph({ heading: HeadingLevel.TITLE, alignment: AlignmentType.CENTER, spacing: { before: 240, after: 0 }, children: [new TextRun(template.title.zh)] }),
    centered([new TextRun({ text: template.title.en, size: 24 })], 240),
    fieldTable(doc),
    ...doc.sections.flatMap((section) => [
      new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, children: [new TextRun(section.heading.zh), new TextRun({ text: section.heading.en, size: 19, color: GREY, bold: false, break: 1 })] }),
      ...section.paragraphs.flatMap((p) => paragraphPair(p)),
    ]),
    new Paragraph({ spacing: { before: 200, after: 200 }, children: [new TextRun({ text: "（以下无正文）(No further text; signatures follow.)", size: 18, color: GREY })] }),
    signatureTable(doc),
  ];
}

/**
 * Renders a template, filled with `values`, as an editable Word document (DOCX) with the
 * same content as the PDF: organisation, bilingual title, field table, sections, a
 * signature table, the template header line and "第 N 页 / 共 M 页" in the footer.
 * Chinese is set in SimSun (宋体; headings SimHei 黑体) through the East Asian font slot,
 * Latin text in Times New Roman, with matching theme fonts as the fallback. The docx
 * package stamps the file's core properties with the time of rendering, so unlike the
 * PDF the DOCX is not byte-identical between renders and `createdAt` is not used.
 *
 * @throws DomainError `VALIDATION_FAILED` when `values` do not fit the template.
 */
export async function renderTemplateDocx(template: DocumentTemplate, values: Record<string, unknown>, options: RenderTemplateOptions): Promise<Buffer> {
  const doc = fillTemplate(template, values, options.organisation);
  const document = new Document({
    title: `${template.title.zh} / ${template.title.en}`,
    subject: doc.headerLine,
    creator: doc.organisation.name,
    lastModifiedBy: "Custos",
    description: `${doc.headerLine} — Custos`,
    keywords: `${template.id}; revision ${template.revision}; clause ${template.clause}`,
    theme: {
      fonts: {
        body: { latin: "Times New Roman", eastAsia: "SimSun", scripts: { Hans: "宋体" } },
        headings: { latin: "Arial", eastAsia: "SimHei", scripts: { Hans: "黑体" } },
      },
    },
    styles: {
      default: {
        document: { run: { font: BODY_FONT, size: 21, language: { value: "en-US", eastAsia: "zh-CN" } } },
        title: { run: { font: HEADING_FONT, size: 40, bold: true, color: "000000" } },
        heading2: { run: { font: HEADING_FONT, size: 24, bold: true, color: "000000" }, paragraph: { spacing: { before: 240, after: 80 } } },
      },
    },
    sections: [
      {
        properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.margin, bottom: PAGE.margin, left: PAGE.margin, right: PAGE.margin } } },
        headers: { default: new Header({ children: [new Paragraph({ children: [new TextRun({ text: doc.headerLine, size: 15, color: GREY })] })] }) },
        footers: {
          default: new Footer({
            children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ size: 16, color: GREY, children: ["第 ", PageNumber.CURRENT, " 页 / 共 ", PageNumber.TOTAL_PAGES, " 页"] })] })],
          }),
        },
        children: content(doc),
      },
    ],
  });
  return Packer.toBuffer(document);
}
