import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { serve, type ServerType } from "@hono/node-server";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll } from "vitest";
import { startHarness, type TestHarness, type TestUser } from "./app";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A served test instance and a headless Chromium pointed at it. */
export interface BrowserHarness {
  h: TestHarness;
  baseUrl: string;
  browser: Browser;
  /** A new page in a fresh context (no cookies), signed in as `user` through the sign-in form. */
  signedInPage(user: TestUser, options?: { viewport?: { width: number; height: number } }): Promise<Page>;
}

/**
 * What a reader does in a ceremony: scrolls through the document shown in the page, each page's
 * foot into view in turn, until every page has been shown and the read is recorded.
 */
export async function readEveryPage(page: Page): Promise<void> {
  const reader = page.locator("[data-pdf-reader]");
  await reader.locator(".pdf-page").first().waitFor();
  const pages = reader.locator(".pdf-page");
  const n = await pages.count();
  for (let i = 0; i < n; i++) {
    const figure = pages.nth(i);
    // its top, then its foot: as a reader scrolls down through the page (the canvas itself is replaced when drawn)
    await figure.evaluate((el) => el.scrollIntoView({ block: "start" }));
    await figure.locator(".pdf-page-foot").scrollIntoViewIfNeeded();
    await page.locator(`.pdf-page[data-page="${i + 1}"][data-shown="1"]`).waitFor({ timeout: 15_000 });
  }
  await page.locator('[data-pdf-reader][data-read="1"]').waitFor({ timeout: 15_000 });
}

export async function startBrowserHarness(): Promise<BrowserHarness> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with "apt-get install -y chromium" or set CHROMIUM_PATH.`);
  }
  const h = await startHarness();
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: h.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  afterAll(async () => {
    await browser.close();
    await new Promise((r) => server.close(r));
  });
  return {
    h,
    baseUrl,
    browser,
    async signedInPage(user, options = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, locale: "zh-CN", ...(options.viewport ? { viewport: options.viewport } : {}) });
      const page = await context.newPage();
      await page.goto("/sign-in");
      await page.getByLabel("用户名").fill(user.username);
      await page.getByLabel("密码").fill(user.password);
      await page.getByRole("button", { name: "登录" }).click();
      await page.waitForURL(`${baseUrl}/`);
      return page;
    },
  };
}
