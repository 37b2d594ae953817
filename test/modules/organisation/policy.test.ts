import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { items } from "../../../src/db/schema/items";
import { organisationModule } from "../../../src/modules/organisation";
import { errorCode, startHarness } from "../../support/app";
import { expectJson } from "../../core/records/support";
import { api, signAs, type Item } from "./support";

/**
 * The IP policy (4.2.1): issued by the top manager's own signature, acknowledged once per person
 * and revision, with a coverage report computed live over all active staff.
 */
const h = await startHarness({ modules: [organisationModule] });
const topUser = await h.user({ roles: ["top-manager"], displayName: "陈总", clearance: "secret" });
const otherTopUser = await h.user({ roles: ["top-manager"], displayName: "刘总", clearance: "secret" });
const managerUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const employeeUser = await h.user({ roles: ["employee"], displayName: "张伟" });
const publicUser = await h.user({ roles: ["employee"], displayName: "临时工", clearance: "public" });
const auditorUser = await h.user({ roles: ["auditor"], displayName: "外审员" });
const top = await h.signIn(topUser);
const otherTop = await h.signIn(otherTopUser);
const manager = await h.signIn(managerUser);
const employee = await h.signIn(employeeUser);
const publicClient = await h.signIn(publicUser);

interface Coverage {
  policy: { id: string; revision: string; current: boolean };
  staff: number;
  acknowledgedCount: number;
  coverage: number;
  acknowledged: { userId: string; displayName: string }[];
  notYet: { userId: string }[];
}

async function draftPolicy(revision: string) {
  return expectJson<Item>(await manager.post(api.policy, { data: { title: "知识产权方针", revision, statement: "尊重知识、激励创新、规范管理、有效运用。", effectiveOn: "2026-03-02", reviewBy: "2027-03-01" } }), 201);
}

let first: Item;

