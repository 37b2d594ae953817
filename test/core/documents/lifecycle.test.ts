import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { strToU8, zipSync } from "fflate";
import { afterAll, describe, expect, it } from "vitest";
import { systemContext } from "../../../src/core/context";
import { findSoffice } from "../../../src/core/documents/convert";
import { activateDueRevisions } from "../../../src/core/documents/revisions";
import { jobRunnerFor } from "../../../src/core/jobs/index";
import { signatureRequests } from "../../../src/db/schema/signatures";
import { errorCode, startHarness, type Client, type TestUser } from "../../support/app";
import { makeTempDir, pdfToText } from "../signatures/support/validators";
import { expectJson } from "../records/support";
import { procedurePdf } from "./fixtures";

const h = await startHarness();
const noOffice = await startHarness({ config: { soffice: "none" } });
const tmp = makeTempDir("custos-doclife-");
afterAll(() => tmp.cleanup());

const admin = await h.signIn(await h.user({ roles: ["admin"], clearance: "top-secret" }));
const ipo = (await (await admin.post("/api/v1/departments", { code: "IPO", name: "知识产权办公室", ipDuties: "统筹知识产权管理体系" })).json()) as { id: string };
const rnd = (await (await admin.post("/api/v1/departments", { code: "RND", name: "研发中心", ipDuties: "提交发明披露" })).json()) as { id: string };
const rndSub = (await (await admin.post("/api/v1/departments", { code: "RND-1", name: "研发一部", parentId: rnd.id })).json()) as { id: string };
const manager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential", departmentId: ipo.id });
const top = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret", departmentId: ipo.id });
const staff = await h.user({ roles: ["ip-staff"], displayName: "赵强", clearance: "confidential", departmentId: ipo.id });
const engineer1 = await h.user({ roles: ["employee"], displayName: "张伟", departmentId: rnd.id });
const engineer2 = await h.user({ roles: ["employee"], displayName: "刘洋", departmentId: rndSub.id });
const m = await h.signIn(manager);
const tm = await h.signIn(top);
const st = await h.signIn(staff);

async function effectiveDoc(
  client: Client,
  category: string,
  title: string,
  reviewer: TestUser,
  approverUser: TestUser,
  approverClient: Client,
  reviewerClient: Client,
  classification = "internal",
) {
  const created = (await (await client.post("/api/v1/documents", { categoryId: category, title, classification })).json()) as { document: { id: string; number: string }; revision: { id: string } };
  await approveRevision(client, created.revision.id, title, reviewer, approverUser, approverClient, reviewerClient);
  return created;
}

/** Attaches a release PDF to a draft revision and takes it through review and approval (to effective, unless dated later). */
async function approveRevision(client: Client, revisionId: string, title: string, reviewer: TestUser, approverUser: TestUser, approverClient: Client, reviewerClient: Client, expected = "effective") {
  await client.request(`/api/v1/revisions/${revisionId}/files/release?filename=p.pdf`, { method: "PUT", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await procedurePdf(title, "正文")) });
  await client.post(`/api/v1/revisions/${revisionId}/submit`, { reviewerIds: [reviewer.id], approverId: approverUser.id });
  await reviewerClient.readRevision(revisionId);
  await reviewerClient.post(`/api/v1/revisions/${revisionId}/decision`, { decision: "approve", pin: reviewer.pin });
  await approverClient.readRevision(revisionId);
  const res = await approverClient.post(`/api/v1/revisions/${revisionId}/decision`, { decision: "approve", pin: approverUser.pin });
  expect(((await res.json()) as { state: string }).state).toBe(expected);
}

