import { describe, expect, it } from "vitest";
import { startHarness } from "../support/app";

const h = await startHarness();

describe("audit retrieval pages", () => {
  it("shows search, the matrix and the grants page, and grants an auditor through the form", async () => {
    const manager = await h.signIn(await h.user({ roles: ["ip-manager"], clearance: "secret" }));
    const auditorUser = await h.user({ roles: ["auditor"], displayName: "外审员", clearance: "internal" });
    const search = await manager.get("/evidence?q=%E4%B8%93%E5%88%A9", { accept: "text/html" });
    expect(search.status).toBe(200);
    expect(await search.text()).toContain("证据检索");
    const matrix = await (await manager.get("/evidence/matrix?from=2026-01-01&to=2026-12-31", { accept: "text/html" })).text();
    expect(matrix).toContain("证据矩阵");
    expect(matrix).toContain("7.3.2.4");
    expect(matrix).toContain("没有证据");
    const granted = await manager.form("/audit/grants", {
      auditorId: auditorUser.id,
      purpose: "认证审核",
      endsAt: "2026-03-31",
      clauseIds: ["7.3.2.4"],
      maxClassification: "internal",
    });
    expect(granted.status).toBe(303);
    const grants = await (await manager.get("/audit/grants", { accept: "text/html" })).text();
    expect(grants).toContain("认证审核");
    expect(grants).toContain("有效");
    const auditor = await h.signIn(auditorUser);
    const auditorPage = await (await auditor.get("/evidence", { accept: "text/html" })).text();
    expect(auditorPage).toContain("您的审核授权范围：条款 7.3.2.4");
    const outside = await auditor.get("/evidence?clause=4.3.2.1", { accept: "text/html" });
    expect(outside.status).toBe(403);
    expect(await outside.text()).toContain("超出您的审核授权范围");
  });
});
