import { expect, it } from "vitest";
import { startBrowserHarness } from "../support/browser";

const b = await startBrowserHarness();

it("an admin signs in, creates a user with the form, and the new user signs in and sets a password", async () => {
  const admin = await b.h.user({ roles: ["admin"], displayName: "管理员" });
  const page = await b.signedInPage(admin);
  expect(await page.getByText("欢迎，管理员。").count()).toBe(1);
  expect(await page.textContent("h1")).toBe("工作台");

  await page.getByRole("link", { name: "用户管理" }).click();
  await page.getByLabel("用户名").fill("sun.ba");
  await page.getByLabel("姓名").fill("孙八");
  await page.getByLabel(/员工/).check();
  await page.getByLabel("密级权限").selectOption("secret");
  await page.getByRole("button", { name: "创建用户" }).click();

  const flash = page.locator(".flash.ok");
  expect(await flash.textContent()).toContain("已创建用户 sun.ba");
  const password = (await page.getByTestId("secret").textContent())!.trim();
  expect(password).toHaveLength(16);
  const row = page.locator("table[data-testid=users] tr", { hasText: "sun.ba" });
  expect(await row.textContent()).toContain("孙八");
  expect(await row.textContent()).toContain("秘密");

  const context = await b.browser.newContext({ baseURL: b.baseUrl });
  const newcomer = await context.newPage();
  await newcomer.goto("/sign-in");
  await newcomer.getByLabel("用户名").fill("sun.ba");
  await newcomer.getByLabel("密码").fill(password);
  await newcomer.getByRole("button", { name: "登录" }).click();
  await newcomer.waitForURL(/\/account\/password$/);
  await newcomer.getByLabel("当前密码").fill(password);
  await newcomer.getByLabel("新密码", { exact: true }).fill("孙八的新密码 2026");
  await newcomer.getByLabel("确认新密码").fill("孙八的新密码 2026");
  await newcomer.getByRole("button", { name: "修改密码" }).click();
  await newcomer.waitForURL(/\/\?msg=password$/);
  expect(await newcomer.locator(".flash.ok").textContent()).toContain("密码已修改");

  await newcomer.getByRole("link", { name: "English" }).click();
  expect(await newcomer.textContent("h1")).toBe("Dashboard");
});
