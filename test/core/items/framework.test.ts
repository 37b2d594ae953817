import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../../src/db/schema/audit";
import { recordClasses, records } from "../../../src/db/schema/records";
import { syncRecordTypeClasses } from "../../../src/core/items/service";
import { errorCode, startHarness, systemContext, type Client } from "../../support/app";
import { qualityModule } from "../../modules/inspection";
import { expectJson } from "../records/support";
import { and } from "drizzle-orm";
import { items } from "../../../src/db/schema/items";
import { itemRule } from "../../../src/core/items/access";
import type { AuditScope, Principal, Role } from "../../../src/core/auth/permissions";

function scope(clauseIds: string[], periodFrom: string | null, periodTo: string | null): AuditScope {
  return { grantId: "agr_test", clauseIds, categoryIds: [], periodFrom, periodTo, maxClassification: "secret", endsAt: new Date(Date.now() + 86_400_000), documentCategoryIds: [], recordClassIds: [], coversContracts: false };
}

function principalOf(user: { id: string; roles: readonly string[] }): Principal {
  return { id: user.id, username: user.id, displayName: user.id, roles: user.roles as Role[], departmentId: null, clearance: "internal", locale: "zh-CN", mustChangePassword: false };
}

/**
 * The module framework, driven through a module that lives only in the tests (test/modules): its
 * record type gets the API, the workflow with signatures, the record at the end, access control,
 * search, evidence and audit without touching src/core.
 */
const h = await startHarness({ modules: [qualityModule] });
const managerUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const reviewerUser = await h.user({ roles: ["ip-manager"], displayName: "赵敏", clearance: "secret" });
const inspectorUser = await h.user({ roles: ["employee"], displayName: "张伟" });
const manager = await h.signIn(managerUser);
const reviewer = await h.signIn(reviewerUser);
const inspector = await h.signIn(inspectorUser);
const stranger = await h.signIn(await h.user({ roles: ["employee"], displayName: "路人" }));
const base = "/api/v1/m/quality/inspection";

interface Item {
  id: string;
  number: string;
  state: string;
  pending: { action: string } | null;
  signatureRequestId: string | null;
  recordId: string | null;
  data: Record<string, unknown>;
}

async function newInspection(subject = "研发中心专利台账检查", extra: Record<string, unknown> = {}) {
  return expectJson<Item>(await manager.post(base, { data: { subject, plannedOn: "2026-03-10", inspectorId: inspectorUser.id, ...extra } }), 201);
}

async function signAs(client: Client, requestId: string, password: string) {
  await client.readDocument(requestId);
  return client.post(`/api/v1/signature-requests/${requestId}/sign`, { pin: password, consent: true });
}

