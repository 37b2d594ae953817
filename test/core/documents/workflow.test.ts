import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { activateDueRevisions } from "../../../src/core/documents/revisions";
import { systemContext } from "../../../src/core/context";
import { certificatePemToDer } from "../../../src/core/signatures/pki/index";
import { readCertificate } from "../../../src/core/signatures/pki/read-certificate";
import { latestArchivedVersion } from "../../../src/core/signatures/archive-chain";
import { renewArchiveTimestamps } from "../../../src/core/signatures/archive-renewal";
import { auditEvents } from "../../../src/db/schema/audit";
import { records } from "../../../src/db/schema/records";
import { errorCode, startHarness, type Client, type TestUser } from "../../support/app";
import { createNssDb, makeTempDir, pdfToText, runPdfsig } from "../signatures/support/validators";
import { expectJson } from "../records/support";
import { procedurePdf } from "./fixtures";

const h = await startHarness();
const tmp = makeTempDir("custos-docs-");
afterAll(() => tmp.cleanup());

const author = await h.user({ roles: ["ip-staff"], displayName: "王芳", clearance: "secret" });
const reviewerA = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "secret" });
const reviewerB = await h.user({ roles: ["ip-staff"], displayName: "赵强", clearance: "secret" });
const approver = await h.user({ roles: ["ip-manager"], displayName: "周经理", clearance: "secret" });
const reader = await h.user({ roles: ["employee"], displayName: "张伟", clearance: "internal" });
const a = await h.signIn(author);
const ra = await h.signIn(reviewerA);
const rb = await h.signIn(reviewerB);
const ap = await h.signIn(approver);
const rd = await h.signIn(reader);

async function attach(client: Client, revisionId: string, bytes: Uint8Array, kind = "release", filename = "procedure.pdf", type = "application/pdf") {
  return client.request(`/api/v1/revisions/${revisionId}/files/${kind}?filename=${encodeURIComponent(filename)}`, {
    method: "PUT",
    headers: { "content-type": type },
    body: new Uint8Array(bytes),
  });
}

async function decide(client: Client, user: TestUser, revisionId: string, decision = "approve", comments?: string) {
  await client.readRevision(revisionId);
  return client.post(`/api/v1/revisions/${revisionId}/decision`, { decision, comments, pin: user.pin });
}

async function newProcedure(title: string, body: string, classification = "internal") {
  const res = await a.post("/api/v1/documents", { categoryId: "procedure", title, classification, keywords: ["专利", "申请"] });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { document: { id: string; number: string }; revision: { id: string; label: string } };
  expect((await attach(a, created.revision.id, await procedurePdf(title, body))).status).toBe(200);
  return created;
}

async function approveThrough(revisionId: string) {
  const submit = await a.post(`/api/v1/revisions/${revisionId}/submit`, { reviewerIds: [reviewerA.id, reviewerB.id], approverId: approver.id });
  expect(submit.status).toBe(200);
  expect((await decide(ra, reviewerA, revisionId, "approve", "同意")).status).toBe(200);
  expect((await decide(rb, reviewerB, revisionId)).status).toBe(200);
  const final = await decide(ap, approver, revisionId, "approve", "批准发布");
  expect(final.status).toBe(200);
  return (await final.json()) as { state: string };
}

