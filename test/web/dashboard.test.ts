import { describe, expect, it } from "vitest";
import { startHarness, type Client, type TestUser } from "../support/app";
import { procedurePdf } from "../core/documents/fixtures";

const h = await startHarness();
const adminUser = await h.user({ roles: ["admin"], displayName: "管理员", clearance: "top-secret" });
const admin = await h.signIn(adminUser);

async function dashboard(client: Client, lang = "zh-CN") {
  const res = await client.get(`/?lang=${lang}`, { accept: "text/html" });
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBe(200);
  return text;
}
/** One section of the dashboard by its test id. */
const section = (html: string, id: string) => [...html.matchAll(/<section[^>]*data-testid="([^"]+)"[^>]*>[\s\S]*?<\/section>/g)].find((m) => m[1] === id)?.[0] ?? "";
const step = (html: string, key: string) => new RegExp(`data-step="${key}" data-done="(yes|no)"`).exec(html)?.[1];

describe("the dashboard as a work list", () => {
  it("guides an admin through setting up an empty organisation, ticking each step when done, and goes away once it is set up", async () => {
    let page = await dashboard(admin);
    expect(section(page, "getting-started")).toContain("开始使用");
    expect([step(page, "name"), step(page, "departments"), step(page, "people"), step(page, "procedure")]).toEqual(["no", "no", "no", "no"]);
    expect(page).toContain('href="/admin/organisation"');

    expect((await admin.post("/api/v1/departments", { code: "IPO", name: "知识产权办公室" })).status).toBe(201);
    page = await dashboard(admin);
    expect([step(page, "name"), step(page, "departments"), step(page, "people")]).toEqual(["no", "yes", "no"]);
    expect((await admin.form("/admin/organisation", { name: "示例科技有限公司", nameEn: "" })).status).toBe(303);
    expect(step(await dashboard(admin), "name")).toBe("yes");
    // an employee never sees the guide
    expect(await dashboard(await h.signIn(await h.user({ displayName: "张伟" })))).not.toContain('data-testid="getting-started"');
    // with people added (the employee above and those below) the organisation is set up: no guide
  });

  let manager: TestUser, legal: TestUser, top: TestUser, m: Client, lg: Client, tm: Client, bystander: Client;
  let revisionId = "";
  let documentId = "";

  it("shows a pending review to its reviewer and to nobody else, and the roles only small at the bottom", async () => {
    manager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
    legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
    top = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret" });
    m = await h.signIn(manager);
    lg = await h.signIn(legal);
    tm = await h.signIn(top);
    bystander = await h.signIn(await h.user({ roles: ["legal"], displayName: "旁观者", clearance: "confidential" }));
    expect(await dashboard(admin)).not.toContain('data-testid="getting-started"');

    const created = (await (await m.post("/api/v1/documents", { categoryId: "procedure", title: "专利申请程序" })).json()) as { document: { id: string }; revision: { id: string } };
    revisionId = created.revision.id;
    documentId = created.document.id;
    await m.request(`/api/v1/revisions/${revisionId}/files/release?filename=p.pdf`, { method: "PUT", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await procedurePdf("专利申请程序", "正文")) });
    expect((await m.post(`/api/v1/revisions/${revisionId}/submit`, { reviewerIds: [legal.id], approverId: top.id })).status).toBe(200);

    const reviewerPage = await dashboard(lg);
    const waiting = section(reviewerPage, "waiting");
    expect(waiting).toContain(`href="/revisions/${revisionId}/review"`);
    expect(waiting).toContain("专利申请程序");
    expect(waiting).toMatch(/待我处理 <span class="tag">[1-9]/);
    // the approver's turn has not come; the author and a bystander have nothing to do with it
    for (const other of [tm, m, bystander]) expect(section(await dashboard(other), "waiting")).not.toContain(`/revisions/${revisionId}/review`);
    // who I am comes last
    expect(reviewerPage.indexOf('data-testid="me"')).toBeGreaterThan(reviewerPage.indexOf('data-testid="due"'));

    // once reviewed, it is the approver's
    await lg.readRevision(revisionId);
    expect((await lg.post(`/api/v1/revisions/${revisionId}/decision`, { decision: "approve", pin: legal.pin })).status).toBe(200);
    expect(section(await dashboard(lg), "waiting")).not.toContain(`/revisions/${revisionId}/review`);
    expect(section(await dashboard(tm), "waiting")).toContain(`/revisions/${revisionId}/review`);
  });

  it("lists a module's own work item (the year's audit programme) for IP managers, and the evidence coverage", async () => {
    const page = await dashboard(m);
    const waiting = section(page, "waiting");
    expect(waiting).toContain('href="/m/improvement/audit-programme/new"');
    expect(waiting).toContain("制定 2026 年度内部审核方案");
    expect(section(await dashboard(m, "en"), "waiting")).toContain("Draw up the 2026 internal audit programme");
    await m.get("/?lang=zh-CN", { accept: "text/html" });
    expect(section(await dashboard(lg), "waiting")).not.toContain("audit-programme/new");
    expect(section(page, "overview")).toMatch(/证据覆盖：\d+\/\d+ 条款行有证据/);
    expect(await dashboard(lg)).not.toContain('data-testid="overview"');
  });

  it("shows an overdue periodic review as overdue", async () => {
    await tm.readRevision(revisionId);
    const approved = await tm.post(`/api/v1/revisions/${revisionId}/decision`, { decision: "approve", pin: top.pin });
    expect(((await approved.json()) as { state: string }).state).toBe("effective");
    expect(section(await dashboard(m), "due")).not.toContain(`href="/documents/${documentId}"`);
    h.clock.advance(350 * 86_400_000);
    const soon = section(await dashboard(m), "due");
    expect(soon).toContain(`href="/documents/${documentId}"`);
    expect(soon).toMatch(/专利申请程序<\/a> <span class="muted">受控文件<\/span><span class="tag">\d{4}-\d{2}-\d{2} 到期/);
    h.clock.advance(30 * 86_400_000);
    const late = section(await dashboard(m), "due");
    expect(late).toMatch(/专利申请程序<\/a> <span class="muted">受控文件<\/span><span class="tag bad">逾期/);
  });
});
