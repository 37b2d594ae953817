import { describe, expect, it } from "vitest";
import { organisationModule } from "../../../src/modules/organisation";
import { startHarness } from "../../support/app";

/** The first-run step on the web: the first administrator names the organisation. */
const h = await startHarness({ modules: [organisationModule] });

describe("naming the organisation on the web", () => {
  it("sends an admin to name an unnamed organisation after changing their password, then saves the name", async () => {
    const adminUser = await h.user({ roles: ["admin"], clearance: "top-secret" });
    const admin = await h.signIn(adminUser);
    const changed = await admin.form("/account/password", { currentPassword: adminUser.password, newPassword: "新的管理员密码-2026-xyz", confirmPassword: "新的管理员密码-2026-xyz" });
    expect(changed.status).toBe(303);
    expect(changed.headers.get("location")).toBe("/admin/organisation?first=1");
    const page = await (await admin.get("/admin/organisation?first=1", { accept: "text/html" })).text();
    expect(page).toContain("首次使用：请先填写本组织的名称");
    // a blank name is refused on the form, nothing saved
    const blank = await admin.form("/admin/organisation", { name: "  ", nameEn: "" });
    expect(blank.status).toBe(400);
    expect((await (await admin.get("/api/v1/organisation")).json()) as object).toMatchObject({ named: false });
    const saved = await admin.form("/admin/organisation", { name: "北京智创科技有限公司", nameEn: "" });
    expect(saved.status).toBe(303);
    const after = await (await admin.get("/admin/organisation?msg=organisation", { accept: "text/html" })).text();
    expect(after).toContain("北京智创科技有限公司");
    expect(after).not.toContain("首次使用");
    expect((await (await admin.get("/api/v1/organisation")).json()) as object).toEqual({ name: "北京智创科技有限公司", nameEn: null, named: true });

    // another person changing their password goes to the dashboard; only admins see the page
    const staffUser = await h.user({ roles: ["ip-manager"] });
    const staff = await h.signIn(staffUser);
    const other = await staff.form("/account/password", { currentPassword: staffUser.password, newPassword: "另一个新密码-2026-abc", confirmPassword: "另一个新密码-2026-abc" });
    expect(other.headers.get("location")).toBe("/?msg=password");
    expect((await staff.form("/admin/organisation", { name: "冒名公司" })).status).toBe(403);
    expect((await (await admin.get("/api/v1/organisation")).json()) as object).toMatchObject({ name: "北京智创科技有限公司" });
  });

  it("gives the module's types the generated pages: the profile form, the objectives register", async () => {
    const admin = await h.signIn(await h.user({ roles: ["admin", "ip-manager"], clearance: "top-secret" }));
    const form = await admin.get("/m/organisation/profile/new", { accept: "text/html" });
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain("贯标阶段");
    expect(html).toContain("示范阶段");
    const register = await admin.get("/m/organisation/objective", { accept: "text/html" });
    expect(register.status).toBe(200);
    expect(await register.text()).toContain("知识产权目标");
  });
});
