import { describe, expect, it } from "vitest";
import { errorCode, startHarness, type Client } from "../../support/app";
import { createBasePdf } from "../signatures/support/base-pdf";
import { makeTempDir, pdfToText } from "../signatures/support/validators";
import { auditCast } from "../audit-package/support";
import { procedurePdf } from "../documents/fixtures";
import { upload as uploadAs } from "../records/support";

const h = await startHarness();
const tmp = makeTempDir("custos-evidence-");

const { admin, rnd, topUser, legalUser, employee, auditorUser, manager, top, legal, emp, auditor } = await auditCast(h);
const upload = (client: Client, bytes: Uint8Array, name = "file.pdf", classification = "internal") => uploadAs(client, bytes, name, classification, "application/pdf");

// evidence for 4.3.2.1: an effective procedure
const procedure = (await (await manager.post("/api/v1/documents", { categoryId: "procedure", title: "合同知识产权审查程序" })).json()) as { document: { id: string; number: string }; revision: { id: string } };
await manager.request(`/api/v1/revisions/${procedure.revision.id}/files/release?filename=p.pdf`, { method: "PUT", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await procedurePdf("合同知识产权审查程序", "合同签订前由法务进行知识产权审查。")) });
await manager.post(`/api/v1/revisions/${procedure.revision.id}/submit`, { reviewerIds: [legalUser.id], approverId: topUser.id });
await legal.readRevision(procedure.revision.id);
await legal.post(`/api/v1/revisions/${procedure.revision.id}/decision`, { decision: "approve", pin: legalUser.pin });
await top.readRevision(procedure.revision.id);
await top.post(`/api/v1/revisions/${procedure.revision.id}/decision`, { decision: "approve", pin: topUser.pin });

// evidence for 7.3.2.4: a signed IP declaration
const declaration = (await (await manager.post("/api/v1/signature-requests", {
  title: "知识产权声明 — 张伟",
  subjectUserId: employee.id,
  source: { kind: "template", templateId: "ip-declaration", values: { employeeName: "张伟", idNumber: "11010519491231002X", department: "研发中心", position: "工程师", startDate: "2026-03-01" } },
  signers: [{ userId: employee.id, meaning: "signed" }],
})).json()) as { id: string };
await emp.readDocument(declaration.id);
await emp.post(`/api/v1/signature-requests/${declaration.id}/sign`, { pin: employee.pin, consent: true });

// evidence for 4.3.2.2: a court judgment (secret)
const judgmentFile = await upload(legal, await createBasePdf(), "判决书.pdf", "secret");
const judgmentRes = await legal.post("/api/v1/external-documents", {
  fileId: judgmentFile,
  docType: "court-judgment",
  title: "（2026）京73民初123号 民事判决书",
  issuer: "北京知识产权法院",
  referenceNumber: "（2026）京73民初123号",
  issuedOn: "2026-02-20",
  obtainedOn: "2026-02-25",
  arrivalMethod: "post",
  classification: "secret",
});
const judgment = (await judgmentRes.json()) as { id: string };

// a signed template is declared as a record of its clause: that record is the evidence
const declarationRecord = async () =>
  ((await (await manager.get("/api/v1/evidence/search?kind=record&clause=7.3.2.4")).json()) as { hits: { id: string }[] }).hits[0]!.id;

describe("search across everything", () => {
  it("finds every kind of evidence, by Chinese substring, clause, kind and period", async () => {
    const search = async (client: Client, query: string) =>
      (await (await client.get(`/api/v1/evidence/search?${query}`)).json()) as { total: number; hits: { kind: string; id: string; clauses: string[] }[] };
    expect(judgmentRes.status).toBe(201);
    const all = await search(manager, "limit=200");
    expect(new Set(all.hits.map((x) => x.kind))).toEqual(new Set(["document-revision", "record", "external-document"]));
    expect((await search(manager, `q=${encodeURIComponent("京73民初")}`)).hits.map((x) => x.id)).toEqual([judgment.id]);
    expect((await search(manager, `q=${encodeURIComponent("知识产权审查")}`)).hits.map((x) => x.kind)).toEqual(["document-revision"]);
    const onboarding = await search(manager, "clause=7.3.2.4");
    expect(onboarding.hits.map((x) => x.id)).toEqual([await declarationRecord()]);
    expect((await search(manager, "kind=external-document&from=2026-02-01&to=2026-02-28")).total).toBe(1);
    expect((await search(manager, "kind=external-document&from=2026-03-01")).total).toBe(0);
    expect((await search(manager, `person=${employee.id}`)).hits.map((x) => x.id)).toContain(await declarationRecord());
  });

  it("neither shows nor counts what the reader may not see", async () => {
    const low = await h.signIn(await h.user({ roles: ["ip-staff"], clearance: "internal" }));
    const res = (await (await low.get(`/api/v1/evidence/search?q=${encodeURIComponent("判决书")}`)).json()) as { total: number };
    expect(res.total).toBe(0);
    const staffSees = (await (await low.get("/api/v1/evidence/search?limit=200")).json()) as { hits: { id: string }[] };
    expect(staffSees.hits.map((x) => x.id)).not.toContain(judgment.id);
    expect(await errorCode(await low.post("/api/v1/evidence/resolve", { refs: [{ kind: "external-document", id: judgment.id }] }))).toBe("NOT_FOUND");
  });

  it("refuses an empty selection", async () => {
    expect(await errorCode(await manager.post("/api/v1/evidence/resolve", {}))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await manager.post("/api/v1/evidence/resolve", { clauses: ["9.3.1"], from: "2026-01-01", to: "2026-12-31" }))).toBe("VALIDATION_FAILED");
  });
});

