import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { once } from "node:events";
import { expect } from "vitest";
import { findPackage } from "../../../src/core/audit-package/repo";
import { ZipReader } from "../../../src/core/audit-package/zip/reader";
import { zipStream, type ZipEntry } from "../../../src/core/audit-package/zip/writer";
import { noRequest, type ServiceContext } from "../../../src/core/context";
import { grantAuditorAccess, withAuditScope, type GrantInput } from "../../../src/core/evidence/grants";
import { jobRunnerFor } from "../../../src/core/jobs/index";
import { loadActivePrincipal } from "../../../src/core/audit-package/repo";
import type { Client, TestHarness, TestUser } from "../../support/app";
import { procedurePdf } from "../documents/fixtures";
import { expectJson } from "../records/support";
import { createBasePdf } from "../signatures/support/base-pdf";

export { expectJson };

/** The people of an audit (admin, IP manager, top manager, legal, an R&D employee, an auditor), each signed in. */
export async function auditCast(h: TestHarness) {
  const admin = await h.signIn(await h.user({ roles: ["admin"], clearance: "top-secret" }));
  const rnd = (await (await admin.post("/api/v1/departments", { code: "RND", name: "研发中心" })).json()) as { id: string };
  const managerUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
  const topUser = await h.user({ roles: ["top-manager"], displayName: "周总", clearance: "top-secret" });
  const legalUser = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "secret" });
  const employee = await h.user({ roles: ["employee"], displayName: "张伟", departmentId: rnd.id });
  const auditorUser = await h.user({ roles: ["auditor"], displayName: "刘审核", clearance: "secret" });
  return {
    admin,
    rnd,
    managerUser,
    topUser,
    legalUser,
    employee,
    auditorUser,
    manager: await h.signIn(managerUser),
    top: await h.signIn(topUser),
    legal: await h.signIn(legalUser),
    emp: await h.signIn(employee),
    auditor: await h.signIn(auditorUser),
  };
}

/** The people and the evidence of an audit: a procedure (4.3.2.1), a signed IP declaration (7.3.2.4), a secret court judgment (4.3.2.2). */
export interface AuditFixture {
  managerUser: TestUser;
  manager: Client;
  auditorUser: TestUser;
  auditor: Client;
  employee: TestUser;
  judgmentId: string;
  declarationRequestId: string;
  procedureRevisionId: string;
}

/** Builds the evidence through the API, as people would (real uploads, real signatures). */
export async function seedAuditEvidence(h: TestHarness): Promise<AuditFixture> {
  const { managerUser, topUser, legalUser, employee, auditorUser, manager, top, legal, emp, auditor } = await auditCast(h);

  const procedure = await expectJson<{ document: { id: string }; revision: { id: string } }>(
    await manager.post("/api/v1/documents", { categoryId: "procedure", title: "合同知识产权审查程序" }),
    201,
  );
  await expectJson(
    await manager.request(`/api/v1/revisions/${procedure.revision.id}/files/release?filename=p.pdf`, {
      method: "PUT",
      headers: { "content-type": "application/pdf" },
      body: new Uint8Array(await procedurePdf("合同知识产权审查程序", "合同签订前由法务进行知识产权审查。")),
    }),
    200,
  );
  await expectJson(await manager.post(`/api/v1/revisions/${procedure.revision.id}/submit`, { reviewerIds: [legalUser.id], approverId: topUser.id }), 200);
  await legal.readRevision(procedure.revision.id);
  await expectJson(await legal.post(`/api/v1/revisions/${procedure.revision.id}/decision`, { decision: "approve", pin: legalUser.pin }), 200);
  await top.readRevision(procedure.revision.id);
  await expectJson(await top.post(`/api/v1/revisions/${procedure.revision.id}/decision`, { decision: "approve", pin: topUser.pin }), 200);

  const declaration = await expectJson<{ id: string }>(
    await manager.post("/api/v1/signature-requests", {
      title: "知识产权声明 — 张伟",
      subjectUserId: employee.id,
      source: { kind: "template", templateId: "ip-declaration", values: { employeeName: "张伟", idNumber: "11010519491231002X", department: "研发中心", position: "工程师", startDate: "2026-03-01" } },
      signers: [{ userId: employee.id, meaning: "signed" }],
    }),
    201,
  );
  await emp.readDocument(declaration.id);
  await expectJson(await emp.post(`/api/v1/signature-requests/${declaration.id}/sign`, { pin: employee.pin, consent: true }), 200);

  const judgmentFile = await expectJson<{ id: string }>(
    await legal.request(`/api/v1/files?filename=${encodeURIComponent("判决书.pdf")}&classification=secret`, {
      method: "POST",
      headers: { "content-type": "application/pdf" },
      body: new Uint8Array(await createBasePdf()),
    }),
    201,
  );
  const judgment = await expectJson<{ id: string }>(
    await legal.post("/api/v1/external-documents", {
      fileId: judgmentFile.id,
      docType: "court-judgment",
      title: "（2026）京73民初123号 民事判决书",
      issuer: "北京知识产权法院",
      referenceNumber: "（2026）京73民初123号",
      issuedOn: "2026-02-20",
      obtainedOn: "2026-02-25",
      arrivalMethod: "post",
      classification: "secret",
    }),
    201,
  );
  return { managerUser, manager, auditorUser, auditor, employee, judgmentId: judgment.id, declarationRequestId: declaration.id, procedureRevisionId: procedure.revision.id };
}

