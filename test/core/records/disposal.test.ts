import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { unzipSync } from "fflate";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { jobRunnerFor } from "../../../src/core/jobs/index";
import { S3BlobStore } from "../../../src/core/storage/s3";
import { auditEvents } from "../../../src/db/schema/audit";
import { destructionRecords, integrityIncidents } from "../../../src/db/schema/records";
import { jobs } from "../../../src/db/schema/jobs";
import { createBasePdf } from "../signatures/support/base-pdf";
import { errorCode, startHarness, type TestHarness } from "../../support/app";
import { startS3Server } from "../../support/s3";
import { declare, expectJson, type RecordJson } from "./support";

const s3 = await startS3Server();
afterAll(() => s3.stop());
const work = mkdtempSync(join(tmpdir(), "custos-disposal-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const harnesses: [string, TestHarness][] = [
  ["local storage", await startHarness()],
  ["S3 storage", await startHarness({ storage: () => new S3BlobStore(s3.config) })],
];

interface DisposalJson {
  disposal: { id: string; number: string; status: string; certificateRecordId: string | null; exportSha256: string | null };
  approvals: { role: string; userId: string }[];
  destructions: { recordId: string; contentSha256: string | null }[];
  purges: { sha256: string; purgedAt: string | null; storageKind: string | null }[];
}

describe.each(harnesses)("disposal on %s", (_label, h) => {
  const setup = (async () => {
    const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
    const ipManager2 = await h.user({ roles: ["ip-manager"], displayName: "赵敏", clearance: "confidential" });
    const legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
    const legal2 = await h.user({ roles: ["legal"], displayName: "周律", clearance: "confidential" });
    const admin = await h.user({ roles: ["admin"], clearance: "top-secret" });
    return {
      ipManager,
      ipManager2,
      legal,
      legal2,
      ipm: await h.signIn(ipManager),
      ipm2: await h.signIn(ipManager2),
      legalClient: await h.signIn(legal),
      legal2Client: await h.signIn(legal2),
      adminClient: await h.signIn(admin),
      employeeClient: await h.signIn(await h.user({ roles: ["employee"] })),
    };
  })();
  const CORRECTIVE = "rcl_13_4_01"; // 10 years from the record date, then destroy
  const LAWYER_LETTERS = "rcl_4_3_2_2_03"; // 10 years from the record date, then review

  it("destroys an approved disposal for real: bytes gone from storage, metadata and a permanent certificate kept", async () => {
    const { ipm, ipm2, legalClient, legal2Client, employeeClient, ipManager, ipManager2, legal, legal2 } = await setup;
    const pdf = await createBasePdf({ pages: 2 });
    const old = await declare(ipm, { classId: CORRECTIVE, title: "2010 年纠正措施记录", recordDate: "2010-03-01" }, { bytes: pdf, name: "纠正措施.pdf" });
    const paper = await declare(ipm, { classId: CORRECTIVE, title: "2011 年纠正措施（纸质）", recordDate: "2011-03-01", paperRoom: "档案室 A", paperBox: "7" });
    const recent = await declare(ipm, { classId: CORRECTIVE, title: "2024 年纠正措施记录", recordDate: "2024-03-01" });
    expect(old.dueOn).toBe("2020-03-01");
    expect(await h.deps.storage.stat(old.contentSha256!)).not.toBeNull();

    const due = await expectJson<{ record: { id: string } }[]>(await ipm.get("/api/v1/disposal/due"), 200);
    expect(due.map((d) => d.record.id)).toEqual(expect.arrayContaining([old.id, paper.id]));
    expect(due.map((d) => d.record.id)).not.toContain(recent.id);

    // not due yet; wrong role; nothing proposed
    const notDue = await ipm.post("/api/v1/disposals", { action: "destroy", recordIds: [old.id, recent.id], reason: "到期" });
    expect(notDue.status).toBe(409);
    expect(await errorCode(notDue)).toBe("NOT_DUE");
    expect(await errorCode(await legalClient.post("/api/v1/disposals", { action: "destroy", recordIds: [old.id], reason: "到期" }))).toBe("FORBIDDEN");
    expect(await errorCode(await ipm.post("/api/v1/disposals", { action: "transfer", recordIds: [old.id], reason: "到期" }))).toBe("VALIDATION_FAILED");

    const proposed = await expectJson<{ id: string; number: string }>(await ipm.post("/api/v1/disposals", { action: "destroy", recordIds: [old.id, paper.id], reason: "保管期限届满，经鉴定无保存价值" }), 201);
    expect(proposed.number).toMatch(/^D2026-\d{4}$/);
    expect(await errorCode(await ipm.post("/api/v1/disposals", { action: "destroy", recordIds: [old.id], reason: "again" }))).toBe("CONFLICT");

    const decide = (client: typeof ipm, password: string, decision = "approved") => client.post(`/api/v1/disposals/${proposed.id}/decision`, { decision, password, comment: "同意" });
    expect(await errorCode(await employeeClient.post(`/api/v1/disposals/${proposed.id}/decision`, { decision: "approved", password: "x" }))).toBe("FORBIDDEN");
    // the proposer never decides on their own proposal, with the right password or not
    const own = await decide(ipm, ipManager.password);
    expect(own.status).toBe(403);
    expect(await errorCode(own)).toBe("OWN_PROPOSAL");
    expect(await errorCode(await decide(ipm, ipManager.password, "rejected"))).toBe("OWN_PROPOSAL");
    expect(await errorCode(await decide(ipm2, "wrong password"))).toBe("REAUTH_FAILED");
    const first = await expectJson<DisposalJson>(await decide(ipm2, ipManager2.password), 200);
    expect(first.disposal.status).toBe("pending");
    expect(first.approvals.map((a) => a.userId)).toEqual([ipManager2.id]);
    expect(await errorCode(await decide(ipm2, ipManager2.password))).toBe("CONFLICT");

    // two legal approvers at the same moment: exactly one wins
    const [a, b] = await Promise.all([decide(legalClient, legal.password), decide(legal2Client, legal2.password)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const done = await expectJson<DisposalJson>(await ipm.get(`/api/v1/disposals/${proposed.id}`), 200);
    expect(done.disposal.status).toBe("completed");
    expect(done.approvals.map((x) => x.role).sort()).toEqual(["ip-manager", "legal"]);
    expect(done.purges).toHaveLength(1);
    expect(done.purges[0]).toMatchObject({ sha256: old.contentSha256, storageKind: h.deps.storage.kind });

    // the bytes are really gone from the store; the metadata stays and says so
    expect(await h.deps.storage.stat(old.contentSha256!)).toBeNull();
    const content = await ipm.get(`/api/v1/records/${old.id}/content`);
    expect(content.status).toBe(410);
    expect(await errorCode(content)).toBe("CONTENT_DESTROYED");
    const view = await expectJson<{ record: RecordJson & { title: string }; destruction: { contentSha256: string } }>(await ipm.get(`/api/v1/records/${old.id}`), 200);
    expect(view.record.status).toBe("destroyed");
    expect(view.record.title).toBe("2010 年纠正措施记录");
    expect(view.destruction.contentSha256).toBe(old.contentSha256);
    expect(await errorCode(await ipm.patch(`/api/v1/records/${old.id}`, { title: "x", reason: "y" }))).toBe("INVALID_STATE");

    // destruction records are append-only
    await expect(h.deps.db.update(destructionRecords).set({ title: "x" }).where(eq(destructionRecords.recordId, old.id))).rejects.toThrow();
    await expect(h.deps.db.delete(destructionRecords).where(eq(destructionRecords.recordId, old.id))).rejects.toThrow();

    // the certificate: a PDF in Chinese naming both records, itself a permanently kept record
    const cert = await ipm.get(`/api/v1/disposals/${proposed.id}/certificate`);
    expect(cert.status).toBe(200);
    const certBytes = new Uint8Array(await cert.arrayBuffer());
    const file = join(work, `cert-${h.deps.storage.kind}.pdf`);
    writeFileSync(file, certBytes);
    const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    expect(text).toContain("档案销毁证明");
    expect(text).toContain(old.number);
    expect(text).toContain(paper.number);
    expect(text.replace(/\s/g, "")).toContain(old.contentSha256!);
    expect(text).toContain(a.status === 200 ? "李娜" : "周律");
    expect(execFileSync("pdffonts", [file], { encoding: "utf8" })).toMatch(/NotoSansHans.*yes\s+no\s+yes/);
    const certificate = await expectJson<{ record: RecordJson; recordClass: { code: string } }>(await ipm.get(`/api/v1/records/${done.disposal.certificateRecordId}`), 200);
    expect(certificate.recordClass.code).toBe("R-4.3.2.2-05");
    expect(certificate.record.dueOn).toBeNull();
    await writeFile(join(work, "certificate.pdf"), certBytes);

    const actions = (await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, proposed.id)).orderBy(auditEvents.seq)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["disposal.proposed", "disposal.approved", "disposal.executed", "disposal.completed"]));
  });

  it("refuses to dispose of a held record; a hold placed after the proposal blocks the approval and nothing changes", async () => {
    const { ipm, ipm2, legalClient, ipManager2, legal } = await setup;
    const r = await declare(ipm, { classId: CORRECTIVE, title: "2012 年纠正措施（涉诉）", recordDate: "2012-01-01" }, { bytes: await createBasePdf({ pages: 1 }), name: "涉诉.pdf" });
    const hold = await expectJson<{ id: string }>(await legalClient.post("/api/v1/legal-holds", { matter: "与某公司专利纠纷", reason: "诉讼保全", scope: { kind: "list", recordIds: [r.id] } }), 201);
    const held = await ipm.post("/api/v1/disposals", { action: "destroy", recordIds: [r.id], reason: "到期" });
    expect(held.status).toBe(409);
    expect(await errorCode(held)).toBe("UNDER_LEGAL_HOLD");
    expect(await errorCode(await legalClient.post(`/api/v1/legal-holds/${hold.id}/release`, { reason: "  " }))).toBe("VALIDATION_FAILED");
    await expectJson(await legalClient.post(`/api/v1/legal-holds/${hold.id}/release`, { reason: "和解结案" }), 200);
    expect(await errorCode(await legalClient.post(`/api/v1/legal-holds/${hold.id}/release`, { reason: "again" }))).toBe("INVALID_STATE");

    const proposal = await expectJson<{ id: string }>(await ipm.post("/api/v1/disposals", { action: "destroy", recordIds: [r.id], reason: "到期" }), 201);
    await expectJson(await ipm2.post(`/api/v1/disposals/${proposal.id}/decision`, { decision: "approved", password: ipManager2.password }), 200);
    // a new dispute: a query hold that matches the record by its title
    await expectJson(await legalClient.post("/api/v1/legal-holds", { matter: "新纠纷", reason: "再次涉诉", scope: { kind: "query", query: { q: "涉诉" } } }), 201);
    const blocked = await legalClient.post(`/api/v1/disposals/${proposal.id}/decision`, { decision: "approved", password: legal.password });
    expect(await errorCode(blocked)).toBe("UNDER_LEGAL_HOLD");
    const after = await expectJson<DisposalJson>(await ipm.get(`/api/v1/disposals/${proposal.id}`), 200);
    expect(after.disposal.status).toBe("pending");
    expect(after.approvals.map((a) => a.role)).toEqual(["ip-manager"]);
    expect(await h.deps.storage.stat(r.contentSha256!)).not.toBeNull();
    expect((await expectJson<{ record: RecordJson }>(await ipm.get(`/api/v1/records/${r.id}`), 200)).record.status).toBe("active");
    await expectJson(await ipm.post(`/api/v1/disposals/${proposal.id}/cancel`, { reason: "重新涉诉，撤回处置" }), 200);
  });

  it("transfers records with a zip package of content and metadata; a rejection ends a disposal", async () => {
    const { ipm, ipm2, legalClient, ipManager2, legal } = await setup;
    const pdf = await createBasePdf({ pages: 1 });
    const letter = await declare(legalClient, { classId: LAWYER_LETTERS, title: "2012 年收到的律师函", recordDate: "2012-06-01", classification: "internal" }, { bytes: pdf, name: "律师函.pdf" });
    expect(await errorCode(await ipm.post("/api/v1/disposals", { action: "transfer", recordIds: [letter.id], reason: "移交档案馆" }))).toBe("VALIDATION_FAILED");

    const rejected = await expectJson<{ id: string }>(await ipm.post("/api/v1/disposals", { action: "transfer", recordIds: [letter.id], reason: "移交", recipient: "市档案馆" }), 201);
    const no = await expectJson<DisposalJson>(await legalClient.post(`/api/v1/disposals/${rejected.id}/decision`, { decision: "rejected", password: legal.password, comment: "仍有参考价值" }), 200);
    expect(no.disposal.status).toBe("rejected");

    const proposal = await expectJson<{ id: string }>(await ipm.post("/api/v1/disposals", { action: "transfer", recordIds: [letter.id], reason: "鉴定后移交", recipient: "北京市档案馆" }), 201);
    await expectJson(await ipm2.post(`/api/v1/disposals/${proposal.id}/decision`, { decision: "approved", password: ipManager2.password }), 200);
    const done = await expectJson<DisposalJson>(await legalClient.post(`/api/v1/disposals/${proposal.id}/decision`, { decision: "approved", password: legal.password }), 200);
    expect(done.disposal.status).toBe("completed");
    const pkg = await ipm.get(`/api/v1/disposals/${proposal.id}/package`);
    expect(pkg.status).toBe(200);
    const entries = unzipSync(new Uint8Array(await pkg.arrayBuffer()));
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(["manifest.json", "transfer-list.pdf", `${letter.number}/metadata.json`, `${letter.number}/律师函.pdf`]));
    expect(entries[`${letter.number}/律师函.pdf`]).toEqual(pdf);
    const metadata = JSON.parse(new TextDecoder().decode(entries[`${letter.number}/metadata.json`])) as { record: { title: string }; history: { action: string }[] };
    expect(metadata.record.title).toBe("2012 年收到的律师函");
    expect(metadata.history.map((e) => e.action)).toContain("record.declared");
    const view = await expectJson<{ record: RecordJson }>(await ipm.get(`/api/v1/records/${letter.id}`), 200);
    expect(view.record.status).toBe("transferred");
  });

  it("never lets the proposer decide, an admin who is also IP manager included, and names who else can", async () => {
    const { ipm2, legal, legalClient, ipManager, ipManager2 } = await setup;
    const boss = await h.user({ roles: ["admin", "ip-manager"], displayName: "管理员兼 IP", clearance: "confidential" });
    const bossClient = await h.signIn(boss);
    const r = await declare(ipm2, { classId: CORRECTIVE, title: "2009 年纠正措施（管理员提出）", recordDate: "2009-01-01" });
    const proposal = await expectJson<{ id: string }>(await bossClient.post("/api/v1/disposals", { action: "destroy", recordIds: [r.id], reason: "到期" }), 201);
    const view = await expectJson<DisposalJson & { mayDecide: boolean; isProposer: boolean; otherApprovers: { role: string; people: { id: string }[] }[] }>(await bossClient.get(`/api/v1/disposals/${proposal.id}`), 200);
    expect(view.mayDecide).toBe(false);
    expect(view.isProposer).toBe(true);
    const others = Object.fromEntries(view.otherApprovers.map((a) => [a.role, a.people.map((x) => x.id)]));
    expect(others["ip-manager"]).toEqual(expect.arrayContaining([ipManager.id, ipManager2.id]));
    expect(others["ip-manager"]).not.toContain(boss.id);
    expect(others["legal"]).toContain(legal.id);
    const own = await bossClient.post(`/api/v1/disposals/${proposal.id}/decision`, { decision: "approved", password: boss.password });
    expect(own.status).toBe(403);
    expect(await errorCode(own)).toBe("OWN_PROPOSAL");
    expect((await expectJson<DisposalJson>(await bossClient.get(`/api/v1/disposals/${proposal.id}`), 200)).approvals).toEqual([]);
    // another IP manager may; once they have, the list no longer offers them or the IP-manager role
    const theirs = await expectJson<{ mayDecide: boolean }>(await ipm2.get(`/api/v1/disposals/${proposal.id}`), 200);
    expect(theirs.mayDecide).toBe(true);
    await expectJson(await ipm2.post(`/api/v1/disposals/${proposal.id}/decision`, { decision: "approved", password: ipManager2.password }), 200);
    const after = await expectJson<{ otherApprovers: { role: string }[] }>(await legalClient.get(`/api/v1/disposals/${proposal.id}`), 200);
    expect(after.otherApprovers.map((a) => a.role)).toEqual(["legal"]);
    await expectJson(await bossClient.post(`/api/v1/disposals/${proposal.id}/cancel`, { reason: "测试结束" }), 200);
  });

  it("re-hashes stored blobs: destroyed ones are expected gone, a damaged or lost one opens an incident", async () => {
    const { ipm, adminClient } = await setup;
    const r = await declare(ipm, { classId: CORRECTIVE, title: "将被损坏的记录", recordDate: "2025-01-01" }, { bytes: await createBasePdf({ pages: 1 }), name: "damaged.pdf" });
    const clean = await expectJson<{ checked: number; failed: unknown[]; destroyed: number }>(await adminClient.post("/api/v1/fixity/run"), 200);
    expect(clean.failed).toEqual([]);
    expect(clean.destroyed).toBeGreaterThanOrEqual(1);
    expect(await errorCode(await ipm.post("/api/v1/fixity/run"))).toBe("FORBIDDEN");

    if (h.deps.storage.kind === "local") {
      const sha = r.contentSha256!;
      writeFileSync(join(h.dataDir, "blobs", sha.slice(0, 2), sha.slice(2, 4), sha), "tampered");
    } else {
      await h.deps.storage.delete(r.contentSha256!);
    }
    const report = await expectJson<{ failed: { sha256: string; problem: string }[] }>(await adminClient.post("/api/v1/fixity/run"), 200);
    expect(report.failed).toEqual([{ sha256: r.contentSha256, problem: h.deps.storage.kind === "local" ? "hash-mismatch" : "missing" }]);
    const incidents = await expectJson<{ id: string; sha256: string }[]>(await ipm.get("/api/v1/integrity-incidents"), 200);
    expect(incidents.map((i) => i.sha256)).toEqual([r.contentSha256]);
    const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "blob.integrity_failed"));
    expect(events.map((e) => e.objectId)).toContain(r.contentSha256);
    // the dashboard shows the incident to admins
    const dashboard = await adminClient.get("/", { accept: "text/html" });
    expect(await dashboard.text()).toContain(r.contentSha256!.slice(0, 12));
    // a second run does not open a second incident
    await adminClient.post("/api/v1/fixity/run");
    expect((await h.deps.db.select().from(integrityIncidents)).filter((i) => !i.resolvedAt)).toHaveLength(1);
    await expectJson(await adminClient.post(`/api/v1/integrity-incidents/${incidents[0]!.id}/resolve`, { resolution: "已从备份恢复" }), 200);
    expect(await expectJson<unknown[]>(await ipm.get("/api/v1/integrity-incidents"), 200)).toEqual([]);
  });

  it("runs the daily jobs once a day: the retention sweep reports what became due and what is held", async () => {
    const runner = jobRunnerFor(h.deps);
    await runner.tick();
    await runner.tick();
    const ran = await h.deps.db.select().from(jobs);
    const sweeps = ran.filter((j) => j.kind === "retention-sweep");
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]!.status).toBe("done");
    expect(sweeps[0]!.result).toMatchObject({ day: "2026-03-02" });
    expect((sweeps[0]!.result as { due: number }).due).toBeGreaterThan(0);
    expect((sweeps[0]!.result as { dueButHeld: string[] }).dueButHeld).toHaveLength(1);
    expect(ran.filter((j) => j.kind === "fixity-check")).toHaveLength(1);
    const swept = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "retention.swept"));
    expect(swept.length).toBeGreaterThan(0);
  });

  it("leaves no copy of destroyed bytes in storage: not the blob, not a crash leftover, not a package that exported them, not after the same bytes come back", async () => {
    const { ipm, ipm2, legalClient, ipManager2, legal } = await setup;
    const bytes = await uniquePdf();
    // what a crash leaves, cut off part way: it holds the beginning of the bytes, which is what we look for
    const needle = bytes.subarray(0, Math.ceil(bytes.length * 0.8));
    const dirs = h.deps.storage.kind === "s3" ? [h.dataDir, s3.directory] : [h.dataDir];
    const holders = async () => (await Promise.all(dirs.map((d) => filesHolding(d, needle)))).flat();
    const destroy = async (recordId: string) => {
      const proposed = await expectJson<{ id: string }>(await ipm.post("/api/v1/disposals", { action: "destroy", recordIds: [recordId], reason: "保管期限届满" }), 201);
      await expectJson(await ipm2.post(`/api/v1/disposals/${proposed.id}/decision`, { decision: "approved", password: ipManager2.password }), 200);
      const done = await expectJson<DisposalJson>(await legalClient.post(`/api/v1/disposals/${proposed.id}/decision`, { decision: "approved", password: legal.password }), 200);
      expect(done.disposal.status).toBe("completed");
      return done;
    };

    const first = await declare(ipm, { classId: CORRECTIVE, title: "2013 年纠正措施记录", recordDate: "2013-03-01" }, { bytes, name: "纠正措施-2013.pdf" });
    expect((await holders()).length).toBeGreaterThanOrEqual(1);
    // the same bytes were handed to an archive once (the transfer package keeps them) …
    const letter = await declare(legalClient, { classId: LAWYER_LETTERS, title: "2013 年律师函", recordDate: "2013-04-01", classification: "internal" }, { bytes, name: "律师函-2013.pdf" });
    const transfer = await expectJson<{ id: string }>(await ipm.post("/api/v1/disposals", { action: "transfer", recordIds: [letter.id], reason: "移交", recipient: "市档案馆" }), 201);
    await expectJson(await ipm2.post(`/api/v1/disposals/${transfer.id}/decision`, { decision: "approved", password: ipManager2.password }), 200);
    await expectJson(await legalClient.post(`/api/v1/disposals/${transfer.id}/decision`, { decision: "approved", password: legal.password }), 200);
    expect((await ipm.get(`/api/v1/disposals/${transfer.id}/package`)).status).toBe(200);
    // … and exported in an audit package (its files are stored in the ZIP as they are)
    const pkg = await expectJson<{ id: string }>(await ipm.post("/api/v1/audit/packages", { refs: [{ kind: "record", id: first.id }] }), 202);
    await jobRunnerFor(h.deps).runDue();
    expect((await ipm.get(`/api/v1/audit/packages/${pkg.id}/download`)).status).toBe(200);
    await leaveCrashCopies(bytes, needle);
    expect((await holders()).length).toBeGreaterThanOrEqual(5);
    const destroyed = await destroy(first.id);
    expect(await holders()).toEqual([]);
    // the packages went with the bytes: the certificate lists them, downloading them says why they are gone
    expect(destroyed.purges).toHaveLength(3);
    expect(destroyed.purges.every((p) => p.purgedAt !== null)).toBe(true);
    const found = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "disposal.copies_found"));
    expect(found.at(-1)!.data).toMatchObject({ copies: expect.arrayContaining([expect.objectContaining({ kind: "audit-package", id: pkg.id }), expect.objectContaining({ kind: "transfer-package", id: transfer.id })]) });
    for (const path of [`/api/v1/audit/packages/${pkg.id}/download`, `/api/v1/disposals/${transfer.id}/package`]) {
      const gone = await ipm.get(path);
      expect(gone.status, path).toBe(410);
      expect(((await gone.json()) as { error: { code: string; message: string } }).error.message).toMatch(/held content that was destroyed under disposal D\d{4}-\d{4}/);
    }

    // the same bytes uploaded again (someone kept a copy) make a new record; destroying it destroys them again
    const again = await declare(ipm, { classId: CORRECTIVE, title: "2013 年纠正措施记录（副本）", recordDate: "2013-03-01" }, { bytes, name: "副本.pdf" });
    expect(again.contentSha256).toBe(first.contentSha256);
    await leaveCrashCopies(bytes, needle);
    expect((await holders()).length).toBeGreaterThanOrEqual(3);
    const done = await destroy(again.id);
    expect(done.purges.map((p) => p.sha256)).toEqual([first.contentSha256]);
    expect(done.purges[0]!.purgedAt).not.toBeNull();
    expect(await holders()).toEqual([]);
    expect(await h.deps.storage.stat(first.contentSha256!)).toBeNull();
  });

  /** Leaves what a crashed upload of `bytes` leaves: a temp copy of all of them, and one cut off. */
  async function leaveCrashCopies(bytes: Uint8Array, cutOff: Uint8Array) {
    if (h.deps.storage.kind === "local") {
      mkdirSync(join(h.dataDir, "tmp"), { recursive: true });
      writeFileSync(join(h.dataDir, "tmp", `${randomUUID()}.part`), bytes);
      writeFileSync(join(h.dataDir, "tmp", `${randomUUID()}.part`), cutOff);
    } else {
      const raw = new S3Client({ region: "us-east-1", endpoint: s3.config.endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
      await raw.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: `tmp/${randomUUID()}`, Body: bytes }));
      await raw.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: `tmp/${randomUUID()}`, Body: cutOff }));
      raw.destroy();
    }
  }
});

/** A PDF no other test makes: its page carries a random text. */
async function uniquePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`纠正措施 ${randomUUID()}`);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595.28, 841.89]).drawText(`Corrective action ${randomUUID()}`, { x: 50, y: 780, size: 14, font });
  return doc.save({ useObjectStreams: false });
}

/** Every file under `dir` whose bytes contain `needle`. */
async function filesHolding(dir: string, needle: Uint8Array): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(Buffer.from(needle))) found.push(path);
  }
  return found;
}
