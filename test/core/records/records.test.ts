import { readFile } from "node:fs/promises";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { inTransaction, systemContext } from "../../../src/core/context";
import { insertDeclaredRecord } from "../../../src/core/records/declare";
import { compareClauses } from "../../../src/core/records/file-plan";
import { checkContentNatures, paperNatures } from "../../../src/core/records/natures";
import { auditEvents } from "../../../src/db/schema/audit";
import { records, retentionEvents } from "../../../src/db/schema/records";
import { createBasePdf } from "../signatures/support/base-pdf";
import { errorCode, startHarness } from "../../support/app";
import { corpus, declare, docx, expectJson, upload, type RecordJson } from "./support";

const h = await startHarness();
const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
const auditor = await h.user({ roles: ["auditor"], displayName: "刘审核", clearance: "internal" });
const employee = await h.user({ roles: ["employee"], displayName: "张伟" });
const ipm = await h.signIn(ipManager);
const legalClient = await h.signIn(legal);
const auditorClient = await h.signIn(auditor);
const employeeClient = await h.signIn(employee);
// the auditor reads through an audit grant: every clause, up to their own clearance
await expectJson(await ipm.post("/api/v1/audit/grants", { auditorId: auditor.id, purpose: "2026 年内部审核", endsAt: "2026-06-30T00:00:00Z", maxClassification: "internal" }), 201);

interface ClassJson {
  id: string;
  code: string;
  clause: string;
  retentionAmount: number | null;
  retentionUnit: string;
  trigger: string;
  disposition: string;
  recordCount: number;
}

const classes = await expectJson<ClassJson[]>(await ipm.get("/api/v1/record-classes"), 200);
const byCode = (code: string) => classes.find((c) => c.code === code)!;

