import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { jobRunnerFor } from "../../../src/core/jobs/index";
import { auditEvents } from "../../../src/db/schema/audit";
import { records } from "../../../src/db/schema/records";
import { errorCode } from "../../support/app";
import { api, expectJson, improvementHarness, linked, signAs, view, type Item } from "./support";

/**
 * The internal audit and corrective-action loop of clause 13 through the generated API: a programme
 * approved by the top manager opens the auditors' checklists; a finding becomes a nonconformity,
 * its corrective action goes through cause, actions, results with evidence, an ineffective review
 * that reopens it, and an effective one signed by someone other than the implementer, to closed;
 * the report is signed by the lead auditor and approved by the top manager.
 */
const { h, depts, top, ipm, ipm2, auditor, owner, evidence } = await improvementHarness();

async function approvedProgramme(year: number, clause: string) {
  const programme = await expectJson<Item>(
    await ipm.client.post(api.programme, {
      data: {
        year,
        title: "知识产权管理体系内部审核",
        scope: "审核目的：验证体系运行的符合性与有效性。范围：研发中心、法务部。准则：GB/T 29490。",
        leadAuditorId: ipm.user.id,
        plan: [
          { clause, departmentId: depts.rnd, plannedOn: `${year}-03-10`, auditorId: auditor.user.id },
          { clause: "9.1", departmentId: depts.leg, plannedOn: `${year}-03-11`, auditorId: ipm.user.id },
        ],
      },
    }),
    201,
  );
  const waiting = await expectJson<Item>(await top.client.post(`${api.programme}/${programme.id}/actions/approve`, {}), 200);
  expect(waiting.pending?.action).toBe("approve");
  await signAs(top.client, top.user, waiting.signatureRequestId!);
  return programme;
}

/** The auditor records the checklist of `clause` in R&D with one conforming and one nonconforming line; returns the nonconformity. */
async function auditWithFinding(programme: Item, clause: string, finding: string) {
  const pv = await view(ipm.client, api.programme, programme.id);
  expect(pv.item.state).toBe("approved");
  const checklists = await Promise.all(linked(pv, "to", "checklist").map((id) => view(ipm.client, api.checklist, id)));
  expect(checklists.map((c) => c.item.data.clause).sort()).toEqual([clause, "9.1"].sort());
  const mine = checklists.find((c) => c.item.data.clause === clause)!.item;
  expect(mine).toMatchObject({ state: "planned", data: { programme: programme.number, auditorId: auditor.user.id, departmentId: depts.rnd } });
  // the records looked at are linked to the checklist as evidence
  await expectJson(await auditor.client.post(`${api.checklist}/${mine.id}/links`, { kind: "record", targetId: evidence.id, relation: "审核证据 evidence" }), 201);
  await expectJson(
    await auditor.client.post(`${api.checklist}/${mine.id}/actions/record`, {
      data: {
        auditedOn: "2026-03-10",
        lines: [
          { requirement: "建立研发记录管理制度", judgement: "conform", finding: "《研发记录管理规定》现行有效。" },
          { requirement: "研发记录按规定归档", judgement: "minor", finding },
        ],
        summary: "总体符合，一项一般不符合。",
      },
    }),
    200,
  );
  const cv = await view(auditor.client, api.checklist, mine.id);
  expect(cv.item.state).toBe("audited");
  expect(cv.item.recordId).toBeTruthy();
  const [ncId] = linked(cv, "to", "finding");
  expect(ncId).toBeTruthy();
  expect(cv.links.some((l) => l.kind === "record" && l.targetId === evidence.id)).toBe(true);
  return (await view(ipm.client, api.nc, ncId!)).item;
}