/** A service context acting as `user` (for calls the API of this issue does not own, such as granting). */
export async function contextAs(h: TestHarness, user: TestUser): Promise<ServiceContext> {
  const principal = await withAuditScope(h.deps.db, (await loadActivePrincipal(h.deps.db, user.id))!, h.clock.now());
  return { ...h.deps, principal, actor: { userId: user.id, label: principal.username }, request: noRequest };
}

/** Grants an auditor access through the grants service, as the IP manager. */
export async function grantAuditor(h: TestHarness, granter: TestUser, auditor: TestUser, input: Partial<GrantInput> = {}) {
  return grantAuditorAccess(await contextAs(h, granter), {
    auditorId: auditor.id,
    purpose: "2026 年内部审核",
    endsAt: new Date(h.clock.now().getTime() + 7 * 86_400_000).toISOString(),
    clauseIds: ["7.3.2.4", "4.3.2.2"],
    categoryIds: [],
    periodFrom: "2026-01-01",
    periodTo: "2026-12-31",
    maxClassification: "secret",
    ...input,
  });
}

/** Runs the queued jobs (the export among them) and returns the package's status. */
export async function runExport(h: TestHarness, client: Client, id: string) {
  await jobRunnerFor(h.deps).runDue();
  const row = await findPackage(h.deps.db, id);
  expect(row?.status, row?.error ?? "").toMatch(/done|failed/);
  return expectJson<PackageJson>(await client.get(`/api/v1/audit/packages/${id}`), 200);
}

export interface PackageJson {
  id: string;
  status: string;
  progress: { itemsDone: number; itemsTotal: number | null; filesDone: number; filesTotal: number | null; bytesDone: number; bytesTotal: number | null; fraction: number };
  classification: string | null;
  sha256: string | null;
  size: number | null;
  manifestSha256: string | null;
  chainHead: { seq: number; hash: string } | null;
  error: { code: string | null; message: string } | null;
  downloadUrl: string | null;
}

/** Downloads a package to `path` (streamed) and returns the response headers. */
export async function downloadPackage(client: Client, id: string, path: string): Promise<Headers> {
  const res = await client.get(`/api/v1/audit/packages/${id}/download`);
  expect(res.status, res.status === 200 ? "" : await res.clone().text()).toBe(200);
  const out = createWriteStream(path);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) if (!out.write(chunk)) await once(out, "drain");
  out.end();
  await once(out, "finish");
  return res.headers;
}

/** Copies a ZIP, entry by entry, letting `change` replace an entry's bytes or add entries at the end. */
export async function rewriteZip(src: string, dst: string, change: (name: string, bytes: Buffer) => Buffer | undefined, extra: ZipEntry[] = []): Promise<void> {
  const zip = await ZipReader.open(src);
  const entries: ZipEntry[] = [];
  for (const e of zip.entries) {
    const bytes = await zip.readEntry(e);
    entries.push({ name: e.name, data: change(e.name, bytes) ?? bytes });
  }
  await zip.close();
  const parts: Uint8Array[] = [];
  for await (const chunk of zipStream([...entries, ...extra], new Date("2026-03-02T01:00:00Z"))) parts.push(chunk);
  await writeFile(dst, Buffer.concat(parts));
}

/** Reads every entry of a ZIP into memory (small packages in tests). */
export async function readZip(path: string): Promise<Map<string, Buffer>> {
  const zip = await ZipReader.open(path);
  const out = new Map<string, Buffer>();
  for (const e of zip.entries) out.set(e.name, await zip.readEntry(e));
  await zip.close();
  return out;
}
