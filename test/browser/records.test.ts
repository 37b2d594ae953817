import { expect, it } from "vitest";
import { createBasePdf } from "../core/signatures/support/base-pdf";
import { startBrowserHarness } from "../support/browser";

const b = await startBrowserHarness();

it("legal files a court judgment the day it arrives: into its case, with source and date obtained, under the case's legal hold", async () => {
  const legal = await b.h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
  const page = await b.signedInPage(legal);

  await page.getByRole("link", { name: "档案记录" }).click();
  await page.getByRole("link", { name: "案件", exact: true }).click();
  await page.getByLabel("案件名称").fill("某科技公司诉我司专利侵权");
  await page.getByLabel("处理途径").selectOption("litigation");
  await page.getByLabel("对方当事人").fill("某科技有限公司");
  await page.getByLabel("受理机关").fill("北京知识产权法院");
  await page.getByLabel("立案日期").fill("2026-01-10");
  await page.getByRole("button", { name: "创建案件" }).click();
  await page.waitForURL(/\/records\/cases\/cas_[a-z0-9]+\?msg=opened$/);
  expect(await page.getByText("案件进行期间，其全部记录处于法律保全中。").count()).toBe(1);

  await page.getByRole("link", { name: "登记外来文件" }).click();
  await page.waitForURL(/\/records\/external\/new\?caseId=/);
  await page.getByLabel("类型").selectOption("court-judgment");
  await page.getByLabel("题名").fill("（2026）京73民初123号 民事判决书");
  await page.getByLabel("发文机关 / 来函单位").fill("北京知识产权法院");
  await page.getByLabel("文号 / 案号").fill("（2026）京73民初123号");
  await page.getByLabel("发文（作出）日期").fill("2026-02-27");
  await page.getByLabel("取得时间").fill("2026-03-02");
  await page.locator('select[name="arrivalMethod"]').selectOption("e-service");
  await page.getByLabel("取得方式说明（如快递单号）").fill("人民法院在线服务平台");
  expect(await page.getByLabel("所属案件").inputValue()).toMatch(/^cas_/);
  await page.getByLabel("密级").selectOption("secret");
  await page.getByLabel("电子文件").setInputFiles({ name: "民事判决书.pdf", mimeType: "application/pdf", buffer: Buffer.from(await createBasePdf({ pages: 3 })) });
  await page.getByRole("button", { name: "登记", exact: true }).click();

  await page.waitForURL(/\/records\/rec_[a-z0-9]+\?msg=declared$/);
  expect(await page.locator(".flash.ok").textContent()).toMatch(/已登记为记录 R2026-\d{6}/);
  const source = await page.locator("[data-testid=external]").textContent();
  expect(source).toContain("司法判决");
  expect(source).toContain("北京知识产权法院");
  expect(source).toContain("（2026）京73民初123号");
  expect(source).toContain("2026-03-02");
  expect(source).toContain("李娜");
  expect(await page.locator("[data-testid=hold-tag]").textContent()).toContain("法律保全中");
  expect(await page.locator("[data-testid=natures]").textContent()).toContain("PDF 可以打开：共 3 页。");
  expect(await page.locator("[data-testid=retention]").textContent()).toContain("起算事件尚未发生");

  // the case lists it; the judgment downloads as filed
  await page.locator("table[data-testid=links]").getByRole("link", { name: /某科技公司诉我司专利侵权/ }).click();
  expect(await page.locator("table[data-testid=case-records]").textContent()).toContain("民事判决书");
  const external = await page.goto("/records/external");
  expect(external?.status()).toBe(200);
  expect(await page.locator("table[data-testid=external-documents]").textContent()).toContain("（2026）京73民初123号");
});