describe("auditor access", () => {
  it("gives an auditor nothing without a grant, exactly the grant's scope with one, and nothing once it ends", async () => {
    expect(await errorCode(await auditor.get("/api/v1/evidence/search"))).toBe("AUDIT_GRANT_REQUIRED");
    expect(await errorCode(await auditor.post("/api/v1/audit/grants", { auditorId: auditorUser.id, purpose: "x", endsAt: "2026-04-01T00:00:00Z", maxClassification: "secret" }))).toBe("FORBIDDEN");
    const tooHigh = await manager.post("/api/v1/audit/grants", { auditorId: auditorUser.id, purpose: "年度审核", endsAt: "2026-04-01T00:00:00Z", maxClassification: "top-secret" });
    expect(await errorCode(tooHigh)).toBe("VALIDATION_FAILED");
    const grant = await manager.post("/api/v1/audit/grants", {
      auditorId: auditorUser.id,
      purpose: "2026 年内部审核：入职与记录管理",
      endsAt: "2026-03-09T00:00:00Z",
      clauseIds: ["7.3.2.4", "4.3.2.2"],
      periodFrom: "2026-01-01",
      periodTo: "2026-12-31",
      maxClassification: "secret",
    });
    expect(grant.status).toBe(201);
    const hits = (await (await auditor.get("/api/v1/evidence/search?limit=200")).json()) as { hits: { id: string; kind: string }[] };
    const record = await declarationRecord();
    expect(hits.hits.map((x) => x.id).sort()).toEqual([record, judgment.id].sort());
    expect(await errorCode(await auditor.get("/api/v1/evidence/search?clause=4.3.2.1"))).toBe("OUTSIDE_GRANT");
    expect(await errorCode(await auditor.get("/api/v1/evidence/search?from=2025-01-01"))).toBe("OUTSIDE_GRANT");
    expect(await errorCode(await auditor.get(`/api/v1/documents/${procedure.document.id}`))).toBe("NOT_FOUND");
    const item = await auditor.get(`/api/v1/evidence/record/${record}`);
    expect(item.status).toBe(200);
    const body = (await item.json()) as { item: { files: { sha256: string }[] }; events: { action: string }[] };
    expect(body.events.map((e) => e.action)).toContain("record.declared");
    const file = await auditor.get(`/api/v1/evidence/record/${record}/files/${body.item.files[0]!.sha256}`);
    expect(file.status).toBe(200);
    expect(pdfToText(new Uint8Array(await file.arrayBuffer()), tmp.dir)).toContain("知识产权声明");
    // everything the auditor opened is in the trail
    const trail = (await (await admin.get("/api/v1/audit/events?limit=500")).json()) as { events: { action: string; actorId: string }[] };
    const mine = trail.events.filter((e) => e.actorId === auditorUser.id).map((e) => e.action);
    expect(mine).toEqual(expect.arrayContaining(["evidence.searched", "evidence.opened", "evidence.file_downloaded"]));
    // the grant ends by itself
    h.clock.set("2026-03-10T00:00:00Z");
    expect(await errorCode(await auditor.get("/api/v1/evidence/search"))).toBe("AUDIT_GRANT_REQUIRED");
    h.clock.set("2026-03-02T01:00:00.000Z");
  });
});

