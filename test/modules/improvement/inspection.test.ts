import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { auditEvents } from "../../../src/db/schema/audit";
import { certificatePemToDer } from "../../../src/core/signatures/pki/index";
import { errorCode, startHarness, type Client } from "../../support/app";
import { expectJson } from "../../core/records/support";
import { createNssDb, makeTempDir, runPdfsig } from "../../core/signatures/support/validators";
import { improvementWithStandIns } from "./stand-ins";

/**
 * Supervision and inspection records (13.3 a–e): drafted by the IP office, submitted with the
 * objectives as they stand compiled in, acknowledged by the top manager named in them with a
 * signature, or sent back with a reason.
 */
const h = await startHarness({ modules: improvementWithStandIns });
const topUser = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret" });
const otherTopUser = await h.user({ roles: ["top-manager"], displayName: "吴总", clearance: "top-secret" });
const ipmUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const inspectorUser = await h.user({ roles: ["employee"], displayName: "张伟" });
const publicUser = await h.user({ roles: ["ip-staff"], displayName: "赵公开", clearance: "public" });
const top = await h.signIn(topUser);
const otherTop = await h.signIn(otherTopUser);
const ipm = await h.signIn(ipmUser);
const inspector = await h.signIn(inspectorUser);
const publicClient = await h.signIn(publicUser);
const base = "/api/v1/m/improvement/inspection";
const tmp = makeTempDir("custos-inspection-");
afterAll(() => tmp.cleanup());

interface Item {
  id: string;
  number: string;
  state: string;
  pending: { action: string } | null;
  signatureRequestId: string | null;
  recordId: string | null;
  data: Record<string, any>;
}

const record = (extra: Record<string, unknown> = {}) => ({
  subject: "2026 年一季度知识产权管理体系监督检查",
  inspectedOn: "2026-03-25",
  stage: "试点阶段",
  topManagerId: topUser.id,
  inspectorIds: [inspectorUser.id],
  lawChanges: "《专利法实施细则》修订施行，涉及开放许可与期限补偿。",
  procedures: "合同审查程序运行正常；专利台账更新滞后一个月。",
  objectives: "发明专利申请量完成 40%。",
  incidents: "无侵害第三方知识产权事项。",
  opinions: "研发中心建议简化发明披露表。",
  conclusion: "体系运行基本有效；台账须在 4 月底前补齐。",
  dueOn: "2026-04-30",
  ...extra,
});

async function signAs(client: Client, requestId: string, password: string) {
  await client.readDocument(requestId);
  return client.post(`/api/v1/signature-requests/${requestId}/sign`, { pin: password, consent: true });
}

describe("supervision and inspection records", () => {
  it("are created only by the IP office or top management, with all five matters a)–e) and a top manager", async () => {
    expect(await errorCode(await inspector.post(base, { data: record() }))).toBe("FORBIDDEN");
    const { incidents: _, ...missing } = record();
    expect(await errorCode(await ipm.post(base, { data: missing }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await ipm.post(base, { data: record({ topManagerId: ipmUser.id }) }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await ipm.post(base, { data: record({ objectivesSnapshot: [] }) }))).toBe("VALIDATION_FAILED");
  });

  it("are submitted with the objectives compiled in, sent back with a reason, and acknowledged by the named top manager's signature", async () => {
    const objective = await expectJson<{ number: string }>(await ipm.post("/api/v1/m/organisation/objective", { data: { title: "发明专利申请量 30 件", year: "2026-12-31", status: "on-track" } }), 201);
    const item = await expectJson<Item>(await ipm.post(base, { data: record() }), 201);
    expect(item.number).toMatch(/^SI-2026-\d{4}$/);
    // wrong state, wrong person
    expect(await errorCode(await top.post(`${base}/${item.id}/actions/acknowledge`, {}))).toBe("INVALID_STATE");
    expect(await errorCode(await inspector.post(`${base}/${item.id}/actions/submit`, {}))).toBe("FORBIDDEN");
    const submitted = await expectJson<Item>(await ipm.post(`${base}/${item.id}/actions/submit`, {}), 200);
    expect(submitted.state).toBe("submitted");
    expect(submitted.data.submittedOn).toBe("2026-03-02");
    expect(JSON.stringify(submitted.data.objectivesSnapshot)).toContain(objective.number);
    // submitted: no more edits
    expect(await errorCode(await ipm.request(`${base}/${item.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ conclusion: "改" }) }))).toBe("INVALID_STATE");
    // only the top manager named in it acknowledges or sends it back, and a reason is needed to send it back
    expect(await errorCode(await otherTop.post(`${base}/${item.id}/actions/acknowledge`, {}))).toBe("FORBIDDEN");
    expect(await errorCode(await top.post(`${base}/${item.id}/actions/return`, {}))).toBe("VALIDATION_FAILED");
    expect((await expectJson<Item>(await top.post(`${base}/${item.id}/actions/return`, { comment: "请补充研发中心意见的处理结果" }), 200)).state).toBe("draft");
    await expectJson(await ipm.request(`${base}/${item.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ opinions: "研发中心建议简化发明披露表；已安排 4 月修订。" }) }), 200);
    await expectJson(await ipm.post(`${base}/${item.id}/actions/submit`, {}), 200);
    const waiting = await expectJson<Item>(await top.post(`${base}/${item.id}/actions/acknowledge`, {}), 200);
    expect(waiting.pending?.action).toBe("acknowledge");
    expect((await signAs(otherTop, waiting.signatureRequestId!, otherTopUser.pin)).status).toBeGreaterThanOrEqual(400);
    expect((await signAs(top, waiting.signatureRequestId!, topUser.pin)).status).toBe(200);
    const done = await expectJson<{ item: Item }>(await ipm.get(`${base}/${item.id}`), 200);
    expect(done.item.state).toBe("acknowledged");
    const pdf = new Uint8Array(await (await top.get(`/api/v1/records/${done.item.recordId}/content`)).arrayBuffer());
    const verdicts = runPdfsig(pdf, createNssDb(tmp.dir, certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text())), tmp.dir).filter((v) => !v.documentTimestamp);
    expect(verdicts).toEqual([expect.objectContaining({ commonName: "周总", signatureValid: true, certificateTrusted: true })]);
    const events = await h.deps.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.objectId, item.id));
    expect(events.map((e) => e.action)).toEqual([
      "improvement.inspection.created",
      "improvement.inspection.submit",
      "improvement.inspection.return",
      "improvement.inspection.updated",
      "improvement.inspection.submit",
      "improvement.inspection.acknowledge_requested",
      "improvement.inspection.acknowledge",
    ]);
  });

  it("are kept from people not cleared for them", async () => {
    const secret = await expectJson<Item>(await ipm.post(base, { data: record({ subject: "涉密项目专项检查" }), classification: "secret" }), 201);
    expect(await errorCode(await publicClient.get(`${base}/${secret.id}`))).toBe("NOT_FOUND");
    expect((await expectJson<{ total: number }>(await publicClient.get(`${base}?q=${encodeURIComponent("涉密")}`), 200)).total).toBe(0);
    // the inspector named in it is cleared to internal only
    expect(await errorCode(await inspector.get(`${base}/${secret.id}`))).toBe("NOT_FOUND");
  });
});