describe("periodic review", () => {
  it("lists documents falling due and records a signed review that resets the due date", async () => {
    const doc = await effectiveDoc(st, "procedure", "专利申请程序", manager, top, tm, m);
    h.clock.advance(350 * 86_400_000);
    const due = (await (await m.get("/api/v1/documents/reviews-due")).json()) as { documents: { id: string; overdue: boolean }[] };
    expect(due.documents.find((d) => d.id === doc.document.id)).toMatchObject({ overdue: false });
    h.clock.advance(30 * 86_400_000);
    const overdue = (await (await m.get("/api/v1/documents/reviews-due")).json()) as { documents: { id: string; overdue: boolean }[] };
    expect(overdue.documents.find((d) => d.id === doc.document.id)).toMatchObject({ overdue: true });

    expect(await errorCode(await m.post(`/api/v1/documents/${doc.document.id}/periodic-review`, { outcome: "no-change", comments: "仍适用", pin: "wrong" }))).toBe("REAUTH_FAILED");
    const res = await m.post(`/api/v1/documents/${doc.document.id}/periodic-review`, { outcome: "no-change", comments: "经评审，程序仍适用，无需修改。", pin: manager.pin });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { nextReviewDue: string; signatureRequestId: string };
    expect(body.nextReviewDue > "2027-03-01").toBe(true);
    const record = await m.get(`/api/v1/signature-requests/${body.signatureRequestId}/document?version=final`);
    const text = pdfToText(new Uint8Array(await record.arrayBuffer()), tmp.dir);
    expect(text).toContain("文件定期评审记录");
    expect(text).toContain("经评审，程序仍适用");
    const after = (await (await m.get("/api/v1/documents/reviews-due")).json()) as { documents: { id: string }[] };
    expect(after.documents.map((d) => d.id)).not.toContain(doc.document.id);
    h.clock.set("2026-03-02T01:00:00.000Z");
  });

  it("opens a new draft when the outcome is 'revise', and withdraws on 'withdraw'", async () => {
    const revise = await effectiveDoc(st, "procedure", "商标使用程序", manager, top, tm, m);
    await m.post(`/api/v1/documents/${revise.document.id}/periodic-review`, { outcome: "revise", comments: "需要增加境外商标。", pin: manager.pin });
    const detail = (await (await m.get(`/api/v1/documents/${revise.document.id}`)).json()) as { revisions: { label: string; state: string }[] };
    expect(detail.revisions.map((r) => [r.label, r.state])).toEqual([["A", "effective"], ["B", "draft"]]);
    const withdraw = await effectiveDoc(st, "procedure", "旧程序", manager, top, tm, m);
    expect(await errorCode(await st.post(`/api/v1/documents/${withdraw.document.id}/periodic-review`, { outcome: "withdraw", comments: "x", pin: staff.pin }))).toBe("FORBIDDEN");
    await m.post(`/api/v1/documents/${withdraw.document.id}/periodic-review`, { outcome: "withdraw", comments: "已被新程序取代。", pin: manager.pin });
    const gone = (await (await m.get(`/api/v1/documents/${withdraw.document.id}`)).json()) as { document: { status: string }; revisions: { state: string }[] };
    expect(gone.document.status).toBe("withdrawn");
    expect(gone.revisions[0]!.state).toBe("obsolete");
  });
});

