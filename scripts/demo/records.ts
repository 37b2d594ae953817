import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderReportPdf } from "../../src/core/records/report-pdf";
import { DemoClient, type DemoUser } from "./http-client";
import { DEMO_ORGANISATION } from "./objectives";

/** The organisation the demo named at its first-run step. */
const ORGANISATION = { name: DEMO_ORGANISATION.name, nameEn: DEMO_ORGANISATION.nameEn };

/** A Chinese document as a client would bring it (a scanned judgment, a negotiated contract text). */
function chineseDocument(title: { zh: string; en: string }, headerLine: string, sections: { heading: { zh: string; en: string }; paragraphs: string[] }[], signable = false) {
  return renderReportPdf({
    title,
    organisation: ORGANISATION,
    headerLine,
    createdAt: new Date("2026-01-15T02:00:00Z"),
    signable,
    sections,
  });
}

async function uploadPdf(client: DemoClient, bytes: Uint8Array, filename: string, classification: string): Promise<string> {
  const res = await client.request("POST", `/api/v1/files?filename=${encodeURIComponent(filename)}&classification=${classification}`, bytes, { "content-type": "application/pdf" });
  if (res.status !== 201) throw new Error(`upload of ${filename} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

async function sign(client: DemoClient, user: DemoUser, requestId: string) {
  await client.readDocument({ requestId });
  return client.json<{ completed: boolean }>("POST", `/api/v1/signature-requests/${requestId}/sign`, { pin: user.pin, consent: true });
}

/**
 * The records part of the demo (4.3.2.2, 4.3.3, 10.2):
 * - legal opens a case file and files the court judgment that arrived today into it: the source,
 *   reference number and date obtained are kept and the case's legal hold covers it
 *   (court-judgment-record.json);
 * - a training record from 2014 is due; the IP manager proposes its destruction, the IP manager
 *   and legal approve with their passwords, the bytes are deleted and the certificate is kept as a
 *   permanent record (destruction-certificate.pdf);
 * - a joint-development contract passes an IP review signed by the IP manager, is e-signed by the
 *   top manager and legal, and is filed as a record kept from the contract's end (contract-signed.pdf).
 */
export async function recordsDemo(baseUrl: string, outDir: string, demo: Record<string, unknown>) {
  const users = demo.users as Record<string, DemoUser>;
  const client = async (u: DemoUser) => {
    const c = new DemoClient(baseUrl);
    await c.signIn(u.username, u.password);
    return c;
  };
  const legal = await client(users.legal!);
  const ipManager = await client(users.ipManager!);
  const topManager = await client(users.topManager!);
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

  // ── a court judgment filed into its case the day it arrives ──
  const kase = await legal.json<{ id: string; number: string }>("POST", "/api/v1/cases", {
    number: "（2026）京73民初123号",
    title: "某科技有限公司诉本公司侵害发明专利权纠纷",
    kind: "litigation",
    counterparty: "某科技有限公司",
    forum: "北京知识产权法院",
    ourRole: "被告",
    openedOn: "2026-01-08",
    classification: "secret",
  });
  const judgment = await chineseDocument(
    { zh: "北京知识产权法院 民事判决书", en: "Civil judgment (copy as served)" },
    "（2026）京73民初123号",
    [
      { heading: { zh: "当事人", en: "Parties" }, paragraphs: ["原告：某科技有限公司。", `被告：${ORGANISATION.name}。`] },
      { heading: { zh: "判决如下", en: "Judgment" }, paragraphs: ["驳回原告某科技有限公司的全部诉讼请求。", "案件受理费由原告负担。如不服本判决，可在判决书送达之日起十五日内提起上诉。"] },
    ],
  );
  const judgmentFile = await uploadPdf(legal, judgment, "（2026）京73民初123号 民事判决书.pdf", "secret");
  const filed = await legal.json<{ id: string; number: string }>("POST", "/api/v1/external-documents", {
    fileId: judgmentFile,
    docType: "court-judgment",
    title: "（2026）京73民初123号 民事判决书",
    issuer: "北京知识产权法院",
    referenceNumber: "（2026）京73民初123号",
    issuedOn: today,
    obtainedOn: today,
    arrivalMethod: "e-service",
    arrivalDetail: "人民法院在线服务平台电子送达",
    caseId: kase.id,
    ipAsset: "ZL 2021 1 0123456.7",
    classification: "secret",
  });
  const view = await legal.json<{ underHold: boolean; holds: { id: string; matter: string }[]; external: { obtainedOn: string } }>("GET", `/api/v1/records/${filed.id}`);
  if (!view.underHold) throw new Error("the court judgment is not under the case's legal hold");
  const holdReport = await legal.json<{ hold: { id: string; matter: string; reason: string; status: string }; records: { record: { number: string } }[] }>(
    "GET",
    `/api/v1/legal-holds/${view.holds[0]!.id}`,
  );
  await writeFile(join(outDir, "court-judgment-record.json"), JSON.stringify({ ...view, holdReport: { hold: holdReport.hold, covers: holdReport.records.map((r) => r.record.number) } }, null, 2) + "\n");

  // ── an approved disposal: the bytes go, the certificate stays ──
  const training = await chineseDocument({ zh: "2014 年知识产权培训签到表", en: "2014 IP training attendance" }, "R-7.3.2.7-01", [
    { heading: { zh: "培训", en: "Training" }, paragraphs: ["主题：专利基础知识；讲师：知识产权办公室；日期：2014 年 6 月 18 日。", "签到：张伟、王芳、李娜等 36 人。"] },
  ]);
  const trainingFile = await uploadPdf(ipManager, training, "2014 年知识产权培训签到表.pdf", "internal");
  const old = await ipManager.json<{ id: string; number: string; dueOn: string; contentSha256: string }>("POST", "/api/v1/records", {
    fileId: trainingFile,
    classId: "rcl_7_3_2_7_01",
    title: "2014 年知识产权培训签到表",
    recordDate: "2014-06-18",
    author: "知识产权办公室",
    classification: "internal",
  });
  const disposal = await ipManager.json<{ id: string; number: string }>("POST", "/api/v1/disposals", {
    action: "destroy",
    recordIds: [old.id],
    reason: "保管期限（10 年）已满，经鉴定无继续保存价值",
  });
  // the proposer never approves their own disposal: the other IP manager does
  const ipDeputy = await client(users.ipDeputy!);
  await ipDeputy.json("POST", `/api/v1/disposals/${disposal.id}/decision`, { decision: "approved", password: users.ipDeputy!.password, comment: "同意销毁" });
  const done = await legal.json<{ disposal: { status: string } }>("POST", `/api/v1/disposals/${disposal.id}/decision`, { decision: "approved", password: users.legal!.password, comment: "无未决纠纷，同意" });
  if (done.disposal.status !== "completed") throw new Error(`disposal ${disposal.number} is ${done.disposal.status}`);
  const gone = await ipManager.request("GET", `/api/v1/records/${old.id}/content`);
  if (gone.status !== 410) throw new Error(`the destroyed record's content answered ${gone.status}, not 410`);
  const certificate = await ipManager.request("GET", `/api/v1/disposals/${disposal.id}/certificate`);
  if (!certificate.ok) throw new Error(`certificate download failed: ${certificate.status}`);
  await writeFile(join(outDir, "destruction-certificate.pdf"), new Uint8Array(await certificate.arrayBuffer()));

  // ── a joint-development contract: IP review, then e-signing ──
  const contract = await legal.json<{ id: string; number: string }>("POST", "/api/v1/contracts", {
    title: "新型储能材料联合研发合同",
    type: "joint-development",
    counterparties: [{ name: "某某大学", country: "中国" }],
    classification: "internal",
    valueAmount: "1200000",
    effectiveOn: today,
    endOn: "2028-12-31",
    ipTerms: {
      ownership: "合作产生的发明创造由双方共有，专利申请权共同行使",
      confidentiality: "保密期限至合同终止后五年",
      warranties: "双方保证提供的背景技术不侵犯第三方知识产权",
      publication: "乙方发表论文前 30 日提交甲方审查",
    },
  });
  const text = await chineseDocument(
    { zh: "新型储能材料联合研发合同", en: "Joint development agreement: new energy-storage materials" },
    `${contract.number} · 合作开发`,
    [
      { heading: { zh: "第一条 合作内容", en: "Article 1 Scope" }, paragraphs: ["甲乙双方共同开展新型储能材料的研究开发，期限至 2028 年 12 月 31 日。"] },
      { heading: { zh: "第二条 知识产权归属", en: "Article 2 Ownership of IP" }, paragraphs: ["合作产生的发明创造由双方共有，专利申请权共同行使；一方转让其共有份额的，另一方享有优先受让权。"] },
      { heading: { zh: "第三条 保密与发表", en: "Article 3 Confidentiality and publication" }, paragraphs: ["双方对合作中知悉的技术秘密负有保密义务，期限至合同终止后五年。乙方发表论文前 30 日提交甲方审查。"] },
      { heading: { zh: "第四条 不侵权担保", en: "Article 4 Warranty against infringement" }, paragraphs: ["双方保证各自提供的背景技术不侵犯任何第三方的知识产权。"] },
    ],
    true,
  );
  const textFile = await uploadPdf(legal, text, "新型储能材料联合研发合同.pdf", "internal");
  await legal.json("PUT", `/api/v1/contracts/${contract.id}/draft`, { fileId: textFile });
  const early = await legal.request("POST", `/api/v1/contracts/${contract.id}/signing`, { signers: [{ userId: users.topManager!.id, meaning: "signed" }] });
  if (early.status !== 409) throw new Error(`signing before the IP review answered ${early.status}, not 409`);
  await legal.json("POST", `/api/v1/contracts/${contract.id}/submit`);
  const checklist = (await ipManager.json<{ checklist: string[] }>("GET", `/api/v1/contracts/${contract.id}`)).checklist;
  const review = await ipManager.json<{ signatureRequestId: string }>("POST", `/api/v1/contracts/${contract.id}/reviews`, {
    checklist: checklist.map((item) => ({ item, result: item === "export-control" ? "not-applicable" : "ok" })),
    findings: "成果归属、背景知识产权、保密、发表与不侵权担保条款均已约定，符合公司知识产权制度。",
    decision: "approve",
  });
  await sign(ipManager, users.ipManager!, review.signatureRequestId);
  const signing = await legal.json<{ id: string }>("POST", `/api/v1/contracts/${contract.id}/signing`, {
    signers: [
      { userId: users.topManager!.id, meaning: "signed" },
      { userId: users.legal!.id, meaning: "reviewed" },
    ],
  });
  await sign(topManager, users.topManager!, signing.id);
  await sign(legal, users.legal!, signing.id);
  const signed = await legal.json<{ contract: { status: string; signedRecordId: string } }>("GET", `/api/v1/contracts/${contract.id}`);
  if (signed.contract.status !== "signed") throw new Error(`the contract is ${signed.contract.status}, not signed`);
  const pdf = new Uint8Array(await (await legal.request("GET", `/api/v1/records/${signed.contract.signedRecordId}/content`)).arrayBuffer());
  await writeFile(join(outDir, "contract-signed.pdf"), pdf);
  const verified = await legal.json<{ ok: boolean; signatures: { signerName: string; subFilter: string | null }[] }>("POST", "/api/v1/signatures/verify", pdf, { "content-type": "application/pdf" });
  if (!verified.ok) throw new Error("contract-signed.pdf does not verify");
  if (verified.signatures[verified.signatures.length - 1]?.subFilter !== "ETSI.RFC3161") throw new Error("contract-signed.pdf does not end with a document timestamp");
  const report = { signatures: verified.signatures.filter((s) => s.subFilter !== "ETSI.RFC3161") };

  return {
    courtJudgment: { recordId: filed.id, number: filed.number, caseNumber: kase.number, underHold: view.underHold, obtainedOn: view.external.obtainedOn, file: "court-judgment-record.json" },
    disposal: { id: disposal.id, number: disposal.number, destroyed: old.number, contentSha256: old.contentSha256, file: "destruction-certificate.pdf" },
    contract: { id: contract.id, number: contract.number, recordId: signed.contract.signedRecordId, signers: report.signatures.map((s) => s.signerName), file: "contract-signed.pdf" },
  };
}
