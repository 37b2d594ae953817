import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../../src/db/schema/audit";
import { items } from "../../../src/db/schema/items";
import { organisationModule } from "../../../src/modules/organisation";
import { statusOf } from "../../../src/modules/organisation/objective";
import { errorCode, startHarness, type Client } from "../../support/app";
import { expectJson } from "../../core/records/support";
import { improvementStandIn } from "./corrective-action-stand-in";
import { api, signAs, type Item } from "./support";

/**
 * IP objectives (4.2.2): cascaded, acknowledged by their owners, measured by hand or by an
 * indicator over live data, their status computed from the latest measurement, then evaluated.
 */
const h = await startHarness({ modules: [organisationModule, improvementStandIn] });
// nobody here but the two new hires holds the employee role: they are the indicator's population
const managerUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const ownerUser = await h.user({ roles: ["ip-staff"], displayName: "李强" });
const otherStaffUser = await h.user({ roles: ["legal"], displayName: "赵敏" });
const publicUser = await h.user({ roles: ["legal"], displayName: "实习生", clearance: "public" });
const manager = await h.signIn(managerUser);
const owner = await h.signIn(ownerUser);
const otherStaff = await h.signIn(otherStaffUser);
const publicClient = await h.signIn(publicUser);
const dept = await expectJson<{ id: string }>(await (await h.signIn(await h.user({ roles: ["admin"], clearance: "top-secret" }))).post("/api/v1/departments", { code: "RD", name: "研发中心" }), 201);

const objective = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  target: 100,
  unit: "%",
  direction: "up",
  periodStart: "2026-01-01",
  periodEnd: "2026-12-31",
  ownerId: ownerUser.id,
  ...extra,
});

async function activeObjective(title: string, extra: Record<string, unknown> = {}, classification?: string, by: Client = owner) {
  const o = await expectJson<Item>(await manager.post(api.objective, { data: objective(title, extra), ...(classification ? { classification } : {}) }), 201);
  await expectJson(await manager.post(`${api.objective}/${o.id}/actions/assign`, {}), 200);
  return expectJson<Item>(await by.post(`${api.objective}/${o.id}/actions/acknowledge`, {}), 200);
}

const measure = (client: Client, id: string, data: Record<string, unknown> = {}) => client.post(`${api.objective}/${id}/actions/measure`, { data });
const view = async (id: string) => (await expectJson<{ item: Item & { version: number } }>(await manager.get(`${api.objective}/${id}`), 200)).item;

let company: Item;

