import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { createBasePdf } from "../core/signatures/support/base-pdf";
import { readEveryPage, startBrowserHarness } from "../support/browser";

const b = await startBrowserHarness();

/** The signing ceremony: the document is shown in the page and read through (recorded as read), then consent and the signer's signing PIN. */
async function signInCeremony(page: Page, pin: string) {
  await page.waitForURL(/\/signatures\/sig_[a-z0-9]+\/sign$/);
  await readEveryPage(page);
  await page.getByLabel(/我已阅读并理解全文/).check();
  await page.getByLabel("签名密码", { exact: true }).fill(pin);
  await page.getByRole("button", { name: "签署", exact: true }).click();
  await page.waitForURL(/\?msg=signed$/);
}

it("a contract goes from draft through a signed IP review to e-signing, and is filed as a record", async () => {
  const legal = await b.h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
  const ipManager = await b.h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
  const topManager = await b.h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret" });

  // legal enters the contract with its text and sends it to IP review
  const page = await b.signedInPage(legal);
  await page.getByRole("link", { name: "合同" }).click();
  await page.getByRole("link", { name: "新建合同" }).click();
  await page.getByLabel("合同名称").fill("新型储能材料联合研发合同");
  await page.getByLabel("合同类型").selectOption("joint-development");
  await page.getByLabel("相对方（每行一个）").fill("某某大学");
  await page.getByLabel("金额").fill("1200000");
  await page.getByLabel("生效日期").fill("2026-03-01");
  await page.getByLabel("终止日期").fill("2028-02-29");
  await page.locator('textarea[name="ipTerms.ownership"]').fill("双方共有");
  await page.locator('textarea[name="ipTerms.confidentiality"]').fill("保密期至合同终止后五年");
  await page.getByLabel("合同文本").setInputFiles({ name: "联合研发合同.pdf", mimeType: "application/pdf", buffer: Buffer.from(await createBasePdf({ pages: 2 })) });
  await page.getByRole("button", { name: "创建" }).click();
  await page.waitForURL(/\/contracts\/ctr_[a-z0-9]+\?msg=created$/);
  const contractUrl = page.url().split("?")[0]!;
  expect(await page.locator("[data-testid=contract-status]").textContent()).toBe("草拟");
  expect(await page.getByText("合同须经知识产权审查通过后方可签署。").count()).toBe(1);
  await page.getByRole("button", { name: "提交知识产权审查" }).click();
  await page.waitForURL(`${contractUrl}?msg=submit`);
  expect(await page.locator("[data-testid=contract-status]").textContent()).toBe("知识产权审查中");

  // the IP manager reviews it: checklist for a joint development, findings, decision; then signs the review
  const reviewer = await b.signedInPage(ipManager);
  expect(await reviewer.locator("[data-testid=waiting]").textContent()).toContain("新型储能材料联合研发合同");
  await reviewer.goto(contractUrl);
  const form = reviewer.locator("[data-testid=review-form]");
  expect(await form.textContent()).toContain("论文发表与公开审批");
  await reviewer.getByLabel("出口管制与向外国申请专利保密审查", { exact: true }).selectOption("not-applicable");
  await reviewer.getByLabel("审查意见").fill("成果归属、保密与发表条款符合要求。");
  await reviewer.getByLabel("审查结论").selectOption("approve");
  await reviewer.getByRole("button", { name: "提交并签署审查表" }).click();
  await signInCeremony(reviewer, ipManager.pin);
  await reviewer.goto(contractUrl);
  expect(await reviewer.locator("[data-testid=contract-status]").textContent()).toBe("审查通过");
  expect(await reviewer.locator("table[data-testid=reviews]").textContent()).toContain("已签署");

  // legal sends it for e-signature to the top manager, who signs
  await page.goto(contractUrl);
  await page.locator('select[name="signer.0"]').selectOption(topManager.id);
  await page.getByRole("button", { name: "发送签署" }).click();
  await page.waitForURL(`${contractUrl}?msg=signing`);
  const signer = await b.signedInPage(topManager);
  await signer.getByRole("link", { name: "电子签名" }).click();
  await signer.locator("table[data-testid=to-sign] tr", { hasText: "新型储能材料联合研发合同" }).getByRole("link", { name: "去签署" }).click();
  await signInCeremony(signer, topManager.pin);

  // signed: the contract is filed as a record of the signed-contracts class, kept from the contract's end
  await page.goto(contractUrl);
  expect(await page.locator("[data-testid=contract-status]").textContent()).toBe("已签署");
  await page.locator("[data-testid=signed-record]").click();
  await page.waitForURL(/\/records\/rec_[a-z0-9]+$/);
  expect(await page.locator("[data-testid=metadata]").textContent()).toContain("R-4.3.3-01");
  expect(await page.locator("[data-testid=retention]").textContent()).toContain("合同终止之日");
  expect(await page.locator("[data-testid=natures]").textContent()).toMatch(/1 signature\(s\) verified \(周总\)/);
  const download = await page.request.get(await page.getByRole("link", { name: /已签署/ }).first().getAttribute("href").then((h) => h!));
  expect(download.status()).toBe(200);
  expect((await download.body()).subarray(0, 5).toString()).toBe("%PDF-");
});