describe("internal audit → nonconformity → corrective action → closed", () => {
  let programme: Item;
  let nc: Item;
  let ca: Item;

  it("approving the programme opens a checklist per line for its auditor; a nonconforming line becomes a nonconformity linked from it", async () => {
    programme = await approvedProgramme(2026, "7.3");
    nc = await auditWithFinding(programme, "7.3", "2025 年第四季度 3 本研发记录本未按期归档。");
    expect(nc).toMatchObject({ state: "open", data: { programme: programme.number, clause: "7.3", grade: "minor", requirement: "研发记录按规定归档", auditorId: auditor.user.id } });
    const ncView = await view(ipm.client, api.nc, nc.id);
    expect(ncView.links).toEqual(expect.arrayContaining([expect.objectContaining({ direction: "from", kind: "item", relation: "审核发现 finding" })]));
  });

  it("reviewing the nonconformity raises the corrective action, linked both ways", async () => {
    // a nonconformity is not an observation: it cannot be merely noted
    const noted = await ipm.client.post(`${api.nc}/${nc.id}/actions/note`, { data: { review: "仅记录" } });
    expect(noted.status).toBe(422);
    await expectJson(await ipm.client.post(`${api.nc}/${nc.id}/actions/raise-action`, { data: { review: "属实，影响研发成果的保护，须整改。", ownerId: owner.user.id, dueOn: "2026-04-30" } }), 200);
    const ncView = await view(ipm.client, api.nc, nc.id);
    expect(ncView.item.state).toBe("action-raised");
    expect(ncView.item.data.recurrenceCount).toBe(0);
    const [caId] = linked(ncView, "to", "corrective action");
    const caView = await view(owner.client, api.ca, caId!);
    ca = caView.item;
    expect(ca).toMatchObject({ state: "open", ownerId: owner.user.id, dueOn: "2026-04-30", data: { nonconformity: nc.number, clause: "7.3", grade: "minor", ownerId: owner.user.id, dueOn: "2026-04-30" } });
    expect(caView.links).toEqual([expect.objectContaining({ direction: "from", targetId: nc.id, display: expect.stringContaining(nc.number) })]);
    // numbered in the year it was raised
    expect(ca.number.slice(3, 7)).toBe(String(ca.data.raisedOn).slice(0, 4));
    // the owner is told it waits for them
    expect(caView.actions.map((a) => a.action)).toEqual(["analyse"]);
  });

  it("cause, actions, results with evidence; the effectiveness review is due 90 days after implementation", async () => {
    await expectJson(
      await owner.client.post(`${api.ca}/${ca.id}/actions/analyse`, {
        data: { cause: "项目组不清楚归档期限；无提醒。", correction: "3 本记录本已补归档。", actionNeeded: "需要防止其他项目组再次逾期。", plan: "修订《研发记录管理规定》，增加季度归档提醒与抽查。" },
      }),
      200,
    );
    // results without evidence are refused, nothing changes
    const bare = await owner.client.post(`${api.ca}/${ca.id}/actions/implement`, { data: { results: "规定已修订并培训。" } });
    expect(bare.status).toBe(422);
    expect((await view(owner.client, api.ca, ca.id)).item.state).toBe("planned");
    // the owner may not see that record; the IP manager, who may, links it as the evidence
    expect(await errorCode(await owner.client.post(`${api.ca}/${ca.id}/links`, { kind: "record", targetId: evidence.id }))).toBe("INVALID_REFERENCE");
    await expectJson(await ipm.client.post(`${api.ca}/${ca.id}/links`, { kind: "record", targetId: evidence.id, relation: "实施证据 evidence" }), 201);
    h.clock.set(new Date("2026-05-01T02:00:00Z"));
    const implemented = await expectJson<Item>(await owner.client.post(`${api.ca}/${ca.id}/actions/implement`, { data: { results: "规定已修订并培训，归档清单见关联记录。" } }), 200);
    expect(implemented).toMatchObject({ state: "implemented", dueOn: "2026-07-30", data: { implementerId: owner.user.id, implementedOn: "2026-05-01" } });
    // a week before, the daily reminders tell its owner the effectiveness review is due
    h.clock.set(new Date("2026-07-24T23:30:00Z"));
    const runner = jobRunnerFor(h.deps);
    await runner.schedule();
    await runner.runDue();
    const reminded = await h.deps.db.select().from(auditEvents).where(and(eq(auditEvents.objectId, ca.id), eq(auditEvents.action, "improvement.corrective-action.reminded")));
    expect(reminded.map((e) => e.data)).toEqual([{ dueOn: "2026-07-30", people: [owner.user.id] }]);
  });

  it("an ineffective review reopens the action; the next round closes it with the reviewer's signature and a record", async () => {
    // the owner cannot review their own action
    expect(await errorCode(await owner.client.post(`${api.ca}/${ca.id}/actions/ineffective`, { data: { effectiveness: "有效" }, comment: "x" }))).toBe("FORBIDDEN");
    h.clock.set(new Date("2026-07-30T02:00:00Z"));
    const reopened = await expectJson<Item>(
      await ipm.client.post(`${api.ca}/${ca.id}/actions/ineffective`, { data: { effectiveness: "抽查发现仍有 1 本逾期，措施未覆盖外包项目。", dueOn: "2026-09-30" }, comment: "措施无效，重新整改" }),
      200,
    );
    expect(reopened).toMatchObject({ state: "reopened", dueOn: "2026-09-30" });
    await expectJson(await owner.client.post(`${api.ca}/${ca.id}/actions/analyse`, { data: { cause: "外包项目不在提醒范围内。", actionNeeded: "覆盖外包项目。", plan: "提醒与抽查扩展到外包项目。" } }), 200);
    h.clock.set(new Date("2026-08-15T02:00:00Z"));
    expect((await expectJson<Item>(await owner.client.post(`${api.ca}/${ca.id}/actions/implement`, { data: { results: "外包项目已纳入。" } }), 200)).dueOn).toBe("2026-11-13");
    h.clock.set(new Date("2026-11-13T02:00:00Z"));
    const waiting = await expectJson<Item>(await ipm.client.post(`${api.ca}/${ca.id}/actions/verify`, { data: { reviewerId: ipm2.user.id, effectiveness: "连续一个季度无逾期，措施有效。" } }), 200);
    expect(waiting).toMatchObject({ state: "implemented", pending: { action: "verify" } });
    await signAs(ipm2.client, ipm2.user, waiting.signatureRequestId!);
    const closed = await view(ipm.client, api.ca, ca.id);
    expect(closed.item.state).toBe("closed");
    expect(closed.item.recordId).toBeTruthy();
    expect(closed.history.map((e) => e.action)).toEqual(["created", "analyse", "implement", "ineffective", "analyse", "implement", "verify"]);
    expect(closed.history[3]).toMatchObject({ state: "reopened", comment: "措施无效，重新整改", by: ipm.user.id });
    const [record] = await h.deps.db.select().from(records).where(eq(records.id, closed.item.recordId!));
    expect(record!.sourceKind).toBe("item");
    const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, ca.id)).orderBy(auditEvents.seq);
    expect(events.map((e) => e.action)).toEqual([
      "improvement.corrective-action.created",
      "improvement.corrective-action.analyse",
      "improvement.corrective-action.linked",
      "improvement.corrective-action.implement",
      "improvement.corrective-action.reminded",
      "improvement.corrective-action.ineffective",
      "improvement.corrective-action.analyse",
      "improvement.corrective-action.implement",
      "improvement.corrective-action.verify_requested",
      "improvement.corrective-action.verify",
    ]);
    // closed actions are no longer due for anyone
    const open = await expectJson<{ items: Item[] }>(await ipm.client.get(`${api.ca}?state=implemented`), 200);
    expect(open.items.map((i) => i.id)).not.toContain(ca.id);
  });

  it("the report counts the findings, is signed by the lead auditor and approved by the top manager", async () => {
    const report = await expectJson<Item>(
      await ipm.client.post(api.report, {
        data: {
          programme: programme.number,
          title: "2026 年度内部审核报告",
          reportedOn: "2026-03-20",
          leadAuditorId: ipm.user.id,
          approverId: top.user.id,
          summary: "审核 2 个部门、2 个条款。",
          conclusion: "体系基本符合标准要求并有效运行；研发记录归档须整改。",
        },
      }),
      201,
    );
    // the approver must be a top manager
    expect(await errorCode(await ipm.client.patch(`${api.report}/${report.id}`, { approverId: ipm2.user.id }))).toBe("VALIDATION_FAILED");
    const waiting = await expectJson<Item>(await ipm.client.post(`${api.report}/${report.id}/actions/sign-off`, {}), 200);
    expect(waiting.pending?.action).toBe("sign-off");
    await signAs(ipm.client, ipm.user, waiting.signatureRequestId!);
    expect((await view(ipm.client, api.report, report.id)).item.state).toBe("draft");
    await signAs(top.client, top.user, waiting.signatureRequestId!);
    const approved = await view(ipm.client, api.report, report.id);
    expect(approved.item).toMatchObject({ state: "approved", data: { majorCount: 0, minorCount: 1, observationCount: 0 } });
    expect(String(approved.item.data.findings)).toContain(nc.number);
  });

  it("shows when the same clause was nonconforming in earlier audits", async () => {
    const next = await approvedProgramme(2027, "7.3");
    const again = await auditWithFinding(next, "7.3", "仍有 1 本研发记录本未按期归档。");
    await expectJson(await ipm.client.post(`${api.nc}/${again.id}/actions/raise-action`, { data: { review: "重复发生，升级处理。", ownerId: owner.user.id, dueOn: "2027-04-30" } }), 200);
    const v = await view(ipm.client, api.nc, again.id);
    expect(v.item.data.recurrenceCount).toBe(1);
    expect(String(v.item.data.recurrenceOf)).toContain(`${programme.number}：${nc.number}`);
    // the register finds recurring nonconformities by search
    const found = await expectJson<{ items: Item[] }>(await ipm.client.get(`${api.nc}?q=${encodeURIComponent("重复发生")}`), 200);
    expect(found.items.map((i) => i.id)).toEqual([again.id]);
    const [caId] = linked(v, "to", "corrective action");
    expect(String((await view(ipm.client, api.ca, caId!)).item.data.recurrence)).toContain("此前 1 次审核");
  });
});