describe("IP objectives", () => {
  it("computes the status from a value against the target, in either direction", () => {
    expect([statusOf(100, 100, "up"), statusOf(95, 100, "up"), statusOf(80, 100, "up")]).toEqual(["on-track", "at-risk", "off-track"]);
    expect([statusOf(5, 10, "down"), statusOf(10.5, 10, "down"), statusOf(12, 10, "down")]).toEqual(["on-track", "at-risk", "off-track"]);
  });

  it("refuses input that does not fit the schema, and those who may not set objectives, creating nothing", async () => {
    const before = (await h.deps.db.select().from(items).where(eq(items.type, "organisation.objective"))).length;
    expect(await errorCode(await manager.post(api.objective, { data: objective("坏目标值", { target: "很多" }) }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await manager.post(api.objective, { data: objective("坏方向", { direction: "sideways" }) }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await manager.post(api.objective, { data: objective("坏指标", { indicator: "made-up" }) }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await manager.post(api.objective, { data: objective("坏部门", { departmentId: "dep_nothing" }) }))).toBe("INVALID_REFERENCE");
    expect(await errorCode(await owner.post(api.objective, { data: objective("员工自定目标") }))).toBe("FORBIDDEN");
    expect((await h.deps.db.select().from(items).where(eq(items.type, "organisation.objective"))).length).toBe(before);
  });

  it("cascades from a parent, is acknowledged by its owner only, and is measured by hand with its status computed", async () => {
    company = await activeObjective("公司年度专利申请量", { target: 40, unit: "件" });
    const child = await expectJson<Item>(await manager.post(api.objective, { data: objective("研发中心专利申请量", { target: 30, unit: "件", parentId: company.id, departmentId: dept.id }) }), 201);
    // the parent must be an objective whose period covers the child's
    const outside = await expectJson<Item>(await manager.post(api.objective, { data: objective("超出期间", { parentId: company.id, periodEnd: "2027-06-30" }) }), 201);
    expect(await errorCode(await manager.post(`${api.objective}/${outside.id}/actions/assign`, {}))).toBe("UNPROCESSABLE");
    const orphan = await expectJson<Item>(await manager.post(api.objective, { data: objective("无上级", { parentId: "itm_nothing" }) }), 201);
    expect(await errorCode(await manager.post(`${api.objective}/${orphan.id}/actions/assign`, {}))).toBe("UNPROCESSABLE");
    // a status typed into a draft is not believed: only measurements make one
    await expectJson(await manager.patch(`${api.objective}/${child.id}`, { status: "on-track", lastValue: 99 }), 200);
    expect(await errorCode(await measure(manager, child.id, { value: 3 }))).toBe("INVALID_STATE");
    const assigned = await expectJson<Item>(await manager.post(`${api.objective}/${child.id}/actions/assign`, {}), 200);
    expect(assigned.data.status).toBeUndefined();
    expect(assigned.data.lastValue).toBeUndefined();
    expect(await errorCode(await otherStaff.post(`${api.objective}/${child.id}/actions/acknowledge`, {}))).toBe("NOT_FOUND");
    expect(await errorCode(await manager.post(`${api.objective}/${child.id}/actions/acknowledge`, {}))).toBe("FORBIDDEN");
    await expectJson(await owner.post(`${api.objective}/${child.id}/actions/acknowledge`, {}), 200);

    // by hand, by its owner: 24 of 30 is short by more than 10 %
    const m1 = await expectJson<Item>(await measure(owner, child.id, { value: 24, measuredOn: "2026-06-30", measurementNote: "上半年" }), 200);
    expect(m1.data).toMatchObject({ lastValue: 24, lastMeasuredOn: "2026-06-30", status: "off-track", measurementNote: "上半年" });
    expect(m1.data.value).toBeUndefined();
    const m2 = await expectJson<Item>(await measure(manager, child.id, { value: 28 }), 200);
    expect(m2.data).toMatchObject({ lastValue: 28, lastMeasuredOn: "2026-03-02", status: "at-risk" });
    expect(m2.data.measurementNote).toBeUndefined();
    // someone else cannot, a value must be given (no indicator), and a date before the period is refused
    expect(await errorCode(await otherStaff.post(`${api.objective}/${child.id}/actions/measure`, { data: { value: 30 } }))).toBe("NOT_FOUND");
    expect(await errorCode(await measure(owner, child.id, {}))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await measure(owner, child.id, { value: "三十" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await measure(owner, child.id, { value: 30, measuredOn: "2025-12-31" }))).toBe("VALIDATION_FAILED");
    expect((await view(child.id)).data).toMatchObject({ lastValue: 28, status: "at-risk" });
    const list = await expectJson<{ items: Item[] }>(await owner.get(`/api/v1/m/organisation/objective/${child.id}/measurements`), 200);
    // newest measurement date first
    expect(list.items.map((m) => [m.data.value, m.data.status, m.data.source, m.data.measuredOn])).toEqual([
      [24, "off-track", "manual", "2026-06-30"],
      [28, "at-risk", "manual", "2026-03-02"],
    ]);
    expect(list.items.every((m) => m.recordId)).toBe(true);
    // each step is in the audit trail
    const events = (await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, child.id)).orderBy(auditEvents.seq)).map((e) => e.action);
    expect(events).toEqual(expect.arrayContaining(["organisation.objective.assign", "organisation.objective.acknowledge", "organisation.objective.measure"]));
    // the parent lists its children through the indexed parent field
    const children = (await h.deps.db.select().from(items).where(eq(items.type, "organisation.objective"))).filter((i) => (i.data as Record<string, unknown>).parentId === company.id);
    expect(children.map((c) => c.id)).toContain(child.id);

    // evaluated against its measurements by the IP function, as its record
    expect(await errorCode(await owner.post(`${api.objective}/${child.id}/actions/evaluate`, { data: { evaluation: "基本达成" } }))).toBe("FORBIDDEN");
    expect(await errorCode(await manager.post(`${api.objective}/${child.id}/actions/evaluate`, {}))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await manager.post(`${api.objective}/${company.id}/actions/evaluate`, { data: { evaluation: "未测量" } }))).toBe("UNPROCESSABLE");
    const evaluated = await expectJson<Item>(await manager.post(`${api.objective}/${child.id}/actions/evaluate`, { data: { evaluation: "基本达成，下半年加强提案挖掘。" } }), 200);
    expect(evaluated.state).toBe("evaluated");
    expect(evaluated.recordId).toBeTruthy();
    expect(await errorCode(await measure(owner, child.id, { value: 30 }))).toBe("INVALID_STATE");
  });

  it("is measured by the share of new employees with a signed IP declaration, from the signature requests", async () => {
    const hired = [await h.user({ roles: ["employee"], displayName: "新员工甲" }), await h.user({ roles: ["employee"], displayName: "新员工乙" })];
    const o = await activeObjective("新员工知识产权声明签署率", { indicator: "ip-declarations-signed" });
    const declare = async (u: (typeof hired)[number]) => {
      const req = await expectJson<{ id: string }>(
        await manager.post("/api/v1/signature-requests", {
          title: "知识产权声明",
          subjectUserId: u.id,
          source: { kind: "template", templateId: "ip-declaration", values: { employeeName: "新员工", idNumber: "11010519491231002X", department: "研发中心", position: "工程师", startDate: "2026-03-02", priorIp: "无" } },
          signers: [{ userId: u.id, meaning: "signed" }],
        }),
        201,
      );
      expect((await signAs(await h.signIn(u), req.id, u.pin)).status).toBe(200);
    };
    await declare(hired[0]!);
    const half = await expectJson<Item>(await measure(manager, o.id), 200);
    expect(half.data).toMatchObject({ lastValue: 50, status: "off-track" });
    expect(half.data.lastBasis).toContain("1 of 2");
    await declare(hired[1]!);
    const all = await expectJson<Item>(await measure(owner, o.id), 200);
    expect(all.data).toMatchObject({ lastValue: 100, status: "on-track" });
    const list = await expectJson<{ items: Item[] }>(await manager.get(`/api/v1/m/organisation/objective/${o.id}/measurements`), 200);
    expect(list.items.map((m) => m.data.source)).toEqual(["indicator", "indicator"]);
    expect(list.items.map((m) => m.data.value).sort()).toEqual([100, 50]);
  });

  it("is measured by the share of corrective actions closed on time, from the improvement module's items", async () => {
    const ca = async (nonconformity: string, dueOn: string) => expectJson<Item>(await manager.post("/api/v1/m/improvement/corrective-action", { data: { nonconformity, dueOn } }), 201);
    const onTime = await ca("专利台账未及时更新", "2026-03-10");
    const late = await ca("保密协议缺签", "2026-03-05");
    await ca("培训记录不全", "2026-09-30"); // not due yet: not counted
    await expectJson(await manager.post(`/api/v1/m/improvement/corrective-action/${onTime.id}/actions/close`, {}), 200);
    h.clock.set("2026-03-20T02:00:00Z");
    // 0 closed on time of 0 due so far would be nothing: one due, one closed on time, one open and overdue
    const o = await activeObjective("纠正措施按期关闭率", { indicator: "corrective-actions-on-time", target: 90 });
    const m = await expectJson<Item>(await measure(manager, o.id), 200);
    expect(m.data).toMatchObject({ lastValue: 50, status: "off-track", lastMeasuredOn: "2026-03-20" });
    await expectJson(await manager.post(`/api/v1/m/improvement/corrective-action/${late.id}/actions/close`, {}), 200);
    // closed, but after its due date: still late
    expect((await expectJson<Item>(await measure(manager, o.id), 200)).data).toMatchObject({ lastValue: 50 });
  });

  it("keeps a secret objective and its measurements from those not cleared for it", async () => {
    const secret = await activeObjective("核心技术专利布局", { target: 5, unit: "件", ownerId: managerUser.id }, "secret", manager);
    await expectJson(await measure(manager, secret.id, { value: 5 }), 200);
    expect(await errorCode(await publicClient.get(`${api.objective}/${secret.id}`))).toBe("NOT_FOUND");
    expect(await errorCode(await publicClient.get(`/api/v1/m/organisation/objective/${secret.id}/measurements`))).toBe("NOT_FOUND");
    const listed = await expectJson<{ items: Item[] }>(await publicClient.get(`${api.objective}?q=${encodeURIComponent("核心技术")}`), 200);
    expect(listed.items).toHaveLength(0);
    const measurements = await expectJson<{ items: Item[] }>(await publicClient.get(api.measurement), 200);
    expect(measurements.items.filter((m) => m.data.objectiveId === secret.id)).toHaveLength(0);
    // the measurement carries the objective's classification
    const [m] = (await h.deps.db.select().from(items).where(eq(items.type, "organisation.measurement"))).filter((i) => (i.data as Record<string, unknown>).objectiveId === secret.id);
    expect(m!.classification).toBe("secret");
    // nor does staff cleared for internal information only
    expect(await errorCode(await owner.get(`${api.objective}/${secret.id}`))).toBe("NOT_FOUND");
    expect(await errorCode(await owner.post(`${api.objective}/${secret.id}/actions/measure`, { data: { value: 1 } }))).toBe("NOT_FOUND");
  });
});