describe("controlled documents", () => {
  it("numbers documents per category and never reuses a number", async () => {
    const one = await newProcedure("专利申请程序", "本程序规定发明专利申请的流程。");
    const two = await newProcedure("商标管理程序", "本程序规定商标注册和使用。");
    expect(one.document.number).toMatch(/^IPM-PR-\d{3}$/);
    expect(Number(two.document.number.slice(-3))).toBe(Number(one.document.number.slice(-3)) + 1);
    expect(one.revision.label).toBe("A");
  });

  it("runs draft → review (in parallel) → approval → effective, with one embedded signature per reviewer and approver", async () => {
    const { document, revision } = await newProcedure("发明披露程序", "研发人员应在完成发明后及时提交发明披露表。");
    // reviewers cannot start before submission, the approver cannot go before the reviewers
    expect(await errorCode(await a.post(`/api/v1/revisions/${revision.id}/decision`, { decision: "approve", pin: author.pin }))).toBe("INVALID_STATE");
    await a.post(`/api/v1/revisions/${revision.id}/submit`, { reviewerIds: [reviewerA.id, reviewerB.id], approverId: approver.id });
    expect(await errorCode(await decide(ap, approver, revision.id))).toBe("NOT_YOUR_TURN");
    // the reviewers sign in either order; B first here
    expect((await decide(rb, reviewerB, revision.id, "approve", "无意见")).status).toBe(200);
    expect((await decide(ra, reviewerA, revision.id)).status).toBe(200);
    const approved = await decide(ap, approver, revision.id, "approve");
    expect(((await approved.json()) as { state: string }).state).toBe("effective");

    const current = (await (await rd.get(`/api/v1/documents/by-number/${document.number}/current`)).json()) as { revision: { label: string; state: string } };
    expect(current.revision).toMatchObject({ label: "A", state: "effective" });

    const copy = new Uint8Array(await (await rd.get(`/api/v1/documents/by-number/${document.number}/current/pdf`)).arrayBuffer());
    const root = certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text());
    const verdicts = runPdfsig(copy, createNssDb(tmp.dir, root), tmp.dir).filter((v) => !v.documentTimestamp);
    // the organisation seal certified the release before the reviewers and the approver signed it
    expect(verdicts.map((v) => v.commonName)).toEqual(["Custos 示例企业 电子印章 Organisation seal", "赵强", "李娜", "周经理"]);
    for (const v of verdicts) expect(v.signatureValid && v.certificateTrusted).toBe(true);
    const text = pdfToText(copy, tmp.dir);
    expect(text).toContain("受控副本 CONTROLLED COPY");
    expect(text).toContain(document.number);
    expect(text).toContain("张伟");

    // the document shows every signature: who, what it means, when, with which certificate
    const detail = await expectJson<{ signatures: { label: string; displayName: string; meaning: string; certificateSerial: string }[] }>(await rd.get(`/api/v1/documents/${document.id}`), 200);
    expect(detail.signatures.map((x) => [x.label, x.displayName, x.meaning])).toEqual([
      ["A", "赵强", "reviewed"],
      ["A", "李娜", "reviewed"],
      ["A", "周经理", "approved"],
    ]);
    const page = await (await rd.get(`/documents/${document.id}`, { accept: "text/html" })).text();
    const table = page.slice(page.indexOf('data-testid="signatures"'));
    for (const x of detail.signatures) expect(table).toContain(x.certificateSerial);
    expect(table).toContain("批准");
  });

  it("marks the old revision superseded on every page once the next one is in force", async () => {
    const { document, revision } = await newProcedure("专利年费管理程序", "每年核对专利年费缴纳期限。");
    await approveThrough(revision.id);
    const next = (await (await a.post(`/api/v1/documents/${document.id}/revisions`, { major: false })).json()) as { id: string; label: string };
    expect(next.label).toBe("B");
    expect((await attach(a, next.id, await procedurePdf("专利年费管理程序", "每年两次核对专利年费缴纳期限。"))).status).toBe(200);
    expect(await errorCode(await a.post(`/api/v1/revisions/${next.id}/submit`, { reviewerIds: [reviewerA.id], approverId: approver.id }))).toBe("VALIDATION_FAILED");
    await a.patch(`/api/v1/revisions/${next.id}`, { changeSummary: "核对频率改为每年两次" });
    const approved = await approveThrough(next.id);
    expect(approved.state).toBe("effective");
    const old = new Uint8Array(await (await rd.get(`/api/v1/revisions/${revision.id}/pdf`)).arrayBuffer());
    const pages = pdfToText(old, tmp.dir).split("\f").filter((p) => p.trim());
    // the two pages of the procedure: a release certified by the organisation seal (DocMDP) allows
    // signatures but no new page, so it gets no completion page
    expect(pages.length).toBe(2);
    for (const page of pages) expect(page).toMatch(/已替代 SUPERSEDED .*由 B 版替代/);
    const detail = (await (await rd.get(`/api/v1/documents/${document.id}`)).json()) as { revisions: { label: string; state: string; supersededByRevisionId: string | null }[] };
    expect(detail.revisions.map((r) => [r.label, r.state])).toEqual([
      ["A", "superseded"],
      ["B", "effective"],
    ]);

    // each revision put in force is a record of its release (the approved PDF, signatures and all),
    // kept from the day it is superseded for its class's period
    type Rec = { record: { id: string; title: string; classId: string; contentSha256: string; triggerDate: string | null; dueOn: string | null; sourceId: string } };
    const released = (await expectJson<{ items: Rec[] }>(await ap.get(`/api/v1/records?sourceKind=document-revision&q=${encodeURIComponent(document.number)}`), 200)).items;
    expect(released.map((r) => r.record.sourceId).sort()).toEqual([revision.id, next.id].sort());
    const recordOf = (id: string) => released.find((r) => r.record.sourceId === id)!.record;
    const [revA] = (await expectJson<{ revisions: { id: string; signedSha256: string }[] }>(await ap.get(`/api/v1/documents/${document.id}`), 200)).revisions;
    expect(recordOf(revision.id).contentSha256).toBe(revA!.signedSha256);
    expect(recordOf(revision.id).title).toContain(`${document.number} 专利年费管理程序 A`);
    const view = await expectJson<{ recordClass: { clause: string; retentionAmount: number; retentionUnit: string }; links: { kind: string; display: string }[] }>(
      await ap.get(`/api/v1/records/${recordOf(revision.id).id}`),
      200,
    );
    expect(view.links).toEqual([expect.objectContaining({ kind: "document", display: `${document.number} 专利年费管理程序 A` })]);
    expect(view.recordClass.retentionUnit).toBe("years");
    expect(recordOf(revision.id).triggerDate).toBe("2026-03-02");
    expect(recordOf(revision.id).dueOn).toBe(`${2026 + view.recordClass.retentionAmount}-03-02`);
    expect(recordOf(next.id)).toMatchObject({ triggerDate: null, dueOn: null });
  });

  it("returns a rejected revision to draft with the reasons, and lets the author fix and resubmit", async () => {
    const { document, revision } = await newProcedure("技术秘密管理程序", "技术秘密按密级管理。");
    await a.post(`/api/v1/revisions/${revision.id}/submit`, { reviewerIds: [reviewerA.id], approverId: approver.id });
    expect(await errorCode(await ra.post(`/api/v1/revisions/${revision.id}/decision`, { decision: "reject" }))).toBe("VALIDATION_FAILED");
    expect((await ra.post(`/api/v1/revisions/${revision.id}/decision`, { decision: "reject", comments: "第3条缺少密级定义" })).status).toBe(200);
    const detail = (await (await a.get(`/api/v1/documents/${document.id}`)).json()) as { revisions: { state: string; rejection: { reason: string } }[]; comments: { outcome: string; comments: string }[] };
    expect(detail.revisions[0]).toMatchObject({ state: "draft", rejection: { reason: "第3条缺少密级定义" } });
    expect(detail.comments).toEqual([expect.objectContaining({ outcome: "rejected", comments: "第3条缺少密级定义" })]);
    expect((await attach(a, revision.id, await procedurePdf("技术秘密管理程序", "技术秘密按秘密、机密、绝密三级管理。"))).status).toBe(200);
    expect((await approveThrough(revision.id)).state).toBe("effective");
  });

  it("never changes what was approved: not through the API, not even in SQL", async () => {
    const { revision } = await newProcedure("合同审查程序", "合同签订前进行知识产权审查。");
    await approveThrough(revision.id);
    const res = await attach(a, revision.id, await procedurePdf("x", "y"));
    expect(await errorCode(res)).toBe("INVALID_STATE");
    expect(await errorCode(await a.patch(`/api/v1/revisions/${revision.id}`, { changeSummary: "sneaky" }))).toBe("INVALID_STATE");
    const err = await h.deps.db.execute(sql`update document_revisions set release_sha256 = 'x' where id = ${revision.id}`).then(
      () => null,
      (e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message}`,
    );
    expect(err).toMatch(/cannot change/);
    expect(await errorCode(await decide(ap, approver, revision.id))).toBe("INVALID_STATE");
  });

  it("refuses self-approval where the category forbids it, and people without the role", async () => {
    const { revision } = await newProcedure("软件正版化程序", "使用正版软件。");
    const self = await h.user({ roles: ["ip-staff", "ip-manager"], clearance: "secret" });
    const selfClient = await h.signIn(self);
    const own = (await (await selfClient.post("/api/v1/documents", { categoryId: "procedure", title: "自审程序" })).json()) as { revision: { id: string } };
    await attach(selfClient, own.revision.id, await procedurePdf("自审程序", "x"));
    expect(await errorCode(await selfClient.post(`/api/v1/revisions/${own.revision.id}/submit`, { reviewerIds: [reviewerA.id], approverId: self.id }))).toBe("FORBIDDEN");
    expect(await errorCode(await a.post(`/api/v1/revisions/${revision.id}/submit`, { reviewerIds: [reader.id], approverId: approver.id }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await rd.post("/api/v1/documents", { categoryId: "procedure", title: "x" }))).toBe("FORBIDDEN");
  });

  it("refuses a release that is not a PDF", async () => {
    const created = (await (await a.post("/api/v1/documents", { categoryId: "procedure", title: "格式检查" })).json()) as { revision: { id: string } };
    const res = await attach(a, created.revision.id, new TextEncoder().encode("just text"), "release", "x.pdf");
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe("NOT_A_PDF");
  });

  it("hides documents above the reader's clearance everywhere unless granted by name", async () => {
    const { document } = await newProcedure("核心技术秘密清单管理", "绝密技术秘密目录。", "secret");
    expect(await errorCode(await rd.get(`/api/v1/documents/${document.id}`))).toBe("NOT_FOUND");
    const search = (await (await rd.get(`/api/v1/documents?q=${encodeURIComponent("技术秘密清单")}`)).json()) as { total: number };
    expect(search.total).toBe(0);
    // a hidden number answers exactly like a number that does not exist
    const message = async (number: string) => ((await (await rd.get(`/api/v1/documents/by-number/${number}/current`)).json()) as { error: { code: string; message: string } }).error;
    const unknown = document.number.replace(/\d+$/, "999");
    expect((await message(document.number)).message).toBe((await message(unknown)).message.replace(unknown, document.number));
    expect((await message(document.number)).code).toBe("NOT_FOUND");
    const lowAdmin = await h.signIn(await h.user({ roles: ["admin"], clearance: "internal" }));
    const events = (await (await lowAdmin.get(`/api/v1/audit/events?objectId=${document.id}`)).json()) as { events: unknown[] };
    expect(events.events).toEqual([]);
    const highAdmin = await h.signIn(await h.user({ roles: ["admin"], clearance: "secret" }));
    const seen = (await (await highAdmin.get(`/api/v1/audit/events?objectId=${document.id}`)).json()) as { events: { action: string }[] };
    expect(seen.events.map((e) => e.action)).toContain("document.created");
    const manager = await h.signIn(await h.user({ roles: ["ip-manager"], clearance: "secret" }));
    expect((await manager.post(`/api/v1/documents/${document.id}/grants`, { userId: reader.id, reason: "参与项目" })).status).toBe(200);
    expect((await rd.get(`/api/v1/documents/${document.id}`)).status).toBe(200);
    const after = (await (await rd.get(`/api/v1/documents?q=${encodeURIComponent("技术秘密清单")}`)).json()) as { total: number };
    expect(after.total).toBe(1);
  });

  it("finds Chinese substrings in the effective text, by number, and by filters", async () => {
    const { document, revision } = await newProcedure("知识产权风险管理程序", "识别侵权风险并制定应对预案，每年开展一次风险评估。");
    await approveThrough(revision.id);
    const search = async (query: string) =>
      ((await (await rd.get(`/api/v1/documents?${query}`)).json()) as { total: number; rows: { document: { number: string } }[] }).rows.map((r) => r.document.number);
    expect(await search(`q=${encodeURIComponent("应对预案")}`)).toContain(document.number);
    expect(await search(`q=${encodeURIComponent("风险")}&state=effective`)).toContain(document.number);
    expect(await search(`q=${document.number}`)).toEqual([document.number]);
    expect(await search(`q=${encodeURIComponent("应对预案")}&category=policy`)).toEqual([]);
    // by English title, owner department, and effective date
    const dept = await expectJson<{ id: string }>(await (await h.signIn(await h.user({ roles: ["admin"] }))).post("/api/v1/departments", { code: "LAW", name: "法务部" }), 201);
    expect((await a.patch(`/api/v1/documents/${document.id}`, { titleEn: "IP Risk Management Procedure", ownerDepartmentId: dept.id })).status).toBe(200);
    expect(await search(`q=${encodeURIComponent("Risk Management")}`)).toEqual([document.number]);
    expect(await search(`department=${dept.id}`)).toEqual([document.number]);
    expect(await search(`department=${dept.id}&effectiveFrom=2026-03-01&effectiveTo=2026-03-31`)).toEqual([document.number]);
    expect(await search(`department=${dept.id}&effectiveFrom=2026-04-01`)).toEqual([]);
    // a revision's PDF above the reader's clearance does not exist for them
    const { revision: secret } = await newProcedure("密级程序", "秘密内容。", "secret");
    expect(await errorCode(await rd.get(`/api/v1/revisions/${secret.id}/pdf`))).toBe("NOT_FOUND");
  });

  it("lets exactly one of two simultaneous approvals win", async () => {
    const { revision } = await newProcedure("并发审批测试程序", "同时批准。");
    await a.post(`/api/v1/revisions/${revision.id}/submit`, { reviewerIds: [reviewerA.id], approverId: approver.id });
    await decide(ra, reviewerA, revision.id);
    await ap.readRevision(revision.id);
    const [one, two] = await Promise.all([
      ap.post(`/api/v1/revisions/${revision.id}/decision`, { decision: "approve", pin: approver.pin }),
      ap.post(`/api/v1/revisions/${revision.id}/decision`, { decision: "approve", pin: approver.pin }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 409]);
  });

  it("lets exactly one of an approval and a rejection sent at the same moment win", async () => {
    const { document, revision } = await newProcedure("并发审批与驳回测试程序", "同时批准与驳回。");
    await a.post(`/api/v1/revisions/${revision.id}/submit`, { reviewerIds: [reviewerA.id], approverId: approver.id });
    await decide(ra, reviewerA, revision.id);
    await ap.readRevision(revision.id);
    const [approve, reject] = await Promise.all([
      ap.post(`/api/v1/revisions/${revision.id}/decision`, { decision: "approve", pin: approver.pin }),
      ap.post(`/api/v1/revisions/${revision.id}/decision`, { decision: "reject", comments: "第二条需修改" }),
    ]);
    expect([approve.status, reject.status].sort()).toEqual([200, 409]);
    const detail = await expectJson<{ revisions: { id: string; state: string }[] }>(await ap.get(`/api/v1/documents/${document.id}`), 200);
    expect(detail.revisions.find((r) => r.id === revision.id)!.state).toBe(approve.status === 200 ? "effective" : "draft");
  });

  it("makes an approved revision effective on its effective date", async () => {
    const { document, revision } = await newProcedure("未来生效程序", "下月生效。");
    await a.patch(`/api/v1/revisions/${revision.id}`, { effectiveDate: "2026-04-01" });
    expect((await approveThrough(revision.id)).state).toBe("approved");
    const draftCopy = pdfToText(new Uint8Array(await (await rd.get(`/api/v1/revisions/${revision.id}/pdf`)).arrayBuffer()), tmp.dir);
    expect(draftCopy).toContain("已批准");
    expect(await activateDueRevisions(systemContext(h.deps))).toBe(0);
    h.clock.set("2026-04-01T00:30:00Z");
    expect(await activateDueRevisions(systemContext(h.deps))).toBe(1);
    const current = (await (await rd.get(`/api/v1/documents/by-number/${document.number}/current`)).json()) as { revision: { state: string } };
    expect(current.revision.state).toBe("effective");
    // put in force by the hourly run, its release record is declared in the approver's name
    const [released] = await h.deps.db.select().from(records).where(and(eq(records.sourceKind, "document-revision"), eq(records.sourceId, revision.id)));
    expect(released).toMatchObject({ declaredBy: approver.id, recordDate: "2026-04-01" });
    h.clock.set("2026-03-02T01:00:00.000Z");
  });

  it("withdraws a document: the effective revision becomes obsolete and every copy says so", async () => {
    const { document, revision } = await newProcedure("旧版商标印制程序", "商标标识印制。");
    await approveThrough(revision.id);
    expect(await errorCode(await a.post(`/api/v1/documents/${document.id}/withdraw`, { reason: "合并" }))).toBe("FORBIDDEN");
    expect((await ap.post(`/api/v1/documents/${document.id}/withdraw`, { reason: "并入 IPM-PR-010" })).status).toBe(200);
    const text = pdfToText(new Uint8Array(await (await rd.get(`/api/v1/revisions/${revision.id}/pdf`)).arrayBuffer()), tmp.dir);
    expect(text).toContain("已作废 OBSOLETE");
    expect(await errorCode(await rd.get(`/api/v1/documents/by-number/${document.number}/current`))).toBe("NOT_FOUND");
    // the release record's retention starts with the withdrawal
    const [released] = await h.deps.db.select().from(records).where(and(eq(records.sourceKind, "document-revision"), eq(records.sourceId, revision.id)));
    expect(released!.triggerDate).toBe("2026-03-02");
  });

  it("withdraws with the document a revision approved to come into force later; it never does", async () => {
    const { document, revision } = await newProcedure("将被撤销的程序", "本程序将作废。");
    await approveThrough(revision.id);
    const next = (await (await a.post(`/api/v1/documents/${document.id}/revisions`, { major: false })).json()) as { id: string };
    expect((await attach(a, next.id, await procedurePdf("将被撤销的程序", "下月起执行新规定。"))).status).toBe(200);
    await a.patch(`/api/v1/revisions/${next.id}`, { changeSummary: "下月起执行", effectiveDate: "2026-05-01" });
    expect((await approveThrough(next.id)).state).toBe("approved");
    expect((await ap.post(`/api/v1/documents/${document.id}/withdraw`, { reason: "业务调整，程序取消" })).status).toBe(200);
    h.clock.set("2026-05-01T00:30:00Z");
    try {
      await activateDueRevisions(systemContext(h.deps));
      const detail = await expectJson<{ document: { status: string; effectiveRevisionId: string | null }; revisions: { id: string; state: string }[] }>(await ap.get(`/api/v1/documents/${document.id}`), 200);
      expect(detail.document).toMatchObject({ status: "withdrawn", effectiveRevisionId: null });
      expect(detail.revisions.map((r) => r.state)).toEqual(["obsolete", "obsolete"]);
      expect(await errorCode(await rd.get(`/api/v1/documents/by-number/${document.number}/current`))).toBe("NOT_FOUND");
    } finally {
      h.clock.set("2026-03-02T01:00:00.000Z");
    }
  });

  it("lets a grant-bound auditor read the register within the grant, every search and opened document audited", async () => {
    const { document, revision } = await newProcedure("审核抽查程序", "内部审核抽查。");
    await approveThrough(revision.id);
    const auditorUser = await h.user({ roles: ["auditor"], clearance: "internal" });
    const auditor = await h.signIn(auditorUser);
    expect(await errorCode(await auditor.get(`/api/v1/documents/${document.id}`))).toBe("NOT_FOUND");
    const grant = await expectJson<{ id: string }>(await ap.post("/api/v1/audit/grants", { auditorId: auditorUser.id, purpose: "文件管理审核", endsAt: "2026-06-30T00:00:00Z", maxClassification: "internal" }), 201);
    expect((await auditor.get(`/api/v1/documents/${document.id}`)).status).toBe(200);
    expect((await auditor.get(`/api/v1/documents/by-number/${document.number}/current`)).status).toBe(200);
    expect((await expectJson<{ total: number }>(await auditor.get(`/api/v1/documents?q=${encodeURIComponent("内部审核抽查")}`), 200)).total).toBe(1);
    const reads = await h.deps.db.select().from(auditEvents).where(and(eq(auditEvents.objectType, "audit_grant"), eq(auditEvents.objectId, grant.id), eq(auditEvents.actorId, auditorUser.id)));
    expect(reads.map((e) => e.action).sort()).toEqual(["document.opened", "document.opened", "document.searched"]);
    expect(reads.every((e) => e.actorId === auditorUser.id)).toBe(true);

    // the revision's release record goes with the document: an auditor whose grant reaches only
    // forms neither finds nor opens it, though its record class is within the grant
    const [release] = await h.deps.db.select().from(records).where(and(eq(records.sourceKind, "document-revision"), eq(records.sourceId, revision.id)));
    expect((await auditor.get(`/api/v1/records/${release!.id}`)).status).toBe(200);
    const formsUser = await h.user({ roles: ["auditor"], clearance: "internal" });
    const forms = await h.signIn(formsUser);
    await expectJson(await ap.post("/api/v1/audit/grants", { auditorId: formsUser.id, purpose: "表单抽查", endsAt: "2026-06-30T00:00:00Z", categoryIds: ["form"], maxClassification: "internal" }), 201);
    expect(await errorCode(await forms.get(`/api/v1/documents/${document.id}`))).toBe("NOT_FOUND");
    expect(await errorCode(await forms.get(`/api/v1/records/${release!.id}`))).toBe("NOT_FOUND");
    expect(await errorCode(await forms.get(`/api/v1/records/${release!.id}/content`))).toBe("NOT_FOUND");
    expect((await expectJson<{ total: number }>(await forms.get("/api/v1/records?sourceKind=document-revision"), 200)).total).toBe(0);
  });

  it("keeps release records at the document's classification when it is raised", async () => {
    const { document, revision } = await newProcedure("配方保密程序", "配方按密级管理。");
    await approveThrough(revision.id);
    expect((await a.patch(`/api/v1/documents/${document.id}`, { classification: "secret" })).status).toBe(200);
    const [release] = await h.deps.db.select().from(records).where(and(eq(records.sourceKind, "document-revision"), eq(records.sourceId, revision.id)));
    expect(release!.classification).toBe("secret");
    const [correction] = await h.deps.db.select().from(auditEvents).where(and(eq(auditEvents.objectId, release!.id), eq(auditEvents.action, "record.corrected")));
    expect(correction!.data).toMatchObject({ before: { classification: "internal" }, after: { classification: "secret" } });
  });

  it("marks drafts as drafts", async () => {
    const { revision } = await newProcedure("草稿程序", "尚未批准。");
    const text = pdfToText(new Uint8Array(await (await a.get(`/api/v1/revisions/${revision.id}/pdf`)).arrayBuffer()), tmp.dir);
    expect(text).toContain("草稿 DRAFT");
  });
});

describe("an approved revision kept for years", () => {
  it("is served as the newest version of its archive time-stamp chain once its time stamp was renewed", async () => {
    const { document, revision } = await newProcedure("档案保管程序", "长期保存的程序文件。");
    expect((await approveThrough(revision.id)).state).toBe("effective");
    const revisions = (await expectJson<{ revisions: { id: string; signedSha256: string }[] }>(await ap.get(`/api/v1/documents/${document.id}`), 200)).revisions;
    const signedSha256 = revisions.find((r) => r.id === revision.id)!.signedSha256;
    const tsa = readCertificate(certificatePemToDer(await (await h.app.request("/pki/tsa.pem")).text()));
    // 700 days before the TSA certificate ends (the renewal window is 730 days)
    h.clock.set(new Date(tsa.notAfter.getTime() - 700 * 86_400_000));
    const report = await renewArchiveTimestamps(systemContext(h.deps));
    expect(report.renewed.map((r) => r.originalSha256)).toContain(signedSha256);
    const newest = await latestArchivedVersion(h.deps.db, signedSha256);
    expect(newest).not.toBe(signedSha256);
    const stored = await h.deps.storage.getBytes(newest);
    // the controlled copy is the newest version with the page marks appended
    const reader2 = await h.signIn(reader);
    const res = await reader2.get(`/api/v1/revisions/${revision.id}/pdf`);
    expect(res.status).toBe(200);
    const copy = new Uint8Array(await res.arrayBuffer());
    expect(Buffer.from(copy.subarray(0, stored.length)).equals(Buffer.from(stored))).toBe(true);
    // the revision keeps the original's hash
    const after = (await expectJson<{ revisions: { id: string; signedSha256: string }[] }>(await (await h.signIn(approver)).get(`/api/v1/documents/${document.id}`), 200)).revisions;
    expect(after.find((r) => r.id === revision.id)!.signedSha256).toBe(signedSha256);
  });
});