describe("evidence matrix", () => {
  it("counts evidence per clause, names the gaps, and renders a Chinese PDF", async () => {
    const matrix = (await (await manager.get("/api/v1/evidence/matrix?from=2026-01-01&to=2026-12-31")).json()) as {
      rows: { clause: string; count: number; byKind: Record<string, number>; people: number; departments: number; peopleNames: string[]; departmentNames: string[]; gaps: { kind: string }[] }[];
      summary: { clauses: number; covered: number };
    };
    expect(matrix.summary.clauses).toBe(30);
    const row = (id: string) => matrix.rows.find((r) => r.clause === id)!;
    expect(row("7.3.2.4")).toMatchObject({ count: 1, byKind: { record: 1 } });
    expect(row("4.3.2.2").byKind["external-document"]).toBe(1);
    expect(row("4.3.2.1").byKind["document-revision"]).toBe(1);
    expect(row("9.3.1").gaps.map((g) => g.kind)).toEqual(["no-evidence"]);
    const pdf = await manager.get("/api/v1/evidence/matrix?from=2026-01-01&to=2026-12-31&format=pdf");
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    const text = pdfToText(new Uint8Array(await pdf.arrayBuffer()), tmp.dir);
    expect(text).toContain("知识产权管理体系证据矩阵");
    expect(text).toContain("入职");
    expect(text).toContain("没有证据");
    // the people and departments concerned are named, not only counted
    expect(row("7.3.2.4").peopleNames).toContain("张伟");
    expect(row("7.3.2.4").departmentNames).toEqual(["研发中心"]);
    expect(row("7.3.2.4").departments).toBe(1);
    expect(row("4.3.2.1").peopleNames).toEqual(expect.arrayContaining(["王芳", "李娜", "周总"]));
    expect(row("4.3.2.1").people).toBe(row("4.3.2.1").peopleNames.length);
    expect(row("4.3.2.2").peopleNames).toContain("李娜");
    expect(text).toContain("张伟");
    expect(text).toContain("研发中心");
  });

  it("names only people and departments of evidence the reader may see", async () => {
    const low = await h.signIn(await h.user({ roles: ["ip-staff"], clearance: "internal" }));
    const matrix = (await (await low.get("/api/v1/evidence/matrix?from=2026-01-01&to=2026-12-31")).json()) as { rows: { clause: string; people: number; peopleNames: string[] }[] };
    // the secret judgment (received by 李娜) is not theirs to see: neither counted nor named
    expect(matrix.rows.find((r) => r.clause === "4.3.2.2")).toMatchObject({ people: 0, peopleNames: [] });
  });

  it("shows an overdue periodic review as a gap", async () => {
    h.clock.set("2027-06-01T00:00:00Z");
    const matrix = (await (await manager.get("/api/v1/evidence/matrix")).json()) as { rows: { clause: string; gaps: { kind: string; message: string }[] }[] };
    const gaps = matrix.rows.find((r) => r.clause === "4.3.2.1")!.gaps;
    expect(gaps.map((g) => g.kind)).toContain("review-overdue");
    expect(gaps.find((g) => g.kind === "review-overdue")!.message).toContain(procedure.document.number);
    h.clock.set("2026-03-02T01:00:00.000Z");
  });
});

