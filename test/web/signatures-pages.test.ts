import { describe, expect, it } from "vitest";
import { startHarness, type Client } from "../support/app";
import { createBasePdf } from "../core/signatures/support/base-pdf";

const h = await startHarness();
const manager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const employee = await h.user({ roles: ["employee"], displayName: "张伟" });
const other = await h.user({ roles: ["ip-manager"], displayName: "赵强", clearance: "confidential" });
const requester = await h.signIn(manager);
const signer = await h.signIn(employee);
const bystander = await h.signIn(other);

async function createRequest(client: Client, title: string) {
  const upload = await client.request("/api/v1/files?filename=d.pdf&classification=internal", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await createBasePdf({ pages: 1 })) });
  const fileId = ((await upload.json()) as { id: string }).id;
  const res = await client.post("/api/v1/signature-requests", { title, source: { kind: "file", fileId }, signers: [{ userId: employee.id, meaning: "signed" }] });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

const dashboard = async (client: Client, lang = "zh-CN") => (await client.get(`/?lang=${lang}`, { accept: "text/html" })).text();

describe("a declined signature request on its requester's dashboard", () => {
  it("tells the requester who declined and why, in Chinese and English, and nobody else", async () => {
    const id = await createRequest(requester, "知识产权声明 — 张伟");
    const declined = await signer.form(`/signatures/${id}/decline`, { reason: "第3条的期限不对" });
    expect(declined.status).toBe(303);
    expect(await (await signer.get(declined.headers.get("location")!, { accept: "text/html" })).text()).toContain("已拒绝签署，理由已告知发起人。");

    const page = await dashboard(requester);
    const list = /<ul data-testid="declined-requests">[\s\S]*?<\/ul>/.exec(page)?.[0] ?? "";
    expect(list).toContain(`href="/signatures/${id}"`);
    expect(list).toContain("被拒签");
    expect(list).toContain("张伟 拒绝签署，理由：第3条的期限不对");
    expect(page).toContain("我发起的、被拒签的文件");
    const en = await dashboard(requester, "en");
    expect(en).toContain("张伟 declined to sign. Reason: 第3条的期限不对");
    await requester.get("/?lang=zh-CN", { accept: "text/html" });

    // the signer who declined and another manager are not told of someone else's request
    expect(await dashboard(signer)).not.toContain("第3条的期限不对");
    expect(await dashboard(bystander)).not.toContain("第3条的期限不对");
  });

  it("stops showing a decline after 30 days (the request's page keeps it)", async () => {
    const id = await createRequest(requester, "保密协议 — 张伟");
    await signer.form(`/signatures/${id}/decline`, { reason: "姓名写错了" });
    expect(await dashboard(requester)).toContain("姓名写错了");
    h.clock.advance(31 * 86_400_000);
    const later = await dashboard(requester);
    expect(later).toContain("欢迎，王芳。");
    expect(later).not.toContain("姓名写错了");
  });
});

describe("withdrawing a signature request", () => {
  it("says on the request's page that it is withdrawn", async () => {
    const id = await createRequest(requester, "撤回测试");
    const res = await requester.form(`/signatures/${id}/cancel`, { reason: "标题写错" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/signatures/${id}?msg=cancelled`);
    expect(await (await requester.get(res.headers.get("location")!, { accept: "text/html" })).text()).toContain("签署请求已撤回。");
    const en = await (await requester.get(`/signatures/${id}?msg=cancelled&lang=en`, { accept: "text/html" })).text();
    expect(en).toContain("The signature request is withdrawn.");
    await requester.get("/?lang=zh-CN", { accept: "text/html" });
  });
});

describe("the new-request form's signer pickers", () => {
  it("offer only people cleared for the request's classification, and the server still refuses others", async () => {
    const outsider = await h.user({ roles: ["employee"], displayName: "钱公开", clearance: "public" });
    const page = await (await requester.get("/signatures/new", { accept: "text/html" })).text();
    const option = (id: string) => new RegExp(`<option value="${id}" data-clearance="[a-z-]+"( disabled="")?`).exec(page);
    expect(option(outsider.id)?.[1]).toBe(' disabled=""');
    expect(option(employee.id)?.[1]).toBeUndefined();
    expect(page).toContain("钱公开 (");
    expect(page).toContain('<script src="/static/signer-picker.js"');
    const script = await requester.get("/static/signer-picker.js");
    expect(script.headers.get("content-type")).toContain("javascript");
    expect(await script.text()).toContain('"public","internal","secret","confidential","top-secret"');
    // a crafted request naming the uncleared person is refused, with the signer's field named
    const upload = await requester.request("/api/v1/files?filename=d.pdf&classification=internal", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await createBasePdf({ pages: 1 })) });
    const fileId = ((await upload.json()) as { id: string }).id;
    const refused = await requester.post("/api/v1/signature-requests", { title: "越权", source: { kind: "file", fileId }, signers: [{ userId: outsider.id, meaning: "signed" }] });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("signers.0.userId");
  });
});
