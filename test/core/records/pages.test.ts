import { describe, expect, it } from "vitest";
import { createBasePdf } from "../signatures/support/base-pdf";
import { startHarness, type Client } from "../../support/app";
import { declare, expectJson } from "./support";

const h = await startHarness();
const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
const ipm = await h.signIn(ipManager);
const legalClient = await h.signIn(legal);
const employeeClient = await h.signIn(await h.user({ roles: ["employee"], displayName: "张伟" }));

async function html(res: Response, status = 200): Promise<string> {
  const text = await res.text();
  expect(res.status, text.slice(0, 2000)).toBe(status);
  expect(res.headers.get("content-type")).toContain("text/html");
  return text;
}

/** Posts a multipart form as a browser does with our forms (the CSRF field first, then the fields, then the file). */
function multipart(client: Client, path: string, fields: Record<string, string>, file?: { name: string; bytes: Uint8Array; type?: string }) {
  const form = new FormData();
  form.append("_csrf", client.csrfToken!);
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append("file", new File([new Uint8Array(file.bytes)], file.name, { type: file.type ?? "application/pdf" }));
  return client.request(path, { method: "POST", body: form, headers: { accept: "text/html", "x-csrf-token": "" } });
}

describe("records pages", () => {
  it("shows every page of the area in Chinese, and in English on request", async () => {
    for (const [path, text] of [
      ["/records", "档案记录"],
      ["/records/new", "登记记录"],
      ["/records/plan", "分类方案"],
      ["/records/external", "外来文件"],
      ["/records/external/new", "取得时间"],
      ["/records/cases", "新建案件"],
      ["/records/holds", "新建法律保全"],
      ["/records/disposal", "到期处置"],
      ["/records/import", "CSV 导入"],
      ["/contracts", "合同台账"],
      ["/contracts/new", "知识产权条款"],
    ] as const) {
      expect(await html(await ipm.get(path, { accept: "text/html" })), path).toContain(text);
    }
    const english = await html(await ipm.get("/records/plan?lang=en", { accept: "text/html" }));
    expect(english).toContain("File plan (record classes and retention)");
    await ipm.get("/records?lang=zh-CN", { accept: "text/html" });
    const anonymous = await h.anonymous().get("/records", { accept: "text/html" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/sign-in?next=%2Frecords");
  });

  it("checks the CSRF token of a multipart form from its first field, without reading the file behind it", async () => {
    const form = new FormData();
    form.append("classId", "rcl_13_2_01");
    form.append("file", new File([new Uint8Array(await createBasePdf({ pages: 1 }))], "x.pdf", { type: "application/pdf" }));
    form.append("_csrf", ipm.csrfToken!);
    const late = await ipm.request("/records/new", { method: "POST", body: form, headers: { accept: "text/html", "x-csrf-token": "" } });
    expect(late.status).toBe(403);
    expect(await late.text()).toContain("CSRF_FAILED");
  });

  it("declares a record from the form with its file, shows the four natures, and corrects it keeping the old value", async () => {
    const res = await multipart(
      ipm,
      "/records/new",
      { classId: "rcl_13_2_01", title: "2025 年度内部审核报告", recordDate: "2025-12-20", author: "内审组", classification: "internal", personId: "" },
      { name: "内审报告.pdf", bytes: await createBasePdf({ pages: 2 }) },
    );
    expect(res.status).toBe(303);
    const location = res.headers.get("location")!;
    expect(location).toMatch(/^\/records\/rec_[a-z0-9]+\?msg=declared$/);
    const page = await html(await ipm.get(location, { accept: "text/html" }));
    expect(page).toMatch(/已登记为记录 R2026-\d{6}/);
    expect(page).toContain("四性检测");
    expect(page).toContain("上传登记");
    expect(page).toContain("真实性");
    expect(page).toContain("PDF 可以打开：共 2 页。");
    expect(page).toContain("文件不含数字签名。");

    const id = location.split("/")[2]!.split("?")[0]!;
    const noReason = await ipm.form(`/records/${id}/correct`, { title: "新题名", reason: "" });
    expect(await html(noReason, 400)).toContain("输入有误");
    const ok = await ipm.form(`/records/${id}/correct`, { title: "2025 年度知识产权内部审核报告", recordDate: "2025-12-20", author: "内审组", classId: "rcl_13_2_01", classification: "internal", paperRoom: "", paperCabinet: "", paperBox: "", reason: "题名不完整" });
    expect(ok.status).toBe(303);
    const after = await html(await ipm.get(`/records/${id}?msg=corrected`, { accept: "text/html" }));
    expect(after).toContain("已更正，原值保留在历史中。");
    expect(after).toContain("题名不完整");
    expect(after).toContain("2025 年度内部审核报告");
    // a file the four natures refuse keeps the form and says why, in Chinese first
    const refused = await multipart(ipm, "/records/new", { classId: "rcl_13_2_01", title: "加密文件", recordDate: "2025-12-20", author: "x" }, { name: "x.bin", bytes: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]) });
    const refusedPage = await html(refused, 422);
    expect(refusedPage).toContain("文件未通过归档检测（四性）");
    expect(refusedPage).toContain('value="加密文件"');
  });

  it("files an external document into a case from the form and shows the hold", async () => {
    const caseRes = await legalClient.form("/records/cases", { title: "商标异议案", kind: "administrative", openedOn: "2026-02-01", classification: "internal", number: "" });
    expect(caseRes.status).toBe(303);
    const caseId = caseRes.headers.get("location")!.split("/").pop()!.split("?")[0]!;
    expect(await html(await legalClient.get(caseRes.headers.get("location")!, { accept: "text/html" }))).toContain("案件已建立。");
    const res = await multipart(
      legalClient,
      "/records/external/new",
      {
        docType: "administrative-decision",
        title: "商标异议决定书",
        issuer: "国家知识产权局",
        referenceNumber: "（2026）商标异字第 0001 号",
        issuedOn: "2026-02-10",
        obtainedOn: "2026-02-14",
        arrivalMethod: "post",
        arrivalDetail: "EMS 1234",
        receivedBy: legal.id,
        caseId,
        classification: "internal",
      },
      { name: "异议决定书.pdf", bytes: await createBasePdf({ pages: 1 }) },
    );
    expect(res.status).toBe(303);
    const page = await html(await legalClient.get(res.headers.get("location")!, { accept: "text/html" }));
    expect(page).toContain("国家知识产权局");
    expect(page).toContain("2026-02-14");
    expect(page).toContain('data-testid="hold-tag"');
    const casePage = await html(await legalClient.get(`/records/cases/${caseId}`, { accept: "text/html" }));
    expect(casePage).toContain("商标异议决定书");
    expect(casePage).toContain("案件进行期间，其全部记录处于法律保全中。");
  });

  it("places a hold by record numbers, shows the report, and refuses a release without a reason", async () => {
    const r = await declare(ipm, { classId: "rcl_13_2_01", title: "需要保全的记录", classification: "internal" });
    const placed = await legalClient.form("/records/holds", { matter: "员工仲裁", reason: "仲裁期间保全", scopeKind: "list", numbers: `${r.number}\n` });
    expect(placed.status).toBe(303);
    expect(placed.headers.get("location")).toMatch(/\?msg=placed$/);
    const holdPath = placed.headers.get("location")!.split("?")[0]!;
    const report = await html(await legalClient.get(placed.headers.get("location")!, { accept: "text/html" }));
    expect(report).toContain("法律保全已生效，范围内的记录不得处置。");
    expect(report).toContain("覆盖 1 条记录");
    expect(report).toContain(r.number);
    expect(await html(await legalClient.form(`${holdPath}/release`, { reason: "" }), 400)).toContain("Say why");
    const unknown = await legalClient.form("/records/holds", { matter: "x", reason: "y", scopeKind: "list", numbers: "R2026-999999" });
    expect(await html(unknown, 404)).toContain("R2026-999999");
  });

  it("refuses a hold by query with every condition left blank, in the form, saying what to fill in", async () => {
    const form = await html(await legalClient.get("/records/holds", { accept: "text/html" }));
    expect(form).toContain("按条件保全时至少填写一项条件（关键词、类别或日期范围）");
    const empty = await legalClient.form("/records/holds", { matter: "全部保全", reason: "未填条件", scopeKind: "query", q: "", classId: "", dateFrom: "", dateTo: "" });
    const page = await html(empty, 400);
    expect(page).toContain("输入有误，请检查后重试：保全条件：按条件保全时至少填写一项条件");
    expect(page).not.toContain("全部保全</h1>");
    const english = await legalClient.form("/records/holds?lang=en", { matter: "all", reason: "none", scopeKind: "query", q: " " });
    expect(await html(english, 400)).toContain("A hold by query needs at least one condition (words, a class or a period)");
    await legalClient.get("/records?lang=zh-CN", { accept: "text/html" });
  });

  it("edits a class period from the file plan page (IP manager only) and records an employee's leaving", async () => {
    const res = await ipm.form("/records/plan/rcl_7_4_1_01", { name: "信息资源与发布审批记录", nameEn: "Information", clause: "7.4.1", retentionAmount: "8", retentionUnit: "years", trigger: "record-date", disposition: "destroy", defaultClassification: "internal", reason: "按新制度调整" });
    expect(res.status).toBe(303);
    expect(await html(await ipm.get(res.headers.get("location")!, { accept: "text/html" }))).toContain("已保存");
    const forbidden = await legalClient.form("/records/plan/rcl_7_4_1_01", { name: "x", nameEn: "x", clause: "7.4.1", retentionAmount: "1", retentionUnit: "years", trigger: "record-date", disposition: "destroy", reason: "x" });
    expect(await html(forbidden, 403)).toContain("您没有执行此操作的权限");
    const leaver = await h.user({ displayName: "离职者" });
    const left = await ipm.form("/records/plan/employment-end", { subjectId: leaver.id, occurredOn: "2026-01-15" });
    expect(left.status).toBe(303);
    expect(await html(await ipm.get(left.headers.get("location")!, { accept: "text/html" }))).toContain("已记录");
  });

  it("proposes a disposal from the due list and approves it with a password on the disposal page", async () => {
    const old = await declare(ipm, { classId: "rcl_13_4_01", title: "2012 年纠正措施（纸质）", recordDate: "2012-05-01", classification: "internal" });
    const due = await html(await ipm.get("/records/disposal", { accept: "text/html" }));
    expect(due).toContain(old.number);
    const proposed = await ipm.form("/records/disposals", { recordIds: [old.id], action: "destroy", reason: "期满", recipient: "" });
    expect(proposed.status).toBe(303);
    const path = proposed.headers.get("location")!.split("?")[0]!;
    // the proposer is offered no decision, and is told who else could decide: nobody for the IP manager yet
    const mine = await html(await ipm.get(path, { accept: "text/html" }));
    expect(mine).toContain('data-testid="own-proposal"');
    expect(mine).not.toContain('name="decision"');
    expect(mine).toContain("知识产权管理者：没有其他可批准的人");
    expect(mine).toContain("法务：李娜");
    expect(await html(await ipm.form(`${path}/decision`, { decision: "approved", password: ipManager.password }), 403)).toContain("不能批准或驳回自己提出的处置单");
    const second = await h.user({ roles: ["ip-manager"], displayName: "赵敏", clearance: "confidential" });
    const ipm2 = await h.signIn(second);
    expect(await html(await ipm.get(path, { accept: "text/html" }))).toContain("知识产权管理者：赵敏");
    const theirs = await html(await ipm2.get(path, { accept: "text/html" }));
    expect(theirs).toContain('name="decision"');
    expect(theirs).not.toContain('data-testid="own-proposal"');
    const wrong = await ipm2.form(`${path}/decision`, { decision: "approved", password: "wrong password!" });
    expect(await html(wrong, 401)).toContain("密码不正确");
    expect((await ipm2.form(`${path}/decision`, { decision: "approved", password: second.password, comment: "同意" })).status).toBe(303);
    const approved = await legalClient.form(`${path}/decision`, { decision: "approved", password: legal.password });
    expect(approved.status).toBe(303);
    expect(await html(await legalClient.get(approved.headers.get("location")!, { accept: "text/html" }))).toContain("已签署批准。");
    const done = await html(await ipm.get(path, { accept: "text/html" }));
    expect(done).toContain("已完成");
    expect(done).toContain("下载销毁证明（PDF）");
    const none = await ipm.form("/records/disposals", { action: "destroy", reason: "x" });
    expect(await html(none, 400)).toContain("请至少选择一条到期记录");
  });

  it("imports a CSV from the form and shows a progress bar that refreshes until done", async () => {
    const csv = new TextEncoder().encode("类别代码,题名,日期,责任者,库房\nR-13.2-01,导入的记录,2020-01-01,内审组,档案室 A\nR-13.2-01,坏日期,2020-13-01,内审组,档案室 A\n");
    const res = await multipart(ipm, "/records/import", { kind: "records", mode: "valid-rows" }, { name: "records.csv", bytes: csv, type: "text/csv" });
    expect(res.status).toBe(303);
    const path = res.headers.get("location")!;
    let page = "";
    for (let i = 0; i < 200; i++) {
      page = await html(await ipm.get(path, { accept: "text/html" }));
      if (!page.includes('http-equiv="refresh"')) break;
      expect(page).toContain("<progress");
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(page).toContain("已完成");
    expect(page).toContain('<progress max="2" value="2"');
    expect(page).toContain("共 2 行：已导入 1 行，出错 1 行");
    expect(page).toContain("日期“2020-13-01”不是日期（请写成 2024-03-05）");
    const gbk = await multipart(ipm, "/records/import", { kind: "records", mode: "valid-rows" }, { name: "gbk.csv", bytes: new Uint8Array([0xc0, 0xe0, 0xb1, 0xf0, 0x0a]), type: "text/csv" });
    expect(await html(gbk, 422)).toContain("文件不是 UTF-8 编码");
  });

  it("pages through long result lists", async () => {
    const lines = ["类别代码,题名,日期,责任者,库房", ...Array.from({ length: 101 }, (_, i) => `R-13.4-01,分页测试 ${i},2019-01-01,质量部,档案室 D`)];
    const started = await expectJson<{ batch: { id: string } }>(
      await ipm.request("/api/v1/imports?kind=records&filename=paging.csv", { method: "POST", headers: { "content-type": "text/csv" }, body: new TextEncoder().encode(lines.join("\n")) }),
      202,
    );
    for (let i = 0; i < 400; i++) {
      const b = await expectJson<{ batch: { status: string } }>(await ipm.get(`/api/v1/imports/${started.batch.id}`), 200);
      if (b.batch.status === "completed") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const first = await html(await ipm.get(`/records?q=${encodeURIComponent("分页测试")}`, { accept: "text/html" }));
    expect(first).toContain("共 101 条");
    expect(first).not.toContain("上一页");
    const next = /href="(\/records\?[^"]*offset=100[^"]*)" rel="next">下一页/.exec(first)?.[1];
    expect(next).toBeTruthy();
    const second = await html(await ipm.get(next!.replaceAll("&amp;", "&"), { accept: "text/html" }));
    expect(second).toContain("上一页");
    expect(second).not.toContain("下一页");
    expect(second.match(/分页测试 \d+/g)).toHaveLength(1);
  });

  it("returns a contract in IP review to draft from its page, with the reason", async () => {
    const c = await expectJson<{ id: string }>(await legalClient.post("/api/v1/contracts", { title: "退回测试合同", type: "other", counterparties: [{ name: "甲公司" }] }), 201);
    const upload = await legalClient.request("/api/v1/files?filename=draft.pdf&classification=internal", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await createBasePdf()) });
    const fileId = ((await upload.json()) as { id: string }).id;
    await expectJson(await legalClient.request(`/api/v1/contracts/${c.id}/draft`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ fileId }) }), 200);
    expect(await html(await legalClient.get(`/contracts/${c.id}`, { accept: "text/html" }))).not.toContain("退回草稿");
    await expectJson(await legalClient.post(`/api/v1/contracts/${c.id}/submit`, {}), 200);
    expect(await html(await legalClient.get(`/contracts/${c.id}`, { accept: "text/html" }))).toContain("退回草稿");
    const empty = await multipart(legalClient, `/contracts/${c.id}/return-to-draft`, { reason: "" });
    expect(empty.status).toBe(400);
    const done = await multipart(legalClient, `/contracts/${c.id}/return-to-draft`, { reason: "对方修改了第二条" });
    expect(done.status).toBe(303);
    expect((await expectJson<{ contract: { status: string } }>(await legalClient.get(`/api/v1/contracts/${c.id}`), 200)).contract.status).toBe("draft");
  });

  it("says on the contract's page what each action did", async () => {
    const follow = async (res: Response) => {
      expect(res.status, (await res.clone().text()).slice(0, 1500)).toBe(303);
      return html(await legalClient.get(res.headers.get("location")!, { accept: "text/html" }));
    };
    const created = await multipart(legalClient, "/contracts/new", { title: "提示测试合同", type: "other", counterparties: "甲公司" });
    const id = /\/contracts\/([^?]+)/.exec(created.headers.get("location") ?? "")?.[1];
    expect(await follow(created)).toContain("合同已登记。");
    const pdf = { name: "draft.pdf", bytes: await createBasePdf() };
    expect(await follow(await multipart(legalClient, `/contracts/${id}/draft`, {}, pdf))).toContain("合同文本已上传。");
    expect(await follow(await multipart(legalClient, `/contracts/${id}/submit`, {}))).toContain("已提交知识产权审查。");
    expect(await follow(await multipart(legalClient, `/contracts/${id}/return-to-draft`, { reason: "对方修改了第二条" }))).toContain("合同已退回草拟。");
    const en = await html(await legalClient.get(`/contracts/${id}?msg=returned&lang=en`, { accept: "text/html" }));
    expect(en).toContain("The contract is back in draft.");
    await legalClient.get("/?lang=zh-CN", { accept: "text/html" });
    // an unknown msg says nothing
    expect(await html(await legalClient.get(`/contracts/${id}?msg=bogus`, { accept: "text/html" }))).not.toContain('class="flash ok"');
  });

  it("refuses forms without the CSRF field, and pages of others' objects answer 404", async () => {
    const res = await ipm.form("/records/holds", { matter: "x", reason: "y", numbers: "" }, { csrf: false });
    expect(res.status).toBe(403);
    const secret = await declare(ipm, { classId: "rcl_9_3_1_01", title: "机密", classification: "secret" });
    expect(await html(await employeeClient.get(`/records/${secret.id}`, { accept: "text/html" }), 404)).toContain("页面不存在");
    expect((await expectJson<{ total: number }>(await employeeClient.get("/api/v1/records"), 200)).total).toBe(0);
  });
});
