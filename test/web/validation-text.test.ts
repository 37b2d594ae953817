import { describe, expect, it } from "vitest";
import { startHarness } from "../support/app";

/**
 * A refused form says what is wrong in the reader's language, naming the field by its label
 * ("标题：最多 200 个字符"), never zod's English ("Too big: expected string to have <=200
 * characters") or the schema key ("title:"). The API keeps its code and speaks Chinese only when asked.
 */
const h = await startHarness();
const manager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const m = await h.signIn(manager);
const approver = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "confidential" });

const ENGLISH = /Too big|Too small|expected|Invalid|Required|at least one|title:|reviewerIds/;

describe("validation messages on forms", () => {
  it("a too-long title on the Chinese new-document form reads 标题：最多 200 个字符", async () => {
    await m.get("/?lang=zh-CN", { accept: "text/html" });
    const res = await m.form("/documents/new", { categoryId: "procedure", title: "长".repeat(201) });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("标题：最多 200 个字符");
    const flash = /<div class="flash error"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? "";
    expect(flash).not.toMatch(ENGLISH);
  });

  it("submitting for review with no reviewer reads 审核人：请至少选择一位审核人", async () => {
    await m.get("/?lang=zh-CN", { accept: "text/html" });
    const created = await m.post("/api/v1/documents", { categoryId: "procedure", title: "无审核人提交" });
    const { revision } = (await created.json()) as { revision: { id: string } };
    const res = await m.form(`/revisions/${revision.id}/submit`, { approverId: approver.id });
    expect(res.status).toBe(400);
    const html = await res.text();
    const flash = /<div class="flash error"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? "";
    expect(flash).toContain("审核人：请至少选择一位审核人");
    expect(flash).not.toMatch(ENGLISH);
  });

  it("the same refusals read in English with the field's label on English pages", async () => {
    const en = await h.signIn(await h.user({ roles: ["ip-manager"], displayName: "Anna", clearance: "confidential" }));
    await en.get("/?lang=en", { accept: "text/html" });
    const html = await (await en.form("/documents/new", { categoryId: "procedure", title: "x".repeat(201) })).text();
    expect(html).toContain("Title: at most 200 characters");
    expect(html).not.toContain("Too big");
  });
});

describe("validation messages from the API", () => {
  it("keep the stable code, English by default and Chinese when Accept-Language asks", async () => {
    const body = { categoryId: "procedure", title: "x".repeat(201) };
    const english = (await (await m.post("/api/v1/documents", body)).json()) as { error: { code: string; message: string; details: { issues: { path: string }[] } } };
    expect(english.error.code).toBe("VALIDATION_FAILED");
    expect(english.error.details.issues[0]!.path).toBe("title");
    expect(english.error.message).toMatch(/^title: /);
    const res = await m.request("/api/v1/documents", {
      method: "POST",
      headers: { "content-type": "application/json", "accept-language": "zh-CN,zh;q=0.9,en;q=0.8" },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const chinese = (await res.json()) as typeof english;
    expect(chinese.error.code).toBe("VALIDATION_FAILED");
    expect(chinese.error.details.issues[0]!.path).toBe("title");
    expect(chinese.error.message).toContain("标题：最多 200 个字符");
  });
});

describe("amounts as people write them", () => {
  const legalUser = h.user({ roles: ["legal"], displayName: "李娜", clearance: "secret" });
  it("accepts thousands separators and refuses a decimal comma in words", async () => {
    const legal = await h.signIn(await legalUser);
    const created = await legal.post("/api/v1/contracts", { title: "金额测试", type: "other", counterparties: [{ name: "甲公司" }], valueAmount: "1,200,000" });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { valueAmount: string }).valueAmount).toMatch(/^1200000(\.00)?$/);
    const spaced = await legal.post("/api/v1/contracts", { title: "金额测试二", type: "other", counterparties: [{ name: "甲公司" }], valueAmount: "1 200 000.50" });
    expect(spaced.status).toBe(201);
    expect(((await spaced.json()) as { valueAmount: string }).valueAmount).toBe("1200000.50");

    await legal.get("/?lang=zh-CN", { accept: "text/html" });
    const res = await legal.form("/contracts/new", { title: "金额歧义", type: "other", counterparties: "甲公司", classification: "internal", valueAmount: "1 200 000,00" });
    expect(res.status).toBe(400);
    const flash = /<div class="flash error"[^>]*>([\s\S]*?)<\/div>/.exec(await res.text())?.[1] ?? "";
    expect(flash).toContain("金额：应为金额，例如 1,200,000");
    expect(flash).not.toMatch(ENGLISH);
  });
});
