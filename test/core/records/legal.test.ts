import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../../src/db/schema/audit";
import { externalDocuments, legalHolds, records } from "../../../src/db/schema/records";
import { createBasePdf } from "../signatures/support/base-pdf";
import { errorCode, startHarness } from "../../support/app";
import { declare, expectJson, upload, type RecordJson } from "./support";

const h = await startHarness();
const legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const receptionist = await h.user({ roles: ["employee"], displayName: "前台小陈" });
const internalAuditor = await h.user({ roles: ["auditor"], clearance: "internal" });
const legalClient = await h.signIn(legal);
const ipm = await h.signIn(ipManager);
const employeeClient = await h.signIn(receptionist);
const auditorClient = await h.signIn(internalAuditor);
await expectJson(await ipm.post("/api/v1/audit/grants", { auditorId: internalAuditor.id, purpose: "2026 年内部审核", endsAt: "2026-06-30T00:00:00Z", maxClassification: "internal" }), 201);

interface CaseJson {
  id: string;
  number: string;
}
interface RecordView {
  record: RecordJson & { title: string };
  external: { docType: string; issuer: string; referenceNumber: string; issuedOn: string; obtainedOn: string; arrivalMethod: string; receivedByName: string; caseId: string } | null;
  underHold: boolean;
  holds: { id: string; matter: string }[];
  links: { kind: string; targetId: string; display: string | null }[];
}

const judgment = (extra: Record<string, unknown> = {}) => ({
  docType: "court-judgment",
  title: "（2026）京73民初123号 民事判决书",
  issuer: "北京知识产权法院",
  referenceNumber: "（2026）京73民初123号",
  issuedOn: "2026-02-20",
  obtainedOn: "2026-02-27",
  arrivalMethod: "e-service",
  arrivalDetail: "人民法院在线服务平台电子送达",
  ...extra,
});

