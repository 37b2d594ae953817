import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { startHarness } from "../support/app";

const h = await startHarness();

async function html(res: Response) {
  expect(res.headers.get("content-type")).toContain("text/html");
  return res.text();
}

describe("web shell", () => {
  it("signs in through the form and lands on the dashboard in Chinese", async () => {
    const user = await h.user({ displayName: "赵六" });
    const client = h.anonymous();
    const form = await client.get("/sign-in", { accept: "text/html" });
    expect(await html(form)).toContain("登录 Custos");
    const res = await client.form("/sign-in", { username: user.username, password: user.password, next: "/" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/");
    const page = await html(await client.get("/", { accept: "text/html" }));
    expect(page).toContain("欢迎，赵六。");
    expect(page).toContain('lang="zh-CN"');
  });

  it("shows a failed sign-in on the form with 401", async () => {
    const res = await h.anonymous().form("/sign-in", { username: "nobody", password: "wrong-password" });
    expect(res.status).toBe(401);
    expect(await html(res)).toContain("用户名或密码错误");
  });

  it("switches to English and remembers it", async () => {
    const client = await h.signIn(await h.user({ displayName: "Ada" }));
    const en = await html(await client.get("/?lang=en", { accept: "text/html" }));
    expect(en).toContain("Welcome, Ada.");
    const again = await html(await client.get("/", { accept: "text/html" }));
    expect(again).toContain('lang="en"');
  });

  it("lets an admin create a user from the form and shows the generated password once", async () => {
    const admin = await h.signIn(await h.user({ roles: ["admin"] }));
    const res = await admin.form("/admin/users", {
      username: "chen.qi",
      displayName: "陈七",
      roles: ["employee", "legal"],
      clearance: "secret",
      locale: "zh-CN",
    });
    expect(res.status).toBe(200);
    const page = await html(res);
    expect(page).toContain("已创建用户 chen.qi");
    const secret = /data-testid="secret">([^<]+)</.exec(page)?.[1];
    expect(secret).toHaveLength(16);
    const list = await html(await admin.get("/admin/users", { accept: "text/html" }));
    expect(list).toContain("陈七");
    expect(list).not.toContain(secret!);
  });

  it("keeps what was typed and says what is wrong when the form is invalid", async () => {
    const admin = await h.signIn(await h.user({ roles: ["admin"] }));
    const res = await admin.form("/admin/users", { username: "bad name", displayName: "某人", roles: [] });
    expect(res.status).toBe(400);
    const page = await html(res);
    expect(page).toContain("某人");
    expect(page).toContain("用户名：只能使用字母、数字、点、连字符和下划线");
    expect(page).not.toMatch(/username: /);
  });

  it("hides admin pages from other roles", async () => {
    const employee = await h.signIn(await h.user());
    const res = await employee.get("/admin/users", { accept: "text/html" });
    expect(res.status).toBe(403);
    const dash = await html(await employee.get("/", { accept: "text/html" }));
    expect(dash).not.toContain('href="/admin/users"');
  });

  it("shows the audit trail with chain verification to admins", async () => {
    const admin = await h.signIn(await h.user({ roles: ["admin"] }));
    const page = await html(await admin.get("/audit?verify=1", { accept: "text/html" }));
    expect(page).toContain("完整：已校验");
    expect(page).toContain("<td class=\"what\">登录");
    // a before/after summary is shown as the fields that changed, old and new side by side
    const someone = await h.user({ displayName: "钱工" });
    expect((await admin.patch(`/api/v1/users/${someone.id}`, { displayName: "钱工程师" })).status).toBe(200);
    const history = await html(await admin.get(`/audit?objectId=${someone.id}`, { accept: "text/html" }));
    expect(history).toMatch(/data-testid="before-after"[\s\S]*<td>姓名<\/td><td class="muted"><span>钱工<\/span><\/td><td><span>钱工程师<\/span><\/td>/);
  });

  it("lets an auditor verify the chain without reading the trail; others are refused", async () => {
    const auditor = await h.signIn(await h.user({ roles: ["auditor"] }));
    const res = await auditor.get("/audit?verify=1", { accept: "text/html" });
    expect(res.status).toBe(200);
    const page = await html(res);
    expect(page).toContain("完整：已校验");
    expect(page).not.toContain('data-testid="audit-events"');
    expect(page).not.toContain("auth.signed_in");
    expect(page).toContain('href="/audit"');
    const employee = await h.signIn(await h.user());
    expect((await employee.get("/audit", { accept: "text/html" })).status).toBe(403);
  });
});

describe("signature verification page", () => {
  it("verifies an uploaded PDF and keeps nothing of it", async () => {
    const client = await h.signIn(await h.user());
    const foreign = new Uint8Array(await readFile(new URL("../fixtures/pdf/node-signpdf-signed.pdf", import.meta.url)));
    const form = new FormData();
    form.append("_csrf", client.csrfToken!);
    form.append("file", new File([foreign], "对方签署.pdf", { type: "application/pdf" }));
    const res = await client.request("/signatures/verify", { method: "POST", body: form, headers: { accept: "text/html", "x-csrf-token": "" } });
    expect(res.status).toBe(200);
    const page = await res.text();
    const sha256 = createHash("sha256").update(foreign).digest("hex");
    expect(page).toContain(sha256);
    expect(page).toContain("Custos 中没有与该文件完全一致的文件。");
    // the ETSI verdict in words: a signer that chains to no trusted root
    expect(page).toContain("不确定 INDETERMINATE");
    expect(page).toContain("NO_CERTIFICATE_CHAIN_FOUND");
    expect(page).toContain("找不到到受信任根证书的证书链");
    expect(await h.deps.storage.stat(sha256)).toBeNull();
  });
});
