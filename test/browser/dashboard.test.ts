import { expect, it } from "vitest";
import { startBrowserHarness } from "../support/browser";

const b = await startBrowserHarness();

it("the IP manager's dashboard fits a 1366 px screen: work list, due list, overview, getting started, no horizontal scroll", async () => {
  const manager = await b.h.user({ roles: ["ip-manager", "admin"], displayName: "王芳", clearance: "confidential" });
  const page = await b.signedInPage(manager);
  for (const width of [1366, 1024]) {
    await page.setViewportSize({ width, height: 800 });
    await page.reload();
    for (const id of ["getting-started", "waiting", "due", "overview", "me"]) expect(await page.getByTestId(id).count(), id).toBe(1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `horizontal overflow at ${width}px`).toBeLessThanOrEqual(0);
  }
  expect(await page.getByTestId("waiting").textContent()).toContain("制定");
});
