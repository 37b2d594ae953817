import { describe, expect, it } from "vitest";
import { startHarness } from "../support/app";
import { createBasePdf } from "../core/signatures/support/base-pdf";

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

  it("filters the search by state from the form, and names the people concerned in the matrix", async () => {
    const manager = await h.signIn(await h.user({ roles: ["ip-manager"], displayName: "王经理", clearance: "secret" }));
    const contract = async (title: string) => {
      const res = await manager.post("/api/v1/contracts", { title, type: "other", counterparties: [{ name: "甲公司" }] });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    await contract("草拟中的许可合同");
    const reviewed = await contract("送审中的许可合同");
    const upload = await manager.request("/api/v1/files?filename=draft.pdf&classification=internal", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await createBasePdf()) });
    const fileId = ((await upload.json()) as { id: string }).id;
    expect((await manager.request(`/api/v1/contracts/${reviewed}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId }) })).status).toBe(200);
    expect((await manager.post(`/api/v1/contracts/${reviewed}/submit`, {})).status).toBe(200);

    const form = await (await manager.get("/evidence", { accept: "text/html" })).text();
    expect(form).toContain('<select name="state">');
    expect(form).toContain('<option value="ip-review">知识产权审查中</option>');
    const drafts = await manager.get("/evidence?kind=contract&state=draft", { accept: "text/html" });
    expect(drafts.status).toBe(200);
    const draftsPage = await drafts.text();
    expect(draftsPage).toContain("草拟中的许可合同");
    expect(draftsPage).not.toContain("送审中的许可合同");
    expect(draftsPage).toContain('<option value="draft" selected="">草拟</option>');
    const inReview = await (await manager.get("/evidence?state=ip-review", { accept: "text/html" })).text();
    expect(inReview).toContain("送审中的许可合同");
    expect(inReview).not.toContain("草拟中的许可合同");
    const english = await (await manager.get("/evidence?state=ip-review&lang=en", { accept: "text/html" })).text();
    expect(english).toContain("In IP review");

    const matrix = await (await manager.get("/evidence/matrix", { accept: "text/html" })).text();
    expect(matrix).toContain("王经理");
  });

  it("lists each state once: kinds with the same states (records, external documents) share one group", async () => {
    const manager = await h.signIn(await h.user({ roles: ["ip-manager"], clearance: "secret" }));
    const form = await (await manager.get("/evidence", { accept: "text/html" })).text();
    const select = /<select name="state">[\s\S]*?<\/select>/.exec(form)![0];
    for (const label of ["保管中", "已销毁", "已移交"]) expect(select.split(`>${label}</option>`).length - 1, label).toBe(1);
    expect(select).toContain('<optgroup label="记录 / 外来文件">');
    const chosen = await (await manager.get("/evidence?state=destroyed", { accept: "text/html" })).text();
    expect(/<select name="state">[\s\S]*?<\/select>/.exec(chosen)![0].split("selected").length - 1).toBe(1);
  });
});
