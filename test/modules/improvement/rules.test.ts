import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { items } from "../../../src/db/schema/items";
import { signatureRequests } from "../../../src/db/schema/signatures";
import { errorCode } from "../../support/app";
import { api, expectJson, improvementHarness, signAs, view, type Item } from "./support";

/**
 * Every rule of the improvement module, attacked: who may take each step, from which state, the
 * independence of auditors, the effectiveness review by someone other than the implementer, the
 * schema of the metadata and the classification. Each refusal leaves everything as it was.
 */
const { h, depts, top, ipm, ipm2, auditor, owner, rndAuditor, stranger, publicOnly, evidence } = await improvementHarness();

const countItems = async (type: string) => (await h.deps.db.select({ id: items.id }).from(items).where(eq(items.type, type))).length;

async function newProgramme(plan: { clause: string; departmentId: string; auditorId: string }[]) {
  return expectJson<Item>(
    await ipm.client.post(api.programme, {
      data: { year: 2026, title: "内部审核", scope: "全体系", leadAuditorId: ipm.user.id, plan: plan.map((r) => ({ ...r, plannedOn: "2026-03-10" })) },
    }),
    201,
  );
}

/** A corrective action straight from a nonconformity raised by hand, owned by `ownerId`, implemented with evidence. */
async function implementedAction(ownerClient: typeof ipm.client, ownerId: string) {
  const nc = await expectJson<Item>(
    await ipm.client.post(api.nc, {
      data: { source: "监督检查 2026-02", clause: "8.2", requirement: "合同知识产权条款审查", description: "2 份合同未经知识产权审查。", grade: "major", departmentId: depts.leg, foundOn: "2026-02-10", auditorId: auditor.user.id },
    }),
    201,
  );
  await expectJson(await ipm.client.post(`${api.nc}/${nc.id}/actions/raise-action`, { data: { review: "属实。", ownerId, dueOn: "2026-03-31" } }), 200);
  const caId = (await view(ipm.client, api.nc, nc.id)).links.find((l) => l.relation?.includes("corrective action"))!.targetId;
  await expectJson(await ownerClient.post(`${api.ca}/${caId}/actions/analyse`, { data: { cause: "流程缺少审查节点。", actionNeeded: "增加节点。", plan: "合同系统增加知识产权审查节点。" } }), 200);
  await expectJson(await ipm.client.post(`${api.ca}/${caId}/links`, { kind: "record", targetId: evidence.id }), 201);
  await expectJson(await ownerClient.post(`${api.ca}/${caId}/actions/implement`, { data: { results: "已上线。" } }), 200);
  return caId;
}

