import { describe, expect, it } from "vitest";
import { startHarness } from "../support/app";
import { qualityModule } from "../modules/inspection";

/** The generated pages of a module's record type: register, form, item page, dashboard card. */
const h = await startHarness({ modules: [qualityModule] });
const managerUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const reviewerUser = await h.user({ roles: ["ip-manager"], displayName: "赵敏", clearance: "secret" });
const inspectorUser = await h.user({ roles: ["employee"], displayName: "张伟" });
const manager = await h.signIn(managerUser);
const inspector = await h.signIn(inspectorUser);
const html = { accept: "text/html" };
const base = "/m/quality/inspection";

describe("generated pages", () => {
  it("lists the module, offers the form, creates an item and shows it with what each person may do", async () => {
    const modules = await (await manager.get("/m", html)).text();
    expect(modules).toContain("质量（测试模块）");
    expect(modules).toContain(`href="${base}"`);
    const form = await (await manager.get(`${base}/new`, html)).text();
    expect(form).toContain('name="subject"');
    expect(form).toContain('name="plannedOn"');
    // fields entered at a later step are not on the creation form
    expect(form).not.toContain('name="findings"');
    const created = await manager.form(base, { subject: "页面创建的检查", plannedOn: "2026-05-01", inspectorId: inspectorUser.id, classification: "internal" });
    expect(created.status).toBe(303);
    const location = created.headers.get("location")!;
    expect(location).toMatch(new RegExp(`^${base}/itm_\\w+\\?done=created$`));
    const page = await (await manager.get(location, html)).text();
    expect(page).toContain("页面创建的检查");
    expect(page).toContain("已新建");
    expect(page).toContain("已计划");
    // the manager has no step here; the inspector's page offers "record the findings", with the reviewers a manager may be
    expect(page).not.toContain('data-action="inspect"');
    const id = location.split("/").pop()!.split("?")[0]!;
    const mine = await (await inspector.get(`${base}/${id}`, html)).text();
    expect(mine).toContain('data-action="inspect"');
    expect(mine).toContain(`<option value="${reviewerUser.id}">赵敏</option>`);
    expect(mine).not.toContain(`<option value="${inspectorUser.id}">张伟</option>`);
    // the register lists it
    expect(await (await manager.get(`${base}?q=${encodeURIComponent("页面创建")}`, html)).text()).toContain("页面创建的检查");
  });

  it("takes a step from the item page, and shows a refusal on the page without changing anything", async () => {
    const created = await manager.form(base, { subject: "页面办理", plannedOn: "2026-05-02", inspectorId: inspectorUser.id, classification: "internal" });
    const id = created.headers.get("location")!.split("/").pop()!.split("?")[0]!;
    // the dashboard tells the inspector it waits for them
    expect(await (await inspector.get("/", html)).text()).toContain("页面办理");
    const missing = await inspector.form(`${base}/${id}/actions/inspect`, { findings: "", reviewerId: reviewerUser.id });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("检查发现");
    const done = await inspector.form(`${base}/${id}/actions/inspect`, { findings: "台账未更新。", reviewerId: reviewerUser.id, dueOn: "2026-06-30" });
    expect(done.status).toBe(303);
    const page = await (await inspector.get(done.headers.get("location")!, html)).text();
    expect(page).toContain("已办理：记录检查结果");
    expect(page).toContain("已检查");
    // history in words, with who and what changed
    expect(page).toMatch(/<td class="who">张伟<\/td><td class="what">记录检查结果 → 已检查<\/td>/);
    expect(page).toContain("台账未更新。");
  });
});
