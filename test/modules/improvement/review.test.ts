import { and, eq, like } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { auditEvents } from "../../../src/db/schema/audit";
import { items } from "../../../src/db/schema/items";
import { certificatePemToDer } from "../../../src/core/signatures/pki/index";
import { errorCode, startHarness, type Client } from "../../support/app";
import { expectJson } from "../../core/records/support";
import { createNssDb, makeTempDir, pdfToText, runPdfsig } from "../../core/signatures/support/validators";
import { createSchema } from "../../../src/core/items/service";
import { installedModules } from "../../../src/modules";
import { ACTION_TARGETS, actionDataFor } from "../../../src/modules/improvement/review";
import { improvementWithStandIns, standInCorrectiveAction } from "./stand-ins";

/**
 * The management review (13.2) through the API: inputs compiled from what the instance holds (as
 * the person compiling sees it, never more secret than the review), outputs recorded as decisions
 * that become corrective actions or objective links in the same step, and minutes signed by the
 * top manager as the record (valid and trusted in pdfsig). Every rule attacked.
 */
const h = await startHarness({ modules: improvementWithStandIns });
const topUser = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret" });
const otherTopUser = await h.user({ roles: ["top-manager"], displayName: "吴总", clearance: "top-secret" });
const ipmUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const staffUser = await h.user({ roles: ["ip-staff"], displayName: "陈静" });
const employeeUser = await h.user({ roles: ["employee"], displayName: "张伟" });
const publicUser = await h.user({ roles: ["ip-manager"], displayName: "赵公开", clearance: "public" });
const top = await h.signIn(topUser);
const otherTop = await h.signIn(otherTopUser);
const ipm = await h.signIn(ipmUser);
const employee = await h.signIn(employeeUser);
const publicClient = await h.signIn(publicUser);
const base = "/api/v1/m/improvement/management-review";
const caBase = "/api/v1/m/improvement/corrective-action";
const tmp = makeTempDir("custos-review-");
afterAll(() => tmp.cleanup());

interface Item {
  id: string;
  number: string;
  state: string;
  classification: string;
  pending: { action: string } | null;
  signatureRequestId: string | null;
  recordId: string | null;
  ownerId: string | null;
  dueOn: string | null;
  data: Record<string, any>;
}
interface View {
  item: Item;
  links: { direction: string; kind: string; targetId: string; relation: string | null; display: string | null }[];
  history: { action: string }[];
}

const review = (extra: Record<string, unknown> = {}) => ({
  title: "2026 年度管理评审",
  reviewOn: "2026-03-20",
  chairId: topUser.id,
  participantIds: [ipmUser.id, employeeUser.id],
  ...extra,
});
const entered = { businessPlans: "2026 年推出储能新产品线，进入欧洲市场。", trends: "固态电池标准 GB/T 草案发布；欧盟电池法规生效。" };

async function newReview(extra: Record<string, unknown> = {}, classification?: string) {
  return expectJson<Item>(await ipm.post(base, { data: review(extra), ...(classification ? { classification } : {}) }), 201);
}

async function newCorrectiveAction(nonconformity: string, dueOn: string, classification?: string) {
  return expectJson<Item>(await ipm.post(caBase, { data: { nonconformity, ownerId: staffUser.id, dueOn }, ...(classification ? { classification } : {}) }), 201);
}

const correctiveActionCount = async () => (await h.deps.db.select({ id: items.id }).from(items).where(eq(items.type, "improvement.corrective-action"))).length;

async function signAs(client: Client, requestId: string, password: string) {
  await client.readDocument(requestId);
  return client.post(`/api/v1/signature-requests/${requestId}/sign`, { pin: password, consent: true });
}

