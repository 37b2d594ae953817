import { PDFDocument, rgb, type PDFFont, type PDFPage } from "pdf-lib";
import { embedCjkFont } from "../signatures/pdf/index";
import { CLAUSE_GROUPS } from "./clauses";
import type { MatrixRow } from "./matrix";

const A4: [number, number] = [841.89, 595.28];
const MARGIN = 36;

/** "人员 People: 王芳、李娜 … +3": the names listed and how many more there are; empty when there are none. */
function namesLine(label: string, names: string[], total: number): string {
  if (total === 0) return "";
  return `${label}: ${names.join("、")}${total > names.length ? ` … +${total - names.length}` : ""}`;
}

/**
 * evidence-matrix.pdf: landscape A4, in Chinese with English headings: a bar chart of coverage per
 * clause group (clauses with evidence / clauses in the group), then the matrix row by row with the
 * people and departments concerned (counted, and named under the requirement) and the gaps.
 */
export async function renderMatrixPdf(input: {
  organisation: string;
  period: { from?: string; to?: string };
  generatedAt: string;
  rows: MatrixRow[];
}): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle("知识产权管理体系证据矩阵 Evidence matrix");
  doc.setAuthor(input.organisation);
  doc.setProducer("Custos");
  doc.setCreationDate(new Date(input.generatedAt));
  const periodText = `${input.period.from ?? "—"} 至 ${input.period.to ?? "—"}`;
  const texts = [
    input.organisation,
    "知识产权管理体系证据矩阵 Evidence matrix",
    periodText,
    "期间 Period 生成 Generated 条款 Clause 证据数 Items 最新日期 Latest 人员 People 部门 Departments 缺口 Gaps 覆盖 Coverage 第页共",
    ...Object.values(CLAUSE_GROUPS).map((g) => g.zh + g.en),
    ...input.rows.flatMap((r) => [r.clause, r.titleZh, ...r.gaps.map((g) => g.message), ...r.peopleNames, ...r.departmentNames]),
    // every character drawn must be in the embedded subset: headings, the UTC stamp, the coverage percentages
    "要求 Requirement 部门 Depts UTC ()",
    "0123456789%/·:—、…+",
  ];
  const font = await embedCjkFont(doc, texts.join(""));
  let page = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const text = (p: PDFPage, s: string, x: number, yy: number, size: number, color = rgb(0.1, 0.12, 0.2)) => p.drawText(s, { x, y: yy, size, font, color });

  text(page, input.organisation, MARGIN, y - 12, 11);
  text(page, "知识产权管理体系证据矩阵 Evidence matrix", MARGIN, y - 36, 18);
  text(page, `期间 Period: ${periodText} · 生成 Generated: ${input.generatedAt.slice(0, 16).replace("T", " ")} UTC`, MARGIN, y - 54, 9, rgb(0.35, 0.38, 0.45));
  y -= 80;

  // coverage chart per clause group
  const groups = Object.keys(CLAUSE_GROUPS).filter((g) => input.rows.some((r) => r.group === g));
  const chartTop = y;
  const barMax = 260;
  text(page, "覆盖 Coverage", MARGIN, chartTop, 11);
  groups.forEach((g, i) => {
    const rows = input.rows.filter((r) => r.group === g);
    const covered = rows.filter((r) => r.count > 0).length;
    const share = rows.length ? covered / rows.length : 0;
    const yy = chartTop - 20 - i * 16;
    text(page, `${g} ${CLAUSE_GROUPS[g]!.zh}`, MARGIN, yy, 8);
    page.drawRectangle({ x: MARGIN + 120, y: yy - 2, width: barMax, height: 10, color: rgb(0.92, 0.93, 0.95) });
    page.drawRectangle({ x: MARGIN + 120, y: yy - 2, width: Math.max(0.5, barMax * share), height: 10, color: share === 1 ? rgb(0.12, 0.48, 0.31) : share > 0 ? rgb(0.85, 0.55, 0.1) : rgb(0.7, 0.15, 0.12) });
    text(page, `${covered}/${rows.length} (${Math.round(share * 100)}%)`, MARGIN + 128 + barMax, yy, 8);
  });
  y = chartTop - 20 - groups.length * 16 - 20;

  const cols = [MARGIN, MARGIN + 70, MARGIN + 330, MARGIN + 390, MARGIN + 470, MARGIN + 520, MARGIN + 570];
  const header = (p: PDFPage, yy: number) => {
    ["条款 Clause", "要求 Requirement", "证据数 Items", "最新日期 Latest", "人员 People", "部门 Depts", "缺口 Gaps"].forEach((h, i) => text(p, h, cols[i]!, yy, 8, rgb(0.35, 0.38, 0.45)));
    p.drawLine({ start: { x: MARGIN, y: yy - 4 }, end: { x: A4[0] - MARGIN, y: yy - 4 }, thickness: 0.5, color: rgb(0.8, 0.82, 0.86) });
  };
  header(page, y);
  y -= 18;
  const wrap = (s: string, width: number, size: number, f: PDFFont) => {
    const lines: string[] = [];
    let line = "";
    for (const ch of s) {
      if (f.widthOfTextAtSize(line + ch, size) > width) {
        lines.push(line);
        line = "";
      }
      line += ch;
    }
    if (line) lines.push(line);
    return lines;
  };
  for (const r of input.rows) {
    const gapLines = r.gaps.flatMap((g) => wrap(g.message, A4[0] - MARGIN - cols[6]!, 7, font));
    const titleLines = wrap(r.titleZh, cols[2]! - cols[1]! - 6, 8, font);
    // who and which departments, compactly under the requirement: the counts stay in their columns
    const nameLines = [namesLine("人员 People", r.peopleNames, r.people), namesLine("部门 Depts", r.departmentNames, r.departments)]
      .filter((l) => l !== "")
      .flatMap((l) => wrap(l, cols[2]! - cols[1]! - 6, 6.5, font));
    const height = Math.max(titleLines.length * 11 + nameLines.length * 8, gapLines.length * 9, 11) + 6;
    if (y - height < MARGIN + 20) {
      page = doc.addPage(A4);
      y = A4[1] - MARGIN;
      header(page, y);
      y -= 18;
    }
    const color = r.count === 0 ? rgb(0.7, 0.15, 0.12) : rgb(0.1, 0.12, 0.2);
    text(page, r.clause, cols[0]!, y, 8, color);
    titleLines.forEach((l, i) => text(page, l, cols[1]!, y - i * 11, 8));
    nameLines.forEach((l, i) => text(page, l, cols[1]!, y - titleLines.length * 11 - i * 8 + 2, 6.5, rgb(0.35, 0.38, 0.45)));
    text(page, String(r.count), cols[2]!, y, 8, color);
    text(page, r.latest ?? "—", cols[3]!, y, 8);
    text(page, String(r.people), cols[4]!, y, 8);
    text(page, String(r.departments), cols[5]!, y, 8);
    gapLines.forEach((l, i) => text(page, l, cols[6]!, y - i * 9, 7, rgb(0.7, 0.15, 0.12)));
    y -= height;
  }
  const pages = doc.getPages();
  pages.forEach((p, i) => text(p, `第 ${i + 1} 页 / 共 ${pages.length} 页`, MARGIN, 18, 8, rgb(0.45, 0.45, 0.5)));
  return doc.save();
}