describe("the rules of the audit and corrective-action loop", () => {
  it("refuses an auditor auditing their own department, naming the rule, and approves nothing", async () => {
    const programme = await newProgramme([
      { clause: "7.3", departmentId: depts.leg, auditorId: ipm.user.id },
      { clause: "9.1", departmentId: depts.rnd, auditorId: rndAuditor.user.id },
    ]);
    const checklists = await countItems("improvement.audit-checklist");
    const refused = await top.client.post(`${api.programme}/${programme.id}/actions/approve`, {});
    expect(refused.status).toBe(422);
    const body = (await refused.json()) as { error: { code: string; message: string; details: { rule: string } } };
    expect(body.error.code).toBe("UNPROCESSABLE");
    expect(body.error.message).toContain("审核员不得审核本部门");
    expect(body.error.message).toContain("Auditor independence");
    expect(body.error.message).toContain("陈工");
    expect(body.error.message).toContain("第 2 行");
    const unchanged = await view(ipm.client, api.programme, programme.id);
    expect(unchanged.item).toMatchObject({ state: "draft", pending: null, signatureRequestId: null });
    expect(await countItems("improvement.audit-checklist")).toBe(checklists);
    expect((await h.deps.db.select().from(signatureRequests).where(eq(signatureRequests.sourceId, programme.id))).length).toBe(0);
    // corrected in the draft, it is approved
    const plan = (unchanged.item.data.plan as Record<string, unknown>[]).map((r, i) => (i === 1 ? { ...r, auditorId: auditor.user.id } : r));
    await expectJson(await ipm.client.patch(`${api.programme}/${programme.id}`, { plan }), 200);
    const waiting = await expectJson<Item>(await top.client.post(`${api.programme}/${programme.id}/actions/approve`, {}), 200);
    await signAs(top.client, top.user, waiting.signatureRequestId!);
    expect(await countItems("improvement.audit-checklist")).toBe(checklists + 2);
  });

  it("refuses a checklist recorded by an auditor of the department audited", async () => {
    const checklist = await expectJson<Item>(
      await ipm.client.post(api.checklist, { data: { programme: "AP-2026-9999", clause: "7.3", departmentId: depts.rnd, plannedOn: "2026-03-12", auditorId: rndAuditor.user.id } }),
      201,
    );
    const ncs = await countItems("improvement.nonconformity");
    const res = await rndAuditor.client.post(`${api.checklist}/${checklist.id}/actions/record`, {
      data: { auditedOn: "2026-03-12", lines: [{ requirement: "研发记录归档", judgement: "major", finding: "全部未归档。" }] },
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("审核员不得审核本部门");
    expect((await view(ipm.client, api.checklist, checklist.id)).item).toMatchObject({ state: "planned", version: 1 });
    expect(await countItems("improvement.nonconformity")).toBe(ncs);
    // a nonconforming line needs its facts
    const another = await expectJson<Item>(
      await ipm.client.post(api.checklist, { data: { programme: "AP-2026-9999", clause: "7.3", departmentId: depts.rnd, plannedOn: "2026-03-12", auditorId: auditor.user.id } }),
      201,
    );
    const bare = await auditor.client.post(`${api.checklist}/${another.id}/actions/record`, { data: { auditedOn: "2026-03-12", lines: [{ requirement: "研发记录归档", judgement: "minor" }] } });
    expect(bare.status).toBe(422);
    expect(await countItems("improvement.nonconformity")).toBe(ncs);
  });

  it("records a checklist only by its auditor; an observation is noted without a corrective action", async () => {
    const checklist = await expectJson<Item>(
      await ipm.client.post(api.checklist, { data: { programme: "AP-2026-9998", clause: "10.1", departmentId: depts.rnd, plannedOn: "2026-03-13", auditorId: auditor.user.id } }),
      201,
    );
    const lines = [{ requirement: "专利申请前检索", judgement: "observation", finding: "检索报告格式不统一。" }];
    expect(await errorCode(await ipm.client.post(`${api.checklist}/${checklist.id}/actions/record`, { data: { auditedOn: "2026-03-13", lines } }))).toBe("FORBIDDEN");
    await expectJson(await auditor.client.post(`${api.checklist}/${checklist.id}/actions/record`, { data: { auditedOn: "2026-03-13", lines } }), 200);
    const ncId = (await view(ipm.client, api.checklist, checklist.id)).links.find((l) => l.relation?.includes("finding"))!.targetId;
    const cas = await countItems("improvement.corrective-action");
    await expectJson(await ipm.client.post(`${api.nc}/${ncId}/actions/note`, { data: { review: "建议统一格式，不需纠正措施。" } }), 200);
    const noted = await view(ipm.client, api.nc, ncId);
    expect(noted.item).toMatchObject({ state: "noted", data: { grade: "observation" } });
    expect(noted.item.recordId).toBeTruthy();
    expect(await countItems("improvement.corrective-action")).toBe(cas);
  });

  it("refuses the wrong roles and people: 403 for those who may see it, 404 for those who may not", async () => {
    expect(await errorCode(await owner.client.post(api.programme, { data: { year: 2026, title: "x", scope: "x", leadAuditorId: ipm.user.id, plan: [] } }))).toBe("FORBIDDEN");
    expect(
      await errorCode(
        await owner.client.post(api.nc, { data: { source: "x", clause: "8.2", requirement: "x", description: "x", grade: "minor", departmentId: depts.leg, foundOn: "2026-02-10", auditorId: auditor.user.id } }),
      ),
    ).toBe("FORBIDDEN");
    const programme = await newProgramme([{ clause: "7.3", departmentId: depts.rnd, auditorId: auditor.user.id }]);
    // only the top manager approves the programme
    expect(await errorCode(await ipm.client.post(`${api.programme}/${programme.id}/actions/approve`, {}))).toBe("FORBIDDEN");
    const caId = await implementedAction(owner.client, owner.user.id);
    // the owner reads their action but may not review it; a stranger does not see it at all
    expect(await errorCode(await owner.client.post(`${api.ca}/${caId}/actions/verify`, { data: { reviewerId: ipm2.user.id, effectiveness: "有效" } }))).toBe("FORBIDDEN");
    expect(await errorCode(await stranger.client.get(`${api.ca}/${caId}`))).toBe("NOT_FOUND");
    expect(await errorCode(await stranger.client.post(`${api.ca}/${caId}/actions/verify`, { data: { reviewerId: ipm2.user.id, effectiveness: "有效" } }))).toBe("NOT_FOUND");
    expect(await errorCode(await stranger.client.post(`${api.ca}/${caId}/links`, { kind: "record", targetId: evidence.id }))).toBe("NOT_FOUND");
    // the effectiveness reviewer must be an IP manager or the top manager
    expect(await errorCode(await ipm.client.post(`${api.ca}/${caId}/actions/verify`, { data: { reviewerId: stranger.user.id, effectiveness: "有效" } }))).toBe("VALIDATION_FAILED");
    expect((await view(ipm.client, api.ca, caId)).item).toMatchObject({ state: "implemented", pending: null });
  });

  it("refuses steps from the wrong state with INVALID_STATE, saying what is possible", async () => {
    const caId = await implementedAction(owner.client, owner.user.id);
    const res = await owner.client.post(`${api.ca}/${caId}/actions/analyse`, { data: { cause: "x", actionNeeded: "x", plan: "x" } });
    expect(res.status).toBe(409);
    const body = (await res.json()) as { error: { code: string; details: { state: string; possible: string[] } } };
    expect(body.error).toMatchObject({ code: "INVALID_STATE", details: { state: "implemented", possible: ["verify", "ineffective"] } });
    const waiting = await expectJson<Item>(await ipm.client.post(`${api.ca}/${caId}/actions/verify`, { data: { reviewerId: ipm2.user.id, effectiveness: "有效。" } }), 200);
    // while it waits for the reviewer's signature nothing else moves it
    expect(await errorCode(await ipm.client.post(`${api.ca}/${caId}/actions/ineffective`, { data: { effectiveness: "无效" }, comment: "x" }))).toBe("INVALID_STATE");
    await signAs(ipm2.client, ipm2.user, waiting.signatureRequestId!);
    expect(await errorCode(await ipm.client.post(`${api.ca}/${caId}/actions/ineffective`, { data: { effectiveness: "无效" }, comment: "x" }))).toBe("INVALID_STATE");
    expect(await errorCode(await ipm.client.patch(`${api.ca}/${caId}`, { dueOn: "2027-01-01" }))).toBe("INVALID_STATE");
  });

  it("refuses an effectiveness review by the implementer (signature or reopening), and leaves the action as it was", async () => {
    // the IP manager owns and implements this one
    const caId = await implementedAction(ipm.client, ipm.user.id);
    const before = await view(ipm.client, api.ca, caId);
    expect(before.item.data.implementerId).toBe(ipm.user.id);
    const self = await ipm.client.post(`${api.ca}/${caId}/actions/verify`, { data: { reviewerId: ipm.user.id, effectiveness: "自评有效" } });
    expect(self.status).toBe(422);
    const body = (await self.json()) as { error: { code: string; message: string; details: { rule: string } } };
    expect(body.error).toMatchObject({ code: "UNPROCESSABLE", details: { rule: "notThe" } });
    expect(body.error.message).toContain("Implemented by");
    const reopen = await ipm.client.post(`${api.ca}/${caId}/actions/ineffective`, { data: { effectiveness: "自评无效" }, comment: "重做" });
    expect(reopen.status).toBe(422);
    expect(((await reopen.json()) as { error: { message: string } }).error.message).toContain("实施人以外");
    const after = await view(ipm.client, api.ca, caId);
    expect(after.item).toMatchObject({ state: "implemented", pending: null, version: before.item.version });
    expect(after.item.data.effectiveness).toBeUndefined();
    expect((await h.deps.db.select().from(signatureRequests).where(eq(signatureRequests.sourceId, caId))).length).toBe(0);
    // someone else may
    await expectJson(await top.client.post(`${api.ca}/${caId}/actions/verify`, { data: { reviewerId: ipm2.user.id, effectiveness: "有效。" } }), 200);
  });

  it("refuses metadata that fails the schema with 400 VALIDATION_FAILED", async () => {
    const bad = async (res: Response) => {
      expect(res.status).toBe(400);
      return errorCode(res);
    };
    expect(await bad(await ipm.client.post(api.programme, { data: { year: 2026, title: "x", scope: "x", leadAuditorId: ipm.user.id, plan: [{ clause: "第七条", departmentId: depts.rnd, plannedOn: "2026-03-10", auditorId: auditor.user.id }] } }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(await bad(await ipm.client.post(api.programme, { data: { year: 1999, title: "x", scope: "x", leadAuditorId: ipm.user.id, plan: [] } }))).toBe("VALIDATION_FAILED");
    // the lead auditor must hold an IP role
    expect(await bad(await ipm.client.post(api.programme, { data: { year: 2026, title: "x", scope: "x", leadAuditorId: owner.user.id, plan: [] } }))).toBe("VALIDATION_FAILED");
    expect(
      await bad(await ipm.client.post(api.nc, { data: { source: "x", clause: "8.2", requirement: "x", description: "x", grade: "catastrophic", departmentId: depts.leg, foundOn: "2026-02-10", auditorId: auditor.user.id } })),
    ).toBe("VALIDATION_FAILED");
    const checklist = await expectJson<Item>(
      await ipm.client.post(api.checklist, { data: { programme: "AP-2026-9999", clause: "7.3", departmentId: depts.rnd, plannedOn: "2026-03-12", auditorId: auditor.user.id } }),
      201,
    );
    expect(await bad(await auditor.client.post(`${api.checklist}/${checklist.id}/actions/record`, { data: { auditedOn: "2026-03-12", lines: [{ requirement: "x", judgement: "maybe" }] } }))).toBe("VALIDATION_FAILED");
    // a field the step does not take (the implementer is set by the step itself)
    expect(await bad(await auditor.client.post(`${api.checklist}/${checklist.id}/actions/record`, { data: { auditedOn: "2026-03-12", lines: [], auditorId: ipm.user.id } }))).toBe("VALIDATION_FAILED");
    expect((await view(ipm.client, api.checklist, checklist.id)).item.version).toBe(1);
  });

  it("does not show a secret nonconformity to a public-cleared person named in it, nor what it raises", async () => {
    const secret = await expectJson<Item>(
      await ipm.client.post(api.nc, {
        data: { source: "专项检查", clause: "6.2", requirement: "涉密区域管理", description: "涉密实验室门禁记录缺失。", grade: "major", departmentId: depts.rnd, foundOn: "2026-02-11", auditorId: publicOnly.user.id },
        classification: "secret",
      }),
      201,
    );
    expect(await errorCode(await publicOnly.client.get(`${api.nc}/${secret.id}`))).toBe("NOT_FOUND");
    expect((await expectJson<{ total: number }>(await publicOnly.client.get(`${api.nc}?q=${encodeURIComponent("涉密实验室")}`), 200)).total).toBe(0);
    expect((await expectJson<{ total: number }>(await ipm.client.get(`${api.nc}?q=${encodeURIComponent("涉密实验室")}`), 200)).total).toBe(1);
    // its corrective action is as secret as the finding; its owner must be cleared for it
    const uncleared = await ipm.client.post(`${api.nc}/${secret.id}/actions/raise-action`, { data: { review: "属实。", ownerId: publicOnly.user.id, dueOn: "2026-03-31" } });
    expect(uncleared.status).toBe(422);
    expect(((await uncleared.json()) as { error: { message: string } }).error.message).toContain("访客");
    expect((await view(ipm.client, api.nc, secret.id)).item).toMatchObject({ state: "open", version: 1 });
    await expectJson(await ipm.client.post(`${api.nc}/${secret.id}/actions/raise-action`, { data: { review: "属实。", ownerId: ipm2.user.id, dueOn: "2026-03-31" } }), 200);
    const caId = (await view(ipm.client, api.nc, secret.id)).links.find((l) => l.relation?.includes("corrective action"))!.targetId;
    expect((await view(ipm.client, api.ca, caId)).item.classification).toBe("secret");
    expect(await errorCode(await publicOnly.client.get(`${api.ca}/${caId}`))).toBe("NOT_FOUND");
  });
});
