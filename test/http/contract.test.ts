import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Client, type TestUser } from "../support/app";
import { openObjects, saysNothing, validateJson, type JsonSchema } from "../support/json-schema";
import { qualityModule } from "../modules/inspection";
import { createBasePdf } from "../core/signatures/support/base-pdf";
import { procedurePdf } from "../core/documents/fixtures";
import { declare, upload } from "../core/records/support";
import { sampleValues } from "../core/templates/support";

/**
 * The API contract: every operation in the OpenAPI document is called for real, with fixtures made
 * through the API, and its 2xx answer is checked against the response the document declares (a
 * JSON body against its schema, with objects closed: no field the contract does not name; a file
 * against its declared content type). The table below says how each operation is called; an
 * operation the document has and the table has not fails the test, so a new route comes with its
 * row.
 */
const h = await startHarness({ modules: [qualityModule] });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type J = any;
interface OpenApi {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}
const doc = (await (await h.app.request("/api/openapi.json")).json()) as OpenApi;
if (process.env.CONTRACT_DUMP) writeFileSync(`${process.env.CONTRACT_DUMP}.openapi.json`, JSON.stringify(doc, null, 1));

/**
 * Operations whose answers still nest loose objects (they name some fields and accept others): the
 * rest of their answer is strict and validated. Known debt, listed so that it can only shrink: a new
 * operation with a loose object fails, and so does a listed one that has become strict.
 */
const STILL_LOOSE: Record<string, string> = {
  "GET /api/v1/records/{id}": "links, external source, holds, destruction, disposal and history of the view",
  "GET /api/v1/contracts/{id}": "reviews, signing, history and the pending review of the view",
};

/** Operations that cannot run in a test, each with why. Keep this short. */
const SKIPPED: Record<string, string> = {};

/** Columns and secrets that must never leave the server, whatever a schema says. */
const INTERNAL = /^(search_?text|search_?vector|password_?hash|token_?hash|.*private_?key.*|.*wrapped_?key.*|key_?material|master_?key|csrf_?(key|secret)|session_?token)$/i;
function internalKeys(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return [...new Set(value.flatMap((v) => internalKeys(v, `${path}[]`)))];
  if (!value || typeof value !== "object") return [];
  return [...new Set(Object.entries(value).flatMap(([k, v]) => [...(INTERNAL.test(k) ? [`${path}.${k}`] : []), ...internalKeys(v, `${path}.${k}`)]).map((p) => p.replace(/\[\d+\]/g, "[]")))];
}

type Op = string; // "METHOD /api/v1/path/{param}"
const operations: Op[] = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));

async function j(res: Response, status?: number): Promise<J> {
  const text = await res.clone().text();
  if (status !== undefined) expect(res.status, text).toBe(status);
  return JSON.parse(text);
}

let admin: Client, manager: Client, top: Client, legal: Client, emp: Client, staff: Client;
let manager2: Client, manager2User: TestUser;
let adminUser: TestUser, managerUser: TestUser, topUser: TestUser, legalUser: TestUser, empUser: TestUser, staffUser: TestUser, auditorUser: TestUser;
const f: Record<string, J> = {};
const CORRECTIVE = "rcl_13_4_01";
const LAWYER_LETTERS = "rcl_4_3_2_2_03";

const putFile = (client: Client, path: string, bytes: Uint8Array, type = "application/pdf") => client.request(path, { method: "PUT", headers: { "content-type": type }, body: new Uint8Array(bytes) });
const postBytes = (client: Client, path: string, bytes: Uint8Array, type: string) => client.request(path, { method: "POST", headers: { "content-type": type }, body: new Uint8Array(bytes) });
const signRequest = async (client: Client, user: TestUser, id: string) => {
  await client.readDocument(id);
  return j(await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: user.pin, consent: true }), 200);
};
async function effectiveDocument(title: string, categoryId = "procedure", classification = "internal") {
  const created = await j(await staff.post("/api/v1/documents", { categoryId, title, classification }), 201);
  await approve(created.revision.id, title);
  return created;
}
async function approve(revisionId: string, title: string) {
  await j(await putFile(staff, `/api/v1/revisions/${revisionId}/files/release?filename=p.pdf`, await procedurePdf(title, "正文")), 200);
  await j(await staff.post(`/api/v1/revisions/${revisionId}/submit`, { reviewerIds: [managerUser.id], approverId: topUser.id }), 200);
  await manager.readRevision(revisionId);
  await j(await manager.post(`/api/v1/revisions/${revisionId}/decision`, { decision: "approve", pin: managerUser.pin }), 200);
  await top.readRevision(revisionId);
  await j(await top.post(`/api/v1/revisions/${revisionId}/decision`, { decision: "approve", pin: topUser.pin }), 200);
}
const answer = (items: string[]) => items.map((item) => ({ item, result: "ok" }));

