import { afterAll, describe, expect, it } from "vitest";
import { certificatePemToDer } from "../../../src/core/signatures/pki/index";
import { createBasePdf } from "../signatures/support/base-pdf";
import { createNssDb, makeTempDir, pdfToText, runPdfsig } from "../signatures/support/validators";
import { contextAs, errorCode, startHarness, type Client, type TestUser } from "../../support/app";
import { countContractsByStatus, listContracts } from "../../../src/core/contracts/service";
import { docx, expectJson, upload } from "../records/support";
import { and, eq } from "drizzle-orm";
import { auditEvents } from "../../../src/db/schema/audit";

const h = await startHarness();
const tmp = makeTempDir("custos-contracts-");
afterAll(() => tmp.cleanup());

const legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const topManager = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret" });
const staff = await h.user({ roles: ["employee"], displayName: "张伟" });
const legalClient = await h.signIn(legal);
const ipm = await h.signIn(ipManager);
const top = await h.signIn(topManager);
const employeeClient = await h.signIn(staff);

interface ContractJson {
  id: string;
  number: string;
  status: string;
  signedRecordId: string | null;
  signingMethod: string | null;
}
interface ContractView {
  contract: ContractJson;
  checklist: string[];
  reviews: { id: string; status: string; decision: string; recordId: string | null }[];
  may: Record<string, boolean>;
}

const base = {
  title: "新型储能材料联合研发合同",
  type: "joint-development",
  counterparties: [{ name: "某某大学", country: "中国" }],
  classification: "secret",
  valueAmount: "1200000",
  effectiveOn: "2026-03-01",
  endOn: "2028-02-29",
  ipTerms: { ownership: "双方共有，各自实施无需对方同意", confidentiality: "保密期至合同终止后五年", publication: "论文发表前 30 日提交我司审查" },
};

const answer = (items: string[], overrides: Record<string, { result: string; note?: string }> = {}) =>
  items.map((item) => ({ item, result: "ok", ...overrides[item] }));

async function signRequest(client: Client, user: TestUser, requestId: string) {
  expect((await client.readDocument(requestId)).status).toBe(200);
  return expectJson<{ completed: boolean }>(await client.post(`/api/v1/signature-requests/${requestId}/sign`, { pin: user.pin, consent: true }), 200);
}