describe("a record type declared by a module", () => {
  it("brings its record class into the file plan at start, once", async () => {
    expect(await syncRecordTypeClasses(systemContext(h.deps))).toBe(1);
    expect(await syncRecordTypeClasses(systemContext(h.deps))).toBe(0);
    const plan = await expectJson<{ code: string; clause: string; builtIn: boolean; retentionAmount: number }[]>(await manager.get("/api/v1/record-classes"), 200);
    expect(plan.find((c) => c.code === "TEST-QI")).toMatchObject({ clause: "13.3", builtIn: true, retentionAmount: 5 });
  });

  it("is listed in the catalogue with its fields, states and actions", async () => {
    const types = await expectJson<{ id: string; path: string; fields: { name: string }[]; transitions: { action: string; signs: boolean }[] }[]>(await manager.get("/api/v1/m"), 200);
    const t = types.find((x) => x.id === "quality.inspection")!;
    expect(t.path).toBe(base);
    expect(t.fields.map((f) => f.name)).toEqual(["subject", "plannedOn", "inspectorId", "findings", "reviewerId", "dueOn"]);
    expect(t.transitions.map((x) => [x.action, x.signs])).toEqual([["inspect", false], ["approve", true], ["reopen", false]]);
    const openapi = await (await h.app.request("/api/openapi.json")).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining([base, `${base}/{id}`, `${base}/{id}/actions/approve`]));
  });

  it("creates items through the generated API, checking the metadata against the type's schema", async () => {
    expect(await errorCode(await manager.post(base, { data: { subject: "缺日期", inspectorId: inspectorUser.id } }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await manager.post(base, { data: { subject: "多余字段", plannedOn: "2026-03-10", inspectorId: inspectorUser.id, colour: "red" } }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await manager.post(base, { data: { subject: "不存在的人", plannedOn: "2026-03-10", inspectorId: "usr_nobody" } }))).toBe("INVALID_REFERENCE");
    expect(await errorCode(await inspector.post(base, { data: { subject: "员工不能新建", plannedOn: "2026-03-10", inspectorId: inspectorUser.id } }))).toBe("FORBIDDEN");
    const item = await newInspection();
    expect(item.number).toMatch(/^QI-2026-\d{4}$/);
    expect(item.state).toBe("planned");
    const list = await expectJson<{ total: number; items: Item[] }>(await manager.get(`${base}?state=planned&q=${encodeURIComponent("专利台账")}`), 200);
    expect(list.items.map((i) => i.id)).toContain(item.id);
  });

  it("runs the workflow: each step only from its state and for its people, a signature by someone other than the inspector, then the record", async () => {
    const item = await newInspection("软件正版化检查");
    // not from this state, not for this person
    expect(await errorCode(await manager.post(`${base}/${item.id}/actions/approve`, {}))).toBe("INVALID_STATE");
    expect(await errorCode(await stranger.post(`${base}/${item.id}/actions/inspect`, { data: { findings: "x", reviewerId: reviewerUser.id } }))).toBe("NOT_FOUND");
    expect(await errorCode(await manager.post(`${base}/${item.id}/actions/inspect`, { data: { findings: "x", reviewerId: reviewerUser.id } }))).toBe("FORBIDDEN");
    // the reviewer must hold the role the field asks for
    expect(await errorCode(await inspector.post(`${base}/${item.id}/actions/inspect`, { data: { findings: "x", reviewerId: inspectorUser.id } }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await inspector.post(`${base}/${item.id}/actions/inspect`, { data: { reviewerId: reviewerUser.id } }))).toBe("VALIDATION_FAILED");
    const inspected = await expectJson<Item>(await inspector.post(`${base}/${item.id}/actions/inspect`, { data: { findings: "3 台电脑未安装正版软件。", reviewerId: reviewerUser.id, dueOn: "2026-04-30" } }), 200);
    expect(inspected.state).toBe("inspected");
    // a comment is required to send it back
    expect(await errorCode(await manager.post(`${base}/${item.id}/actions/reopen`, {}))).toBe("VALIDATION_FAILED");
    // approving opens a signature request for the reviewer; the item waits for it
    const waiting = await expectJson<Item>(await manager.post(`${base}/${item.id}/actions/approve`, {}), 200);
    expect(waiting.state).toBe("inspected");
    expect(waiting.pending?.action).toBe("approve");
    expect(await errorCode(await manager.post(`${base}/${item.id}/actions/reopen`, { comment: "等一下" }))).toBe("INVALID_STATE");
    expect((await signAs(reviewer, waiting.signatureRequestId!, reviewerUser.pin)).status).toBe(200);
    const view = await expectJson<{ item: Item; history: { action: string; label: { zh: string }; byName: string; changes: { field: string }[] }[] }>(await manager.get(`${base}/${item.id}`), 200);
    expect(view.item.state).toBe("approved");
    expect(view.item.recordId).toBeTruthy();
    expect(view.history.map((e) => e.action)).toEqual(["created", "inspect", "approve"]);
    expect(view.history[1]!.byName).toBe("张伟");
    expect(view.history[1]!.changes.map((c) => c.field)).toEqual(["findings", "reviewerId", "dueOn"]);
    // the record: the signed PDF, in the type's class of the file plan, with its retention
    const [record] = await h.deps.db.select().from(records).where(eq(records.id, view.item.recordId!));
    const [cls] = await h.deps.db.select().from(recordClasses).where(eq(recordClasses.id, record!.classId));
    expect(cls).toMatchObject({ code: "TEST-QI", clause: "13.3", retentionAmount: 5, retentionUnit: "years", builtIn: true });
    expect(record!.sourceKind).toBe("item");
    // every step is an audit event of the type's catalogue, in words
    const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, item.id));
    expect(events.map((e) => e.action)).toEqual(["quality.inspection.created", "quality.inspection.inspect", "quality.inspection.approve_requested", "quality.inspection.approve"]);
  });

  it("refuses a signature by the inspector themself, and a transition its guard refuses", async () => {
    // an IP manager inspected and names themself as the reviewer: the approval must be someone else's
    const own = await newInspection("审核人即检查人", { inspectorId: reviewerUser.id });
    await expectJson(await reviewer.post(`${base}/${own.id}/actions/inspect`, { data: { findings: "无问题。", reviewerId: reviewerUser.id } }), 200);
    const refused = await manager.post(`${base}/${own.id}/actions/approve`, {});
    expect(await errorCode(refused)).toBe("UNPROCESSABLE");
    const unchanged = await expectJson<{ item: Item }>(await manager.get(`${base}/${own.id}`), 200);
    expect(unchanged.item).toMatchObject({ state: "inspected", pending: null });
    const item = await newInspection("草稿检查");
    await expectJson(await inspector.post(`${base}/${item.id}/actions/inspect`, { data: { findings: "草稿：待补充", reviewerId: reviewerUser.id } }), 200);
    const guarded = await manager.post(`${base}/${item.id}/actions/approve`, {});
    expect(guarded.status).toBe(422);
    expect(((await guarded.json()) as { error: { message: string } }).error.message).toContain("草稿");
  });

  it("shows items only to those who may read them: the type's roles and the people it concerns", async () => {
    const item = await newInspection("访问控制检查");
    expect(await errorCode(await stranger.get(`${base}/${item.id}`))).toBe("NOT_FOUND");
    expect((await stranger.get(`${base}?q=${encodeURIComponent("访问控制")}`)).status).toBe(200);
    expect((await expectJson<{ total: number }>(await stranger.get(`${base}?q=${encodeURIComponent("访问控制")}`), 200)).total).toBe(0);
    expect((await inspector.get(`${base}/${item.id}`)).status).toBe(200);
    const secret = await expectJson<Item>(await manager.post(base, { data: { subject: "秘密检查", plannedOn: "2026-03-11", inspectorId: inspectorUser.id }, classification: "secret" }), 201);
    // the inspector is named in it but not cleared for it
    expect(await errorCode(await inspector.get(`${base}/${secret.id}`))).toBe("NOT_FOUND");
  });

  it("lists a register by the same rule as the policy: for each kind of reader, the one-type rule finds exactly what the general rule does", async () => {
    await newInspection("规则一致检查");
    await expectJson<Item>(await manager.post(base, { data: { subject: "规则一致秘密", plannedOn: "2026-03-12", inspectorId: inspectorUser.id }, classification: "secret" }), 201);
    const type = h.deps.registry.recordType("quality.inspection")!;
    const auditorUser = await h.user({ roles: ["auditor"], clearance: "secret" });
    const readers: Principal[] = [
      { ...principalOf(managerUser), clearance: "secret" },
      principalOf(inspectorUser),
      { ...principalOf(inspectorUser), clearance: "public" },
      principalOf({ id: "usr_nobody", roles: ["employee"] }),
      { ...principalOf(auditorUser), auditScope: null },
      { ...principalOf(auditorUser), clearance: "secret", auditScope: scope(["13.2–13.3"], "2026-01-01", "2026-12-31") },
      { ...principalOf(auditorUser), clearance: "secret", auditScope: scope(["7.3.2.4"], null, null) },
    ];
    let seen = 0;
    for (const p of readers) {
      const general = await h.deps.db.select({ id: items.id }).from(items).where(and(eq(items.type, type.id), itemRule(h.deps.registry.recordTypes, p)));
      const oneType = await h.deps.db.select({ id: items.id }).from(items).where(itemRule(h.deps.registry.recordTypes, p, type));
      expect(oneType.map((r) => r.id).sort(), `${p.roles.join()} ${p.clearance} ${JSON.stringify(p.auditScope)}`).toEqual(general.map((r) => r.id).sort());
      seen += general.length;
    }
    expect(seen).toBeGreaterThan(0);
  });

  it("links items to other objects, shown both ways", async () => {
    const a = await newInspection("关联甲");
    const b = await newInspection("关联乙");
    const first = await expectJson<{ id: string }>(await manager.post(`${base}/${a.id}/links`, { kind: "item", targetId: b.id, relation: "follow-up of" }), 201);
    // linking it again answers the same link and writes no second event
    const again = await expectJson<{ id: string }>(await manager.post(`${base}/${a.id}/links`, { kind: "item", targetId: b.id }), 201);
    expect(again.id).toBe(first.id);
    const linked = await h.deps.db.select().from(auditEvents).where(and(eq(auditEvents.objectId, a.id), eq(auditEvents.action, "quality.inspection.linked")));
    expect(linked).toHaveLength(1);
    const viewB = await expectJson<{ links: { direction: string; targetId: string; display: string }[] }>(await manager.get(`${base}/${b.id}`), 200);
    expect(viewB.links).toEqual([expect.objectContaining({ direction: "from", targetId: a.id, display: `${a.number} 关联甲` })]);
    expect(await errorCode(await manager.post(`${base}/${a.id}/links`, { kind: "planet", targetId: "x" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await manager.post(`${base}/${a.id}/links`, { kind: "item", targetId: "itm_nothing" }))).toBe("INVALID_REFERENCE");
  });

  it("is evidence of its clause: found by search and counted in the matrix", async () => {
    const hits = await expectJson<{ hits: { kind: string; reference: string }[] }>(await manager.get(`/api/v1/evidence/search?kind=quality.inspection&clause=13.2–13.3`), 200);
    expect(hits.hits.length).toBeGreaterThan(0);
    const matrix = await expectJson<{ rows: { clause: string; count: number; byKind: Record<string, number> }[] }>(await manager.get("/api/v1/evidence/matrix"), 200);
    expect(matrix.rows.find((r) => r.clause === "13.2–13.3")!.byKind["quality.inspection"]).toBeGreaterThan(0);
  });
});
