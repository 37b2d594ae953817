import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { startHarness, type Client } from "../support/app";
import { documentRevisions } from "../../src/db/schema/documents";
import { procedurePdf } from "../core/documents/fixtures";

const h = await startHarness();
const manager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const m = await h.signIn(manager);

/** Posts the document page's file form as a browser does: an input left empty is sent with an empty name and no bytes. */
function filesForm(client: Client, path: string, files: Record<string, { name: string; bytes: Uint8Array; type: string }>) {
  const form = new FormData();
  form.append("_csrf", client.csrfToken!);
  for (const kind of ["release", "source"]) {
    const f = files[kind];
    form.append(kind, f ? new File([new Uint8Array(f.bytes)], f.name, { type: f.type }) : new File([], "", { type: "application/octet-stream" }));
  }
  return client.request(path, { method: "POST", body: form, headers: { accept: "text/html", "x-csrf-token": "" } });
}

async function newDocument(title: string, categoryId = "policy") {
  const res = await m.post("/api/v1/documents", { categoryId, title });
  expect(res.status).toBe(201);
  return (await res.json()) as { document: { id: string; number: string }; revision: { id: string } };
}

describe("document files form", () => {
  it("refuses a post with no file chosen, says so in words, and saves nothing", async () => {
    const doc = await newDocument("空文件上传");
    const res = await filesForm(m, `/revisions/${doc.revision.id}/files`, {});
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain("未选择文件");
    expect(page).not.toContain("已保存");
    const [rev] = await h.deps.db.select().from(documentRevisions).where(eq(documentRevisions.id, doc.revision.id));
    expect(rev).toMatchObject({ releaseSha256: null, sourceSha256: null });

    const en = await filesForm(m, `/revisions/${doc.revision.id}/files?lang=en`, {});
    expect(await en.text()).toContain("No file was chosen");
    await m.get("/?lang=zh-CN", { accept: "text/html" });
  });

  it("still saves a chosen release PDF and says so", async () => {
    const doc = await newDocument("正常上传");
    const res = await filesForm(m, `/revisions/${doc.revision.id}/files`, { release: { name: "p.pdf", bytes: await procedurePdf("正常上传", "正文"), type: "application/pdf" } });
    expect(res.status).toBe(303);
    const page = await (await m.get(res.headers.get("location")!, { accept: "text/html" })).text();
    expect(page).toContain("已保存");
  });
});

describe("new document form", () => {
  it("shows each category with the number its next document will get, never the raw pattern", async () => {
    const before = await (await m.get("/documents/new", { accept: "text/html" })).text();
    expect(before).not.toContain("{seq");
    expect(before).toContain("程序文件 (编号如 IPM-PR-001)");
    const created = await m.post("/api/v1/documents", { categoryId: "procedure", title: "专利申请程序" });
    expect(((await created.json()) as { document: { number: string } }).document.number).toBe("IPM-PR-001");
    const after = await (await m.get("/documents/new", { accept: "text/html" })).text();
    expect(after).toContain("程序文件 (编号如 IPM-PR-002)");
    const en = await (await m.get("/documents/new?lang=en", { accept: "text/html" })).text();
    expect(en).toContain("Procedure (numbered like IPM-PR-002)");
    await m.get("/?lang=zh-CN", { accept: "text/html" });
  });
});

describe("document actions", () => {
  it("say on the document's page what they did", async () => {
    const reviewer = await h.user({ roles: ["ip-staff"], displayName: "赵强", clearance: "confidential" });
    const approver = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "confidential" });
    const follow = async (res: Response) => {
      expect(res.status, (await res.clone().text()).slice(0, 1500)).toBe(303);
      return (await m.get(res.headers.get("location")!, { accept: "text/html" })).text();
    };
    const created = await m.form("/documents/new", { categoryId: "procedure", title: "提示测试程序" });
    const documentId = /\/documents\/([^?]+)/.exec(created.headers.get("location") ?? "")?.[1];
    expect(await follow(created)).toContain("文件已登记，请上传草稿版本的文件。");
    const [rev] = await h.deps.db.select().from(documentRevisions).where(eq(documentRevisions.documentId, documentId!));
    await follow(await filesForm(m, `/revisions/${rev!.id}/files`, { release: { name: "p.pdf", bytes: await procedurePdf("提示测试程序", "正文"), type: "application/pdf" } }));
    expect(await follow(await m.form(`/revisions/${rev!.id}/submit`, { reviewerIds: [reviewer.id], approverId: approver.id }))).toContain("已提交审核。");
    const unused = await newDocument("不再需要的程序", "procedure");
    expect(await follow(await m.form(`/documents/${unused.document.id}/withdraw`, { reason: "不再需要" }))).toContain("文件已撤销。");
    const en = await (await m.get(`/documents/${unused.document.id}?msg=withdrawn&lang=en`, { accept: "text/html" })).text();
    expect(en).toContain("The document is withdrawn.");
    await m.get("/?lang=zh-CN", { accept: "text/html" });
    expect(await (await m.get(`/documents/${documentId}?msg=bogus`, { accept: "text/html" })).text()).not.toContain('class="flash ok"');
  });
});

describe("document register", () => {
  it("pages through every document it found, keeping the filters", async () => {
    const titles = ["分页甲", "分页乙", "分页丙"];
    for (const title of titles) await newDocument(title, "procedure");
    const first = await (await m.get("/documents?q=分页&limit=2", { accept: "text/html" })).text();
    expect(first).toContain("第 1–2 条，共 3 条");
    const next = first.match(/href="([^"]+)" rel="next"/)![1]!.replaceAll("&amp;", "&");
    expect(next).toContain("q=%E5%88%86%E9%A1%B5");
    const second = await (await m.get(next, { accept: "text/html" })).text();
    expect(second).toContain("第 3–3 条，共 3 条");
    expect(second).toMatch(/rel="prev"/);
    expect(second).not.toMatch(/rel="next"/);
    // every document turns up on exactly one of the two pages
    for (const title of titles) expect([first, second].filter((p) => p.includes(title))).toHaveLength(1);
  });
});
