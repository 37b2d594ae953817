import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../src/db/schema/audit";
import { startHarness, type Client } from "../support/app";
import { procedurePdf } from "../core/documents/fixtures";

const h = await startHarness();
const manager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
const staff = await h.user({ roles: ["ip-staff"], displayName: "赵强", clearance: "internal" });
const top = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret" });
const auditor = await h.user({ roles: ["auditor"], displayName: "刘审核", clearance: "secret" });
const admin = await h.user({ roles: ["admin"], displayName: "管理员", clearance: "top-secret" });
const m = await h.signIn(manager);

async function page(client: Client, path: string, status = 200) {
  const res = await client.get(path, { accept: "text/html" });
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBe(status);
  return text;
}
/** The reviewer checkboxes and approver options the document page's send-for-review form offers. */
function offered(html: string) {
  const form = html.slice(html.indexOf('data-testid="submit-form"'), html.indexOf("</form>", html.indexOf('data-testid="submit-form"')));
  const reviewers = [...form.matchAll(/name="reviewerIds" value="([^"]+)"/g)].map((x) => x[1]);
  const select = form.includes('name="approverId"') ? form.slice(form.indexOf('name="approverId"')) : "";
  const approvers = [...select.matchAll(/<option value="([^"]+)"/g)].map((x) => x[1]);
  return { reviewers, approvers };
}
async function draftWithRelease(categoryId: string, title: string, classification = "confidential") {
  const res = await m.post("/api/v1/documents", { categoryId, title, classification });
  expect(res.status).toBe(201);
  const doc = (await res.json()) as { document: { id: string }; revision: { id: string } };
  const form = new FormData();
  form.append("_csrf", m.csrfToken!);
  form.append("release", new File([new Uint8Array(await procedurePdf(title, "正文"))], "r.pdf", { type: "application/pdf" }));
  form.append("source", new File([], "", { type: "application/octet-stream" }));
  expect((await m.request(`/revisions/${doc.revision.id}/files`, { method: "POST", body: form, headers: { accept: "text/html", "x-csrf-token": "" } })).status).toBe(303);
  return doc;
}

describe("reviewer and approver pickers", () => {
  it("offer only active people with the category's role who are cleared, never the author as approver when self-approval is forbidden", async () => {
    const doc = await draftWithRelease("procedure", "机密的专利申请程序");
    const { reviewers, approvers } = offered(await page(m, `/documents/${doc.document.id}`));
    // procedure: reviewers ip-manager/ip-staff/legal, approvers ip-manager/top-manager, no self-approval
    expect(reviewers.sort()).toEqual([manager.id, legal.id].sort()); // the ip-staff member is not cleared for confidential
    expect(approvers).toEqual([top.id]); // not the author
    for (const nobody of [auditor.id, admin.id, staff.id]) {
      expect(reviewers).not.toContain(nobody);
      expect(approvers).not.toContain(nobody);
    }
    // the server still refuses people the form would not offer
    const submit = (fields: Record<string, string | string[]>) => m.form(`/revisions/${doc.revision.id}/submit`, fields);
    expect((await submit({ reviewerIds: [auditor.id], approverId: top.id })).status).toBe(400);
    expect((await submit({ reviewerIds: [staff.id], approverId: top.id })).status).toBe(400);
    expect((await submit({ reviewerIds: [legal.id], approverId: manager.id })).status).toBe(403);
    expect((await submit({ reviewerIds: [legal.id], approverId: top.id })).status).toBe(303);
  });

  it("say when nobody else may approve and link to the category rules, which an admin changes on a page (audited)", async () => {
    const doc = await draftWithRelease("other", "唯一 IP 管理者起草的文件", "internal");
    const before = await page(m, `/documents/${doc.document.id}`);
    expect(offered(before).approvers).toEqual([]);
    expect(before).toContain('data-testid="no-approvers"');
    expect(before).toContain("除您之外没有人可以批准");
    expect(before).toContain('href="/admin/document-categories/other"');
    expect(before).toMatch(/<button type="submit" disabled="">/);

    // only admins see and change the rules
    expect((await m.get("/admin/document-categories", { accept: "text/html" })).status).toBe(403);
    expect((await m.form("/admin/document-categories/other", { name: "x", nameEn: "x", numberPattern: "X-{seq}", labelScheme: "alpha", clauses: "4.3.2.1", draftRoles: ["ip-manager"], reviewRoles: ["ip-manager"], approveRoles: ["ip-manager"], allowSelfApproval: "1", defaultReviewMonths: "24" })).status).toBe(403);
    const a = await h.signIn(admin);
    const list = await page(a, "/admin/document-categories");
    expect(list).toContain('href="/admin/document-categories/other"');
    expect(await page(a, "/documents")).toContain('href="/admin/document-categories"');
    const form = await page(a, "/admin/document-categories/other");
    expect(form).toContain('name="approveRoles" value="ip-manager" checked=""');
    const current = { name: "其他受控文件", nameEn: "Other controlled document", numberPattern: "IPM-OT-{seq:3}", labelScheme: "alpha", clauses: "4.3.2.1", draftRoles: ["ip-manager", "ip-staff", "legal"], reviewRoles: ["ip-manager", "ip-staff", "legal"], defaultReviewMonths: "24" };
    // a refused change keeps what was typed and says why
    const bad = await a.form("/admin/document-categories/other", { ...current, approveRoles: [], numberPattern: "no-seq" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('value="no-seq"');
    const saved = await a.form("/admin/document-categories/other", { ...current, approveRoles: ["ip-manager"], allowSelfApproval: "1" });
    expect(saved.status).toBe(303);
    expect(await page(a, saved.headers.get("location")!)).toContain("类别规则已保存");
    const events = await h.deps.db.select().from(auditEvents).where(and(eq(auditEvents.action, "document_category.updated"), eq(auditEvents.objectId, "other")));
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ before: { allowSelfApproval: false }, after: { allowSelfApproval: true } });

    const after = await page(m, `/documents/${doc.document.id}`);
    expect(offered(after).approvers).toEqual([manager.id]);
    expect(after).not.toContain('data-testid="no-approvers"');
  });
});