describe("the IP policy", () => {
  it("is issued only by a top manager, who signs it themself; nobody else can sign it for them", async () => {
    first = await draftPolicy("A/0");
    expect(await errorCode(await manager.post(`${api.policy}/${first.id}/actions/issue`, {}))).toBe("FORBIDDEN");
    expect(await errorCode(await employee.post(`${api.policy}/${first.id}/actions/issue`, {}))).toBe("FORBIDDEN");
    // only the top manager creates nothing here: drafting is the IP function's
    expect(await errorCode(await employee.post(api.policy, { data: { title: "x", revision: "x", statement: "x", effectiveOn: "2026-03-02" } }))).toBe("FORBIDDEN");
    const waiting = await expectJson<Item>(await top.post(`${api.policy}/${first.id}/actions/issue`, {}), 200);
    expect(waiting).toMatchObject({ state: "draft", pending: { action: "issue" } });
    // another top manager is not the signer of this request
    const refused = await signAs(otherTop, waiting.signatureRequestId!, otherTopUser.pin);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect((await expectJson<{ item: Item }>(await manager.get(`${api.policy}/${first.id}`), 200)).item).toMatchObject({ state: "draft", recordId: null });
    // the one who asked signs, and the policy is issued with the signed PDF as its record
    expect((await signAs(top, waiting.signatureRequestId!, topUser.pin)).status).toBe(200);
    const issued = (await expectJson<{ item: Item }>(await manager.get(`${api.policy}/${first.id}`), 200)).item;
    expect(issued.state).toBe("issued");
    expect(issued.recordId).toBeTruthy();
    // its periodic review date is the item's due date in the register
    expect((issued as Item & { dueOn: string }).dueOn).toBe("2027-03-01");
  });

  it("is acknowledged once per person; a draft is not; acknowledgements are made only through the policy", async () => {
    const draft = await draftPolicy("B/0-草稿");
    expect(await errorCode(await employee.post(`/api/v1/m/organisation/policy/${draft.id}/acknowledge`))).toBe("INVALID_STATE");
    const ack = await expectJson<Item>(await employee.post(`/api/v1/m/organisation/policy/${first.id}/acknowledge`), 201);
    expect(ack.data).toMatchObject({ policyId: first.id, revision: "A/0", userId: employeeUser.id, acknowledgedOn: "2026-03-02" });
    expect(ack.recordId).toBeTruthy();
    expect(await errorCode(await employee.post(`/api/v1/m/organisation/policy/${first.id}/acknowledge`))).toBe("CONFLICT");
    // a person cleared only for public information reads and acknowledges it too
    await expectJson(await publicClient.get(`${api.policy}/${first.id}`), 200);
    await expectJson(await publicClient.post(`/api/v1/m/organisation/policy/${first.id}/acknowledge`), 201);
    // nobody makes an acknowledgement directly, not even in someone else's name
    const direct = await manager.post(api.acknowledgement, { data: { policyId: first.id, revision: "A/0", userId: topUser.id, acknowledgedOn: "2026-03-02" } });
    expect(direct.status).toBe(403);
    expect(((await direct.json()) as { error: { message: string } }).error.message).toContain("never created directly");
    expect(await errorCode(await employee.post(`/api/v1/m/organisation/policy/itm_nothing/acknowledge`))).toBe("NOT_FOUND");
    const acks = await h.deps.db.select().from(items).where(eq(items.type, "organisation.policy-acknowledgement"));
    expect(acks).toHaveLength(2);
  });

  it("reports who has and who has not acknowledged the current revision, to the IP function only", async () => {
    const report = await expectJson<Coverage>(await manager.get(`/api/v1/m/organisation/policy/${first.id}/coverage`), 200);
    // staff: everyone active but the auditor
    expect(report.staff).toBe(5);
    expect(report.acknowledgedCount).toBe(2);
    expect(report.coverage).toBe(40);
    expect(report.acknowledged.map((a) => a.userId).sort()).toEqual([employeeUser.id, publicUser.id].sort());
    expect(report.notYet.map((a) => a.userId).sort()).toEqual([topUser.id, otherTopUser.id, managerUser.id].sort());
    expect(report.notYet.map((a) => a.userId)).not.toContain(auditorUser.id);
    expect(report.policy).toMatchObject({ revision: "A/0", current: true });
    expect(await errorCode(await employee.get(`/api/v1/m/organisation/policy/${first.id}/coverage`))).toBe("FORBIDDEN");
    expect((await h.anonymous().get(`/api/v1/m/organisation/policy/${first.id}/coverage`)).status).toBe(401);
    // the module's own routes are documented beside its types' generated ones
    const openapi = (await (await h.app.request("/api/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/api/v1/m/organisation/policy/{id}/coverage", "/api/v1/m/organisation/policy/{id}/acknowledge", "/api/v1/m/organisation/policy/{id}/actions/issue"]));
  });

  it("starts again with each revision: the earlier one can no longer be acknowledged", async () => {
    const second = await draftPolicy("A/1");
    const waiting = await expectJson<Item>(await top.post(`${api.policy}/${second.id}/actions/issue`, {}), 200);
    h.clock.advance(60_000);
    expect((await signAs(top, waiting.signatureRequestId!, topUser.pin)).status).toBe(200);
    const fresh = await expectJson<Coverage>(await manager.get(`/api/v1/m/organisation/policy/${second.id}/coverage`), 200);
    expect(fresh).toMatchObject({ policy: { revision: "A/1", current: true }, acknowledgedCount: 0 });
    const old = await expectJson<Coverage>(await manager.get(`/api/v1/m/organisation/policy/${first.id}/coverage`), 200);
    expect(old).toMatchObject({ policy: { revision: "A/0", current: false }, acknowledgedCount: 2 });
    // a member of staff who had not acknowledged A/0 cannot do so now: A/1 is the policy
    expect(await errorCode(await manager.post(`/api/v1/m/organisation/policy/${first.id}/acknowledge`))).toBe("INVALID_STATE");
    await expectJson(await employee.post(`/api/v1/m/organisation/policy/${second.id}/acknowledge`), 201);
    const after = await expectJson<Coverage>(await manager.get(`/api/v1/m/organisation/policy/${second.id}/coverage`), 200);
    expect(after.acknowledged.map((a) => a.displayName)).toEqual(["张伟"]);
  });

  it("measuring an objective by corrective actions says so when the improvement module is not installed, and changes nothing", async () => {
    const o = await expectJson<Item>(
      await manager.post(api.objective, { data: { title: "纠正措施按期关闭率", target: 90, unit: "%", direction: "up", periodStart: "2026-01-01", periodEnd: "2026-12-31", ownerId: managerUser.id, indicator: "corrective-actions-on-time" } }),
      201,
    );
    await expectJson(await manager.post(`${api.objective}/${o.id}/actions/assign`, {}), 200);
    await expectJson(await manager.post(`${api.objective}/${o.id}/actions/acknowledge`, {}), 200);
    const res = await manager.post(`${api.objective}/${o.id}/actions/measure`, {});
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("not installed");
    const view = await expectJson<{ item: Item & { version: number } }>(await manager.get(`${api.objective}/${o.id}`), 200);
    expect(view.item.version).toBe(3);
    expect(view.item.data.status).toBeUndefined();
    expect(await h.deps.db.select().from(items).where(eq(items.type, "organisation.measurement"))).toHaveLength(0);
  });
});
