import { describe, expect, it } from "vitest";
import { errorCode, startHarness, type Client } from "../../support/app";
import { expectJson } from "../../core/records/support";
import { improvementWithStandIns } from "./stand-ins";

/**
 * Analysis reports to top management (13.4): written from the period's inspection records (and
 * audit reports, when the audit types are installed), compiled when reported, acknowledged by the
 * top manager with a signature.
 */
const h = await startHarness({ modules: improvementWithStandIns });
const topUser = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret" });
const ipmUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const staffUser = await h.user({ roles: ["ip-staff"], displayName: "陈静" });
const top = await h.signIn(topUser);
const ipm = await h.signIn(ipmUser);
const staff = await h.signIn(staffUser);
const base = "/api/v1/m/improvement/analysis-report";

interface Item {
  id: string;
  number: string;
  state: string;
  signatureRequestId: string | null;
  recordId: string | null;
  data: Record<string, any>;
}

const report = (extra: Record<string, unknown> = {}) => ({
  title: "2026 年一季度知识产权管理体系分析报告",
  periodFrom: "2026-01-01",
  periodTo: "2026-03-31",
  topManagerId: topUser.id,
  external: false,
  effects: "合同审查覆盖率 100%；发明专利申请 12 件。",
  problems: "专利台账更新滞后。",
  suggestions: "将发明专利申请目标调整为 25 件；修订台账管理程序。",
  ...extra,
});

const inspection = (subject: string, inspectedOn: string) => ({
  subject,
  inspectedOn,
  topManagerId: topUser.id,
  inspectorIds: [staffUser.id],
  lawChanges: "无",
  procedures: "正常",
  objectives: "按计划",
  incidents: "无",
  opinions: "无",
  conclusion: "有效",
});

async function signAs(client: Client, requestId: string, password: string) {
  await client.readDocument(requestId);
  return client.post(`/api/v1/signature-requests/${requestId}/sign`, { pin: password, consent: true });
}

describe("analysis reports to top management", () => {
  it("compile the period's inspection records when reported, and are acknowledged by the top manager", async () => {
    const inside = await expectJson<Item>(await ipm.post("/api/v1/m/improvement/inspection", { data: inspection("一季度监督检查", "2026-02-15") }), 201);
    const outside = await expectJson<Item>(await ipm.post("/api/v1/m/improvement/inspection", { data: inspection("上年度监督检查", "2025-11-15") }), 201);
    const secret = await expectJson<Item>(await ipm.post("/api/v1/m/improvement/inspection", { data: inspection("涉密项目检查", "2026-03-01"), classification: "secret" }), 201);
    expect(await errorCode(await ipm.post(base, { data: report({ basisCount: 3 }) }))).toBe("VALIDATION_FAILED");
    const item = await expectJson<Item>(await staff.post(base, { data: report() }), 201);
    // only the IP manager reports it; only the named top manager acknowledges it
    expect(await errorCode(await staff.post(`${base}/${item.id}/actions/report`, {}))).toBe("FORBIDDEN");
    expect(await errorCode(await top.post(`${base}/${item.id}/actions/acknowledge`, {}))).toBe("INVALID_STATE");
    const reported = await expectJson<Item>(await ipm.post(`${base}/${item.id}/actions/report`, {}), 200);
    expect(reported.state).toBe("reported");
    const refs = (reported.data.basis as { reference: string }[]).map((b) => b.reference);
    expect(refs).toContain(inside.number);
    expect(refs).not.toContain(outside.number);
    expect(refs).not.toContain(secret.number);
    expect(reported.data).toMatchObject({ basisCount: refs.length, reportedOn: "2026-03-02" });
    const waiting = await expectJson<Item>(await top.post(`${base}/${item.id}/actions/acknowledge`, {}), 200);
    expect((await signAs(top, waiting.signatureRequestId!, topUser.pin)).status).toBe(200);
    const done = await expectJson<{ item: Item }>(await ipm.get(`${base}/${item.id}`), 200);
    expect(done.item).toMatchObject({ state: "acknowledged" });
    expect(done.item.recordId).toBeTruthy();
  });

  it("refuses a report by an external body that does not name it, and a period that ends before it starts", async () => {
    const external = await expectJson<Item>(await ipm.post(base, { data: report({ external: true }) }), 201);
    const refused = await ipm.post(`${base}/${external.id}/actions/report`, {});
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("external body");
    expect((await expectJson<{ item: Item }>(await ipm.get(`${base}/${external.id}`), 200)).item.state).toBe("draft");
    await expectJson(await ipm.request(`${base}/${external.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ externalBody: "某知识产权服务中心" }) }), 200);
    expect((await expectJson<Item>(await ipm.post(`${base}/${external.id}/actions/report`, {}), 200)).state).toBe("reported");
    const backwards = await expectJson<Item>(await ipm.post(base, { data: report({ periodFrom: "2026-04-01" }) }), 201);
    expect(await errorCode(await ipm.post(`${base}/${backwards.id}/actions/report`, {}))).toBe("UNPROCESSABLE");
  });
});
