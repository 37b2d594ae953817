import { describe, expect, it } from "vitest";
import { createBasePdf } from "../signatures/support/base-pdf";
import { declare, expectJson } from "../records/support";
import { grantAuditor } from "../audit-package/support";
import { errorCode, startHarness } from "../../support/app";

/**
 * What an attacker tried: reading data above their clearance or outside an auditor's grant through
 * registers that named it (holds after their case, disposals after their records, imports with
 * their rows, counts, the audit trail). Each case here failed before the access-policy registry.
 */
const h = await startHarness();
const CORRECTIVE = "rcl_13_4_01"; // clause 13.4–13.5; 10 years from the record date, then destroy

const adminTop = await h.signIn(await h.user({ roles: ["admin"], clearance: "top-secret" }));
const adminPublic = await h.signIn(await h.user({ roles: ["admin"], clearance: "public" }));
const legalTopUser = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "top-secret" });
const legalTop = await h.signIn(legalTopUser);
const managerUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const manager = await h.signIn(managerUser);
const otherManager = await h.signIn(await h.user({ roles: ["ip-manager", "legal"], displayName: "赵敏", clearance: "public" }));
const employee = await h.signIn(await h.user({ roles: ["employee"], clearance: "public" }));
const auditorNoGrant = await h.signIn(await h.user({ roles: ["auditor"], clearance: "top-secret" }));
const cappedUser = await h.user({ roles: ["auditor"], displayName: "刘审核", clearance: "secret" });
await grantAuditor(h, managerUser, cappedUser, { clauseIds: ["13.4–13.5", "4.3.2.2"], periodFrom: "2000-01-01", maxClassification: "internal" });
const capped = await h.signIn(cappedUser);

// a top-secret case, its hold named after it, and an internal record that falls under it
const topCase = await expectJson<{ id: string; number: string }>(
  await legalTop.post("/api/v1/cases", { title: "绝密专利纠纷", kind: "litigation", openedOn: "2026-01-10", classification: "top-secret" }),
  201,
);
const caseRecord = await declare(legalTop, { classId: CORRECTIVE, title: "涉案往来函件", classification: "internal", links: [{ kind: "case", targetId: topCase.id }] });
const holds = await expectJson<{ id: string; matter: string; caseId: string | null }[]>(await legalTop.get("/api/v1/legal-holds"), 200);
const caseHold = holds.find((x) => x.caseId === topCase.id)!;

// a secret disposal of a secret record (due: dated 2010, kept 10 years)
const secretRecord = await declare(manager, { classId: CORRECTIVE, title: "机密纠正措施 2010", classification: "secret", recordDate: "2010-03-01" }, {
  bytes: await createBasePdf({ pages: 1 }),
  name: "机密.pdf",
});
const disposal = await expectJson<{ id: string; number: string }>(
  await manager.post("/api/v1/disposals", { action: "destroy", recordIds: [secretRecord.id], reason: "保管期限届满" }),
  201,
);