async function newContract(extra: Record<string, unknown> = {}, withDraft = true): Promise<ContractJson> {
  const c = await expectJson<ContractJson>(await legalClient.post("/api/v1/contracts", { ...base, ...extra }), 201);
  if (withDraft) {
    const fileId = await upload(legalClient, await createBasePdf({ pages: 2 }), "合同.pdf", "secret");
    await expectJson(await legalClient.request(`/api/v1/contracts/${c.id}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId }) }), 200);
  }
  return c;
}

describe("contract register and the IP review gate", () => {
  it("runs a contract from draft through a signed IP review to e-signing; the signed contract is a record kept from its end", async () => {
    expect(await errorCode(await employeeClient.post("/api/v1/contracts", base))).toBe("FORBIDDEN");
    expect(await errorCode(await legalClient.post("/api/v1/contracts", { ...base, type: "marriage" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await legalClient.post("/api/v1/contracts", { ...base, endOn: "2026-01-01" }))).toBe("VALIDATION_FAILED");
    const c = await newContract();
    expect(c.number).toMatch(/^HT2026-\d{4}$/);
    expect(c.status).toBe("draft");
    expect(await errorCode(await legalClient.post("/api/v1/contracts", { ...base, number: c.number }))).toBe("ALREADY_EXISTS");

    // the gate: no signing of any kind before a signed IP review
    const signers = { signers: [{ userId: topManager.id, meaning: "signed" }] };
    const early = await legalClient.post(`/api/v1/contracts/${c.id}/signing`, signers);
    expect(early.status).toBe(409);
    expect(await errorCode(early)).toBe("IP_REVIEW_REQUIRED");
    const scanId = await upload(legalClient, await createBasePdf({ pages: 1 }), "扫描件.pdf", "secret");
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/signed-scan`, { fileId: scanId, signedOn: "2026-03-01" }))).toBe("IP_REVIEW_REQUIRED");

    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/submit`), 200);
    expect(await errorCode(await legalClient.patch(`/api/v1/contracts/${c.id}`, { title: "改名", reason: "x" }))).toBe("INVALID_STATE");
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/signing`, signers))).toBe("IP_REVIEW_REQUIRED");

    const view = await expectJson<ContractView>(await ipm.get(`/api/v1/contracts/${c.id}`), 200);
    expect(view.checklist).toEqual(["ownership", "background-ip", "confidentiality", "warranties", "publication", "export-control"]);
    const review = (body: Record<string, unknown>) => ipm.post(`/api/v1/contracts/${c.id}/reviews`, body);
    expect(await errorCode(await employeeClient.post(`/api/v1/contracts/${c.id}/reviews`, { checklist: answer(view.checklist), findings: "x", decision: "approve" }))).toBe("FORBIDDEN");
    const missing = await review({ checklist: answer(view.checklist.slice(1)), findings: "x", decision: "approve" });
    expect(await errorCode(missing)).toBe("VALIDATION_FAILED");
    expect(((await (await review({ checklist: answer(view.checklist.slice(1)), findings: "x", decision: "approve" })).json()) as { error: { message: string } }).error.message).toMatch(/Ownership/);
    expect(await errorCode(await review({ checklist: answer(view.checklist, { warranties: { result: "issue", note: "缺少不侵权担保条款" } }), findings: "x", decision: "approve" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await review({ checklist: answer(view.checklist, { warranties: { result: "issue" } }), findings: "x", decision: "approve-with-conditions", conditions: "补充" }))).toBe("VALIDATION_FAILED");

    const recorded = await expectJson<{ review: { id: string }; signatureRequestId: string }>(
      await review({
        checklist: answer(view.checklist, { warranties: { result: "issue", note: "对方须补充不侵权担保条款" }, "export-control": { result: "not-applicable" } }),
        findings: "成果归属与保密条款符合要求；须补充不侵权担保。",
        decision: "approve-with-conditions",
        conditions: "签署前在第 8 条补充不侵权担保",
      }),
      201,
    );
    expect(await errorCode(await review({ checklist: answer(view.checklist), findings: "again", decision: "approve" }))).toBe("CONFLICT");
    // recorded but not yet signed: the gate still holds
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/signing`, signers))).toBe("IP_REVIEW_REQUIRED");

    await signRequest(ipm, ipManager, recorded.signatureRequestId);
    const approved = await expectJson<ContractView>(await ipm.get(`/api/v1/contracts/${c.id}`), 200);
    expect(approved.contract.status).toBe("approved");
    expect(approved.reviews[0]).toMatchObject({ status: "signed", decision: "approve-with-conditions" });
    const reviewRecord = await expectJson<{ recordClass: { code: string }; record: { contentSha256: string; natures: { authenticity: { status: string } } }; links: { kind: string; targetId: string }[] }>(
      await ipm.get(`/api/v1/records/${approved.reviews[0]!.recordId}`),
      200,
    );
    expect(reviewRecord.recordClass.code).toBe("R-4.3.3-02");
    expect(reviewRecord.record.natures.authenticity.status).toBe("pass");
    expect(reviewRecord.links).toContainEqual(expect.objectContaining({ kind: "contract", targetId: c.id }));
    const reportPdf = new Uint8Array(await (await ipm.get(`/api/v1/records/${approved.reviews[0]!.recordId}/content`)).arrayBuffer());
    const reportText = pdfToText(reportPdf, tmp.dir);
    expect(reportText).toContain("合同知识产权审查表");
    expect(reportText).toContain("不侵权担保与责任");
    expect(reportText).toContain("签署前在第 8 条补充不侵权担保");

    // now it can be signed, once
    const request = await expectJson<{ id: string }>(await legalClient.post(`/api/v1/contracts/${c.id}/signing`, { signers: [{ userId: topManager.id, meaning: "signed" }, { userId: legal.id, meaning: "signed" }] }), 201);
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/signing`, signers))).toBe("CONFLICT");
    await signRequest(top, topManager, request.id);
    await signRequest(legalClient, legal, request.id);
    const signed = await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200);
    expect(signed.contract).toMatchObject({ status: "signed", signingMethod: "e-sign" });
    const record = await expectJson<{ recordClass: { code: string }; record: { dueOn: string | null; triggerDate: string | null; contentSha256: string } }>(
      await legalClient.get(`/api/v1/records/${signed.contract.signedRecordId}`),
      200,
    );
    expect(record.recordClass.code).toBe("R-4.3.3-01");
    expect(record.record.dueOn).toBeNull();

    // the signed PDF validates in poppler
    const pdf = new Uint8Array(await (await legalClient.get(`/api/v1/records/${signed.contract.signedRecordId}/content`)).arrayBuffer());
    const root = certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text());
    const verdicts = runPdfsig(pdf, createNssDb(tmp.dir, root), tmp.dir).filter((v) => !v.documentTimestamp);
    expect(verdicts.map((v) => v.commonName)).toEqual(["周总", "李娜"]);
    expect(verdicts.every((v) => v.signatureValid && v.certificateTrusted)).toBe(true);

    // in force, then it ends: retention of the contract and its review starts at the end
    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/status`, { status: "in-force", on: "2026-03-01" }), 200);
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/status`, { status: "terminated", on: "2026-03-02" }))).toBe("VALIDATION_FAILED");
    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/status`, { status: "terminated", on: "2026-03-02", reason: "项目终止，双方协商解除" }), 200);
    const ended = await expectJson<{ record: { dueOn: string; triggerDate: string } }>(await legalClient.get(`/api/v1/records/${signed.contract.signedRecordId}`), 200);
    expect(ended.record).toMatchObject({ triggerDate: "2026-03-02", dueOn: "2056-03-02" });
    const reviewAfter = await expectJson<{ record: { dueOn: string } }>(await legalClient.get(`/api/v1/records/${approved.reviews[0]!.recordId}`), 200);
    expect(reviewAfter.record.dueOn).toBe("2056-03-02");
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/status`, { status: "in-force", on: "2026-03-02" }))).toBe("INVALID_STATE");
  });

  it("sends a rejected contract back to draft; a declined review signature withdraws the review", async () => {
    const c = await newContract({ type: "licence-in", title: "软件许可引进合同" });
    await legalClient.post(`/api/v1/contracts/${c.id}/submit`);
    const checklist = (await expectJson<ContractView>(await ipm.get(`/api/v1/contracts/${c.id}`), 200)).checklist;
    const declined = await expectJson<{ signatureRequestId: string }>(await ipm.post(`/api/v1/contracts/${c.id}/reviews`, { checklist: answer(checklist), findings: "初审", decision: "approve" }), 201);
    await expectJson(await ipm.post(`/api/v1/signature-requests/${declined.signatureRequestId}/decline`, { reason: "结论需重写" }), 200);
    const afterDecline = await expectJson<ContractView>(await ipm.get(`/api/v1/contracts/${c.id}`), 200);
    expect(afterDecline.reviews[0]!.status).toBe("withdrawn");
    expect(afterDecline.contract.status).toBe("ip-review");

    const rejected = await expectJson<{ signatureRequestId: string }>(
      await ipm.post(`/api/v1/contracts/${c.id}/reviews`, { checklist: answer(checklist, { scope: { result: "issue", note: "许可范围未限定地域" } }), findings: "许可范围不明", decision: "reject" }),
      201,
    );
    await signRequest(ipm, ipManager, rejected.signatureRequestId);
    const back = await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200);
    expect(back.contract.status).toBe("draft");
    expect(back.reviews.map((r) => r.status)).toEqual(["withdrawn", "signed"]);
    expect((await expectJson<ContractJson>(await legalClient.patch(`/api/v1/contracts/${c.id}`, { ipTerms: { licenceScope: "中国大陆，非独占" }, reason: "按审查意见修改" }), 200)).status).toBe("draft");
    // a change names only what it changes: classification, currency and terms stay as they were
    const noted = await expectJson<ContractJson & { classification: string; currency: string; ipTerms: Record<string, string> }>(
      await legalClient.patch(`/api/v1/contracts/${c.id}`, { notes: "对方法务已确认", reason: "补充备注" }),
      200,
    );
    expect(noted).toMatchObject({ classification: "secret", currency: "CNY", ipTerms: { licenceScope: "中国大陆，非独占" } });
  });

  it("files a wet-signed scan of an approved contract as its record", async () => {
    const c = await newContract({ type: "confidentiality", title: "保密协议（某供应商）", classification: "internal" });
    await legalClient.post(`/api/v1/contracts/${c.id}/submit`);
    const checklist = (await expectJson<ContractView>(await ipm.get(`/api/v1/contracts/${c.id}`), 200)).checklist;
    const r = await expectJson<{ signatureRequestId: string }>(await ipm.post(`/api/v1/contracts/${c.id}/reviews`, { checklist: answer(checklist), findings: "无问题", decision: "approve" }), 201);
    await signRequest(ipm, ipManager, r.signatureRequestId);
    const scanId = await upload(legalClient, await createBasePdf({ pages: 1 }), "保密协议-签字盖章.pdf");
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/signed-scan`, { fileId: scanId, signedOn: "2099-01-01" }))).toBe("VALIDATION_FAILED");
    const signed = await expectJson<ContractJson>(await legalClient.post(`/api/v1/contracts/${c.id}/signed-scan`, { fileId: scanId, signedOn: "2026-02-28" }), 200);
    expect(signed).toMatchObject({ status: "signed", signingMethod: "wet-ink" });
    const rec = await expectJson<{ record: { sourceKind: string; contentFilename: string } }>(await legalClient.get(`/api/v1/records/${signed.signedRecordId}`), 200);
    expect(rec.record).toMatchObject({ sourceKind: "contract", contentFilename: "保密协议-签字盖章.pdf" });
  });

  it("keeps contracts within clearance and roles: others' contracts answer NOT_FOUND", async () => {
    const secret = await newContract({ title: "保密的并购合同", type: "merger-acquisition" }, false);
    expect(await errorCode(await employeeClient.get(`/api/v1/contracts/${secret.id}`))).toBe("NOT_FOUND");
    expect((await expectJson<{ total: number; items: unknown[] }>(await employeeClient.get("/api/v1/contracts"), 200)).total).toBe(0);
    const mine = await expectJson<ContractJson>(await legalClient.post("/api/v1/contracts", { ...base, classification: "internal", ownerId: staff.id, title: "张伟负责的服务合同", type: "service-agency" }), 201);
    expect((await employeeClient.get(`/api/v1/contracts/${mine.id}`)).status).toBe(200);
    expect(await errorCode(await employeeClient.post(`/api/v1/contracts/${mine.id}/submit`))).toBe("FORBIDDEN");
    // an auditor reads the register through a grant that covers 4.3.3, within its ceiling
    const auditorUser = await h.user({ roles: ["auditor"], clearance: "internal" });
    const internalAuditor = await h.signIn(auditorUser);
    expect((await expectJson<{ total: number; items: unknown[] }>(await internalAuditor.get("/api/v1/contracts"), 200)).total).toBe(0);
    const onboarding = await expectJson<{ id: string }>(
      await ipm.post("/api/v1/audit/grants", { auditorId: auditorUser.id, purpose: "入职审核", endsAt: "2026-06-30T00:00:00Z", clauseIds: ["7.3.2.4"], maxClassification: "internal" }),
      201,
    );
    expect((await expectJson<{ total: number; items: unknown[] }>(await internalAuditor.get("/api/v1/contracts"), 200)).total).toBe(0);
    expect(await errorCode(await internalAuditor.get(`/api/v1/contracts/${mine.id}`))).toBe("NOT_FOUND");
    await expectJson(await ipm.post(`/api/v1/audit/grants/${onboarding.id}/revoke`, { reason: "改为合同审核" }), 200);
    await expectJson(await ipm.post("/api/v1/audit/grants", { auditorId: auditorUser.id, purpose: "合同管理审核", endsAt: "2026-06-30T00:00:00Z", clauseIds: ["4.3.3"], maxClassification: "internal" }), 201);
    const list = (await expectJson<{ items: { id: string }[] }>(await internalAuditor.get("/api/v1/contracts"), 200)).items;
    expect(list.map((x) => x.id)).not.toContain(secret.id);
    expect(list.map((x) => x.id)).toContain(mine.id);
    expect((await internalAuditor.get(`/api/v1/contracts/${mine.id}`)).status).toBe(200);
    expect(await errorCode(await internalAuditor.post(`/api/v1/contracts/${mine.id}/submit`))).toBe("FORBIDDEN");
  });

  it("pages the register: total counts every entry the caller may see, never one the caller may not", async () => {
    const title = `分页测试合同-${Date.now()}`;
    for (let i = 0; i < 4; i++) await newContract({ title: `${title}-${i}`, type: "other" }, false);
    const page1 = await expectJson<{ total: number; items: { title: string }[] }>(await legalClient.get(`/api/v1/contracts?q=${encodeURIComponent(title)}&limit=2`), 200);
    expect(page1.total).toBe(4);
    expect(page1.items).toHaveLength(2);
    const page2 = await expectJson<{ total: number; items: { title: string }[] }>(await legalClient.get(`/api/v1/contracts?q=${encodeURIComponent(title)}&limit=2&offset=2`), 200);
    expect(page2.items).toHaveLength(2);
    expect(new Set([...page1.items, ...page2.items].map((c) => c.title)).size).toBe(4);
    // an employee sees none of them, and the count says so
    expect((await expectJson<{ total: number }>(await employeeClient.get(`/api/v1/contracts?q=${encodeURIComponent(title)}`), 200)).total).toBe(0);
    expect(await errorCode(await legalClient.get("/api/v1/contracts?limit=0"))).toBe("VALIDATION_FAILED");
    const html = await (await legalClient.get(`/contracts?q=${encodeURIComponent(title)}&limit=2`)).text();
    expect(html).toContain('data-testid="pager"');
    expect(html).toContain(`offset=2`);
    // what the management review counts is the whole register, by status, the same as the pages' totals
    const ctx = await contextAs(h.deps, legal.id);
    const counts = await countContractsByStatus(ctx, ["public", "internal", "secret", "confidential"]);
    expect(counts.get("draft")).toBe((await listContracts(ctx, { status: "draft", limit: 1 })).total);
    expect(counts.get("draft")).toBeGreaterThanOrEqual(4);
    expect(await countContractsByStatus(ctx, [])).toEqual(new Map());
  });
});

describe("a contract that cannot go on as it is", () => {
  const attach = (id: string, fileId: string) =>
    legalClient.request(`/api/v1/contracts/${id}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId }) });

  it("takes as its text only a PDF that can be signed or a Word document, whatever the file is called", async () => {
    const c = await newContract({}, false);
    const cases: [Uint8Array, string, string][] = [
      [new TextEncoder().encode("甲乙双方约定……（纯文本）"), "合同.pdf", "NOT_A_PDF"],
      [new TextEncoder().encode("PK not really a zip"), "合同.docx", "UNREADABLE_CONTENT"],
      [new TextEncoder().encode("甲乙双方约定"), "合同.txt", "UNREADABLE_CONTENT"],
      [await createBasePdf({ pages: 1 }), "合同.docx", "UNREADABLE_CONTENT"],
      [new TextEncoder().encode("%PDF-1.7\n1 0 obj garbage"), "合同.pdf", "PDF_DAMAGED"],
    ];
    for (const [bytes, name, code] of cases) {
      const res = await attach(c.id, await upload(legalClient, bytes, name, "secret"));
      expect(res.status, name).toBe(422);
      expect(await errorCode(res), name).toBe(code);
    }
    const view = await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200);
    expect(view.contract.status).toBe("draft");
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/submit`, {}))).toBe("VALIDATION_FAILED");
    // a real Word document and a real PDF are taken
    expect((await attach(c.id, await upload(legalClient, docx("合同正文"), "合同.docx", "secret"))).status).toBe(200);
    expect((await attach(c.id, await upload(legalClient, await createBasePdf({ pages: 1 }), "合同.pdf", "secret"))).status).toBe(200);
  });

  it("goes back to draft with a reason from IP review (withdrawing the review awaiting signature) or once approved, and through review again", async () => {
    const c = await newContract();
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/return-to-draft`, { reason: "还是草稿" }))).toBe("INVALID_STATE");
    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/submit`, {}), 200);
    const view = await expectJson<ContractView>(await ipm.get(`/api/v1/contracts/${c.id}`), 200);
    const recorded = await expectJson<{ signatureRequestId: string }>(
      await ipm.post(`/api/v1/contracts/${c.id}/reviews`, { checklist: answer(view.checklist), findings: "符合要求", decision: "approve" }),
      201,
    );
    expect(await errorCode(await employeeClient.post(`/api/v1/contracts/${c.id}/return-to-draft`, { reason: "x" }))).toBe("FORBIDDEN");
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/return-to-draft`, {}))).toBe("VALIDATION_FAILED");
    const back = await expectJson<ContractJson>(await legalClient.post(`/api/v1/contracts/${c.id}/return-to-draft`, { reason: "对方要求修改第三条" }), 200);
    expect(back.status).toBe("draft");
    const after = await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200);
    expect(after.reviews.map((r) => r.status)).toEqual(["withdrawn"]);
    // the withdrawn review can no longer be signed, and approves nothing
    const late = await ipm.post(`/api/v1/signature-requests/${recorded.signatureRequestId}/sign`, { pin: ipManager.pin, consent: true });
    expect(late.status).toBeGreaterThanOrEqual(400);
    expect(late.status).toBeLessThan(500);
    expect((await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200)).contract.status).toBe("draft");

    // approved, then back to draft: the signed review stays on file, the contract is reviewed again
    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/submit`, {}), 200);
    const second = await expectJson<{ signatureRequestId: string }>(
      await ipm.post(`/api/v1/contracts/${c.id}/reviews`, { checklist: answer(view.checklist), findings: "符合要求", decision: "approve" }),
      201,
    );
    await signRequest(ipm, ipManager, second.signatureRequestId);
    expect((await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200)).contract.status).toBe("approved");
    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/return-to-draft`, { reason: "签署前发现金额错误" }), 200);
    const final = await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200);
    expect(final.contract.status).toBe("draft");
    expect(final.reviews.map((r) => r.status).sort()).toEqual(["signed", "withdrawn"]);
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/signing`, { signers: [{ userId: topManager.id, meaning: "signed" }] }))).toBe("IP_REVIEW_REQUIRED");
    const events = await h.deps.db.select().from(auditEvents).where(and(eq(auditEvents.objectId, c.id), eq(auditEvents.action, "contract.returned_to_draft"))).orderBy(auditEvents.seq);
    expect(events.map((e) => (e.data as { reason: string }).reason)).toEqual(["对方要求修改第三条", "签署前发现金额错误"]);
  });

  it("is not reviewed by the person who entered it, and goes to IP review only if someone cleared for it can review it", async () => {
    const c = await newContract({ classification: "internal" });
    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/submit`, {}), 200);
    const view = await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200);
    expect(view.may.review).toBe(false);
    const own = await legalClient.post(`/api/v1/contracts/${c.id}/reviews`, { checklist: answer(view.checklist), findings: "自审", decision: "approve" });
    expect(await errorCode(own)).toBe("FORBIDDEN");
    expect((await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200)).reviews).toEqual([]);
    expect((await expectJson<ContractView>(await ipm.get(`/api/v1/contracts/${c.id}`), 200)).may.review).toBe(true);

    // a top-secret contract: the only reviewers (legal and the IP manager) are cleared for confidential
    const chief = await h.user({ roles: ["legal"], displayName: "首席法务", clearance: "top-secret" });
    const chiefClient = await h.signIn(chief);
    const secret = await expectJson<ContractJson>(await chiefClient.post("/api/v1/contracts", { ...base, title: "绝密技术转让合同", classification: "top-secret" }), 201);
    const fileId = await upload(chiefClient, await createBasePdf({ pages: 1 }), "合同.pdf", "top-secret");
    await expectJson(await chiefClient.request(`/api/v1/contracts/${secret.id}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId }) }), 200);
    const refused = await chiefClient.post(`/api/v1/contracts/${secret.id}/submit`, {});
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/cleared for top-secret/);
    expect((await expectJson<ContractView>(await chiefClient.get(`/api/v1/contracts/${secret.id}`), 200)).contract.status).toBe("draft");
    // once a reviewer is cleared for it, it goes
    await h.user({ roles: ["ip-manager"], displayName: "绝密审查人", clearance: "top-secret" });
    await expectJson(await chiefClient.post(`/api/v1/contracts/${secret.id}/submit`, {}), 200);
  });

  it("does not go back to draft while it is out for e-signature", async () => {
    const c = await newContract();
    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/submit`, {}), 200);
    const view = await expectJson<ContractView>(await ipm.get(`/api/v1/contracts/${c.id}`), 200);
    const r = await expectJson<{ signatureRequestId: string }>(await ipm.post(`/api/v1/contracts/${c.id}/reviews`, { checklist: answer(view.checklist), findings: "符合要求", decision: "approve" }), 201);
    await signRequest(ipm, ipManager, r.signatureRequestId);
    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/signing`, { signers: [{ userId: topManager.id, meaning: "signed" }] }), 201);
    expect(await errorCode(await legalClient.post(`/api/v1/contracts/${c.id}/return-to-draft`, { reason: "改主意" }))).toBe("CONFLICT");
    expect((await expectJson<ContractView>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200)).contract.status).toBe("approved");
  });
});
