import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { embedCjkFont } from "../../src/core/signatures/pdf/index";
import { DemoClient, type DemoUser } from "./http-client";

/** A procedure as its author would export it from their editor: a few pages of Chinese text. */
async function procedurePdf(number: string, title: string, revision: string, sections: string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${number} ${title} ${revision}`);
  const font = await embedCjkFont(doc, number + title + revision + sections.join("") + "版第页共/0123456789 ·");
  sections.forEach((text, i) => {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`${number} ${title}`, { x: 56, y: 790, size: 16, font });
    page.drawText(`${revision} 版`, { x: 56, y: 768, size: 10, font });
    let y = 730;
    for (let start = 0; start < text.length; start += 36) {
      page.drawText(text.slice(start, start + 36), { x: 56, y, size: 11, font });
      y -= 20;
    }
    page.drawText(`第 ${i + 1} 页 / 共 ${sections.length} 页`, { x: 56, y: 40, size: 9, font });
  });
  return doc.save();
}

/**
 * The controlled-documents part of the demo: the IP manager drafts the document-control procedure,
 * legal reviews it and the top manager approves it (signatures embedded); revision B follows and
 * supersedes A. A second procedure records its handover, and the IP manual draft is generated from
 * the live register. Writes procedure-effective.pdf (the effective revision's signed original:
 * certified by the organisation seal, the review and approval signatures, validation data and a
 * document timestamp), procedure-effective-copy.pdf (the controlled copy a reader prints, marked on
 * every page), procedure-superseded.pdf and ip-manual.docx.
 */
export async function documentDemo(baseUrl: string, outDir: string, demo: Record<string, unknown>) {
  const users = demo.users as Record<string, DemoUser>;
  const client = async (u: DemoUser) => {
    const c = new DemoClient(baseUrl);
    await c.signIn(u.username, u.password);
    return c;
  };
  const ipm = await client(users.ipManager!);
  const legal = await client(users.legal!);
  const top = await client(users.topManager!);
  const departments = demo.departments as { ipo: string; rnd: string; legal: string };

  const approve = async (c: DemoClient, u: DemoUser, revisionId: string, comments: string) => {
    await c.readDocument({ revisionId });
    return c.json<{ state: string }>("POST", `/api/v1/revisions/${revisionId}/decision`, { decision: "approve", comments, pin: u.pin });
  };
  const release = async (revisionId: string, pdf: Uint8Array, filename: string) =>
    ipm.json("PUT", `/api/v1/revisions/${revisionId}/files/release?filename=${encodeURIComponent(filename)}`, pdf, { "content-type": "application/pdf" });
  const approveThrough = async (revisionId: string) => {
    const submitted = await ipm.json<{ certified: boolean }>("POST", `/api/v1/revisions/${revisionId}/submit`, { reviewerIds: [users.legal!.id], approverId: users.topManager!.id });
    if (!submitted.certified) throw new Error(`the release PDF of revision ${revisionId} was not certified by the organisation seal`);
    await approve(legal, users.legal!, revisionId, "法务审核：与《专利法》及合同管理要求一致。");
    const result = await approve(top, users.topManager!, revisionId, "同意发布。");
    if (result.state !== "effective") throw new Error(`revision ${revisionId} is ${result.state}, expected effective`);
  };

  const created = await ipm.json<{ document: { id: string; number: string }; revision: { id: string } }>("POST", "/api/v1/documents", {
    categoryId: "procedure",
    title: "知识产权文件控制程序",
    titleEn: "Procedure for the control of IP documents",
    ownerDepartmentId: departments.ipo,
    classification: "internal",
    keywords: ["文件控制", "受控文件", "4.3.2.1"],
  });
  const { number } = created.document;
  await release(
    created.revision.id,
    await procedurePdf(number, "知识产权文件控制程序", "A", [
      "1 目的：规定知识产权管理体系文件的编制、审核、批准、发布、修订和作废，确保使用现行有效版本。",
      "2 职责：知识产权办公室负责文件的编号与登记；法务部负责审核；最高管理者批准方针、手册和程序。",
    ]),
    `${number}-A.pdf`,
  );
  await approveThrough(created.revision.id);

  const b = await ipm.json<{ id: string }>("POST", `/api/v1/documents/${created.document.id}/revisions`, { major: false });
  await ipm.json("PATCH", `/api/v1/revisions/${b.id}`, { changeSummary: "增加作废文件的标识与保留期限要求" });
  await release(
    b.id,
    await procedurePdf(number, "知识产权文件控制程序", "B", [
      "1 目的：规定知识产权管理体系文件的编制、审核、批准、发布、修订和作废，确保使用现行有效版本。",
      "2 职责：知识产权办公室负责文件的编号与登记；法务部负责审核；最高管理者批准方针、手册和程序。",
      "3 作废文件：因保留目的留存的作废文件应加盖“已作废”标识，并按文件分类方案规定的期限保存。",
    ]),
    `${number}-B.pdf`,
  );
  await approveThrough(b.id);

  // the signed original, unmarked: certified by the organisation seal, then legal's review and the
  // top manager's approval, the validation data and a document timestamp (PAdES B-LTA)
  const original = await legal.request("GET", `/api/v1/revisions/${b.id}/signed-pdf`);
  if (!original.ok) throw new Error(`signed original of ${number} B: ${original.status}`);
  const effectiveBytes = new Uint8Array(await original.arrayBuffer());
  await writeFile(join(outDir, "procedure-effective.pdf"), effectiveBytes);
  // the controlled copy a reader prints: the same file with the 受控副本 footer added on issue
  const copy = await legal.request("GET", `/api/v1/documents/by-number/${encodeURIComponent(number)}/current/pdf`);
  if (!copy.ok) throw new Error(`controlled copy of ${number}: ${copy.status}`);
  const copyBytes = new Uint8Array(await copy.arrayBuffer());
  await writeFile(join(outDir, "procedure-effective-copy.pdf"), copyBytes);
  const superseded = await legal.request("GET", `/api/v1/revisions/${created.revision.id}/pdf`);
  await writeFile(join(outDir, "procedure-superseded.pdf"), new Uint8Array(await superseded.arrayBuffer()));
  type Verified = {
    ok: boolean;
    signatures: { signerName: string; subFilter: string | null; reason: string; chain: string; ok: boolean; integrity: { signatureValid: boolean } }[];
    held: { as: string | null; revision?: { number: string; label: string; issuedByCustos: boolean } };
  };
  const verify = (bytes: Uint8Array) => legal.json<Verified>("POST", "/api/v1/signatures/verify", bytes, { "content-type": "application/pdf" });
  const verified = await verify(effectiveBytes);
  // the certification, the review, the approval, and the document timestamp after them (PAdES B-LTA)
  const report = { signatures: verified.signatures.filter((s) => s.subFilter !== "ETSI.RFC3161") };
  if (!verified.ok || verified.signatures.length !== 4 || report.signatures.length !== 3 || !verified.signatures.every((s) => s.integrity.signatureValid && s.chain === "trusted")) {
    throw new Error(`procedure-effective.pdf signatures: ${JSON.stringify(verified.signatures)}`);
  }
  if (!report.signatures[0]!.signerName.includes("电子印章 Organisation seal")) throw new Error(`procedure-effective.pdf is not certified by the organisation seal: ${report.signatures[0]!.signerName}`);
  // the marked copy: its page marks are a change under the certification, and the report says what it is
  const copyReport = await verify(copyBytes);
  if (copyReport.held.as !== "marked-copy" || !copyReport.held.revision?.issuedByCustos || copyReport.held.revision.label !== "B") {
    throw new Error(`procedure-effective-copy.pdf is not recognised as a marked copy: ${JSON.stringify(copyReport.held)}`);
  }

  const patent = await ipm.json<{ document: { id: string; number: string }; revision: { id: string } }>("POST", "/api/v1/documents", {
    categoryId: "procedure",
    title: "专利申请管理程序",
    ownerDepartmentId: departments.ipo,
    keywords: ["专利", "申请"],
  });
  await release(
    patent.revision.id,
    await procedurePdf(patent.document.number, "专利申请管理程序", "A", ["发明人提交技术交底书，知识产权办公室在五个工作日内评估是否申请专利。"]),
    "patent.pdf",
  );
  await approveThrough(patent.revision.id);
  await ipm.json("POST", `/api/v1/documents/${created.document.id}/handovers`, {
    toDocumentId: patent.document.id,
    description: "专利申请文件按本程序编号、审批和归档",
  });

  const manual = await ipm.json<{ document: { id: string; number: string } }>("POST", "/api/v1/documents", {
    categoryId: "manual",
    title: "知识产权管理手册",
    ownerDepartmentId: departments.ipo,
  });
  const docx = await ipm.request("POST", `/api/v1/documents/${manual.document.id}/ip-manual`);
  if (!docx.ok) throw new Error(`IP manual: ${docx.status} ${await docx.text()}`);
  await writeFile(join(outDir, "ip-manual.docx"), new Uint8Array(await docx.arrayBuffer()));

  return {
    procedure: {
      number,
      revisions: ["A", "B"],
      effective: "B",
      signatures: report.signatures.map((s) => `${s.signerName} · ${s.reason}`),
      controlledCopy: { file: "procedure-effective-copy.pdf", verifiedAs: copyReport.held },
    },
    handoverTo: patent.document.number,
    manual: { number: manual.document.number, conversion: docx.headers.get("x-conversion") },
  };
}