describe("evidence matrix gaps within what the reader may see", () => {
  type Matrix = { rows: { clause: string; gaps: { kind: string; message: string; refs: { id: string }[] }[] }[] };
  const matrixOf = async (client: Client, query = "") => {
    const res = await client.get(`/api/v1/evidence/matrix${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Matrix;
  };
  const gapsOf = (m: Matrix, kind: string) => m.rows.flatMap((r) => r.gaps.filter((g) => g.kind === kind).map((g) => ({ clause: r.clause, ...g })));
  const grantTo = async (body: Record<string, unknown>) => {
    const user = await h.user({ roles: ["auditor"], clearance: "secret" });
    const res = await manager.post("/api/v1/audit/grants", { auditorId: user.id, purpose: "内部审核", endsAt: "2026-04-01T00:00:00Z", maxClassification: "internal", ...body });
    expect(res.status).toBe(201);
    return h.signIn(user);
  };

  it("files a missing acknowledgement under every clause of its category, for revisions in force in the period", async () => {
    const required = await manager.post(`/api/v1/documents/${procedure.document.id}/acknowledgements`, { departmentIds: [rnd.id] });
    expect(required.status).toBe(201);
    const inYear = gapsOf(await matrixOf(manager, "?from=2026-01-01&to=2026-12-31"), "acknowledgement-missing");
    // the procedure category evidences 4.2.3, 4.3.1 and 4.3.2.1
    expect(inYear.map((g) => g.clause).sort()).toEqual(["4.2.3", "4.3.1", "4.3.2.1"]);
    expect(inYear[0]!.message).toContain(procedure.document.number);
    expect(inYear[0]!.refs).toEqual([expect.objectContaining({ id: procedure.document.id })]);
    // the revision was not yet in force in 2025
    expect(gapsOf(await matrixOf(manager, "?from=2025-01-01&to=2025-12-31"), "acknowledgement-missing")).toEqual([]);
  });

  it("hides a missing acknowledgement from an auditor whose grant excludes its document category", async () => {
    // a grant for the same clauses but another document category: no number, no title, no gap
    const otherCategory = await grantTo({ clauseIds: ["4.2.3", "4.3.2.1"], categoryIds: ["form"] });
    const hidden = await matrixOf(otherCategory);
    expect(gapsOf(hidden, "acknowledgement-missing")).toEqual([]);
    expect(JSON.stringify(hidden)).not.toContain(procedure.document.number);
  });

  it("shows a missing acknowledgement to an auditor of its category only under the grant's clauses and within its period", async () => {
    const procedures = await grantTo({ clauseIds: ["4.3.2.1"], categoryIds: ["procedure"] });
    expect(gapsOf(await matrixOf(procedures), "acknowledgement-missing").map((g) => g.clause)).toEqual(["4.3.2.1"]);
    // a grant whose period ends before the revision took effect
    const before = await grantTo({ clauseIds: ["4.3.2.1"], categoryIds: ["procedure"], periodFrom: "2025-01-01", periodTo: "2025-12-31" });
    expect(gapsOf(await matrixOf(before), "acknowledgement-missing")).toEqual([]);
  });

  it("judges an overdue review as of the period end, or today", async () => {
    h.clock.set("2027-06-01T00:00:00Z");
    try {
      const overdue = (m: Matrix) => gapsOf(m, "review-overdue").map((g) => g.clause);
      expect(overdue(await matrixOf(manager))).toEqual(["4.3.2.1"]);
      // reviews falling due after the period are not findings about it
      expect(overdue(await matrixOf(manager, "?from=2026-01-01&to=2026-12-31"))).toEqual([]);
    } finally {
      h.clock.set("2026-03-02T01:00:00.000Z");
    }
  });

  it("shows a contract signed without an IP review under 4.3.3, to those who may read the register", async () => {
    const csv = ["合同编号,合同名称,合同类型,相对方,密级,签订日期,状态,库房", "HT-2026-101,软件许可合同,其他,甲软件公司,内部,2026-01-15,已签署,合同档案室"].join("\n");
    const started = await legal.request(`/api/v1/imports?kind=contracts&filename=${encodeURIComponent("台账.csv")}`, { method: "POST", headers: { "content-type": "text/csv" }, body: new TextEncoder().encode(csv) });
    expect(started.status).toBe(202);
    const batchId = ((await started.json()) as { batch: { id: string } }).batch.id;
    let status = "queued";
    for (let i = 0; i < 600 && (status === "queued" || status === "running"); i++) {
      status = ((await (await legal.get(`/api/v1/imports/${batchId}`)).json()) as { batch: { status: string; importedRows: number } }).batch.status;
      if (status === "queued" || status === "running") await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe("completed");

    const unreviewed = gapsOf(await matrixOf(manager, "?from=2026-01-01&to=2026-12-31"), "contract-without-ip-review");
    expect(unreviewed.map((g) => g.clause)).toEqual(["4.3.3"]);
    expect(unreviewed[0]!.message).toContain("HT-2026-101");
    // signed in 2026: not a gap of 2025
    expect(gapsOf(await matrixOf(manager, "?from=2025-01-01&to=2025-12-31"), "contract-without-ip-review")).toEqual([]);
    // an employee who does not read the contract register does not learn of it
    expect(JSON.stringify(await matrixOf(emp))).not.toContain("HT-2026-101");
    // an auditor sees it only with 4.3.3 in the grant
    const contractsAuditor = await grantTo({ clauseIds: ["4.3.3"], periodFrom: "2026-01-01", periodTo: "2026-12-31" });
    expect(gapsOf(await matrixOf(contractsAuditor), "contract-without-ip-review").map((g) => g.clause)).toEqual(["4.3.3"]);
    const otherClauses = await grantTo({ clauseIds: ["4.3.2.1"], categoryIds: ["procedure"] });
    expect(JSON.stringify(await matrixOf(otherClauses))).not.toContain("HT-2026-101");
  });
});