describe("acknowledgement", () => {
  it("asks every person of the named departments (and sub-departments) to acknowledge, and shows who has", async () => {
    const policy = await effectiveDoc(m, "policy", "知识产权方针", staff, top, tm, st);
    expect(await errorCode(await st.post(`/api/v1/documents/${policy.document.id}/acknowledgements`, { departmentIds: [rnd.id] }))).toBe("FORBIDDEN");
    const res = await m.post(`/api/v1/documents/${policy.document.id}/acknowledgements`, { departmentIds: [rnd.id] });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { requested: number }).requested).toBe(2);
    const again = (await (await m.post(`/api/v1/documents/${policy.document.id}/acknowledgements`, { departmentIds: [rnd.id] })).json()) as { requested: number };
    expect(again.requested).toBe(0);

    const e1 = await h.signIn(engineer1);
    const inbox = (await (await e1.get("/api/v1/signature-requests")).json()) as { toSign: { id: string; title: string }[] };
    const mine = inbox.toSign.find((r) => r.title.includes(policy.document.number))!;
    const doc = await e1.readDocument(mine.id);
    expect(pdfToText(new Uint8Array(await doc.arrayBuffer()), tmp.dir)).toContain("知识产权方针");
    expect((await e1.post(`/api/v1/signature-requests/${mine.id}/sign`, { pin: engineer1.pin, consent: true })).status).toBe(200);

    const status = (await (await m.get(`/api/v1/documents/${policy.document.id}/acknowledgements`)).json()) as { acknowledged: { displayName: string }[]; pending: { displayName: string }[] };
    expect(status.acknowledged.map((x) => x.displayName)).toEqual(["张伟"]);
    expect(status.pending.map((x) => x.displayName)).toEqual(["刘洋"]);
    void engineer2;
  });

  it("names people not cleared for the document instead of asking them, and re-opens acknowledgement for a new revision", async () => {
    const cleared = await h.user({ roles: ["employee"], displayName: "孙工", clearance: "secret", departmentId: rndSub.id });
    const policy = await effectiveDoc(m, "regulation", "核心技术保密制度", staff, top, tm, st, "secret");
    const asked = await expectJson<{ requested: number; notCleared: string[] }>(await m.post(`/api/v1/documents/${policy.document.id}/acknowledgements`, { departmentIds: [rnd.id] }), 201);
    expect(asked.requested).toBe(1);
    expect(asked.notCleared.sort()).toEqual(["刘洋", "张伟"].sort());
    const first = await expectJson<{ revisionId: string; pending: { userId: string; signatureRequestId: string }[] }>(await m.get(`/api/v1/documents/${policy.document.id}/acknowledgements`), 200);
    expect(first.pending.map((p) => p.userId)).toEqual([cleared.id]);

    // revision B, approved to come into force next month, is put in force by the hourly run (nobody
    // signed in): the pending request for A is withdrawn, and a job asks 孙工 again, for B
    const next = await expectJson<{ id: string }>(await m.post(`/api/v1/documents/${policy.document.id}/revisions`, { major: false }), 201);
    await m.patch(`/api/v1/revisions/${next.id}`, { changeSummary: "增加保密期限条款", effectiveDate: "2026-04-01" });
    await approveRevision(m, next.id, "核心技术保密制度", staff, top, tm, st, "approved");
    const now = h.clock.now();
    h.clock.set("2026-04-01T00:30:00Z");
    try {
      expect(await activateDueRevisions(systemContext(h.deps))).toBeGreaterThanOrEqual(1);
      expect((await expectJson<{ effective: { id: string } }>(await m.get(`/api/v1/documents/${policy.document.id}`), 200)).effective.id).toBe(next.id);
      expect((await expectJson<{ status: string }>(await m.get(`/api/v1/signature-requests/${first.pending[0]!.signatureRequestId}`), 200)).status).toBe("cancelled");
      const [old] = await h.deps.db.select().from(signatureRequests).where(eq(signatureRequests.id, first.pending[0]!.signatureRequestId));
      expect(old!.closedReason).toContain("superseded by B");
      expect(await jobRunnerFor(h.deps).runDue()).toBeGreaterThanOrEqual(1);
    } finally {
      h.clock.set(now.toISOString());
    }
    const reopened = await expectJson<{ revisionId: string; pending: { userId: string; signatureRequestId: string }[]; acknowledged: unknown[] }>(
      await m.get(`/api/v1/documents/${policy.document.id}/acknowledgements`),
      200,
    );
    expect(reopened.revisionId).toBe(next.id);
    expect(reopened.pending.map((p) => p.userId)).toEqual([cleared.id]);
    expect(reopened.pending[0]!.signatureRequestId).not.toBe(first.pending[0]!.signatureRequestId);
    expect(reopened.acknowledged).toEqual([]);
    // withdrawn, the document is no longer put to anyone for acknowledgement
    expect((await tm.post(`/api/v1/documents/${policy.document.id}/withdraw`, { reason: "制度废止" })).status).toBe(200);
    expect((await expectJson<{ status: string }>(await m.get(`/api/v1/signature-requests/${reopened.pending[0]!.signatureRequestId}`), 200)).status).toBe("cancelled");
  });
});

