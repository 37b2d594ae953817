import { and, eq } from "drizzle-orm";
import type { ConsoleMessage, Page } from "playwright-core";
import { expect, it } from "vitest";
import { auditEvents } from "../../src/db/schema/audit";
import { signatureRequestSigners } from "../../src/db/schema/signatures";
import { procedurePdf } from "../core/documents/fixtures";
import { createBasePdf } from "../core/signatures/support/base-pdf";
import type { Client } from "../support/app";
import { readEveryPage, startBrowserHarness } from "../support/browser";

const b = await startBrowserHarness();

/** Everything the page's console said, to find CSP violations (and script errors). */
function listen(page: Page) {
  const said: string[] = [];
  page.on("console", (m: ConsoleMessage) => {
    if (m.type() === "error" || m.type() === "warning") said.push(m.text());
  });
  page.on("pageerror", (e) => said.push(`pageerror: ${e.message}`));
  return said;
}
const violations = (said: string[]) => said.filter((s) => /Content Security Policy|Refused to|pageerror|pdf-reader/i.test(s));

async function upload(client: Client, pdf: Uint8Array): Promise<string> {
  const res = await client.request("/api/v1/files?filename=declaration.pdf&classification=internal", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(pdf) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function signerRow(requestId: string, userId: string) {
  const [row] = await b.h.deps.db
    .select()
    .from(signatureRequestSigners)
    .where(and(eq(signatureRequestSigners.requestId, requestId), eq(signatureRequestSigners.userId, userId)));
  return row!;
}

it("the signing ceremony shows every page readably at 1366 px, and records the read (and allows signing) only once every page was shown", async () => {
  const ipManager = await b.h.user({ roles: ["ip-manager"], displayName: "王芳" });
  const employee = await b.h.user({ roles: ["employee"], displayName: "张伟" });
  const requester = await b.h.signIn(ipManager);
  const fileId = await upload(requester, await createBasePdf({ pages: 3 }));
  const created = await requester.post("/api/v1/signature-requests", { title: "三页声明", source: { kind: "file", fileId }, signers: [{ userId: employee.id, meaning: "signed" }] });
  const request = (await created.json()) as { id: string };

  const page = await b.signedInPage(employee, { viewport: { width: 1366, height: 768 } });
  const said = listen(page);
  await page.goto(`/signatures/${request.id}/sign`);
  await page.locator('.pdf-page[data-page="1"][data-drawn="1"]').waitFor();
  expect(await page.locator(".pdf-page").count()).toBe(3);
  const box = (await page.locator('.pdf-page[data-page="1"] canvas').boundingBox())!;
  expect(box.width).toBeGreaterThan(600);
  expect(box.height).toBeGreaterThan(box.width); // a portrait page, not a letterbox
  // drawn at the screen's resolution (devicePixelRatio), not stretched
  const backing = await page.locator('.pdf-page[data-page="1"] canvas').evaluate((c: HTMLCanvasElement) => ({ width: c.width, ratio: window.devicePixelRatio }));
  expect(backing.width).toBeGreaterThanOrEqual(Math.floor(box.width * backing.ratio) - 1);
  expect(await page.locator(".pdf-progress").textContent()).toMatch(/第 1 页，共 3 页/);
  expect(await page.getByText(/尚未阅读/).count()).toBe(1);
  expect(await page.getByTestId("open-document").getAttribute("href")).toBe(`/api/v1/signature-requests/${request.id}/document?version=current`);

  // signing before every page has been shown is refused, and says why
  await page.getByLabel(/我已阅读并理解全文/).check();
  await page.getByLabel("签名密码", { exact: true }).fill(employee.pin);
  await page.getByRole("button", { name: "签署", exact: true }).click();
  await page.waitForLoadState();
  expect(await page.locator(".flash.error").textContent()).toContain("请先逐页阅读全文");
  expect((await signerRow(request.id, employee.id)).readSha256).toBeNull();

  await readEveryPage(page);
  expect(await page.locator(".pdf-progress").textContent()).toMatch(/已阅 3\/3 页/);
  const row = await signerRow(request.id, employee.id);
  expect(row.readSha256).toMatch(/^[0-9a-f]{64}$/);
  expect(row.viewedAt).not.toBeNull();
  const events = await b.h.deps.db.select().from(auditEvents).where(and(eq(auditEvents.objectId, request.id), eq(auditEvents.action, "signature.document_read")));
  expect(events.map((e) => e.data)).toEqual([{ signerId: row.id, sha256: row.readSha256, pages: 3 }]);

  await page.goto(`/signatures/${request.id}/sign`);
  expect(await page.getByText(/已于 .* 逐页阅读全文。/).count()).toBe(1);
  await page.getByLabel(/我已阅读并理解全文/).check();
  await page.getByLabel("签名密码", { exact: true }).fill(employee.pin);
  await page.getByRole("button", { name: "签署", exact: true }).click();
  await page.waitForURL(/\?msg=signed$/);
  expect(violations(said)).toEqual([]);
});

it("the review ceremony of a document revision fits a 375 px phone and records the read once every page was shown", async () => {
  const staff = await b.h.user({ roles: ["ip-staff"], displayName: "赵强" });
  const reviewer = await b.h.user({ roles: ["ip-manager"], displayName: "王芳" });
  const approver = await b.h.user({ roles: ["top-manager"], displayName: "周总" });
  const author = await b.h.signIn(staff);
  const created = (await (await author.post("/api/v1/documents", { categoryId: "procedure", title: "专利申请程序", classification: "internal" })).json()) as { id: string; revision: { id: string } };
  const revisionId = created.revision.id;
  const put = await author.request(`/api/v1/revisions/${revisionId}/files/release?filename=p.pdf`, { method: "PUT", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await procedurePdf("专利申请程序", "正文", 2)) });
  expect(put.status).toBe(200);
  expect((await author.post(`/api/v1/revisions/${revisionId}/submit`, { reviewerIds: [reviewer.id], approverId: approver.id })).status).toBe(200);

  const page = await b.signedInPage(reviewer, { viewport: { width: 375, height: 740 } });
  const said = listen(page);
  await page.goto(`/revisions/${revisionId}/review`);
  await page.locator('.pdf-page[data-page="1"][data-drawn="1"]').waitFor();
  const box = (await page.locator('.pdf-page[data-page="1"] canvas').boundingBox())!;
  expect(box.width).toBeGreaterThan(250);
  expect(box.x + box.width).toBeLessThanOrEqual(375);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  expect(await page.locator('[data-pdf-reader]').getAttribute("data-read")).toBe("0");

  await readEveryPage(page);
  await page.locator('textarea[name="comments"]').first().fill("同意");
  await page.getByLabel(/我已阅读并理解全文/).check();
  await page.getByLabel("签名密码", { exact: true }).fill(reviewer.pin);
  await page.getByRole("button", { name: "同意并签署" }).click();
  await page.waitForURL(/\?msg=approved$/);
  expect(violations(said)).toEqual([]);
});