/**
 * How each operation is called, in order (later rows use what earlier ones made). Each returns the
 * real response; the test checks it is 2xx and matches the declared schema.
 */
const table: [Op, () => Promise<Response>][] = [
  // auth and the signed-in user
  ["POST /api/v1/auth/sign-in", () => h.anonymous().post("/api/v1/auth/sign-in", { username: empUser.username, password: empUser.password })],
  ["GET /api/v1/me", () => emp.get("/api/v1/me")],
  ["GET /api/v1/me/tokens", () => emp.get("/api/v1/me/tokens")],
  ["POST /api/v1/me/tokens", async () => { const res = await emp.post("/api/v1/me/tokens", { name: "CI 导入" }); f.token = await j(res); return res; }],
  ["DELETE /api/v1/me/tokens/{id}", () => emp.delete(`/api/v1/me/tokens/${f.token.token?.id ?? f.token.id}`)],
  ["POST /api/v1/me/password", async () => { const u = await h.user(); const c = await h.signIn(u); return c.post("/api/v1/me/password", { currentPassword: u.password, newPassword: "a much longer new passphrase" }); }],
  ["POST /api/v1/auth/sign-out", async () => h.signIn(await h.user()).then((c) => c.post("/api/v1/auth/sign-out"))],
  // users and organisation
  ["GET /api/v1/users", () => admin.get("/api/v1/users")],
  ["POST /api/v1/users", async () => { const res = await admin.post("/api/v1/users", { username: "new-hire", displayName: "新员工", roles: ["employee"], password: "a long enough password" }); f.newUser = (await j(res)).user; return res; }],
  ["GET /api/v1/users/{id}", () => admin.get(`/api/v1/users/${f.newUser.id}`)],
  ["PATCH /api/v1/users/{id}", () => admin.patch(`/api/v1/users/${f.newUser.id}`, { position: "工程师" })],
  ["POST /api/v1/users/{id}/reset-password", () => admin.post(`/api/v1/users/${f.newUser.id}/reset-password`)],
  ["GET /api/v1/me/signing-pin", () => emp.get("/api/v1/me/signing-pin")],
  ["PUT /api/v1/me/signing-pin", async () => {
    const u = await h.user({ signingPin: false });
    const c = await h.signIn(u);
    return c.request("/api/v1/me/signing-pin", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ currentPassword: u.password, pin: "a signing pin" }) });
  }],
  ["POST /api/v1/users/{id}/reset-signing-pin", async () => admin.post(`/api/v1/users/${(await h.user()).id}/reset-signing-pin`)],
  ["GET /api/v1/departments", () => emp.get("/api/v1/departments")],
  ["POST /api/v1/departments", () => admin.post("/api/v1/departments", { code: "LAB", name: "实验室" })],
  ["GET /api/v1/organisation", () => emp.get("/api/v1/organisation")],
  ["PUT /api/v1/organisation", () => admin.request("/api/v1/organisation", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: "契约测试有限公司" }) })],
  // files
  ["POST /api/v1/files", async () => { const res = await postBytes(manager, "/api/v1/files?filename=scan.pdf&classification=internal", await createBasePdf({ pages: 1 }), "application/octet-stream"); f.file = await j(res); return res; }],
  ["GET /api/v1/files/{id}", () => manager.get(`/api/v1/files/${f.file.id}`)],
  ["GET /api/v1/files/{id}/content", () => manager.get(`/api/v1/files/${f.file.id}/content`)],
  // templates
  ["GET /api/v1/templates", () => emp.get("/api/v1/templates")],
  ["POST /api/v1/templates/{id}/render", () => manager.post("/api/v1/templates/ip-declaration/render?format=pdf", { values: sampleValues["ip-declaration"] })],
  // signature requests
  ["POST /api/v1/signature-requests", async () => {
    const fileId = await upload(manager, await createBasePdf({ pages: 1 }), "声明.pdf");
    const res = await manager.post("/api/v1/signature-requests", { title: "知识产权声明", source: { kind: "file", fileId }, signers: [{ userId: empUser.id, meaning: "acknowledged" }] });
    f.request = await j(res);
    return res;
  }],
  ["GET /api/v1/signature-requests", () => emp.get("/api/v1/signature-requests")],
  ["GET /api/v1/signature-requests/{id}", () => emp.get(`/api/v1/signature-requests/${f.request.id}`)],
  ["GET /api/v1/signature-requests/{id}/document", () => emp.get(`/api/v1/signature-requests/${f.request.id}/document?version=current`)],
  ["POST /api/v1/signature-requests/{id}/read", async () => (await emp.showEveryPage(`/api/v1/signature-requests/${f.request.id}/document?version=current`, `/api/v1/signature-requests/${f.request.id}/read`)).read!],
  ["POST /api/v1/signature-requests/remind", () => admin.post("/api/v1/signature-requests/remind")],
  ["POST /api/v1/signature-requests/{id}/signers/{signerId}/link", async () => { const res = await manager.post(`/api/v1/signature-requests/${f.request.id}/signers/${f.request.signers[0].id}/link`); f.link = await j(res); return res; }],
  ["POST /api/v1/signing-links/{token}/open", () => emp.post(`/api/v1/signing-links/${f.link.token}/open`)],
  ["POST /api/v1/signature-requests/{id}/sign", () => emp.post(`/api/v1/signature-requests/${f.request.id}/sign`, { pin: empUser.pin, consent: true })],
  ["POST /api/v1/signatures/verify", async () => {
    const signed = new Uint8Array(await (await emp.get(`/api/v1/signature-requests/${f.request.id}/document?version=final`)).arrayBuffer());
    return postBytes(emp, "/api/v1/signatures/verify", signed, "application/pdf");
  }],
  ["POST /api/v1/signature-requests/{id}/decline", async () => {
    const fileId = await upload(manager, await createBasePdf({ pages: 1 }), "b.pdf");
    const r = await j(await manager.post("/api/v1/signature-requests", { title: "拒签", source: { kind: "file", fileId }, signers: [{ userId: empUser.id, meaning: "acknowledged" }] }), 201);
    return emp.post(`/api/v1/signature-requests/${r.id}/decline`, { reason: "条款有误" });
  }],
  ["POST /api/v1/signature-requests/{id}/cancel", async () => {
    const fileId = await upload(manager, await createBasePdf({ pages: 1 }), "c.pdf");
    const r = await j(await manager.post("/api/v1/signature-requests", { title: "撤回", source: { kind: "file", fileId }, signers: [{ userId: empUser.id, meaning: "acknowledged" }] }), 201);
    return manager.post(`/api/v1/signature-requests/${r.id}/cancel`, { reason: "发错了" });
  }],
  // controlled documents
  ["GET /api/v1/document-categories", () => emp.get("/api/v1/document-categories")],
  ["POST /api/v1/document-categories", () => admin.post("/api/v1/document-categories", { id: "patent-rules", name: "专利管理制度", nameEn: "Patent rules", numberPattern: "IPM-PT-{year}-{seq:2}", labelScheme: "numeric", clauses: ["6.2"], draftRoles: ["ip-staff"], reviewRoles: ["ip-manager"], approveRoles: ["top-manager"] })],
  ["PATCH /api/v1/document-categories/{id}", () => admin.patch("/api/v1/document-categories/patent-rules", { defaultReviewMonths: 24 })],
  ["POST /api/v1/documents", async () => { const res = await staff.post("/api/v1/documents", { categoryId: "procedure", title: "专利申请程序", keywords: ["专利"] }); f.doc = await j(res); return res; }],
  ["PUT /api/v1/revisions/{id}/files/{kind}", async () => putFile(staff, `/api/v1/revisions/${f.doc.revision.id}/files/release?filename=p.pdf`, await procedurePdf("专利申请程序", "正文"))],
  ["PATCH /api/v1/revisions/{id}", () => staff.patch(`/api/v1/revisions/${f.doc.revision.id}`, { changeSummary: "首次发布" })],
  ["POST /api/v1/revisions/{id}/submit", () => staff.post(`/api/v1/revisions/${f.doc.revision.id}/submit`, { reviewerIds: [managerUser.id], approverId: topUser.id })],
  ["GET /api/v1/revisions/{id}/review-copy", () => manager.get(`/api/v1/revisions/${f.doc.revision.id}/review-copy`)],
  ["POST /api/v1/revisions/{id}/read", async () => (await manager.showEveryPage(`/api/v1/revisions/${f.doc.revision.id}/review-copy`, `/api/v1/revisions/${f.doc.revision.id}/read`)).read!],
  ["POST /api/v1/revisions/{id}/decision", async () => {
    await j(await manager.post(`/api/v1/revisions/${f.doc.revision.id}/decision`, { decision: "approve", pin: managerUser.pin }), 200);
    await top.readRevision(f.doc.revision.id);
    return top.post(`/api/v1/revisions/${f.doc.revision.id}/decision`, { decision: "approve", pin: topUser.pin });
  }],
  ["GET /api/v1/revisions/{id}/pdf", () => emp.get(`/api/v1/revisions/${f.doc.revision.id}/pdf`)],
  ["GET /api/v1/revisions/{id}/signed-pdf", () => emp.get(`/api/v1/revisions/${f.doc.revision.id}/signed-pdf`)],
  ["GET /api/v1/documents", () => emp.get(`/api/v1/documents?q=${encodeURIComponent("专利")}`)],
  ["GET /api/v1/documents/{id}", () => emp.get(`/api/v1/documents/${f.doc.document.id}`)],
  ["PATCH /api/v1/documents/{id}", () => staff.patch(`/api/v1/documents/${f.doc.document.id}`, { keywords: ["专利", "申请"] })],
  ["GET /api/v1/documents/by-number/{number}/current", () => emp.get(`/api/v1/documents/by-number/${f.doc.document.number}/current`)],
  ["GET /api/v1/documents/by-number/{number}/current/pdf", () => emp.get(`/api/v1/documents/by-number/${f.doc.document.number}/current/pdf`)],
  ["GET /api/v1/documents/reviews-due", () => manager.get("/api/v1/documents/reviews-due")],
  ["POST /api/v1/documents/{id}/periodic-review", () => manager.post(`/api/v1/documents/${f.doc.document.id}/periodic-review`, { outcome: "no-change", comments: "仍适用", pin: managerUser.pin })],
  ["POST /api/v1/documents/{id}/acknowledgements", () => manager.post(`/api/v1/documents/${f.doc.document.id}/acknowledgements`, { departmentIds: [f.rnd.id] })],
  ["GET /api/v1/documents/{id}/acknowledgements", () => manager.get(`/api/v1/documents/${f.doc.document.id}/acknowledgements`)],
  ["POST /api/v1/documents/{id}/grants", () => manager.post(`/api/v1/documents/${f.doc.document.id}/grants`, { userId: empUser.id, reason: "项目需要" })],
  ["POST /api/v1/documents/{id}/handovers", async () => { f.doc2 = await effectiveDocument("发明披露程序"); return manager.post(`/api/v1/documents/${f.doc.document.id}/handovers`, { toDocumentId: f.doc2.document.id, description: "转入专利申请" }); }],
  ["POST /api/v1/documents/{id}/revisions", async () => { const res = await staff.post(`/api/v1/documents/${f.doc.document.id}/revisions`, {}); f.draft = await j(res); return res; }],
  ["DELETE /api/v1/revisions/{id}", () => staff.delete(`/api/v1/revisions/${f.draft.id ?? f.draft.revision?.id}`)],
  ["POST /api/v1/documents/{id}/withdraw", () => top.post(`/api/v1/documents/${f.doc2.document.id}/withdraw`, { reason: "合并" })],
  ["POST /api/v1/documents/{id}/ip-manual", async () => { const manual = await j(await manager.post("/api/v1/documents", { categoryId: "manual", title: "知识产权管理手册" }), 201); return manager.post(`/api/v1/documents/${manual.document.id}/ip-manual`); }],
  // records
  ["GET /api/v1/record-classes", () => emp.get("/api/v1/record-classes")],
  ["POST /api/v1/record-classes", async () => { const res = await manager.post("/api/v1/record-classes", { code: "R-X-01", name: "临时记录", nameEn: "Temporary", clause: "13.4", retentionAmount: 2, retentionUnit: "years", trigger: "creation", disposition: "destroy" }); f.cls = await j(res); return res; }],
  ["GET /api/v1/record-classes/{id}", () => manager.get(`/api/v1/record-classes/${f.cls.id}`)],
  ["PATCH /api/v1/record-classes/{id}", () => manager.patch(`/api/v1/record-classes/${f.cls.id}`, { retentionAmount: 3, reason: "内审建议" })],
  ["DELETE /api/v1/record-classes/{id}", () => manager.delete(`/api/v1/record-classes/${f.cls.id}`)],
  ["POST /api/v1/records", async () => {
    const fileId = await upload(manager, await createBasePdf({ pages: 1 }), "纠正措施.pdf");
    const res = await manager.post("/api/v1/records", { classId: CORRECTIVE, title: "纠正措施记录", author: "知识产权办公室", recordDate: "2026-01-15", fileId });
    f.record = await j(res);
    return res;
  }],
  ["GET /api/v1/records", () => manager.get(`/api/v1/records?q=${encodeURIComponent("纠正")}`)],
  ["GET /api/v1/records/{id}", () => manager.get(`/api/v1/records/${f.record.id}`)],
  ["PATCH /api/v1/records/{id}", () => manager.patch(`/api/v1/records/${f.record.id}`, { description: "补充说明", reason: "补录" })],
  ["GET /api/v1/records/{id}/content", () => manager.get(`/api/v1/records/${f.record.id}/content`)],
  ["POST /api/v1/records/{id}/links", async () => { const res = await manager.post(`/api/v1/records/${f.record.id}/links`, { kind: "document", targetId: f.doc.document.id }); f.recordLink = await j(res); return res; }],
  ["POST /api/v1/records/{id}/links/{linkId}/remove", () => manager.post(`/api/v1/records/${f.record.id}/links/${f.recordLink.id}/remove`, { reason: "关联错误" })],
  ["POST /api/v1/records/{id}/retain", () => manager.post(`/api/v1/records/${f.record.id}/retain`, { until: "2040-01-01", reason: "诉讼时效" })],
  ["POST /api/v1/retention-events", () => manager.post("/api/v1/retention-events", { trigger: "employment-end", subjectId: f.newUser.id, occurredOn: "2026-01-20" })],
  ["POST /api/v1/external-documents", () => legal.post("/api/v1/external-documents", { docType: "lawyer-letter", title: "律师函", issuer: "某律师事务所", issuedOn: "2026-01-05", obtainedOn: "2026-01-08", arrivalMethod: "post", paperRoom: "档案室 A" })],
  ["POST /api/v1/cases", async () => { const res = await legal.post("/api/v1/cases", { title: "专利侵权纠纷", kind: "litigation", openedOn: "2026-01-10" }); f.case = await j(res); return res; }],
  ["GET /api/v1/cases", () => legal.get("/api/v1/cases")],
  ["GET /api/v1/cases/{id}", async () => {
    await declare(legal, { classId: CORRECTIVE, title: "涉案函件", links: [{ kind: "case", targetId: f.case.id }] });
    return legal.get(`/api/v1/cases/${f.case.id}`);
  }],
  ["POST /api/v1/legal-holds", async () => { const res = await legal.post("/api/v1/legal-holds", { matter: "专利侵权纠纷证据保全", reason: "诉讼", scope: { kind: "list", recordIds: [f.record.id] } }); f.hold = await j(res); return res; }],
  ["GET /api/v1/legal-holds", () => legal.get("/api/v1/legal-holds")],
  ["GET /api/v1/legal-holds/{id}", () => legal.get(`/api/v1/legal-holds/${f.hold.id}`)],
  ["POST /api/v1/legal-holds/{id}/records", async () => { const r = await declare(manager, { classId: CORRECTIVE, title: "追加保全的记录" }); return legal.post(`/api/v1/legal-holds/${f.hold.id}/records`, { recordIds: [r.id] }); }],
  ["POST /api/v1/legal-holds/{id}/release", () => legal.post(`/api/v1/legal-holds/${f.hold.id}/release`, { reason: "结案" })],
  ["POST /api/v1/cases/{id}/close", () => legal.post(`/api/v1/cases/${f.case.id}/close`, { closedOn: "2026-02-01", outcome: "和解" })],
  ["GET /api/v1/disposal/due", async () => {
    f.old = await declare(manager, { classId: CORRECTIVE, title: "2010 年纠正措施记录", recordDate: "2010-03-01" }, { bytes: await createBasePdf({ pages: 3 }), name: "old.pdf" });
    f.old2 = await declare(manager, { classId: CORRECTIVE, title: "2011 年纠正措施记录", recordDate: "2011-03-01" });
    f.letter = await declare(manager, { classId: LAWYER_LETTERS, title: "2012 年律师函", recordDate: "2012-03-01" }, { bytes: await createBasePdf({ pages: 4 }), name: "letter.pdf" });
    return manager.get("/api/v1/disposal/due");
  }],
  ["POST /api/v1/disposals", async () => { const res = await manager.post("/api/v1/disposals", { action: "destroy", recordIds: [f.old.id], reason: "保管期限届满" }); f.disposal = await j(res); return res; }],
  ["GET /api/v1/disposals", () => manager.get("/api/v1/disposals")],
  ["GET /api/v1/disposals/{id}", () => manager.get(`/api/v1/disposals/${f.disposal.id}`)],
  ["POST /api/v1/disposals/{id}/decision", async () => {
    await j(await manager2.post(`/api/v1/disposals/${f.disposal.id}/decision`, { decision: "approved", password: manager2User.password }), 200);
    return legal.post(`/api/v1/disposals/${f.disposal.id}/decision`, { decision: "approved", password: legalUser.password });
  }],
  ["GET /api/v1/disposals/{id}/certificate", () => manager.get(`/api/v1/disposals/${f.disposal.id}/certificate`)],
  ["GET /api/v1/disposals/{id}/package", async () => {
    const transfer = await j(await manager.post("/api/v1/disposals", { action: "transfer", recordIds: [f.letter.id], reason: "移交档案馆", recipient: "市档案馆" }), 201);
    await j(await manager2.post(`/api/v1/disposals/${transfer.id}/decision`, { decision: "approved", password: manager2User.password }), 200);
    await j(await legal.post(`/api/v1/disposals/${transfer.id}/decision`, { decision: "approved", password: legalUser.password }), 200);
    await h.deps.jobs.runDue();
    return manager.get(`/api/v1/disposals/${transfer.id}/package`);
  }],
  ["POST /api/v1/disposals/{id}/cancel", async () => {
    const d = await j(await manager.post("/api/v1/disposals", { action: "destroy", recordIds: [f.old2.id], reason: "到期" }), 201);
    return manager.post(`/api/v1/disposals/${d.id}/cancel`, { reason: "需再鉴定" });
  }],
  ["POST /api/v1/retention/sweep", () => admin.post("/api/v1/retention/sweep")],
  ["POST /api/v1/fixity/run", async () => {
    // bytes no other fixture has (a blob is shared by everything with the same bytes)
    const r = await declare(manager, { classId: CORRECTIVE, title: "将被损坏的记录" }, { bytes: await createBasePdf({ pages: 11 }), name: "damaged.pdf" });
    const sha = r.contentSha256!;
    writeFileSync(join(h.dataDir, "blobs", sha.slice(0, 2), sha.slice(2, 4), sha), "tampered");
    return admin.post("/api/v1/fixity/run");
  }],
  ["GET /api/v1/integrity-incidents", async () => { const res = await manager.get("/api/v1/integrity-incidents"); f.incidents = await j(res); return res; }],
  ["POST /api/v1/integrity-incidents/{id}/resolve", () => admin.post(`/api/v1/integrity-incidents/${f.incidents[0].id}/resolve`, { resolution: "已从备份恢复" })],
  ["POST /api/v1/imports", async () => {
    const csv = ["类别代码,题名,日期,责任者,密级,库房", "R-13.4-01,导入的纠正措施,2021-03-01,内审组,内部,档案室 B", "R-13.4-01,,2021-03-01,内审组,内部,档案室 B"].join("\r\n");
    const res = await postBytes(manager, `/api/v1/imports?kind=records&mode=valid-rows&filename=${encodeURIComponent("台账.csv")}`, new TextEncoder().encode(csv), "text/csv");
    f.import = await j(res);
    await h.deps.jobs.runDue();
    return res;
  }],
  ["GET /api/v1/imports/{id}", () => manager.get(`/api/v1/imports/${f.import.batch.id}`)],
  ["GET /api/v1/imports/{id}/report.csv", () => manager.get(`/api/v1/imports/${f.import.batch.id}/report.csv`)],
  // contracts
  ["POST /api/v1/contracts", async () => {
    const res = await legal.post("/api/v1/contracts", { title: "联合研发合同", type: "joint-development", counterparties: [{ name: "某某大学" }], effectiveOn: "2026-03-01", endOn: "2028-02-29" });
    f.contract = await j(res);
    return res;
  }],
  ["GET /api/v1/contracts", () => legal.get("/api/v1/contracts")],
  ["GET /api/v1/contract-checklists", () => legal.get("/api/v1/contract-checklists")],
  ["GET /api/v1/contracts/{id}", () => legal.get(`/api/v1/contracts/${f.contract.id}`)],
  ["PATCH /api/v1/contracts/{id}", () => legal.patch(`/api/v1/contracts/${f.contract.id}`, { notes: "补充", reason: "补录" })],
  ["PUT /api/v1/contracts/{id}/draft", async () => {
    const fileId = await upload(legal, await createBasePdf({ pages: 2 }), "合同.pdf");
    return legal.request(`/api/v1/contracts/${f.contract.id}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId }) });
  }],
  ["POST /api/v1/contracts/{id}/submit", () => legal.post(`/api/v1/contracts/${f.contract.id}/submit`)],
  ["POST /api/v1/contracts/{id}/return-to-draft", async () => {
    // a contract of its own, so the main one goes on through review and signing
    const other = await j(await legal.post("/api/v1/contracts", { title: "退回的合同", type: "other", counterparties: [{ name: "甲公司" }] }), 201);
    const fileId = await upload(legal, await createBasePdf({ pages: 1 }), "合同.pdf");
    await legal.request(`/api/v1/contracts/${other.id}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId }) });
    await legal.post(`/api/v1/contracts/${other.id}/submit`);
    return legal.post(`/api/v1/contracts/${other.id}/return-to-draft`, { reason: "对方要求修改" });
  }],
  ["POST /api/v1/contracts/{id}/reviews", async () => {
    const view = await j(await manager.get(`/api/v1/contracts/${f.contract.id}`), 200);
    const res = await manager.post(`/api/v1/contracts/${f.contract.id}/reviews`, { checklist: answer(view.checklist), findings: "符合要求", decision: "approve" });
    f.review = await j(res);
    await signRequest(manager, managerUser, f.review.signatureRequestId);
    return res;
  }],
  ["POST /api/v1/contracts/{id}/signing", () => legal.post(`/api/v1/contracts/${f.contract.id}/signing`, { signers: [{ userId: topUser.id, meaning: "signed" }] })],
  ["POST /api/v1/contracts/{id}/signed-scan", async () => {
    const c = await j(await legal.post("/api/v1/contracts", { title: "保密协议", type: "confidentiality", counterparties: [{ name: "某公司" }], effectiveOn: "2026-01-01", endOn: "2027-01-01" }), 201);
    const draftId = await upload(legal, await createBasePdf({ pages: 1 }), "nda.pdf");
    await j(await legal.request(`/api/v1/contracts/${c.id}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId: draftId }) }), 200);
    await j(await legal.post(`/api/v1/contracts/${c.id}/submit`), 200);
    const view = await j(await manager.get(`/api/v1/contracts/${c.id}`), 200);
    const review = await j(await manager.post(`/api/v1/contracts/${c.id}/reviews`, { checklist: answer(view.checklist), findings: "符合要求", decision: "approve" }), 201);
    await signRequest(manager, managerUser, review.signatureRequestId);
    const scanId = await upload(legal, await createBasePdf({ pages: 1 }), "扫描件.pdf");
    f.scanned = c;
    return legal.post(`/api/v1/contracts/${c.id}/signed-scan`, { fileId: scanId, signedOn: "2026-01-02" });
  }],
  ["POST /api/v1/contracts/{id}/status", () => legal.post(`/api/v1/contracts/${f.scanned.id}/status`, { status: "terminated", on: "2026-01-05", reason: "提前终止" })],
  // module items (the test module's generated routes)
  ["GET /api/v1/m", () => manager.get("/api/v1/m")],
  ["POST /api/v1/m/quality/inspection", async () => { const res = await manager.post("/api/v1/m/quality/inspection", { data: { subject: "专利台账检查", plannedOn: "2026-03-10", inspectorId: empUser.id } }); f.item = await j(res); return res; }],
  ["GET /api/v1/m/quality/inspection", () => manager.get("/api/v1/m/quality/inspection")],
  ["GET /api/v1/m/quality/inspection/{id}", () => manager.get(`/api/v1/m/quality/inspection/${f.item.id}`)],
  ["PATCH /api/v1/m/quality/inspection/{id}", () => manager.patch(`/api/v1/m/quality/inspection/${f.item.id}`, { subject: "专利台账检查（改）" })],
  ["POST /api/v1/m/quality/inspection/{id}/links", async () => { const res = await manager.post(`/api/v1/m/quality/inspection/${f.item.id}/links`, { kind: "record", targetId: f.record.id }); f.itemLink = await j(res); return res; }],
  ["DELETE /api/v1/m/quality/inspection/{id}/links/{linkId}", () => manager.delete(`/api/v1/m/quality/inspection/${f.item.id}/links/${f.itemLink.id}`)],
  ["POST /api/v1/m/quality/inspection/{id}/actions/inspect", () => emp.post(`/api/v1/m/quality/inspection/${f.item.id}/actions/inspect`, { data: { findings: "无问题。", reviewerId: managerUser.id } })],
  ["POST /api/v1/m/quality/inspection/{id}/actions/reopen", () => manager.post(`/api/v1/m/quality/inspection/${f.item.id}/actions/reopen`, { comment: "补充检查" })],
  ["POST /api/v1/m/quality/inspection/{id}/actions/approve", async () => {
    await j(await emp.post(`/api/v1/m/quality/inspection/${f.item.id}/actions/inspect`, { data: { findings: "无问题。", reviewerId: managerUser.id } }), 200);
    return manager.post(`/api/v1/m/quality/inspection/${f.item.id}/actions/approve`, {});
  }],
  ["GET /api/v1/m/quality/inspection/{id}/pdf", () => manager.get(`/api/v1/m/quality/inspection/${f.item.id}/pdf`)],
  // evidence, auditors, audit trail, audit packages
  ["GET /api/v1/clauses", () => manager.get("/api/v1/clauses")],
  ["GET /api/v1/evidence/search", async () => { const res = await manager.get("/api/v1/evidence/search?kind=record"); f.hits = await j(res); return res; }],
  ["POST /api/v1/evidence/resolve", () => manager.post("/api/v1/evidence/resolve", { refs: [{ kind: "record", id: f.record.id }] })],
  ["GET /api/v1/evidence/matrix", () => manager.get("/api/v1/evidence/matrix?format=json")],
  ["GET /api/v1/evidence/{kind}/{id}", async () => { const res = await manager.get(`/api/v1/evidence/record/${f.record.id}`); f.evidence = await j(res); return res; }],
  ["GET /api/v1/evidence/{kind}/{id}/files/{sha256}", () => manager.get(`/api/v1/evidence/record/${f.record.id}/files/${f.record.contentSha256}`)],
  ["GET /api/v1/audit/grants", () => manager.get("/api/v1/audit/grants")],
  ["POST /api/v1/audit/grants", async () => { const res = await manager.post("/api/v1/audit/grants", { auditorId: auditorUser.id, purpose: "年度内审", endsAt: "2027-12-31T00:00:00+08:00", maxClassification: "internal" }); f.grant = await j(res); return res; }],
  ["POST /api/v1/audit/grants/{id}/revoke", async () => {
    const g = await j(await manager.post("/api/v1/audit/grants", { auditorId: auditorUser.id, purpose: "临时", endsAt: "2027-12-31T00:00:00+08:00", maxClassification: "public" }), 201);
    return manager.post(`/api/v1/audit/grants/${g.id ?? g.grant?.id}/revoke`, { reason: "不再需要" });
  }],
  ["GET /api/v1/audit/verify", () => admin.get("/api/v1/audit/verify")],
  ["GET /api/v1/audit/events", () => admin.get("/api/v1/audit/events?limit=50")],
  ["POST /api/v1/audit/packages", async () => { const res = await manager.post("/api/v1/audit/packages", { refs: [{ kind: "record", id: f.record.id }] }); f.pkg = await j(res); await h.deps.jobs.runDue(); return res; }],
  ["GET /api/v1/audit/packages", () => manager.get("/api/v1/audit/packages")],
  ["GET /api/v1/audit/packages/{id}", () => manager.get(`/api/v1/audit/packages/${f.pkg.id}`)],
  ["GET /api/v1/audit/packages/{id}/download", () => manager.get(`/api/v1/audit/packages/${f.pkg.id}/download`)],
];

beforeAll(async () => {
  adminUser = await h.user({ roles: ["admin"], clearance: "top-secret", displayName: "管理员" });
  admin = await h.signIn(adminUser);
  f.rnd = await j(await admin.post("/api/v1/departments", { code: "RND", name: "研发中心" }), 201);
  managerUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "top-secret" });
  topUser = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret" });
  legalUser = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "top-secret" });
  staffUser = await h.user({ roles: ["ip-staff"], displayName: "赵强", clearance: "top-secret" });
  empUser = await h.user({ roles: ["employee"], displayName: "张伟", departmentId: f.rnd.id });
  auditorUser = await h.user({ roles: ["auditor"], displayName: "刘审核", clearance: "secret" });
  manager = await h.signIn(managerUser);
  // the IP-manager approval of a disposal comes from someone other than its proposer
  manager2User = await h.user({ roles: ["ip-manager"], displayName: "赵敏", clearance: "top-secret" });
  manager2 = await h.signIn(manager2User);
  top = await h.signIn(topUser);
  legal = await h.signIn(legalUser);
  staff = await h.signIn(staffUser);
  emp = await h.signIn(empUser);
}, 120_000);

describe("the API contract", () => {
  it("the table calls every operation of the OpenAPI document (and nothing it does not have)", () => {
    const called = new Set(table.map(([op]) => op));
    const missing = operations.filter((op) => !called.has(op) && !(op in SKIPPED));
    const unknown = [...called, ...Object.keys(SKIPPED)].filter((op) => !operations.includes(op));
    expect(missing, "operations with no row in the contract table").toEqual([]);
    expect(unknown, "rows for operations the document does not have").toEqual([]);
    expect(table.length).toBe(called.size);
  });

  it("every operation answers 2xx with exactly what its response schema declares", async () => {
    const problems: string[] = [];
    for (const [op, call] of table) {
      const [method, path] = op.split(" ") as [string, string];
      const declared = doc.paths[path]?.[method.toLowerCase()];
      if (!declared) continue;
      let res: Response;
      try {
        res = await call();
      } catch (err) {
        problems.push(`${op}: the call failed: ${(err as Error).message}`);
        continue;
      }
      const status = String(res.status);
      const response = declared.responses[status];
      if (!status.startsWith("2") || !response) {
        problems.push(`${op}: answered ${status} ${(await res.text()).slice(0, 300)}`);
        continue;
      }
      const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
      const content = response.content ?? {};
      // a stored file is served with its own media type where the route declares any bytes
      const anyBytes = "application/octet-stream" in content || "*/*" in content;
      if (!(type in content) && !(anyBytes && !type.includes("json"))) {
        problems.push(`${op}: answered ${type}, declared ${Object.keys(content).join(", ") || "no body"}`);
        continue;
      }
      if (!type.includes("json")) continue;
      const schema = content[type]!.schema;
      if (saysNothing(schema)) {
        problems.push(`${op}: the ${status} response schema says nothing (z.any())`);
        for (const key of internalKeys(await res.clone().json())) problems.push(`${op}: answers an internal field ${key}`);
        if (process.env.CONTRACT_DUMP) appendFileSync(process.env.CONTRACT_DUMP, `${op}\n${(await res.text()).slice(0, 6000)}\n\n`);
        continue;
      }
      const open = openObjects(doc, schema);
      if (open.length && !(op in STILL_LOOSE)) problems.push(`${op}: response objects not strict: ${open.slice(0, 5).join(", ")}${open.length > 5 ? ` (+${open.length - 5})` : ""}`);
      if (!open.length && op in STILL_LOOSE) problems.push(`${op}: is strict now; remove it from STILL_LOOSE`);
      const body = await res.json();
      if (process.env.CONTRACT_DUMP) appendFileSync(process.env.CONTRACT_DUMP, `${op}\n${JSON.stringify(body).slice(0, 6000)}\n\n`);
      for (const key of internalKeys(body)) problems.push(`${op}: answers an internal field ${key}`);
      for (const p of validateJson(doc, schema, body).slice(0, 5)) problems.push(`${op}: ${p.path}: ${p.message}`);
    }
    expect(problems).toEqual([]);
  }, 300_000);
});
