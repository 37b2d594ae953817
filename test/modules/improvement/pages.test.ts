import { describe, expect, it } from "vitest";
import { api, expectJson, improvementHarness, view, type Item } from "./support";

/** The improvement module's generated pages (without a browser): registers, forms, the item pages with links both ways. */
const { depts, ipm, auditor, owner } = await improvementHarness();
const html = { accept: "text/html" };

describe("the improvement module's pages", () => {
  it("lists the module with its five record types, each with a register and a creation form", async () => {
    const modules = await (await ipm.client.get("/m", html)).text();
    expect(modules).toContain("改进");
    for (const [path, title] of [
      ["audit-programme", "内部审核方案"],
      ["audit-checklist", "内部审核检查表"],
      ["audit-report", "内部审核报告"],
      ["nonconformity", "不符合项"],
      ["corrective-action", "纠正措施"],
    ] as const) {
      expect(modules).toContain(`href="/m/improvement/${path}"`);
      const register = await ipm.client.get(`/m/improvement/${path}`, html);
      expect(register.status).toBe(200);
      expect(await register.text()).toContain(title);
      expect((await ipm.client.get(`/m/improvement/${path}/new`, html)).status).toBe(200);
    }
    // the programme's form has its plan rows: clause, department, date and auditor
    const form = await (await ipm.client.get("/m/improvement/audit-programme/new", html)).text();
    for (const name of ["plan.0.clause", "plan.0.departmentId", "plan.0.plannedOn", "plan.0.auditorId"]) expect(form).toContain(`name="${name}"`);
  });

  it("shows a finding and its corrective action linked both ways, the judgement marks and the recurrence", async () => {
    const checklist = await expectJson<Item>(
      await ipm.client.post(api.checklist, { data: { programme: "AP-2026-0100", clause: "7.3", departmentId: depts.rnd, plannedOn: "2026-03-12", auditorId: auditor.user.id } }),
      201,
    );
    const auditorPage = await (await auditor.client.get(`/m/improvement/audit-checklist/${checklist.id}`, html)).text();
    expect(auditorPage).toContain('data-action="record"');
    expect(auditorPage).toContain("严重不符合 ×");
    expect(auditorPage).toContain("观察项 △");
    await expectJson(
      await auditor.client.post(`${api.checklist}/${checklist.id}/actions/record`, {
        data: { auditedOn: "2026-03-12", lines: [{ requirement: "研发记录归档", judgement: "major", finding: "全年未归档。" }] },
      }),
      200,
    );
    const ncId = (await view(ipm.client, api.checklist, checklist.id)).links[0]!.targetId;
    await expectJson(await ipm.client.post(`${api.nc}/${ncId}/actions/raise-action`, { data: { review: "属实。", ownerId: owner.user.id, dueOn: "2026-04-30" } }), 200);
    const ncPage = await (await ipm.client.get(`/m/improvement/nonconformity/${ncId}`, html)).text();
    expect(ncPage).toContain("同一条款在此前几次审核中不符合");
    expect(ncPage).toContain("审核发现 finding");
    expect(ncPage).toContain("纠正措施 corrective action");
    expect(ncPage).toContain("已提出纠正措施");
    const caId = (await view(ipm.client, api.nc, ncId)).links.find((l) => l.relation?.includes("corrective"))!.targetId;
    const ownerPage = await (await owner.client.get(`/m/improvement/corrective-action/${caId}`, html)).text();
    expect(ownerPage).toContain("被关联自");
    expect(ownerPage).toContain('data-action="analyse"');
    expect(ownerPage).not.toContain('data-action="verify"');
    // the owner's dashboard lists it as waiting for them
    expect(await (await owner.client.get("/", html)).text()).toContain("研发记录归档");
  });
});
