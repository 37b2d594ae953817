import { expect, it } from "vitest";
import { readEveryPage, startBrowserHarness } from "../support/browser";

const b = await startBrowserHarness();

it("an IP manager sends an IP declaration from its template and the employee signs it in the ceremony", async () => {
  const ipManager = await b.h.user({ roles: ["ip-manager"], displayName: "王芳" });
  const employee = await b.h.user({ roles: ["employee"], displayName: "张伟", signingPin: false });

  const page = await b.signedInPage(ipManager);
  await page.getByRole("link", { name: "电子签名" }).click();
  await page.getByRole("link", { name: "发起签署" }).click();
  await page.getByLabel("选择模板").selectOption("ip-declaration");
  await page.getByRole("button", { name: "查看" }).click();
  await page.locator('input[name="field.employeeName"]').fill("张伟");
  await page.locator('input[name="field.idNumber"]').fill("11010519491231002X");
  await page.locator('input[name="field.department"]').fill("研发中心");
  await page.locator('input[name="field.position"]').fill("工程师");
  await page.locator('input[name="field.startDate"]').fill("2026-11-02");
  await page.locator('select[name="signer.0.userId"]').selectOption(employee.id);
  // raising the classification above the employee's clearance takes them off the signer list
  const employeeOption = page.locator(`select[name="signer.0.userId"] option[value="${employee.id}"]`);
  await page.locator('select[name="classification"]').selectOption("secret");
  expect(await employeeOption.isDisabled()).toBe(true);
  expect(await page.locator('select[name="signer.0.userId"]').inputValue()).toBe("");
  await page.locator('select[name="classification"]').selectOption("internal");
  expect(await employeeOption.isDisabled()).toBe(false);
  await page.locator('select[name="signer.0.userId"]').selectOption(employee.id);
  await page.locator('select[name="signer.0.meaning"]').selectOption("signed");
  await page.getByRole("button", { name: "发送签署" }).click();
  await page.waitForURL(/\/signatures\/sig_[a-z0-9]+\?msg=created$/);
  expect(await page.locator(".flash.ok").textContent()).toContain("已发起签署请求");
  const requestUrl = page.url().replace(/\?.*$/, "");

  const signer = await b.signedInPage(employee);
  await signer.getByRole("link", { name: "电子签名" }).click();
  const row = signer.locator("table[data-testid=to-sign] tr", { hasText: "知识产权声明" });
  await row.getByRole("link", { name: "去签署" }).click();
  await signer.waitForURL(/\/sign$/);

  // the document is shown in the page; scrolling through every page records the reading
  await readEveryPage(signer);
  await signer.reload();
  expect(await signer.getByText(/已于 .* 逐页阅读全文/).count()).toBe(1);

  // no signing PIN yet: the ceremony asks for one first (never the login password itself)
  expect(await signer.getByText("您还没有签名密码").count()).toBe(1);
  expect(await signer.getByRole("button", { name: "签署", exact: true }).count()).toBe(0);
  const setPin = async (pin: string) => {
    await signer.getByLabel("登录密码（确认是您本人）").fill(employee.password);
    await signer.getByLabel("新签名密码").fill(pin);
    await signer.getByLabel("确认签名密码").fill(pin);
    await signer.getByRole("button", { name: "设置签名密码" }).click();
  };
  await setPin(employee.password);
  expect(await signer.locator(".flash.error").textContent()).toMatch(/differ from your login password/);
  await setPin(employee.pin);
  await signer.waitForURL(/\/sign\?msg=pin$/);
  expect(await signer.locator(".flash.ok").textContent()).toContain("签名密码已设置");

  // the login password does not open the signing key
  await signer.getByLabel(/我已阅读并理解全文/).check();
  await signer.getByLabel("签名密码", { exact: true }).fill(employee.password);
  await signer.getByRole("button", { name: "签署", exact: true }).click();
  expect(await signer.locator(".flash.error").textContent()).toMatch(/signing PIN was not accepted/);

  await signer.getByLabel(/我已阅读并理解全文/).check();
  await signer.getByLabel("签名密码", { exact: true }).fill(employee.pin);
  await signer.getByRole("button", { name: "签署", exact: true }).click();
  await signer.waitForURL(/\?msg=signed$/);
  expect(await signer.locator(".flash.ok").textContent()).toContain("签署完成");
  expect(await signer.locator("table[data-testid=signers]").textContent()).toContain("已签署");

  await page.goto(requestUrl);
  expect(await page.locator("table[data-testid=signers]").textContent()).toContain("已签署");
  const download = await page.request.get(`${requestUrl.replace("/signatures/", "/api/v1/signature-requests/")}/document?version=final`);
  expect(download.status()).toBe(200);
  const bytes = await download.body();
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
});
