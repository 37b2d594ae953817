import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { procedurePdf } from "../core/documents/fixtures";
import { makeTempDir, pdfToText } from "../core/signatures/support/validators";
import { readEveryPage, startBrowserHarness } from "../support/browser";
import type { TestUser } from "../support/app";

const b = await startBrowserHarness();
const tmp = makeTempDir("custos-browser-docs-");
afterAll(() => tmp.cleanup());

async function approveAs(page: Page, user: TestUser, documentUrl: string) {
  await page.goto(documentUrl);
  await page.getByRole("link", { name: "审核 / 批准" }).click();
  await page.waitForURL(/\/review$/);
  await readEveryPage(page);
  await page.locator('textarea[name="comments"]').first().fill(`${user.username} 同意`);
  await page.getByLabel(/我已阅读并理解全文/).check();
  await page.getByLabel("签名密码", { exact: true }).fill(user.pin);
  await page.getByRole("button", { name: "同意并签署" }).click();
  await page.waitForURL(`${documentUrl}?msg=approved`);
}

it("drafts, reviews, approves, revises and re-approves a procedure; the old revision shows superseded", async () => {
  const author = await b.h.user({ roles: ["ip-staff"], displayName: "赵强" });
  const reviewer = await b.h.user({ roles: ["ip-manager"], displayName: "王芳" });
  const approver = await b.h.user({ roles: ["top-manager"], displayName: "周总" });
  const pdfA = join(tmp.dir, "A.pdf");
  const pdfB = join(tmp.dir, "B.pdf");
  writeFileSync(pdfA, await procedurePdf("专利申请管理程序", "发明人提交技术交底书。"));
  writeFileSync(pdfB, await procedurePdf("专利申请管理程序", "发明人提交技术交底书，知识产权部在五个工作日内评估。"));

  const a = await b.signedInPage(author);
  await a.getByRole("link", { name: "受控文件" }).click();
  await a.getByRole("link", { name: "登记新文件" }).click();
  await a.getByLabel("类别").selectOption("procedure");
  await a.getByLabel("标题", { exact: true }).fill("专利申请管理程序");
  await a.getByLabel("关键词（逗号分隔）").fill("专利，申请");
  await a.getByRole("button", { name: "登记" }).click();
  await a.waitForURL(/\/documents\/doc_/);
  expect(await a.locator(".flash.ok").textContent()).toContain("文件已登记");
  const documentUrl = a.url().split("?")[0]!;
  const number = (await a.textContent("h1"))!.trim().split(" ")[0]!;
  expect(number).toMatch(/^IPM-PR-\d{3}$/);

  const submitDraft = async (file: string, summary?: string) => {
    await a.locator('input[name="release"]').setInputFiles(file);
    await a.getByRole("button", { name: "上传" }).click();
    await a.waitForURL(/msg=saved/);
    if (summary) {
      await a.getByLabel("修订说明").fill(summary);
      await a.getByRole("button", { name: "保存" }).click();
      await a.waitForURL(/msg=saved/);
    }
    await a.getByRole("checkbox", { name: /王芳/ }).check();
    await a.getByLabel("批准人").selectOption({ label: "周总" });
    await a.getByRole("button", { name: "提交审核与批准" }).click();
    await a.waitForURL(`${documentUrl}?msg=submitted`);
    expect(await a.locator("[data-testid=open-revision]").textContent()).toContain("审核中");
  };
  await submitDraft(pdfA);

  const r = await b.signedInPage(reviewer);
  await approveAs(r, reviewer, documentUrl);
  const ap = await b.signedInPage(approver);
  await approveAs(ap, approver, documentUrl);
  expect(await ap.locator("[data-testid=current]").textContent()).toContain("A");

  await a.goto(documentUrl);
  await a.getByRole("button", { name: "开始新版本" }).click();
  await a.waitForURL(`${documentUrl}?msg=revised`);
  await submitDraft(pdfB, "增加评估时限");
  await approveAs(r, reviewer, documentUrl);
  await approveAs(ap, approver, documentUrl);

  await a.goto(documentUrl);
  const rows = await a.locator("table[data-testid=revisions] tbody tr").allTextContents();
  expect(rows[0]).toContain("已替代");
  expect(rows[1]).toContain("现行有效");
  expect(rows[1]).toContain("增加评估时限");

  const links = a.locator("table[data-testid=revisions] tbody tr").first().getByRole("link", { name: "下载副本" });
  const href = await links.getAttribute("href");
  const copy = await a.request.get(href!);
  expect(pdfToText(new Uint8Array(await copy.body()), tmp.dir)).toContain("已替代 SUPERSEDED");

  await a.goto(`/documents?q=${encodeURIComponent("五个工作日")}`);
  expect(await a.locator("table[data-testid=register]").textContent()).toContain(number);
});
