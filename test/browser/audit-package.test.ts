import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { requestAuditPackage } from "../../src/core/audit-package/service";
import { verifyAuditPackage } from "../../src/core/audit-package/verify-package";
import { jobRunnerFor } from "../../src/core/jobs/index";
import { contextAs, seedAuditEvidence } from "../core/audit-package/support";
import { makeTempDir } from "../core/signatures/support/validators";
import { startBrowserHarness } from "../support/browser";

const b = await startBrowserHarness();
const tmp = makeTempDir("custos-browser-package-");
afterAll(() => tmp.cleanup());
const f = await seedAuditEvidence(b.h);

it("exports a package from the form, shows its progress, downloads it, and the download verifies offline", async () => {
  const page = await b.signedInPage(f.managerUser);
  await page.goto("/audit/packages");
  await page.getByRole("checkbox", { name: /^7\.3\.2\.4 / }).check();
  await page.getByRole("checkbox", { name: /^4\.3\.2\.2 / }).check();
  await page.getByLabel("起始日期").fill("2026-01-01");
  await page.getByLabel("截止日期").fill("2026-12-31");
  await page.getByRole("button", { name: "导出审核包" }).click();
  await page.waitForURL(/\/audit\/packages\/apk_/);
  const card = page.locator("[data-testid=package]");
  await card.locator('[data-status="done"]').first().waitFor({ timeout: 30_000 });
  expect(await page.getByRole("progressbar").evaluate((el) => (el as HTMLProgressElement).value)).toBe(1);
  const sha256 = (await card.locator('[data-role="sha256"]').textContent())!.trim();
  expect(sha256).toMatch(/^[0-9a-f]{64}$/);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "下载审核包" }).click()]);
  const path = join(tmp.dir, download.suggestedFilename());
  await download.saveAs(path);
  expect(download.suggestedFilename()).toMatch(/^audit-package-apk_.*\.zip$/);
  const report = await verifyAuditPackage(path);
  expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
  expect(report.ok).toBe(true);

  await page.goto("/audit/packages");
  expect(await page.locator("table[data-testid=packages] tbody tr").first().textContent()).toContain("已完成");
});

it("moves the progress bar while the job runs, without reloading the page (polling /static/audit-package.js)", async () => {
  // nothing runs the job until the page is open
  b.h.deps.jobs.holdKicks();
  const pkg = await requestAuditPackage(await contextAs(b.h, f.managerUser), { clauses: ["7.3.2.4", "4.3.2.2"] });
  const page = await b.signedInPage(f.managerUser);
  const scripts: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
  });
  await page.goto(`/audit/packages/${pkg.id}`);
  const card = page.locator("[data-testid=package]");
  expect(await card.getAttribute("data-status")).toBe("queued");
  expect(await page.getByRole("progressbar").evaluate((el) => (el as HTMLProgressElement).value)).toBe(0);
  await expect.poll(() => page.getByRole("link", { name: "下载审核包" }).isVisible()).toBe(false);
  await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

  await jobRunnerFor(b.h.deps).runDue();
  b.h.deps.jobs.releaseKicks();

  await card.locator('[data-status="done"]').first().waitFor({ timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  expect(scripts).toContain("/static/audit-package.js");
  expect(await page.getByRole("progressbar").evaluate((el) => (el as HTMLProgressElement).value)).toBe(1);
  expect(await card.locator('[data-role="counts"]').textContent()).toContain("证据项 2 / 2");
  expect(await page.getByRole("link", { name: "下载审核包" }).isVisible()).toBe(true);
  expect(await card.locator('[data-role="status"] .tag').textContent()).toBe("已完成");
});
