import { describe, expect, it } from "vitest";
import { startHarness } from "../support/app";
import { procedurePdf } from "../core/documents/fixtures";

const h = await startHarness();
const manager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const m = await h.signIn(manager);
const admin = await h.signIn(await h.user({ roles: ["admin"], displayName: "管理员", clearance: "top-secret" }));
const codes = h.deps.registry.auditEvents.map((e) => e.action);

/** The text a reader sees without opening "technical details": tags and collapsed details left out. */
function shownText(html: string): string {
  return html
    .replace(/<details[\s\S]*?<\/details>/g, "")
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<[^>]*>/g, " ")
    .replace(/&quot;/g, '"');
}

/** No event code and no JSON where a reader sees it. */
function expectInWords(html: string) {
  const text = shownText(html);
  for (const code of codes) expect(text, `event code ${code} shown`).not.toContain(code);
  expect(text).not.toContain('{"');
  expect(text).not.toContain("[{");
}

const page = async (path: string, client = m) => {
  const res = await client.get(path, { accept: "text/html" });
  expect(res.status, path).toBe(200);
  return res.text();
};

async function documentWithReads(title: string, copies: number) {
  const res = await m.post("/api/v1/documents", { categoryId: "policy", title, classification: "internal" });
  expect(res.status).toBe(201);
  const doc = (await res.json()) as { document: { id: string }; revision: { id: string } };
  const form = new FormData();
  form.append("_csrf", m.csrfToken!);
  form.append("release", new File([new Uint8Array(await procedurePdf(title, "正文"))], "p.pdf", { type: "application/pdf" }));
  form.append("source", new File([], "", { type: "application/octet-stream" }));
  expect((await m.request(`/revisions/${doc.revision.id}/files`, { method: "POST", body: form, headers: { accept: "text/html", "x-csrf-token": "" } })).status).toBe(303);
  for (let i = 0; i < copies; i++) expect((await m.get(`/api/v1/revisions/${doc.revision.id}/pdf`)).status).toBe(200);
  return doc.document.id;
}

describe("histories in words", () => {
  it("show a document's history with before → after of a metadata edit, reads hidden until asked for", async () => {
    const id = await documentWithReads("专利奖励办法", 3);
    expect((await m.patch(`/api/v1/documents/${id}`, { title: "专利奖励与报酬办法", classification: "confidential" })).status).toBe(200);

    const html = await page(`/documents/${id}`);
    expectInWords(html);
    const history = html.slice(html.indexOf('data-testid="history"'));
    expect(history).toContain("修改文件信息");
    expect(history).toMatch(/<td>标题<\/td><td class="muted"><span>专利奖励办法<\/span><\/td><td><span>专利奖励与报酬办法<\/span><\/td>/);
    expect(history).toMatch(/<td>密级<\/td><td class="muted"><span>内部<\/span><\/td><td><span>机密<\/span><\/td>/);
    expect(history).toContain("王芳");
    // the three marked copies are reads: hidden, counted, one click away
    expect(history).not.toContain('data-read="1"');
    expect(history).not.toContain("取用文件副本");
    expect(html).toContain("已隐藏 3 条查阅记录");
    expect(html).toContain(`href="/documents/${id}?reads=1#history"`);
    expect(html).toContain("显示查阅记录");

    const withReads = await page(`/documents/${id}?reads=1`);
    expectInWords(withReads);
    expect(withReads.split('data-read="1"').length - 1).toBe(3);
    expect(withReads).toContain("取用文件副本（带标识）");
    expect(withReads).toContain("隐藏查阅记录");
    // the raw event is still there for whoever opens the technical details
    expect(withReads).toMatch(/<details class="technical"><summary>技术详情<\/summary>[\s\S]*<code>document.copy_issued<\/code>/);

    const english = await page(`/documents/${id}?lang=en`);
    expectInWords(english);
    expect(english).toContain("Document details changed");
    expect(english).toMatch(/<td>Title<\/td><td class="muted"><span>专利奖励办法<\/span><\/td>/);
    expect(english).toContain("3 reads hidden");
    expect(english).toContain("Show reads");
    expect(english).toContain("Technical details");
    expect(await page(`/documents/${id}?reads=1&lang=en`)).toContain("Marked copy taken");
    await page("/?lang=zh-CN");
  });

  it("show the audit trail in words, with links to the objects, reads hidden and counted", async () => {
    const id = await documentWithReads("商业秘密管理办法", 2);
    const html = await page(`/audit?objectType=document&objectId=${id}`, admin);
    expectInWords(html);
    expect(html).toContain("登记受控文件");
    expect(html).toContain(`href="/documents/${id}"`);
    expect(html).toContain("已隐藏 2 条查阅记录");
    expect(html).not.toContain('data-read="1"');
    // the event filter offers events by name
    expect(html).toMatch(/<option value="document.copy_issued">取用文件副本（带标识）<\/option>/);
    const withReads = await page(`/audit?objectType=document&objectId=${id}&reads=1`, admin);
    expectInWords(withReads);
    expect(withReads.split('data-read="1"').length - 1).toBe(2);
    // asking for one read event by name shows it without the toggle
    const copies = await page(`/audit?objectType=document&objectId=${id}&action=document.copy_issued`, admin);
    expect(copies.split('data-read="1"').length - 1).toBe(2);
    expect(copies).not.toContain("显示查阅记录");
  });

  it("lay out an evidence item as a page, in words, its openings hidden as reads", async () => {
    const res = await m.post("/api/v1/contracts", { title: "专利许可合同", type: "other", counterparties: [{ name: "甲公司" }] });
    expect(res.status).toBe(201);
    const id = ((await res.json()) as { id: string }).id;
    await page(`/evidence/contract/${id}`);
    const html = await page(`/evidence/contract/${id}`);
    expectInWords(html);
    expect(html).toContain("专利许可合同");
    expect(html).toMatch(/<dt>来源<\/dt><dd><a href="\/contracts\/ctr_[^"]+">合同/);
    expect(html).toContain("<th>名称</th>");
    expect(html).toContain("甲公司");
    expect(html).toContain("已隐藏 1 条查阅记录");
    const withReads = await page(`/evidence/contract/${id}?reads=1`);
    expectInWords(withReads);
    expect(withReads).toContain("查看证据");
    expect(withReads.split('data-read="1"').length - 1).toBe(2);

    // the contract's own page hides the openings too
    const contract = await page(`/contracts/${id}`);
    expectInWords(contract);
    expect(contract).toContain("已隐藏 3 条查阅记录");
  });
});