describe("file plan", () => {
  it("is seeded with a class for every clause of the standard that asks for evidence", async () => {
    const table = await readFile(new URL("../../fixtures/standard/CLAUSES.md", import.meta.url), "utf8");
    const rows = [...table.matchAll(/^\| ([0-9][0-9.–]*) \|/gm)].map((m) => m[1]!);
    expect(rows.length).toBeGreaterThan(25);
    const uncovered = rows.filter((row) => {
      const [start, endPart] = row.split("–") as [string, string | undefined];
      const end = endPart ? (endPart.includes(".") ? endPart : start.replace(/\d+$/, endPart)) : start;
      return !classes.some((c) => compareClauses(c.clause, start) >= 0 && (compareClauses(c.clause, end) <= 0 || c.clause.startsWith(`${end}.`)));
    });
    expect(uncovered).toEqual([]);
    for (const c of classes) {
      expect(["destroy", "review", "transfer", "permanent"]).toContain(c.disposition);
      expect(c.retentionUnit === "permanent").toBe(c.disposition === "permanent");
    }
  });

  it("lets the IP manager change a period: due dates are recomputed and the change is audited with old and new values", async () => {
    const cls = byCode("R-7.3.2.7-01"); // training records, 10 years from the date on the record
    const record = await declare(ipm, { classId: cls.id, title: "2020 年知识产权培训签到表", recordDate: "2020-05-10" }, { bytes: docx(), name: "培训签到.docx" });
    expect(record.dueOn).toBe("2030-05-10");

    expect(await errorCode(await legalClient.patch(`/api/v1/record-classes/${cls.id}`, { retentionAmount: 5, reason: "x" }))).toBe("FORBIDDEN");
    expect(await errorCode(await ipm.patch(`/api/v1/record-classes/${cls.id}`, { retentionAmount: 5 }))).toBe("VALIDATION_FAILED");
    const changed = await expectJson<{ recomputed: number }>(await ipm.patch(`/api/v1/record-classes/${cls.id}`, { retentionAmount: 5, reason: "内审建议缩短为 5 年" }), 200);
    expect(changed.recomputed).toBe(1);
    const after = await expectJson<{ record: RecordJson }>(await ipm.get(`/api/v1/records/${record.id}`), 200);
    expect(after.record.dueOn).toBe("2025-05-10");
    const [event] = await h.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.objectId, cls.id), eq(auditEvents.action, "record_class.updated")));
    expect(event!.data).toMatchObject({
      reason: "内审建议缩短为 5 年",
      before: { retentionAmount: 10 },
      after: { retentionAmount: 5 },
      recomputed: 1,
      changes: [{ recordId: record.id, dueBefore: "2030-05-10", dueAfter: "2025-05-10" }],
    });
    // a permanent period needs the matching disposition, and the other way round
    expect(await errorCode(await ipm.patch(`/api/v1/record-classes/${cls.id}`, { retentionUnit: "permanent", reason: "x" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await ipm.patch("/api/v1/record-classes/rcl_nope", { retentionAmount: 3, reason: "x" }))).toBe("NOT_FOUND");
  });

  it("creates and deletes classes, but never one in use or one Custos files into", async () => {
    const input = { code: "R-X-01", name: "临时记录", nameEn: "Temporary", clause: "13.4", retentionAmount: 2, retentionUnit: "years", trigger: "creation", disposition: "destroy" };
    expect(await errorCode(await employeeClient.post("/api/v1/record-classes", input))).toBe("FORBIDDEN");
    const created = await expectJson<ClassJson>(await ipm.post("/api/v1/record-classes", input), 201);
    expect(await errorCode(await ipm.post("/api/v1/record-classes", input))).toBe("ALREADY_EXISTS");
    // a class evidences a clause the registry holds, or it would have no row in the evidence matrix
    expect(await errorCode(await ipm.post("/api/v1/record-classes", { ...input, code: "R-X-09", clause: "14.2" }))).toBe("INVALID_REFERENCE");
    const moved = await ipm.request(`/api/v1/record-classes/${created.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ clause: "3.1", reason: "改条款" }) });
    expect(await errorCode(moved)).toBe("INVALID_REFERENCE");
    // a change names only what it changes: the period and default classification stay as they were
    const renamed = await ipm.request(`/api/v1/record-classes/${created.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ nameEn: "Temporary records", reason: "英文名称" }) });
    expect(renamed.status).toBe(200);
    expect(await expectJson<ClassJson>(await ipm.get(`/api/v1/record-classes/${created.id}`), 200)).toMatchObject({ nameEn: "Temporary records", retentionAmount: 2, retentionUnit: "years" });
    await declare(ipm, { classId: created.id, title: "用过的类别" });
    const inUse = await ipm.delete(`/api/v1/record-classes/${created.id}`);
    expect(inUse.status).toBe(409);
    expect(await errorCode(inUse)).toBe("IN_USE");
    expect(await errorCode(await ipm.delete(`/api/v1/record-classes/${byCode("R-4.3.2.2-05").id}`))).toBe("IN_USE");
    const unused = await expectJson<ClassJson>(await ipm.post("/api/v1/record-classes", { ...input, code: "R-X-02" }), 201);
    expect((await ipm.delete(`/api/v1/record-classes/${unused.id}`)).status).toBe(200);
    expect(await errorCode(await ipm.get(`/api/v1/record-classes/${unused.id}`))).toBe("NOT_FOUND");
  });
});