describe("what registers name is held to the named object's access policy", () => {
  it("a case's legal hold is seen only by those who may see the case; an auditor without a grant sees no hold", async () => {
    expect(caseHold.matter).toContain(topCase.number);
    expect(await errorCode(await manager.get(`/api/v1/cases/${topCase.id}`))).toBe("NOT_FOUND");
    const listed = await expectJson<{ id: string }[]>(await manager.get("/api/v1/legal-holds"), 200);
    expect(listed.map((x) => x.id)).not.toContain(caseHold.id);
    expect(await errorCode(await manager.get(`/api/v1/legal-holds/${caseHold.id}`))).toBe("NOT_FOUND");
    expect(await expectJson<unknown[]>(await auditorNoGrant.get("/api/v1/legal-holds"), 200)).toEqual([]);
    expect(await errorCode(await auditorNoGrant.get(`/api/v1/legal-holds/${caseHold.id}`))).toBe("NOT_FOUND");
    // the one who may see the case sees its hold
    expect((await expectJson<{ hold: { id: string } }>(await legalTop.get(`/api/v1/legal-holds/${caseHold.id}`), 200)).hold.id).toBe(caseHold.id);
  });

  it("a record under a case's hold says it is held, without naming a case the reader may not see", async () => {
    const view = await expectJson<{ underHold: boolean; holds: { matter: string }[] }>(await manager.get(`/api/v1/records/${caseRecord.id}`), 200);
    expect(view.underHold).toBe(true);
    expect(view.holds).toEqual([]);
    expect(JSON.stringify(view)).not.toContain(topCase.number);
    const mine = await expectJson<{ holds: { matter: string }[] }>(await legalTop.get(`/api/v1/records/${caseRecord.id}`), 200);
    expect(mine.holds.map((x) => x.matter)).toEqual([caseHold.matter]);
  });

  it("a disposal is seen only by those who may see every record it covers: not by auditors without a grant or with a lower ceiling", async () => {
    for (const reader of [auditorNoGrant, capped]) {
      const listed = await expectJson<{ id: string }[]>(await reader.get("/api/v1/disposals"), 200);
      expect(listed.map((d) => d.id)).not.toContain(disposal.id);
      expect(await errorCode(await reader.get(`/api/v1/disposals/${disposal.id}`))).toBe("NOT_FOUND");
    }
    expect((await expectJson<{ id: string }[]>(await manager.get("/api/v1/disposals"), 200)).map((d) => d.id)).toContain(disposal.id);
  });

  it("an import and its failed rows are the importer's alone, whoever else may import", async () => {
    const csv = ["类别代码,题名,日期,责任者,密级,库房", "R-13.2-01,绝密的失败行（超出密级）,2021-03-01,内审组,绝密,档案室 B"].join("\r\n");
    const res = await manager.request(`/api/v1/imports?kind=records&mode=valid-rows&filename=${encodeURIComponent("台账.csv")}`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: new TextEncoder().encode(csv),
    });
    const started = await expectJson<{ batch: { id: string } }>(res, 202);
    await h.deps.jobs.runDue();
    const mine = await expectJson<{ failedRows: { line: number }[] }>(await manager.get(`/api/v1/imports/${started.batch.id}`), 200);
    expect(mine.failedRows.map((r) => r.line)).toEqual([2]);
    for (const other of [otherManager, adminTop]) {
      expect(await errorCode(await other.get(`/api/v1/imports/${started.batch.id}`))).toBe("NOT_FOUND");
      expect(await errorCode(await other.get(`/api/v1/imports/${started.batch.id}/report.csv`))).toBe("NOT_FOUND");
    }
  });

  it("the file plan counts only the records the reader may see", async () => {
    const count = async (client: typeof manager) =>
      (await expectJson<{ id: string; recordCount: number }[]>(await client.get("/api/v1/record-classes"), 200)).find((c) => c.id === CORRECTIVE)!.recordCount;
    const seen = await count(manager);
    expect(seen).toBeGreaterThanOrEqual(2);
    expect(await count(employee)).toBe(0);
    expect(await count(otherManager)).toBe(0);
    expect((await expectJson<{ recordCount: number }>(await employee.get(`/api/v1/record-classes/${CORRECTIVE}`), 200)).recordCount).toBe(0);
  });

  it("the audit trail and evidence search show an admin only events about objects within their clearance", async () => {
    const events = await expectJson<{ events: { objectType: string; objectId: string; data: unknown }[] }>(await adminPublic.get("/api/v1/audit/events?limit=500"), 200);
    const text = JSON.stringify(events);
    expect(events.events.length).toBeGreaterThan(0);
    for (const secret of [disposal.id, topCase.id, caseHold.id, secretRecord.id]) expect(text).not.toContain(secret);
    expect(text).not.toContain("绝密专利纠纷");
    expect(text).not.toContain("保管期限届满");
    const search = await expectJson<{ hits: { id: string; title: string }[] }>(await adminPublic.get("/api/v1/evidence/search?kind=audit-event&limit=200"), 200);
    const found = JSON.stringify(search);
    for (const secret of [disposal.id, topCase.id, caseHold.id]) expect(found).not.toContain(secret);
    // the admin cleared top-secret sees them all
    const all = JSON.stringify(await expectJson(await adminTop.get("/api/v1/audit/events?limit=500"), 200));
    for (const secret of [disposal.id, topCase.id, caseHold.id]) expect(all).toContain(secret);
  });

  it("a record cannot be linked to a case its declarer may not see: it answers as if there were none", async () => {
    const res = await manager.post("/api/v1/records", {
      classId: CORRECTIVE,
      title: "试图关联看不见的案件",
      author: "王芳",
      recordDate: "2026-01-15",
      paperRoom: "档案室 A",
      links: [{ kind: "case", targetId: topCase.id }],
    });
    const unknown = await manager.post("/api/v1/records", {
      classId: CORRECTIVE,
      title: "关联不存在的案件",
      author: "王芳",
      recordDate: "2026-01-15",
      paperRoom: "档案室 A",
      links: [{ kind: "case", targetId: "cas_doesnotexist" }],
    });
    const error = async (r: Response) => ((await r.json()) as { error: { code: string; message: string } }).error;
    const hidden = await error(res);
    const missing = await error(unknown);
    expect(hidden.code).toBe("INVALID_REFERENCE");
    expect(missing.code).toBe("INVALID_REFERENCE");
    expect(hidden.message.replace(topCase.id, "…")).toBe(missing.message.replace("cas_doesnotexist", "…"));
  });
});
