import { expect, it } from "vitest";
import { createBasePdf } from "../core/signatures/support/base-pdf";
import { startBrowserHarness } from "../support/browser";

const b = await startBrowserHarness();

/** The page's width once every "technical details" is opened: nothing may push it past the screen. */
async function widthWithDetailsOpen(page: import("playwright-core").Page): Promise<number> {
  return page.evaluate(() => {
    for (const d of document.querySelectorAll("details")) d.open = true;
    return document.documentElement.scrollWidth;
  });
}

it("the audit trail and an evidence item fit a 1366 px screen, long hashes and all", async () => {
  const manager = await b.h.user({ roles: ["ip-manager", "admin"], displayName: "王芳", clearance: "secret" });
  const api = await b.h.signIn(manager);
  const created = await api.post("/api/v1/contracts", {
    title: "关于一项发明专利及其全部外国同族专利的独占实施许可与技术秘密转让合同（含后续改进成果归属约定）",
    type: "other",
    counterparties: [{ name: "某某国际知识产权运营管理有限公司" }, { name: "另一家名称很长的科技股份有限公司北京分公司" }],
  });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  const upload = await api.request("/api/v1/files?filename=draft.pdf&classification=internal", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await createBasePdf()) });
  const fileId = ((await upload.json()) as { id: string }).id;
  expect((await api.request(`/api/v1/contracts/${id}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId }) })).status).toBe(200);

  const page = await b.signedInPage(manager);
  await page.setViewportSize({ width: 1366, height: 900 });
  for (const path of ["/audit", "/audit?reads=1", `/evidence/contract/${id}`, `/evidence/contract/${id}?reads=1`]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    expect(await page.locator("table.history").count(), path).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(1366);
    expect(await widthWithDetailsOpen(page), `${path} with details open`).toBeLessThanOrEqual(1366);
  }
  // the evidence item reads as a page: its facts, its file to download, its history in words
  await page.goto(`/evidence/contract/${id}`);
  expect(await page.locator("[data-testid=evidence-facts]").textContent()).toContain("合同");
  expect(await page.locator("[data-testid=item-history]").textContent()).toContain("登记合同");
});