describe("case files, external documents and legal holds", () => {
  it("files a court judgment into an open case: source kept, under the case's hold at once, released when the case closes", async () => {
    expect(await errorCode(await employeeClient.post("/api/v1/cases", { title: "x", kind: "litigation", openedOn: "2026-01-01" }))).toBe("FORBIDDEN");
    const kase = await expectJson<CaseJson>(
      await legalClient.post("/api/v1/cases", { title: "某科技公司诉我司专利侵权", kind: "litigation", counterparty: "某科技有限公司", forum: "北京知识产权法院", ourRole: "被告", openedOn: "2026-01-10" }),
      201,
    );
    expect(kase.number).toMatch(/^CASE2026-\d{3}$/);
    const fileId = await upload(legalClient, await createBasePdf({ pages: 2 }), "民事判决书.pdf", "secret");
    const filed = await expectJson<RecordJson>(await legalClient.post("/api/v1/external-documents", judgment({ fileId, caseId: kase.id })), 201);

    const view = await expectJson<RecordView>(await legalClient.get(`/api/v1/records/${filed.id}`), 200);
    expect(view.external).toMatchObject({
      docType: "court-judgment",
      issuer: "北京知识产权法院",
      referenceNumber: "（2026）京73民初123号",
      issuedOn: "2026-02-20",
      obtainedOn: "2026-02-27",
      arrivalMethod: "e-service",
      receivedByName: "李娜",
      caseId: kase.id,
    });
    expect(view.record.classification).toBe("secret");
    expect(view.record.dueOn).toBeNull(); // 30 years from the case's closing, which has not happened
    expect(view.underHold).toBe(true);
    expect(view.links).toContainEqual(expect.objectContaining({ kind: "case", targetId: kase.id, display: expect.stringContaining("专利侵权") }));

    // the hold covers it: the case view and the hold report list it
    const caseView = await expectJson<{ hold: { id: string }; records: { record: { id: string } }[] }>(await legalClient.get(`/api/v1/cases/${kase.id}`), 200);
    expect(caseView.records.map((r) => r.record.id)).toEqual([filed.id]);
    const report = await expectJson<{ records: { record: { id: string } }[] }>(await legalClient.get(`/api/v1/legal-holds/${caseView.hold.id}`), 200);
    expect(report.records.map((r) => r.record.id)).toEqual([filed.id]);
    // a case's hold is released by closing the case, not by hand
    expect(await errorCode(await legalClient.post(`/api/v1/legal-holds/${caseView.hold.id}/release`, { reason: "x" }))).toBe("INVALID_STATE");
    expect(await errorCode(await legalClient.post(`/api/v1/cases/${kase.id}/close`, { closedOn: "2099-01-01", outcome: "x" }))).toBe("VALIDATION_FAILED");
    await expectJson(await legalClient.post(`/api/v1/cases/${kase.id}/close`, { closedOn: "2026-03-01", outcome: "一审判决驳回原告诉讼请求" }), 200);
    const after = await expectJson<RecordView>(await legalClient.get(`/api/v1/records/${filed.id}`), 200);
    expect(after.underHold).toBe(false);
    expect(after.record.triggerDate).toBe("2026-03-01");
    expect(after.record.dueOn).toBe("2056-03-01");
    expect(await errorCode(await legalClient.post(`/api/v1/cases/${kase.id}/close`, { closedOn: "2026-03-01", outcome: "again" }))).toBe("INVALID_STATE");
    const actions = (await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, filed.id)).orderBy(auditEvents.seq)).map((e) => e.action);
    expect(actions).toContain("record.declared");
  });

  it("refuses external documents with missing or inconsistent source data, storing nothing", async () => {
    const count = async () => (await h.deps.db.select().from(externalDocuments)).length;
    const before = await count();
    const post = (body: Record<string, unknown>) => legalClient.post("/api/v1/external-documents", { paperRoom: "法务部档案柜", ...body });
    expect(await errorCode(await post(judgment({ referenceNumber: undefined })))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await post(judgment({ obtainedOn: "2026-02-01" })))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await post(judgment({ obtainedOn: "2026-12-01", issuedOn: "2026-11-01" })))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await post(judgment({ arrivalMethod: "pigeon" })))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await post(judgment({ caseId: "cas_nope" })))).toBe("NOT_FOUND");
    expect(await errorCode(await post(judgment({ paperRoom: undefined })))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await employeeClient.post("/api/v1/external-documents", judgment({ paperRoom: "A" })))).toBe("FORBIDDEN");
    expect(await count()).toBe(before);
  });

  it("files a lawyer letter on paper, received by someone else, and finds it by issuer and reference", async () => {
    const letter = await expectJson<RecordJson>(
      await legalClient.post("/api/v1/external-documents", {
        docType: "lawyer-letter",
        title: "关于停止侵害商标权的律师函",
        issuer: "上海某律师事务所",
        referenceNumber: "沪某律函字〔2026〕第018号",
        issuedOn: "2026-02-01",
        obtainedOn: "2026-02-03",
        arrivalMethod: "courier",
        arrivalDetail: "顺丰 SF1234567890",
        receivedBy: receptionist.id,
        classification: "internal",
        paperRoom: "法务部档案柜",
        paperBox: "2026-01",
      }),
      201,
    );
    expect(letter.contentSha256).toBeNull();
    expect(letter.dueOn).toBe("2036-02-01");
    const found = await expectJson<{ items: { record: { id: string } }[] }>(await auditorClient.get(`/api/v1/records?q=${encodeURIComponent("律函字〔2026〕")}&externalType=lawyer-letter`), 200);
    expect(found.items.map((i) => i.record.id)).toEqual([letter.id]);
    const corrected = await expectJson<unknown>(
      await legalClient.patch(`/api/v1/records/${letter.id}`, { external: { obtainedOn: "2026-02-04" }, reason: "签收日期登记错误" }),
      200,
    );
    expect(corrected).toBeTruthy();
    const view = await expectJson<RecordView & { history: { action: string; data: { external?: { before: unknown; after: unknown } } }[] }>(await legalClient.get(`/api/v1/records/${letter.id}`), 200);
    expect(view.external!.obtainedOn).toBe("2026-02-04");
    expect(view.history.find((e) => e.action === "record.corrected")!.data.external).toEqual({ before: { obtainedOn: "2026-02-03" }, after: { obtainedOn: "2026-02-04" } });
    expect(await errorCode(await legalClient.patch(`/api/v1/records/${letter.id}`, { external: { obtainedOn: "2026-01-01" }, reason: "x" }))).toBe("VALIDATION_FAILED");
  });

  it("covers records by a query hold, including records declared later; the report lists only what the reader may see", async () => {
    const hold = await expectJson<{ id: string }>(
      await legalClient.post("/api/v1/legal-holds", { matter: "商业秘密调查", reason: "可能涉诉，保全相关研发记录", scope: { kind: "query", query: { q: "项目甲" } } }),
      201,
    );
    const open = await declare(ipm, { classId: "rcl_9_3_1_01", title: "项目甲 研发日志 2025", classification: "internal" });
    const secret = await declare(ipm, { classId: "rcl_9_3_1_01", title: "项目甲 核心配方", classification: "secret" });
    await declare(ipm, { classId: "rcl_9_3_1_01", title: "项目乙 研发日志", classification: "internal" });
    const full = await expectJson<{ records: { record: { id: string } }[] }>(await legalClient.get(`/api/v1/legal-holds/${hold.id}`), 200);
    expect(full.records.map((r) => r.record.id).sort()).toEqual([open.id, secret.id].sort());
    const partial = await expectJson<{ records: { record: { id: string } }[] }>(await auditorClient.get(`/api/v1/legal-holds/${hold.id}`), 200);
    expect(partial.records.map((r) => r.record.id)).toEqual([open.id]);
    expect(await errorCode(await employeeClient.get(`/api/v1/legal-holds/${hold.id}`))).toBe("FORBIDDEN");
    expect(await errorCode(await legalClient.get("/api/v1/legal-holds/hld_nope"))).toBe("NOT_FOUND");
    // adding to a query hold makes no sense; releasing needs a reason and is audited
    expect(await errorCode(await legalClient.post(`/api/v1/legal-holds/${hold.id}/records`, { recordIds: [open.id] }))).toBe("INVALID_STATE");
    expect(await errorCode(await legalClient.post(`/api/v1/legal-holds/${hold.id}/release`, {}))).toBe("VALIDATION_FAILED");
    await expectJson(await legalClient.post(`/api/v1/legal-holds/${hold.id}/release`, { reason: "调查结束，未涉诉" }), 200);
    const [released] = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, hold.id));
    expect(released).toBeTruthy();
    expect((await expectJson<RecordView>(await ipm.get(`/api/v1/records/${open.id}`), 200)).underHold).toBe(false);
  });

  it("refuses a query hold with no condition (it would hold every record), saying what to add; nothing is placed", async () => {
    const holdsBefore = await h.deps.db.select().from(legalHolds);
    for (const query of [{}, { q: "   ", classId: "" }]) {
      const res = await legalClient.post("/api/v1/legal-holds", { matter: "全面保全？", reason: "未写条件", scope: { kind: "query", query } });
      const body = await expectJson<{ error: { code: string; message: string } }>(res, 400);
      expect(body.error.code).toBe("VALIDATION_FAILED");
      expect(body.error.message).toMatch(/^scope\.query: a hold by query needs at least one condition \(a search word q, a record class classId/);
      expect(body.error.message).toContain("would hold every record");
    }
    expect(await h.deps.db.select().from(legalHolds)).toHaveLength(holdsBefore.length);
    // one condition is enough
    await expectJson(await legalClient.post("/api/v1/legal-holds", { matter: "商标争议", reason: "保全", scope: { kind: "query", query: { classId: "rcl_9_3_1_01" } } }), 201);
  });

  it("refuses a list hold over a record the person placing it may not see", async () => {
    const topSecret = await h.user({ roles: ["ip-manager"], clearance: "top-secret" });
    const top = await h.signIn(topSecret);
    const hidden = await declare(top, { classId: "rcl_9_3_1_01", title: "绝密工艺", classification: "top-secret" });
    const res = await legalClient.post("/api/v1/legal-holds", { matter: "x", reason: "y", scope: { kind: "list", recordIds: [hidden.id] } });
    expect(res.status).toBe(404);
    expect((await h.deps.db.select().from(records).where(eq(records.id, hidden.id)))[0]!.status).toBe("active");
  });
});