describe("the management review", () => {
  it("is a record type of the improvement module whose compiled inputs no one enters", async () => {
    const types = await expectJson<{ id: string; clauses: string[]; fields: { name: string; computed?: boolean }[] }[]>(await ipm.get("/api/v1/m"), 200);
    const t = types.find((x) => x.id === "improvement.management-review")!;
    expect(t.clauses).toEqual(["13.2", "13.2.1", "13.2.2"]);
    expect(t.fields.filter((f) => f.computed).map((f) => f.name)).toEqual(["compiledOn", "openCorrectiveActions", "overdueCorrectiveActions", "objectivesOffTrack", "compiledInputs"]);
    expect(types.map((x) => x.id)).toEqual(expect.arrayContaining(["improvement.inspection", "improvement.analysis-report"]));
  });

  it("refuses bad input at creation and edits: wrong role, a chair who is not a top manager, forged compiled inputs", async () => {
    expect(await errorCode(await employee.post(base, { data: review() }))).toBe("FORBIDDEN");
    expect(await errorCode(await ipm.post(base, { data: review({ chairId: ipmUser.id }) }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await ipm.post(base, { data: review({ reviewOn: "20.3.2026" }) }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await ipm.post(base, { data: review({ participantIds: ["usr_nobody"] }) }))).toBe("INVALID_REFERENCE");
    const forged = await ipm.post(base, { data: review({ openCorrectiveActions: 0 }) });
    expect(await errorCode(forged)).toBe("VALIDATION_FAILED");
    const planned = await newReview();
    expect(planned).toMatchObject({ state: "planned", ownerId: topUser.id });
    expect(planned.number).toMatch(/^MR-2026-\d{4}$/);
    expect(await errorCode(await ipm.request(`${base}/${planned.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ compiledInputs: [] }) }))).toBe("VALIDATION_FAILED");
    // nor may an action's inputs carry them
    expect(await errorCode(await ipm.post(`${base}/${planned.id}/actions/compile`, { data: { ...entered, objectivesOffTrack: 0 } }))).toBe("VALIDATION_FAILED");
    expect((await expectJson<View>(await ipm.get(`${base}/${planned.id}`), 200)).item.state).toBe("planned");
  });

  it("compiles its inputs from live data: open corrective actions, objectives with their status, contracts; a recompile sees what changed", async () => {
    const open = await newCorrectiveAction("专利台账未按月更新", "2026-02-28");
    const closed = await newCorrectiveAction("保密协议未归档", "2026-04-30");
    await expectJson(await ipm.post(`${caBase}/${closed.id}/actions/close`, {}), 200);
    const secretCa = await newCorrectiveAction("秘密项目：核心配方泄露风险", "2026-05-30", "secret");
    const objective = await expectJson<Item>(await ipm.post("/api/v1/m/organisation/objective", { data: { title: "发明专利申请量 30 件", year: "2026-12-31", status: "at-risk" } }), 201);

    const r = await newReview();
    // a participant who is no IP manager may read it but not compile it; nothing is compiled before the entered inputs are there
    expect(await errorCode(await employee.post(`${base}/${r.id}/actions/compile`, { data: entered }))).toBe("FORBIDDEN");
    expect(await errorCode(await ipm.post(`${base}/${r.id}/actions/compile`, { data: { businessPlans: entered.businessPlans } }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await top.post(`${base}/${r.id}/actions/decide`, { data: { conclusion: "x", decisions: [] } }))).toBe("INVALID_STATE");

    const compiled = await expectJson<Item>(await ipm.post(`${base}/${r.id}/actions/compile`, { data: entered }), 200);
    expect(compiled.state).toBe("compiled");
    expect(compiled.data).toMatchObject({ compiledOn: "2026-03-02", openCorrectiveActions: 1, overdueCorrectiveActions: 1, objectivesOffTrack: 1 });
    const refs = (compiled.data.compiledInputs as { input: string; reference?: string; summary: string }[]).map((l) => `${l.input} ${l.reference ?? ""} ${l.summary}`);
    expect(refs).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^e ${open.number} .*陈静.*已逾期`)), expect.stringMatching(new RegExp(`^a ${objective.number} .*有风险`)), expect.stringMatching(/^c .*尚无可见的合同/)]));
    // the closed one is done, and the secret one is more secret than this internal review
    expect(refs.join("\n")).not.toContain(closed.number);
    expect(refs.join("\n")).not.toContain(secretCa.number);
    expect(refs.join("\n")).not.toContain("核心配方");

    // a new open corrective action, and the inputs compiled again show it
    const later = await newCorrectiveAction("研发记录未按规定签字", "2026-06-30");
    const again = await expectJson<Item>(await ipm.post(`${base}/${r.id}/actions/compile`, { data: entered }), 200);
    expect(again.data).toMatchObject({ openCorrectiveActions: 2, overdueCorrectiveActions: 1 });
    expect(JSON.stringify(again.data.compiledInputs)).toContain(later.number);

    // sent back to be compiled again (a reason is needed): its entered fields may be edited, the compiled ones stay until recompiled
    expect(await errorCode(await ipm.post(`${base}/${r.id}/actions/reopen`, {}))).toBe("VALIDATION_FAILED");
    expect((await expectJson<Item>(await ipm.post(`${base}/${r.id}/actions/reopen`, { comment: "补充新业务规划" }), 200)).state).toBe("planned");
    const edited = await expectJson<Item>(await ipm.request(`${base}/${r.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "2026 年度管理评审（修订）" }) }), 200);
    expect(edited.data).toMatchObject({ title: "2026 年度管理评审（修订）", openCorrectiveActions: 2 });

    // a secret review compiled by the secret-cleared IP manager does show the secret action
    const secretReview = await newReview({ title: "秘密项目专项评审" }, "secret");
    const secretCompiled = await expectJson<Item>(await ipm.post(`${base}/${secretReview.id}/actions/compile`, { data: entered }), 200);
    expect(secretCompiled.data.openCorrectiveActions).toBe(3);
    expect(JSON.stringify(secretCompiled.data.compiledInputs)).toContain(secretCa.number);
    // its actions are as secret as it is: an owner cleared only to internal cannot be given one
    const uncleared = await top.post(`${base}/${secretReview.id}/actions/decide`, {
      data: { conclusion: "专项评审结论。", decisions: [{ output: "b", kind: "action", text: "核心配方访问控制整改", ownerId: staffUser.id, dueOn: "2026-06-30" }] },
    });
    expect(uncleared.status).toBe(422);
    expect(((await uncleared.json()) as { error: { message: string } }).error.message).toContain("陈静 is not cleared");
    const secretDecided = await expectJson<Item>(
      await top.post(`${base}/${secretReview.id}/actions/decide`, {
        data: { conclusion: "专项评审结论。", decisions: [{ output: "b", kind: "action", text: "核心配方访问控制整改", ownerId: ipmUser.id, dueOn: "2026-06-30" }] },
      }),
      200,
    );
    expect(secretDecided.state).toBe("decided");
    const [secretAction] = await h.deps.db.select().from(items).where(and(eq(items.type, "improvement.corrective-action"), like(items.title, "核心配方访问控制整改%")));
    expect(secretAction).toMatchObject({ classification: "secret", ownerId: ipmUser.id, state: "open" });
  });

  it("runs to signed minutes: decisions become a corrective action and an objective link, the chair signs, the record verifies in pdfsig", async () => {
    const objective = await expectJson<Item>(await ipm.post("/api/v1/m/organisation/objective", { data: { title: "商标海外注册覆盖 5 国", year: "2026-12-31", status: "off-track" } }), 201);
    const staffing = await expectJson<Item>(await ipm.post("/api/v1/m/organisation/objective", { data: { title: "知识产权专职人员 3 名", year: "2026-12-31", status: "at-risk" } }), 201);
    const r = await newReview({ title: "2026 年第一次管理评审" });
    await expectJson(await ipm.post(`${base}/${r.id}/actions/compile`, { data: { ...entered, ipSituation: "核心专利 12 件，存在一件被诉侵权风险。" } }), 200);
    const decisions = [
      { output: "b", kind: "action", text: "修订专利台账管理程序，按月更新并由部门负责人确认", ownerId: staffUser.id, dueOn: "2026-06-30" },
      { output: "a", kind: "objective-change", text: "海外商标目标调整为 3 国", itemId: objective.id },
      { output: "c", kind: "record", text: "增加一名专职知识产权工程师", itemId: staffing.id },
      // naming the same item again links it once
      { output: "c", kind: "record", text: "知识产权培训预算增加 20%", itemId: staffing.id },
    ];
    const decide = (body: unknown, who: Client = top) => who.post(`${base}/${r.id}/actions/decide`, body);
    const before = await correctiveActionCount();

    // wrong person: only the top manager who chairs it decides
    expect(await errorCode(await decide({ data: { conclusion: "体系适宜、充分、有效。", decisions } }, ipm))).toBe("FORBIDDEN");
    expect(await errorCode(await decide({ data: { conclusion: "体系适宜、充分、有效。", decisions } }, otherTop))).toBe("FORBIDDEN");
    // an action needs an owner and a due date; an objective change needs its objective; at least one decision
    const noOwner = await decide({ data: { conclusion: "体系适宜。", decisions: [{ output: "b", kind: "action", text: "无责任人" }] } });
    expect(noOwner.status).toBe(422);
    expect(((await noOwner.json()) as { error: { message: string } }).error.message).toContain("owner");
    expect(await errorCode(await decide({ data: { conclusion: "体系适宜。", decisions: [{ output: "a", kind: "objective-change", text: "未指明目标" }] } }))).toBe("UNPROCESSABLE");
    expect(await errorCode(await decide({ data: { conclusion: "体系适宜。", decisions: [] } }))).toBe("UNPROCESSABLE");
    expect(await errorCode(await decide({ data: { conclusion: "体系适宜。", decisions: [{ output: "z", kind: "record", text: "x" }] } }))).toBe("VALIDATION_FAILED");
    // a person named in a decision must exist
    expect(await errorCode(await decide({ data: { conclusion: "体系适宜。", decisions: [{ ...decisions[0], ownerId: "usr_nobody" }] } }))).toBe("INVALID_REFERENCE");
    // nothing half-done: the action decided first is not created when the objective named after it does not exist
    expect(await errorCode(await decide({ data: { conclusion: "体系适宜。", decisions: [decisions[0], { ...decisions[1], itemId: "itm_nothing" }] } }))).toBe("INVALID_REFERENCE");
    expect(await correctiveActionCount()).toBe(before);
    expect((await expectJson<View>(await top.get(`${base}/${r.id}`), 200)).item).toMatchObject({ state: "compiled", version: 2 });

    const decided = await expectJson<Item>(await decide({ data: { conclusion: "体系总体适宜、充分、有效；专利台账管理需改进。", decisions } }), 200);
    expect(decided.state).toBe("decided");
    expect(await correctiveActionCount()).toBe(before + 1);
    const view = await expectJson<View>(await top.get(`${base}/${r.id}`), 200);
    const actionLink = view.links.find((l) => l.relation?.startsWith("管理评审决定 1"))!;
    expect(actionLink).toMatchObject({ direction: "to", kind: "item" });
    const action = (await expectJson<{ item: Item; links: View["links"] }>(await ipm.get(`${caBase}/${actionLink.targetId}`), 200));
    expect(action.item).toMatchObject({ state: "open", ownerId: staffUser.id, dueOn: "2026-06-30" });
    expect(action.item.data.nonconformity).toContain(`${r.number} 管理评审决定`);
    expect(action.links).toEqual([expect.objectContaining({ direction: "from", targetId: r.id })]);
    expect(view.links.find((l) => l.targetId === objective.id)?.relation).toContain("海外商标目标调整为 3 国");
    // a decision of any kind links the item it names
    expect(view.links.filter((l) => l.targetId === staffing.id).map((l) => l.relation)).toEqual([expect.stringContaining("增加一名专职知识产权工程师")]);
    // decided once: not again
    expect(await errorCode(await decide({ data: { conclusion: "再决定一次", decisions } }))).toBe("INVALID_STATE");

    // the minutes go to the chair for signature; no one but the chair signs them
    expect(await errorCode(await employee.post(`${base}/${r.id}/actions/approve`, {}))).toBe("FORBIDDEN");
    const waiting = await expectJson<Item>(await ipm.post(`${base}/${r.id}/actions/approve`, {}), 200);
    expect(waiting).toMatchObject({ state: "decided", pending: { action: "approve" } });
    const wrong = await signAs(otherTop, waiting.signatureRequestId!, otherTopUser.pin);
    expect(wrong.status).toBeGreaterThanOrEqual(400);
    expect(wrong.status).toBeLessThan(500);
    expect((await expectJson<View>(await top.get(`${base}/${r.id}`), 200)).item).toMatchObject({ state: "decided", recordId: null });
    expect((await signAs(top, waiting.signatureRequestId!, "wrong pin!")).status).toBeGreaterThanOrEqual(400);
    expect((await signAs(top, waiting.signatureRequestId!, topUser.pin)).status).toBe(200);

    const done = await expectJson<View>(await top.get(`${base}/${r.id}`), 200);
    expect(done.item.state).toBe("approved");
    expect(done.item.recordId).toBeTruthy();
    expect(done.history.map((e) => e.action)).toEqual(["created", "compile", "decide", "approve"]);
    const pdf = new Uint8Array(await (await top.get(`/api/v1/records/${done.item.recordId}/content`)).arrayBuffer());
    const root = certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text());
    const all = runPdfsig(pdf, createNssDb(tmp.dir, root), tmp.dir);
    const verdicts = all.filter((v) => !v.documentTimestamp);
    expect(verdicts).toHaveLength(1);
    expect(verdicts[0]).toMatchObject({ commonName: "周总", signatureValid: true, certificateTrusted: true });
    // the document timestamp after it (PAdES B-LTA) covers the whole file
    expect(all[all.length - 1]).toMatchObject({ documentTimestamp: true, totalDocumentSigned: true });
    const text = pdfToText(pdf, tmp.dir).replace(/\s+/g, "");
    for (const words of ["管理评审", r.number, "评审输入（系统汇编）", "修订专利台账管理程序", "核心专利12件", "周总"]) expect(text).toContain(words.replace(/\s+/g, ""));

    // evidence of 13.2: found by clause, with the signed minutes as its file
    const hits = await expectJson<{ hits: { kind: string; reference: string }[] }>(await top.get(`/api/v1/evidence/search?kind=improvement.management-review&clause=${encodeURIComponent("13.2–13.3")}`), 200);
    expect(hits.hits.map((x) => x.reference)).toContain(r.number);

    const events = await h.deps.db.select({ action: auditEvents.action }).from(auditEvents).where(eq(auditEvents.objectId, r.id));
    expect(events.map((e) => e.action)).toEqual([
      "improvement.management-review.created",
      "improvement.management-review.compile",
      "improvement.management-review.linked",
      "improvement.management-review.linked",
      "improvement.management-review.linked",
      "improvement.management-review.decide",
      "improvement.management-review.approve_requested",
      "improvement.management-review.approve",
    ]);
  });

  it("has pages whose forms leave out what is compiled: the new review, the edit form, the compile step", async () => {
    const html = { accept: "text/html" };
    const form = await (await ipm.get("/m/improvement/management-review/new", html)).text();
    expect(form).toContain('name="chairId"');
    expect(form).not.toContain('name="businessPlans"');
    for (const computed of ["compiledOn", "openCorrectiveActions", "compiledInputs"]) expect(form).not.toContain(`name="${computed}`);
    const r = await newReview({ title: "页面检查评审" });
    const page = await (await ipm.get(`/m/improvement/management-review/${r.id}`, html)).text();
    expect(page).toContain('data-action="compile"');
    expect(page).toContain('name="businessPlans"');
    expect(page).not.toContain('name="compiledInputs');
    expect(page).not.toContain('name="openCorrectiveActions"');
  });

  it("turns an action decision into metadata that every installed action type accepts (the stand-in, and the real one once installed)", () => {
    const installed = installedModules.flatMap((m) => m.recordTypes).filter((t) => ACTION_TARGETS.includes(t.id));
    for (const target of [standInCorrectiveAction, ...installed]) {
      const data = actionDataFor(target, { output: "b", kind: "action", text: "修订专利台账管理程序", ownerId: staffUser.id, dueOn: "2026-06-30" }, { number: "MR-2026-0001", reviewOn: "2026-03-20", chairId: topUser.id });
      const parsed = createSchema(target).safeParse(data);
      expect(parsed.success, `${target.id}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(Object.values(data)).toEqual(expect.arrayContaining([staffUser.id, "2026-06-30"]));
    }
  });

  it("keeps a secret review from those not cleared for it, participants included", async () => {
    const secret = await newReview({ title: "核心技术秘密保护评审", participantIds: [ipmUser.id, publicUser.id] }, "secret");
    expect(await errorCode(await publicClient.get(`${base}/${secret.id}`))).toBe("NOT_FOUND");
    expect(await errorCode(await publicClient.post(`${base}/${secret.id}/actions/compile`, { data: entered }))).toBe("NOT_FOUND");
    expect((await expectJson<{ total: number }>(await publicClient.get(`${base}?q=${encodeURIComponent("核心技术")}`), 200)).total).toBe(0);
    expect(await errorCode(await publicClient.get(`${base}/${secret.id}/pdf`))).toBe("NOT_FOUND");
    expect((await ipm.get(`${base}/${secret.id}`)).status).toBe(200);
    const hidden = await h.deps.db.select({ id: items.id }).from(items).where(and(eq(items.id, secret.id), like(items.classification, "secret")));
    expect(hidden).toHaveLength(1);
  });
});