describe("IP manual", () => {
  it("generates the manual from live data as a DOCX draft revision that LibreOffice renders in Chinese", async () => {
    const proc = await effectiveDoc(st, "procedure", "发明披露程序", manager, top, tm, m);
    const proc2 = await effectiveDoc(st, "procedure", "专利申请程序", manager, top, tm, m);
    await m.post(`/api/v1/documents/${proc.document.id}/handovers`, { toDocumentId: proc2.document.id, description: "评估通过的发明披露转入专利申请" });
    const secret = (await (await st.post("/api/v1/documents", { categoryId: "procedure", title: "核心配方保密程序", classification: "secret" })).json()) as { document: { number: string } };
    const manual = (await (await m.post("/api/v1/documents", { categoryId: "manual", title: "知识产权管理手册" })).json()) as { document: { id: string; number: string } };
    expect(await errorCode(await m.post(`/api/v1/documents/${proc.document.id}/ip-manual`))).toBe("VALIDATION_FAILED");
    const res = await m.post(`/api/v1/documents/${manual.document.id}/ip-manual`);
    expect(res.status).toBe(200);
    const docx = Buffer.from(await res.arrayBuffer());
    const file = join(tmp.dir, "manual.docx");
    writeFileSync(file, docx);
    const xml = execFileSync("unzip", ["-p", file, "word/document.xml"], { encoding: "utf8" });
    for (const expected of ["知识产权管理手册", "知识产权办公室", "统筹知识产权管理体系", proc.document.number, "发明披露程序", "评估通过的发明披露转入专利申请"]) {
      expect(xml).toContain(expected);
    }
    // an internal manual neither names nor counts a secret procedure
    expect(xml).not.toContain("核心配方保密程序");
    expect(xml).not.toContain(secret.document.number);
    expect(xml).toContain("本清单只列出密级不高于本手册的文件");
    expect(xml).not.toMatch(/另有 \d+ 份/);
    const detail = (await (await m.get(`/api/v1/documents/${manual.document.id}`)).json()) as { revisions: { state: string; sourceSha256: string | null; releaseSha256: string | null }[] };
    expect(detail.revisions[0]).toMatchObject({ state: "draft" });
    expect(detail.revisions[0]!.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
    if (await findSoffice()) {
      expect(res.headers.get("x-conversion")).toBe("converted");
      expect(detail.revisions[0]!.releaseSha256).toMatch(/^[0-9a-f]{64}$/);
      const pdf = await m.get(`/api/v1/revisions/${res.headers.get("x-revision-id")}/pdf`);
      const text = pdfToText(new Uint8Array(await pdf.arrayBuffer()), tmp.dir);
      expect(text).toContain("知识产权管理手册");
      expect(text).toContain("草稿 DRAFT");
    } else {
      expect(res.headers.get("x-conversion")).toBe("unavailable");
    }
  });

  it("asks for the PDF when the server cannot convert DOCX", async () => {
    const user = await noOffice.user({ roles: ["ip-staff"] });
    const client = await noOffice.signIn(user);
    const created = (await (await client.post("/api/v1/documents", { categoryId: "procedure", title: "无转换" })).json()) as { revision: { id: string } };
    const res = await client.request(`/api/v1/revisions/${created.revision.id}/files/source?filename=p.docx`, {
      method: "PUT",
      headers: { "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
      body: minimalDocx(),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { conversion: string; message: string };
    expect(body.conversion).toBe("unavailable");
    expect(body.message).toMatch(/LibreOffice/);
    expect(await errorCode(await client.post(`/api/v1/revisions/${created.revision.id}/submit`, { reviewerIds: [user.id], approverId: user.id }))).toBe("INVALID_STATE");
  });

  it("refuses a source that only claims to be a Word document, and keeps the draft as it was", async () => {
    const user = await noOffice.user({ roles: ["ip-staff"] });
    const client = await noOffice.signIn(user);
    const created = (await (await client.post("/api/v1/documents", { categoryId: "procedure", title: "伪装的 DOCX" })).json()) as { document: { id: string }; revision: { id: string } };
    const put = (filename: string, body: Uint8Array<ArrayBuffer>) =>
      client.request(`/api/v1/revisions/${created.revision.id}/files/source?filename=${filename}`, {
        method: "PUT",
        headers: { "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
        body,
      });
    for (const fake of [new TextEncoder().encode("这只是一段文字"), new Uint8Array([0x50, 0x4b, 0x03, 0x04]), new Uint8Array(zipSync({ "other.xml": strToU8("<x/>") }))]) {
      const res = await put("p.docx", fake);
      expect(res.status).toBe(422);
      expect(await errorCode(res)).toBe("UNREADABLE_CONTENT");
    }
    expect(await errorCode(await put("p.doc", minimalDocx()))).toBe("UNREADABLE_CONTENT");
    const detail = (await (await client.get(`/api/v1/documents/${created.document.id}`)).json()) as { revisions: { sourceSha256: string | null }[] };
    expect(detail.revisions[0]!.sourceSha256).toBeNull();
    expect((await put("p.docx", minimalDocx())).status).toBe(200);
  });
});

/** The smallest zip Word and Custos take for a DOCX: it has the main document part. */
function minimalDocx(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(zipSync({
    "[Content_Types].xml": strToU8('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
    "word/document.xml": strToU8('<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>'),
  }));
}

describe("categories", () => {
  it("lets admins add a category with its own numbering and roles, and nobody else", async () => {
    const input = {
      id: "patent-rules",
      name: "专利管理制度",
      nameEn: "Patent rules",
      numberPattern: "IPM-PT-{year}-{seq:2}",
      labelScheme: "numeric",
      clauses: ["6.2"],
      draftRoles: ["ip-staff"],
      reviewRoles: ["legal"],
      approveRoles: ["top-manager"],
    };
    expect(await errorCode(await m.post("/api/v1/document-categories", input))).toBe("FORBIDDEN");
    expect((await admin.post("/api/v1/document-categories", input)).status).toBe(201);
    expect(await errorCode(await admin.post("/api/v1/document-categories", input))).toBe("ALREADY_EXISTS");
    const created = (await (await st.post("/api/v1/documents", { categoryId: "patent-rules", title: "专利管理办法" })).json()) as { document: { number: string }; revision: { label: string } };
    expect(created.document.number).toBe("IPM-PT-2026-01");
    expect(created.revision.label).toBe("1.0");
  });

  it("lets admins change who may draft and the number pattern, audited with old and new values; the label scheme stays once documents exist", async () => {
    const patch = (client: Client, body: unknown) => client.request("/api/v1/document-categories/patent-rules", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(await errorCode(await patch(m, { draftRoles: ["ip-manager"] }))).toBe("FORBIDDEN");
    expect(await errorCode(await patch(admin, {}))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await patch(admin, { numberPattern: "no-seq" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await patch(admin, { labelScheme: "alpha" }))).toBe("INVALID_STATE");
    expect(await errorCode(await admin.request("/api/v1/document-categories/nope", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ defaultReviewMonths: 6 }) }))).toBe("INVALID_REFERENCE");
    const updated = await expectJson<{ draftRoles: string[]; numberPattern: string }>(await patch(admin, { draftRoles: ["ip-manager"], numberPattern: "IPM-PT2-{seq:3}" }), 200);
    expect(updated).toMatchObject({ draftRoles: ["ip-manager"], numberPattern: "IPM-PT2-{seq:3}" });
    // staff may no longer draft there; the manager may, and the sequence goes on under the new pattern
    expect(await errorCode(await st.post("/api/v1/documents", { categoryId: "patent-rules", title: "专利奖励办法" }))).toBe("FORBIDDEN");
    const next = await expectJson<{ document: { number: string } }>(await m.post("/api/v1/documents", { categoryId: "patent-rules", title: "专利奖励办法" }), 201);
    expect(next.document.number).toBe("IPM-PT2-002");
    const events = await expectJson<{ events: { action: string; data: { before: unknown; after: unknown } }[] }>(await admin.get("/api/v1/audit/events?objectId=patent-rules&action=document_category.updated"), 200);
    expect(events.events[0]!.data).toEqual({
      before: { draftRoles: ["ip-staff"], numberPattern: "IPM-PT-{year}-{seq:2}" },
      after: { draftRoles: ["ip-manager"], numberPattern: "IPM-PT2-{seq:3}" },
    });
  });
});