describe("declaring records: the four natures", () => {
  const cls = () => byCode("R-13.2-01").id;

  it("checks a PDF, a DOCX and a paper original, and keeps the result with the record", async () => {
    const pdf = await declare(ipm, { classId: cls(), title: "2025 年内部审核报告" }, { bytes: await createBasePdf({ pages: 3 }), name: "内审报告.pdf" });
    expect(pdf.natures.format).toBe("pdf");
    expect(pdf.natures.pages).toBe(3);
    for (const n of ["authenticity", "integrity", "usability", "security"]) expect(pdf.natures[n]!.status).toBe("pass");
    expect(pdf.natures.integrity!.detail).toContain(pdf.contentSha256!);
    expect(pdf.number).toMatch(/^R2026-\d{6}$/);

    const word = await declare(ipm, { classId: cls(), title: "审核检查表" }, { bytes: docx(), name: "检查表.docx" });
    expect(word.natures.format).toBe("docx");
    expect(word.natures.usability!.detail).toContain("word/document.xml");

    const paper = await declare(ipm, { classId: cls(), title: "纸质审核记录", paperRoom: "档案室 B", paperCabinet: "3", paperBox: "12" });
    expect(paper.contentSha256).toBeNull();
    expect(paper.natures.format).toBe("paper");
    expect(paper.natures.usability!.detail).toContain("档案室 B");

    // integrity names the metadata that were checked present; a record without them is refused
    expect(pdf.natures.integrity!.detail).toContain("Required metadata present: class, title, date, author, classification, filename, format.");
    expect(paper.natures.integrity!.detail).toContain("Required metadata present: class, title, date, author, classification, paper location.");
    const ctx = systemContext(h.deps);
    const incomplete = {
      classId: cls(),
      title: "无作者的记录",
      recordDate: "2026-03-01",
      author: "  ",
      classification: "internal" as const,
      paper: { room: "档案室 B" },
      sourceKind: "upload",
      natures: paperNatures(ctx, { location: "档案室 B", provenance: { description: "test" } }),
      declaredBy: ipManager.id,
    };
    await expect(inTransaction(ctx, (t) => insertDeclaredRecord(t, incomplete))).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: "Required metadata missing: author." });
    await expect(inTransaction(ctx, (t) => insertDeclaredRecord(t, { ...incomplete, author: "王芳", paper: {} }))).rejects.toMatchObject({ message: "Required metadata missing: paper location." });
  });

  it("verifies signatures for authenticity: a PDF signed by another tool is kept, flagged as not trusted", async () => {
    const signed = await declare(legalClient, { classId: cls(), title: "对方签署的协议" }, { bytes: await corpus("node-signpdf-signed.pdf"), name: "signed.pdf" });
    expect(signed.natures.authenticity!.status).toBe("warn");
    expect(signed.natures.authenticity!.detail).toMatch(/not from a certificate Custos trusts/);
  });

  it("refuses files that cannot be read for the retention period, naming the nature", async () => {
    const refuse = async (bytes: Uint8Array, name: string) => {
      const fileId = await upload(ipm, bytes, name);
      const res = await ipm.post("/api/v1/records", { classId: cls(), title: "x", author: "y", recordDate: "2026-01-01", fileId });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("UNREADABLE_CONTENT");
      return body.error.message;
    };
    expect(await refuse(await corpus("pyhanko-minimal-aes256.pdf"), "encrypted.pdf")).toMatch(/security|encrypted/);
    expect(await refuse(new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]), "old.doc")).toMatch(/security — .*password-protected/);
    expect(await refuse(new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0xff]), "program.bin")).toMatch(/not allowed/);
    expect(await refuse(new TextEncoder().encode("%PDF-1.7\nnot really a pdf"), "broken.pdf")).toMatch(/usability — The PDF does not open/);
    expect(await refuse(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), "broken.docx")).toMatch(/not allowed|does not unzip/);
  });

  it("does not open very large files in memory: re-hashed as a stream, recognised by their header, the rest a warning", async () => {
    const ctx = systemContext(h.deps);
    const pdf = await createBasePdf({ pages: 1, padToBytes: 300_000 });
    const put = await h.deps.storage.put(pdf);
    const natures = await checkContentNatures(ctx, { sha256: put.sha256, size: put.size, provenance: { description: "test" } }, { openLimit: 100_000 });
    expect(natures).toMatchObject({ format: "pdf", integrity: { status: "pass" }, usability: { status: "warn" }, security: { status: "warn" }, authenticity: { status: "warn" } });
    const junk = await h.deps.storage.put(new Uint8Array(200_000).fill(7));
    await expect(checkContentNatures(ctx, { sha256: junk.sha256, size: junk.size, provenance: { description: "test" } }, { openLimit: 100_000 })).rejects.toThrow(/not allowed/);
  });

  it("refuses bad input with a clear 4xx and stores nothing", async () => {
    const before = (await h.deps.db.select({ id: records.id }).from(records)).length;
    expect(await errorCode(await ipm.post("/api/v1/records", { classId: cls(), title: "x", author: "y", recordDate: "2026-01-01" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await ipm.post("/api/v1/records", { classId: "rcl_nope", title: "x", author: "y", recordDate: "2026-01-01", paperRoom: "A" }))).toBe("INVALID_REFERENCE");
    expect(await errorCode(await ipm.post("/api/v1/records", { classId: cls(), title: "x", author: "y", recordDate: "2026-02-30", paperRoom: "A" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await ipm.post("/api/v1/records", { classId: cls(), title: "x", author: "y", recordDate: "2026-01-01", paperRoom: "A", links: [{ kind: "user", targetId: "usr_nope" }] }))).toBe("INVALID_REFERENCE");
    expect(await errorCode(await employeeClient.post("/api/v1/records", { classId: cls(), title: "x", author: "y", recordDate: "2026-01-01", paperRoom: "A" }))).toBe("FORBIDDEN");
    // a file classified secret cannot become an internal record; someone else's upload is not found
    const secretFile = await upload(ipm, await createBasePdf(), "secret.pdf", "secret");
    expect(await errorCode(await ipm.post("/api/v1/records", { classId: cls(), title: "x", author: "y", recordDate: "2026-01-01", fileId: secretFile, classification: "internal" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await legalClient.post("/api/v1/records", { classId: cls(), title: "x", author: "y", recordDate: "2026-01-01", fileId: secretFile }))).toBe("NOT_FOUND");
    expect((await h.deps.db.select({ id: records.id }).from(records)).length).toBe(before);
  });

  it("keeps content immutable: the database refuses a change of content and any deletion", async () => {
    const r = await declare(ipm, { classId: cls(), title: "不可改动" }, { bytes: await createBasePdf(), name: "a.pdf" });
    await expect(h.deps.db.update(records).set({ contentSha256: "0".repeat(64) }).where(eq(records.id, r.id))).rejects.toThrow();
    await expect(h.deps.db.delete(records).where(eq(records.id, r.id))).rejects.toThrow();
  });
});

describe("retrieval, corrections and access", () => {
  it("corrects metadata as a new event that keeps the old values, and recomputes retention", async () => {
    const cls = byCode("R-7.4.2-01"); // budget, 10 years from the record date
    const r = await declare(ipm, { classId: cls.id, title: "2024 年知识产权预算", recordDate: "2024-01-05" });
    expect(await errorCode(await ipm.patch(`/api/v1/records/${r.id}`, { title: "新题名" }))).toBe("VALIDATION_FAILED");
    const corrected = await expectJson<RecordJson & { title: string }>(
      await ipm.patch(`/api/v1/records/${r.id}`, { title: "2024 年度知识产权经费预算", recordDate: "2024-01-08", reason: "题名与日期登记错误" }),
      200,
    );
    expect(corrected.title).toBe("2024 年度知识产权经费预算");
    expect(corrected.dueOn).toBe("2034-01-08");
    const view = await expectJson<{ history: { action: string; data: Record<string, unknown> }[] }>(await ipm.get(`/api/v1/records/${r.id}`), 200);
    const correction = view.history.find((e) => e.action === "record.corrected")!;
    expect(correction.data).toMatchObject({
      reason: "题名与日期登记错误",
      before: { title: "2024 年知识产权预算", recordDate: "2024-01-05" },
      after: { title: "2024 年度知识产权经费预算", recordDate: "2024-01-08" },
      retention: { before: { dueOn: "2034-01-05" }, after: { dueOn: "2034-01-08" } },
    });
    expect(view.history.map((e) => e.action)).toContain("record.declared");
    expect(await errorCode(await auditorClient.patch(`/api/v1/records/${r.id}`, { title: "x", reason: "y" }))).toBe("FORBIDDEN");
  });

  it("shows people only what they may see: records roles within clearance, others only what is linked to them", async () => {
    const cls = byCode("R-9.3.1-01");
    const secret = await declare(ipm, { classId: cls.id, title: "绝密研发记录-甲", classification: "secret" });
    const mine = await declare(ipm, { classId: cls.id, title: "张伟的研发记录", classification: "internal", links: [{ kind: "user", targetId: employee.id }] });
    const other = await declare(ipm, { classId: cls.id, title: "别人的研发记录", classification: "internal" });

    // the auditor (internal clearance) neither finds nor counts the secret record
    expect(await errorCode(await auditorClient.get(`/api/v1/records/${secret.id}`))).toBe("NOT_FOUND");
    const seen = await expectJson<{ total: number; items: { record: { id: string } }[] }>(await auditorClient.get(`/api/v1/records?classId=${cls.id}`), 200);
    expect(seen.items.map((i) => i.record.id).sort()).toEqual([mine.id, other.id].sort());
    expect(seen.total).toBe(2);
    const all = await expectJson<{ total: number }>(await ipm.get(`/api/v1/records?classId=${cls.id}`), 200);
    expect(all.total).toBe(3);

    // an auditor reads only what a grant in force covers: another clause, or no grant, shows nothing
    const narrow = await h.user({ roles: ["auditor"], clearance: "confidential" });
    const narrowClient = await h.signIn(narrow);
    expect((await expectJson<{ total: number }>(await narrowClient.get(`/api/v1/records?classId=${cls.id}`), 200)).total).toBe(0);
    await expectJson(await ipm.post("/api/v1/audit/grants", { auditorId: narrow.id, purpose: "专项审核：纠纷", endsAt: "2026-06-30T00:00:00Z", clauseIds: ["10.2"], maxClassification: "secret" }), 201);
    expect((await expectJson<{ total: number }>(await narrowClient.get(`/api/v1/records?classId=${cls.id}`), 200)).total).toBe(0);
    expect(await errorCode(await narrowClient.get(`/api/v1/records/${other.id}`))).toBe("NOT_FOUND");
    // what the auditor searched and opened is on the record, under their grant
    expect((await auditorClient.get(`/api/v1/records/${other.id}`)).status).toBe(200);
    const reads = await h.deps.db
      .select({ action: auditEvents.action, data: auditEvents.data })
      .from(auditEvents)
      .where(and(eq(auditEvents.actorId, auditor.id), eq(auditEvents.objectType, "audit_grant")));
    expect(reads.map((e) => e.action)).toEqual(expect.arrayContaining(["record.searched", "record.opened"]));
    expect(reads.find((e) => e.action === "record.opened")!.data).toMatchObject({ recordId: other.id });

    // the employee sees their own record only
    const employeeView = await expectJson<{ total: number; items: { record: { id: string } }[] }>(await employeeClient.get("/api/v1/records"), 200);
    expect(employeeView.items.map((i) => i.record.id)).toEqual([mine.id]);
    expect(await errorCode(await employeeClient.get(`/api/v1/records/${other.id}`))).toBe("NOT_FOUND");
    expect((await employeeClient.get(`/api/v1/records/${mine.id}`)).status).toBe(200);
    expect(await errorCode(await h.anonymous().get("/api/v1/records"))).toBe("UNAUTHENTICATED");
  });

  it("downloads content re-hashed, and finds records by text, clause and period", async () => {
    const bytes = await createBasePdf({ pages: 1 });
    const r = await declare(legalClient, { classId: byCode("R-10.1-02").id, title: "市场监控：仿冒产品线索（华东区）", recordDate: "2025-11-20", classification: "internal" }, { bytes, name: "线索.pdf" });
    const res = await legalClient.get(`/api/v1/records/${r.id}/content`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-sha256")).toBe(r.contentSha256);
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    const find = async (q: string) => (await expectJson<{ items: { record: { id: string } }[] }>(await auditorClient.get(`/api/v1/records?${q}`), 200)).items.map((i) => i.record.id);
    expect(await find(`q=${encodeURIComponent("仿冒产品")}`)).toEqual([r.id]);
    expect(await find("clause=10.1&dateFrom=2025-11-01&dateTo=2025-11-30")).toEqual([r.id]);
    expect(await find("clause=10&dateFrom=2025-12-01")).toEqual([]);
    expect(await errorCode(await auditorClient.get("/api/v1/records?dateFrom=2025-13-01"))).toBe("VALIDATION_FAILED");
  });

  it("refuses a retention event for a person who does not exist (422 INVALID_REFERENCE) and records nothing", async () => {
    const eventsBefore = await h.deps.db.select().from(retentionEvents);
    const res = await ipm.post("/api/v1/retention-events", { trigger: "employment-end", subjectId: "usr_nobody", occurredOn: "2025-06-30" });
    const body = await expectJson<{ error: { code: string; message: string; details: { field: string } } }>(res, 422);
    expect(body.error.code).toBe("INVALID_REFERENCE");
    expect(body.error.message).toBe("No person “usr_nobody” exists; choose the person the event happened to.");
    expect(body.error.details.field).toBe("subjectId");
    // the page form goes through the same check
    const page = await ipm.form("/records/plan/employment-end", { subjectId: "usr_nobody", occurredOn: "2025-06-30" });
    expect(page.status).toBe(422);
    expect(await page.text()).toContain("No person “usr_nobody” exists");
    expect(await h.deps.db.select().from(retentionEvents)).toHaveLength(eventsBefore.length);
    expect(await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, "usr_nobody"))).toEqual([]);
  });

  it("answers a link to a subject the person may not see exactly like one to a subject that does not exist", async () => {
    const topLegal = await h.signIn(await h.user({ roles: ["legal"], clearance: "top-secret" }));
    const contract = await expectJson<{ id: string }>(
      await topLegal.post("/api/v1/contracts", { title: "绝密技术许可合同", type: "licence-in", counterparties: [{ name: "某研究院" }], classification: "top-secret", ipTerms: {} }),
      201,
    );
    const attempt = (targetId: string) =>
      ipm.post("/api/v1/records", { classId: "rcl_13_2_01", title: "合同附件", author: "法务部", recordDate: "2026-01-01", paperRoom: "A", links: [{ kind: "contract", targetId }] });
    const hidden = await attempt(contract.id);
    const missing = await attempt("ctr_nope");
    expect([hidden.status, missing.status]).toEqual([422, 422]);
    const [a, b] = [(await hidden.json()) as { error: { code: string; message: string } }, (await missing.json()) as { error: { code: string; message: string } }];
    expect(a.error.code).toBe("INVALID_REFERENCE");
    expect(a.error.message.replace(contract.id, "ID")).toBe(b.error.message.replace("ctr_nope", "ID"));
  });

  it("answers the auditor: every non-compete agreement of people who left in 2025", async () => {
    const nonCompete = byCode("R-7.3.2.4-03");
    const left2025 = await h.user({ displayName: "赵一" });
    const left2026 = await h.user({ displayName: "钱二" });
    const stays = await h.user({ displayName: "孙三" });
    const agreements: Record<string, RecordJson> = {};
    for (const u of [left2025, left2026, stays]) {
      agreements[u.id] = await declare(ipm, { classId: nonCompete.id, title: `竞业限制协议 — ${u.id}`, classification: "secret", links: [{ kind: "user", targetId: u.id }] });
      expect(agreements[u.id]!.dueOn).toBeNull();
    }
    expect(await errorCode(await legalClient.post("/api/v1/retention-events", { trigger: "employment-end", subjectId: left2025.id, occurredOn: "2025-06-30" }))).toBe("FORBIDDEN");
    expect(await errorCode(await ipm.post("/api/v1/retention-events", { trigger: "contract-end", subjectId: left2025.id, occurredOn: "2025-06-30" }))).toBe("VALIDATION_FAILED");
    expect((await expectJson<{ recomputed: number }>(await ipm.post("/api/v1/retention-events", { trigger: "employment-end", subjectId: left2025.id, occurredOn: "2025-06-30" }), 200)).recomputed).toBe(1);
    await expectJson(await ipm.post("/api/v1/retention-events", { trigger: "employment-end", subjectId: left2026.id, occurredOn: "2026-01-31" }), 200);

    const secretAuditorUser = await h.user({ roles: ["auditor"], clearance: "secret" });
    await expectJson(await ipm.post("/api/v1/audit/grants", { auditorId: secretAuditorUser.id, purpose: "离职人员竞业限制抽查", endsAt: "2026-06-30T00:00:00Z", clauseIds: ["7.3.2.4"], maxClassification: "secret" }), 201);
    const secretAuditor = await h.signIn(secretAuditorUser);
    const found = await expectJson<{ items: { record: RecordJson }[] }>(
      await secretAuditor.get(`/api/v1/records?classId=${nonCompete.id}&triggerFrom=2025-01-01&triggerTo=2025-12-31`),
      200,
    );
    expect(found.items.map((i) => i.record.id)).toEqual([agreements[left2025.id]!.id]);
    expect(found.items[0]!.record.triggerDate).toBe("2025-06-30");
    expect(found.items[0]!.record.dueOn).toBe("2035-06-30");
    // the internal auditor is not cleared for secret agreements: nothing is listed
    expect((await expectJson<{ total: number }>(await auditorClient.get(`/api/v1/records?classId=${nonCompete.id}`), 200)).total).toBe(0);
  });
});
