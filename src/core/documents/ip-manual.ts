import { AlignmentType, BorderStyle, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import { requirePrincipal } from "../auth/guard";
import { visibleClassifications, type Classification } from "../auth/permissions";
import type { ServiceContext } from "../context";
import { DomainError } from "../errors";
import { listDepartments } from "../organisation/repo";
import { getOrganisationProfile } from "../organisation/service";
import { loadCategory, loadVisibleDocument, requireCategoryRole } from "./access";
import { localDate } from "./numbering";
import * as repo from "./repo";
import { attachRevisionFile, createRevision } from "./revisions";

const FONT = { ascii: "Times New Roman", hAnsi: "Times New Roman", eastAsia: "SimSun" };

function text(t: string, opts: { bold?: boolean; size?: number } = {}): TextRun {
  return new TextRun({ text: t, bold: opts.bold, size: opts.size, font: FONT });
}

function para(t: string, opts: { bold?: boolean; heading?: (typeof HeadingLevel)[keyof typeof HeadingLevel]; center?: boolean; size?: number } = {}): Paragraph {
  return new Paragraph({
    heading: opts.heading,
    alignment: opts.center ? AlignmentType.CENTER : undefined,
    spacing: { after: 120 },
    children: [text(t, { bold: opts.bold, size: opts.size })],
  });
}

function table(header: string[], rows: string[][]): Table {
  const border = { style: BorderStyle.SINGLE, size: 4, color: "999999" };
  const cell = (t: string, bold = false) =>
    new TableCell({
      borders: { top: border, bottom: border, left: border, right: border },
      children: [new Paragraph({ children: [text(t, { bold, size: 20 })] })],
    });
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: header.map((h) => cell(h, true)) }), ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) }))],
  });
}

/**
 * Generates the IP manual draft (4.3.2.3) as DOCX from the live data: the organisation and each
 * unit's IP duties and authorities, the register of procedures and regulations with their current
 * revisions, and how the procedures interact (the handovers recorded on them). The file becomes
 * the source of the manual's draft revision (a new revision if none is open); with LibreOffice on
 * the server the release PDF is converted from it.
 */
export async function generateIpManual(ctx: ServiceContext, manualDocumentId: string) {
  const p = requirePrincipal(ctx);
  const { doc } = await loadVisibleDocument(ctx, manualDocumentId);
  const category = await loadCategory(ctx, doc.categoryId);
  if (category.id !== "manual") throw new DomainError("VALIDATION_FAILED", `${doc.number} is not an IP manual (category “manual”).`);
  requireCategoryRole(p, category, "draft");

  let revisions = await repo.listRevisions(ctx.db, manualDocumentId);
  let draft = revisions.find((r) => r.state === "draft");
  const open = revisions.find((r) => ["in_review", "in_approval", "approved"].includes(r.state));
  if (open) throw new DomainError("INVALID_STATE", `Revision ${open.label} of the manual is ${open.state.replace("_", " ")}; generate the next draft after it.`);
  if (!draft) {
    draft = await createRevision(ctx, manualDocumentId, { major: false });
    revisions = [...revisions, draft];
  }

  const org = await getOrganisationProfile(ctx.db);
  const departments = await listDepartments(ctx.db);
  // the manual lists only documents at or below its own classification (a secret procedure's title
  // must not appear in an internal manual); it neither names nor counts the others
  const listable = visibleClassifications(doc.classification as Classification);
  const register = (await repo.listRegister(ctx.db, ["policy", "objectives", "procedure", "regulation"])).filter((r) =>
    listable.includes(r.document.classification as Classification),
  );
  const handovers = await repo.listHandovers(ctx.db);
  const byId = new Map(register.map((r) => [r.document.id, r.document]));
  const today = localDate(ctx.clock.now());
  const deptName = new Map(departments.map((d) => [d.id, d.name]));

  const body: (Paragraph | Table)[] = [
    para(org.name, { center: true, size: 28 }),
    para("知识产权管理手册", { center: true, bold: true, size: 44 }),
    para("Intellectual Property Management Manual", { center: true, size: 28 }),
    para(`文件编号 ${doc.number} · 版本 ${draft.label}（草稿）· 生成日期 ${today}`, { center: true }),
    para("本手册依据《企业知识产权管理规范》编制，由 Custos 根据组织机构、职责和程序文件登记的现行数据生成；经审核、批准后生效。", {}),
    para("1 范围 Scope", { heading: HeadingLevel.HEADING_1 }),
    para(`本手册规定${org.name}知识产权管理体系的组织、职责、权限和程序，适用于本企业知识产权的获取、维护、运用和保护等活动。`),
    para("2 组织机构、职责和权限 Organisation, duties and authorities", { heading: HeadingLevel.HEADING_1 }),
    table(
      ["部门 Unit", "上级 Parent", "知识产权职责和权限 IP duties and authorities"],
      departments.map((d) => [`${d.code} ${d.name}${d.nameEn ? ` (${d.nameEn})` : ""}`, d.parentId ? (deptName.get(d.parentId) ?? "") : "—", d.ipDuties ?? "（未登记 not recorded）"]),
    ),
    para("3 程序文件和制度清单 Register of procedures and regulations", { heading: HeadingLevel.HEADING_1 }),
    table(
      ["编号 Number", "名称 Title", "现行版本 Revision", "生效日期 Effective", "归口部门 Owner"],
      register.map((r) => [
        r.document.number,
        r.document.title,
        r.label ?? "（尚未生效 not yet effective）",
        r.effectiveDate ?? "—",
        r.document.ownerDepartmentId ? (deptName.get(r.document.ownerDepartmentId) ?? "") : "—",
      ]),
    ),
    para(`本清单只列出密级不高于本手册的文件；密级更高的文件经授权可在 Custos 中查阅。This register lists only documents classified no higher than this manual; authorised readers find the others in Custos.`),
    para("4 程序之间的相互关系 How the procedures interact", { heading: HeadingLevel.HEADING_1 }),
    ...(handovers.filter((h) => byId.has(h.fromDocumentId) && byId.has(h.toDocumentId)).length
      ? handovers
          .filter((h) => byId.has(h.fromDocumentId) && byId.has(h.toDocumentId))
          .map((h) => {
            const from = byId.get(h.fromDocumentId)!;
            const to = byId.get(h.toDocumentId)!;
            return para(`${from.number}《${from.title}》 → ${to.number}《${to.title}》：${h.description}`);
          })
      : [para("（尚未登记程序之间的交接关系 No handovers have been recorded between procedures yet.）")]),
    para("5 文件和记录的控制 Control of documents and records", { heading: HeadingLevel.HEADING_1 }),
    para("受控文件在 Custos 中编号、分类、定密，发布前经审核和批准（电子签名），每次修订重新审批；作废和被替代的版本保留并加以标识。记录按文件分类方案保存、保护和处置。"),
  ];
  const document = new Document({
    title: `${doc.number} 知识产权管理手册 ${draft.label}`,
    creator: org.name,
    styles: { default: { document: { run: { font: FONT, size: 22 } } } },
    sections: [{ children: body }],
  });
  const bytes = await Packer.toBuffer(document);
  const filename = `${doc.number}-${draft.label}-知识产权管理手册.docx`;
  const attached = await attachRevisionFile(ctx, draft.id, {
    kind: "source",
    body: new Uint8Array(bytes),
    filename,
    mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  });
  return { revisionId: draft.id, label: draft.label, filename, docx: new Uint8Array(bytes), ...attached };
}
