import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { PDFArray, PDFDict, PDFName, PDFRawStream } from "pdf-lib";
import { auditEvents } from "../../../../src/db/schema/audit";
import { jobs } from "../../../../src/db/schema/jobs";
import { archiveTimestamps, signatureRequests } from "../../../../src/db/schema/signatures";
import type { Logger } from "../../../../src/core/context";
import { jobRunnerFor } from "../../../../src/core/jobs/index";
import { ensurePki, TSA_POLICY_OID } from "../../../../src/core/signatures/authority";
import { latestArchivedVersion, newestTimestampOf, timestampFactsOf, UnreadableArchiveError } from "../../../../src/core/signatures/archive-chain";
import { renewalReasonOf, renewArchiveTimestamps } from "../../../../src/core/signatures/archive-renewal";
import { createRsaSigner, createTimeStampToken } from "../../../../src/core/signatures/cms/index";
import { inspectPdfSignatures } from "../../../../src/core/signatures/pdf/index";
import { addDocumentTimestamp } from "../../../../src/core/signatures/sign-pdf";
import { openPdf } from "../../../../src/core/signatures/pdf/pdf-file";
import { certificateDerToPem, certificatePemToDer, generateRsaKeyPair, issueTsaCertificate } from "../../../../src/core/signatures/pki/index";
import { readCertificate } from "../../../../src/core/signatures/pki/read-certificate";
import { startHarness, systemContext, type Client, type TestUser } from "../../../support/app";
import { createBasePdf } from "../support/base-pdf";
import { createNssDb, makeTempDir, runPdfsig } from "../support/validators";

/**
 * The archive time-stamp chain: an hourly job adds a DSS and a new document timestamp to a signed
 * result before its newest time stamp's TSA certificate expires or when its algorithm is weak; the
 * built-in TSA renews its own certificate within the same window.
 */
const h = await startHarness();
const tmp = makeTempDir("custos-archive-");
afterAll(() => tmp.cleanup());

const manager = await h.user({ roles: ["ip-manager"], displayName: "王芳" });
const employee = await h.user({ roles: ["employee"], displayName: "张伟" });
let managerClient = await h.signIn(manager);
let employeeClient = await h.signIn(employee);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function completeRequest(title: string, signers: [Client, TestUser][]): Promise<{ id: string; pdf: Uint8Array; sha256: string }> {
  const upload = await managerClient.request("/api/v1/files?filename=d.pdf&classification=internal", {
    method: "POST",
    headers: { "content-type": "application/pdf" },
    body: new Uint8Array(await createBasePdf({ pages: 1 })),
  });
  const fileId = ((await upload.json()) as { id: string }).id;
  const created = await managerClient.post("/api/v1/signature-requests", {
    title,
    source: { kind: "file", fileId },
    signers: signers.map(([, u], i) => ({ userId: u.id, meaning: i === signers.length - 1 ? "approved" : "signed" })),
  });
  const id = ((await created.json()) as { id: string }).id;
  for (const [client, user] of signers) {
    expect((await client.readDocument(id)).status).toBe(200);
    expect((await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: user.pin, consent: true })).status).toBe(200);
  }
  const pdf = await download(id);
  return { id, pdf, sha256: sha(pdf) };
}

async function download(id: string, client = managerClient): Promise<Uint8Array> {
  const res = await client.get(`/api/v1/signature-requests/${id}/document?version=final`);
  expect(res.status).toBe(200);
  const pdf = new Uint8Array(await res.arrayBuffer());
  expect(res.headers.get("x-content-sha256")).toBe(sha(pdf));
  return pdf;
}

/** A copy of `pdf` whose newest time stamp is a document timestamp over a SHA-1 imprint (as old archives have). */
async function withSha1DocumentTimestamp(pdf: Uint8Array): Promise<Uint8Array> {
  const { root, tsa } = await ensurePki(h.deps);
  const sha1Token = (imprint: Buffer) =>
    createTimeStampToken({
      messageImprint: imprint,
      hashAlgorithm: "sha1",
      certReq: true,
      serialNumber: 900_001n,
      genTime: h.clock.now(),
      policyOid: TSA_POLICY_OID,
      tsaCertificate: tsa.certificate,
      chain: [root.certificate],
      sign: createRsaSigner(tsa.privateKey),
    });
  return (await addDocumentTimestamp(pdf, "Legacy_DocTimeStamp", sha1Token, "sha1")).pdf;
}

const chainOf = (original: string) => h.deps.db.select().from(archiveTimestamps).where(eq(archiveTimestamps.originalSha256, original)).orderBy(asc(archiveTimestamps.sequence));
const eventsOf = (action: string) => h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, action)).orderBy(asc(auditEvents.seq));

function capturingLogger(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  return {
    lines,
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
}

function dssStreams(pdf: Uint8Array, key: "Certs" | "OCSPs" | "CRLs"): Buffer[] {
  const file = openPdf(pdf);
  const dss = file.resolve(file.catalog()!.dict.get(PDFName.of("DSS"))) as PDFDict;
  const array = file.resolve(dss.get(PDFName.of(key))) as PDFArray;
  return array.asArray().map((r) => Buffer.from((file.resolve(r) as PDFRawStream).getContents()));
}

const root = certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text());
const firstTsa = readCertificate(certificatePemToDer(await (await h.app.request("/pki/tsa.pem")).text()));
const a = await completeRequest("保密协议", [
  [employeeClient, employee],
  [managerClient, manager],
]);
const b = await completeRequest("2014 年旧档案", [[managerClient, manager]]);
const c = await completeRequest("损坏的档案", [[managerClient, manager]]);

// D: a signed IP declaration, which becomes a record whose content is the signed result
const ipManager = await h.user({ roles: ["ip-manager"], displayName: "赵敏", clearance: "confidential" });
const legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
const ipManager2 = await h.user({ roles: ["ip-manager"], clearance: "secret" });
const d = await (async () => {
  const ipm = await h.signIn(ipManager);
  const created = await ipm.post("/api/v1/signature-requests", {
    title: "知识产权声明 — 张伟",
    subjectUserId: employee.id,
    source: { kind: "template", templateId: "ip-declaration", values: { employeeName: "张伟", idNumber: "11010519491231002X", department: "研发中心", position: "工程师", startDate: "2026-01-05" } },
    signers: [
      { userId: employee.id, meaning: "signed" },
      { userId: ipManager.id, meaning: "approved" },
    ],
  });
  expect(created.status).toBe(201);
  const id = ((await created.json()) as { id: string }).id;
  for (const [client, user] of [
    [employeeClient, employee],
    [ipm, ipManager],
  ] as [Client, TestUser][]) {
    expect((await client.readDocument(id)).status).toBe(200);
    expect((await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: user.pin, consent: true })).status).toBe(200);
  }
  const [request] = await h.deps.db.select().from(signatureRequests).where(eq(signatureRequests.id, id));
  return { id, sha256: request!.finalSha256! };
})();

// B is an old archive whose newest time stamp uses SHA-1; C's stored result is damaged (cut short)
const weak = await withSha1DocumentTimestamp(b.pdf);
const weakPut = await h.deps.storage.put(weak);
await h.deps.db.update(signatureRequests).set({ finalSha256: weakPut.sha256 }).where(eq(signatureRequests.id, b.id));
const damagedPut = await h.deps.storage.put(c.pdf.subarray(0, Math.floor(c.pdf.length / 2)));
await h.deps.db.update(signatureRequests).set({ finalSha256: damagedPut.sha256 }).where(eq(signatureRequests.id, c.id));

describe("archive time stamps while every TSA certificate is young", () => {
  it("notes each result's newest time stamp, renews the SHA-1 one once even when two runs race, and skips and logs the damaged one", async () => {
    const logger = capturingLogger();
    const ctx = { ...systemContext(h.deps), logger };
    const [r1, r2] = await Promise.all([renewArchiveTimestamps(ctx), renewArchiveTimestamps(ctx)]);
    expect(r1.renewed.length + r2.renewed.length).toBe(1);
    const renewed = [...r1.renewed, ...r2.renewed][0]!;
    expect(renewed).toMatchObject({ originalSha256: weakPut.sha256, sequence: 1, reason: "weak-algorithm" });

    // A: noted as sequence 0, nothing to renew (its TSA certificate has ten years to go)
    const chainA = await chainOf(a.sha256);
    expect(chainA).toHaveLength(1);
    expect(chainA[0]).toMatchObject({ sequence: 0, sha256: a.sha256, previousSha256: null, reason: "original", tsaSerial: firstTsa.serialNumber, digestAlgorithm: "sha256", keyBits: 2048 });
    expect(chainA[0]!.tsaNotAfter.getTime()).toBe(firstTsa.notAfter.getTime());

    // B: the SHA-1 document timestamp noted as weak, then one renewal (never two)
    const chainB = await chainOf(weakPut.sha256);
    expect(chainB.map((r) => [r.sequence, r.reason, r.digestAlgorithm])).toEqual([
      [0, "original", "sha1"],
      [1, "weak-algorithm", "sha256"],
    ]);
    const renewedB = await h.deps.storage.getBytes(chainB[1]!.sha256);
    expect(Buffer.from(renewedB.subarray(0, weak.length)).equals(Buffer.from(weak))).toBe(true);
    expect(newestTimestampOf(renewedB).facts.digestAlgorithm).toBe("sha256");
    const added = await eventsOf("signature.archive_timestamp_added");
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ objectType: "signature_request", objectId: b.id });
    expect(added[0]!.data).toMatchObject({ originalSha256: weakPut.sha256, previousSha256: weakPut.sha256, sha256: chainB[1]!.sha256, sequence: 1, reason: "weak-algorithm", tsaSerial: firstTsa.serialNumber });

    // C: skipped and logged, in both runs, and nothing written for it
    expect(r1.skipped.map((s) => s.sha256)).toContain(damagedPut.sha256);
    expect(logger.lines.filter((l) => l.level === "warn" && l.fields?.sha256 === damagedPut.sha256).length).toBeGreaterThanOrEqual(1);
    expect(await chainOf(damagedPut.sha256)).toEqual([]);
  });

  it("running again does nothing", async () => {
    const before = await h.deps.db.select().from(archiveTimestamps);
    const report = await renewArchiveTimestamps(systemContext(h.deps));
    expect(report).toMatchObject({ noted: 0, renewed: [], lost: 0 });
    expect(report.skipped.map((s) => s.sha256)).toEqual([damagedPut.sha256]);
    expect(await h.deps.db.select().from(archiveTimestamps)).toEqual(before);
    expect(await eventsOf("signature.archive_timestamp_added")).toHaveLength(1);
  });

  it("never changes a noted version: not through SQL, not by deleting it", async () => {
    const [row] = await chainOf(weakPut.sha256);
    const failure = (p: Promise<unknown>) => p.then(() => "succeeded", (e: Error & { cause?: Error }) => `${e.message} ${e.cause?.message ?? ""}`);
    expect(await failure(h.deps.db.update(archiveTimestamps).set({ tsaNotAfter: new Date("2099-01-01T00:00:00Z") }).where(eq(archiveTimestamps.sha256, row!.sha256)))).toMatch(/append-only/);
    expect(await failure(h.deps.db.delete(archiveTimestamps).where(eq(archiveTimestamps.sha256, row!.sha256)))).toMatch(/append-only/);
    // a second version 1 of the same chain is refused by the primary key
    expect(await failure(h.deps.db.insert(archiveTimestamps).values({ ...row!, sequence: 1, sha256: "f".repeat(64), previousSha256: row!.sha256, reason: "tsa-expiring" }))).toMatch(/duplicate key|archive_timestamps_original_sha256_sequence_pk/);
    expect(await chainOf(weakPut.sha256)).toHaveLength(2);
  });

  it("serves the newest version as the request's signed document", async () => {
    const [, renewedRow] = await chainOf(weakPut.sha256);
    const served = await download(b.id);
    expect(sha(served)).toBe(renewedRow!.sha256);
    expect(await latestArchivedVersion(h.deps.db, weakPut.sha256)).toBe(renewedRow!.sha256);
    expect(await latestArchivedVersion(h.deps.db, renewedRow!.sha256)).toBe(renewedRow!.sha256);
    // bytes in no chain are their own newest version
    expect(await latestArchivedVersion(h.deps.db, "0".repeat(64))).toBe("0".repeat(64));
    const res = await managerClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(served) });
    const report = (await res.json()) as { ok: boolean; signatures: { ok: boolean; subIndication: string | null }[] };
    // the signature, the document timestamp over B's first B-LTA, the SHA-1 document timestamp (made
    // after SHA-1's sunset, it proves nothing: the reason it was renewed) … and the renewal
    expect(report.signatures.map((s) => s.ok)).toEqual([true, true, false, true]);
    expect(report.signatures[2]!.subIndication).toBe("CRYPTO_CONSTRAINTS_FAILURE_NO_POE");
  });
});

describe("archive time stamps when the TSA certificate nears its end", () => {
  const windowDays = h.deps.config.archiveRenewalDays;
  it("renews the TSA certificate and every result whose newest time stamp it made, from the hourly job", async () => {
    expect(windowDays).toBe(730);
    // 700 days before the first TSA certificate expires: inside the 730-day window
    h.clock.set(new Date(firstTsa.notAfter.getTime() - 700 * 86_400_000));
    managerClient = await h.signIn(manager);
    employeeClient = await h.signIn(employee);
    await jobRunnerFor(h.deps).tick();
    const runs = (await h.deps.db.select().from(jobs).where(eq(jobs.kind, "archive-timestamps"))).filter((j) => j.status === "done");
    expect(runs).toHaveLength(1);
    expect(runs[0]!.result).toMatchObject({ renewed: 3 });

    // the built-in TSA has a new certificate (new key) from the root, the old one kept and audited
    const tsa = readCertificate(certificatePemToDer(await (await h.app.request("/pki/tsa.pem")).text()));
    expect(tsa.serialNumber).not.toBe(firstTsa.serialNumber);
    expect(tsa.notAfter.getTime()).toBeGreaterThan(firstTsa.notAfter.getTime());
    expect(tsa.issuer.text).toBe(readCertificate(root).subject.text);
    const history = await (await h.app.request("/pki/tsa-history.pem")).text();
    expect(history.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(history).toContain(certificateDerToPem(firstTsa.der).trim().split("\n")[1]);
    const rotated = await eventsOf("pki.tsa_certificate_renewed");
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).toMatchObject({ objectType: "organisation", actorId: null });
    expect(rotated[0]!.data).toMatchObject({ certificateSerial: tsa.serialNumber, previousSerial: firstTsa.serialNumber, renewalDays: 730 });

    const chainA = await chainOf(a.sha256);
    expect(chainA.map((r) => [r.sequence, r.reason, r.tsaSerial])).toEqual([
      [0, "original", firstTsa.serialNumber],
      [1, "tsa-expiring", tsa.serialNumber],
    ]);
    const events = (await eventsOf("signature.archive_timestamp_added")).filter((e) => e.objectId === a.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ originalSha256: a.sha256, sha256: chainA[1]!.sha256, tsaSerial: tsa.serialNumber, previousTsaSerial: firstTsa.serialNumber, reason: "tsa-expiring" });
    // B's renewed version was stamped by the first TSA too: renewed again on top of it
    expect((await chainOf(weakPut.sha256)).map((r) => [r.sequence, r.reason])).toEqual([
      [0, "original"],
      [1, "weak-algorithm"],
      [2, "tsa-expiring"],
    ]);
  });

  it("the renewed file extends the previous bytes with the first TSA's validation data and a document timestamp from the new TSA", async () => {
    const [, renewedRow] = await chainOf(a.sha256);
    const renewed = await download(a.id, employeeClient);
    expect(sha(renewed)).toBe(renewedRow!.sha256);
    expect(Buffer.from(renewed.subarray(0, a.pdf.length)).equals(Buffer.from(a.pdf))).toBe(true);

    const inspected = inspectPdfSignatures(renewed).signatures;
    expect(inspected.map((s) => s.type)).toEqual(["signature", "signature", "documentTimestamp", "documentTimestamp"]);
    const last = inspected[3]!;
    expect(last.coverage.coversWholeFile).toBe(true);
    const tsa = readCertificate(certificatePemToDer(await (await h.app.request("/pki/tsa.pem")).text()));
    expect(newestTimestampOf(renewed).facts.tsaSerial).toBe(tsa.serialNumber);

    // DSS: the new TSA's certificate added; a fresh OCSP response about the first TSA; a fresh CRL
    const certs = dssStreams(renewed, "Certs").map((d) => readCertificate(d).serialNumber);
    expect(certs).toEqual(expect.arrayContaining([firstTsa.serialNumber, tsa.serialNumber]));
    const caPem = join(tmp.dir, "ca.pem");
    writeFileSync(caPem, certificateDerToPem(root));
    const year = String(h.clock.now().getUTCFullYear());
    const ocspTexts = dssStreams(renewed, "OCSPs").map((ocsp, i) => {
      const f = join(tmp.dir, `a-ocsp-${i}.der`);
      writeFileSync(f, ocsp);
      const r = spawnSync("openssl", ["ocsp", "-respin", f, "-CAfile", caPem, "-resp_text", "-attime", String(Math.floor(h.clock.now().getTime() / 1000))], { encoding: "utf8" });
      expect(`${r.stdout}${r.stderr}`).toContain("Response verify OK");
      return r.stdout;
    });
    const aboutFirstTsa = ocspTexts.filter((t) => t.toUpperCase().includes(`SERIAL NUMBER: ${firstTsa.serialNumber.toUpperCase()}`));
    expect(aboutFirstTsa.some((t) => t.includes(`Produced At: `) && new RegExp(`Produced At: .* ${year} GMT`).test(t) && t.includes("Cert Status: good"))).toBe(true);
    const crlYears = dssStreams(renewed, "CRLs").map((crl, i) => {
      const f = join(tmp.dir, `a-crl-${i}.der`);
      writeFileSync(f, crl);
      return spawnSync("openssl", ["crl", "-inform", "DER", "-in", f, "-noout", "-lastupdate"], { encoding: "utf8" }).stdout;
    });
    expect(crlYears).toHaveLength(2);
    expect(crlYears.some((t) => t.includes(year))).toBe(true);

    // openssl ts -verify accepts the new document timestamp (at the time it was made)
    const data = Buffer.concat(last.coverage.signedRanges.map(([s, e]) => renewed.subarray(s, e)));
    writeFileSync(join(tmp.dir, "a-covered.bin"), data);
    writeFileSync(join(tmp.dir, "a-token.der"), last.contents!);
    const verify = spawnSync(
      "openssl",
      ["ts", "-verify", "-data", join(tmp.dir, "a-covered.bin"), "-in", join(tmp.dir, "a-token.der"), "-token_in", "-CAfile", caPem, "-attime", String(Math.floor(h.clock.now().getTime() / 1000))],
      { encoding: "utf8" },
    );
    expect(`${verify.stdout}${verify.stderr}`).toContain("Verification: OK");

    // pdfsig: both signatures still valid and trusted
    const nss = createNssDb(tmp.dir, root);
    const verdicts = runPdfsig(renewed, nss, tmp.dir);
    expect(verdicts).toHaveLength(4);
    const signers = verdicts.filter((v) => !v.documentTimestamp);
    expect(signers).toHaveLength(2);
    for (const v of signers) {
      expect(v.signatureValid, v.text).toBe(true);
      expect(v.certificateTrusted, v.text).toBe(true);
    }

    // our verifier: every signature and both document timestamps ok; the file is held as the signed result
    const res = await employeeClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(renewed) });
    const report = (await res.json()) as { ok: boolean; held: { as: string | null; requestId: string | null }; signatures: { ok: boolean }[] };
    expect(report.signatures.map((s) => s.ok)).toEqual([true, true, true, true]);
    expect(report.ok).toBe(true);
    expect(report.held).toMatchObject({ as: "signed-result", requestId: a.id });
    // the original bytes are still held as the signed result too
    const original = await employeeClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(a.pdf) });
    expect(((await original.json()) as { held: { as: string | null } }).held.as).toBe("signed-result");
    // the request keeps the original's hash as its identity
    const [request] = await h.deps.db.select().from(signatureRequests).where(eq(signatureRequests.id, a.id));
    expect(request!.finalSha256).toBe(a.sha256);
  });

  it("running the job again does nothing", async () => {
    const before = await h.deps.db.select().from(archiveTimestamps);
    const report = await renewArchiveTimestamps(systemContext(h.deps));
    expect(report).toMatchObject({ noted: 0, renewed: [], lost: 0 });
    expect(await h.deps.db.select().from(archiveTimestamps)).toEqual(before);
    expect(await eventsOf("pki.tsa_certificate_renewed")).toHaveLength(1);
  });

  it("a record whose content is a signed result serves its newest version; destroying the record destroys every version, and the job leaves it be", async () => {
    const ipm = await h.signIn(ipManager);
    const found = (await (await ipm.get(`/api/v1/records?linkedUserId=${employee.id}&clause=7.3.2.4`)).json()) as { items: { record: { id: string; contentSha256: string } }[] };
    expect(found.items).toHaveLength(1);
    const record = found.items[0]!.record;
    expect(record.contentSha256).toBe(d.sha256);
    const chain = await chainOf(d.sha256);
    expect(chain.map((r) => r.reason)).toEqual(["original", "tsa-expiring"]);
    const res = await ipm.get(`/api/v1/records/${record.id}/content`);
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(sha(bytes)).toBe(chain[1]!.sha256);
    expect(res.headers.get("x-content-sha256")).toBe(chain[1]!.sha256);

    // the employee leaves; the class is shortened for this test's sake; the record falls due and is destroyed
    expect((await ipm.post("/api/v1/retention-events", { trigger: "employment-end", subjectId: employee.id, occurredOn: "2026-01-31" })).status).toBe(200);
    const view = (await (await ipm.get(`/api/v1/records/${record.id}`)).json()) as { recordClass: { id: string } };
    expect((await ipm.patch(`/api/v1/record-classes/${view.recordClass.id}`, { retentionAmount: 1, retentionUnit: "months", disposition: "destroy", reason: "测试：缩短为一个月" })).status).toBe(200);
    const disposal = (await (await ipm.post("/api/v1/disposals", { action: "destroy", recordIds: [record.id], reason: "到期销毁" })).json()) as { id: string };
    expect((await (await h.signIn(ipManager2)).post(`/api/v1/disposals/${disposal.id}/decision`, { decision: "approved", password: ipManager2.password })).status).toBe(200);
    expect((await (await h.signIn(legal)).post(`/api/v1/disposals/${disposal.id}/decision`, { decision: "approved", password: legal.password })).status).toBe(200);
    for (const v of chain) expect(await h.deps.storage.stat(v.sha256), `version ${v.sequence}`).toBeNull();

    // years later, its time stamp expiring again: the destroyed result is neither renewed nor tried
    const now = h.clock.now();
    h.clock.set(new Date(chain[1]!.tsaNotAfter.getTime() - 10 * 86_400_000));
    try {
      const logger = capturingLogger();
      const report = await renewArchiveTimestamps({ ...systemContext(h.deps), logger });
      const shas = [d.sha256, ...chain.map((v) => v.sha256)];
      expect(report.renewed).toEqual([]);
      expect(report.skipped.map((s) => s.sha256).filter((s) => shas.includes(s))).toEqual([]);
      expect(logger.lines.filter((l) => shas.some((s) => JSON.stringify(l).includes(s)))).toEqual([]);
      expect(await chainOf(d.sha256)).toHaveLength(2);
      // the others are due, but the root CA ends within the window: one error says so, nothing is stamped
      // (and the damaged one is tried again, as every run)
      expect(report.skipped.map((s) => s.sha256).sort()).toEqual([damagedPut.sha256, (await chainOf(a.sha256))[1]!.sha256, (await chainOf(weakPut.sha256))[2]!.sha256].sort());
      expect(logger.lines.filter((l) => l.level === "error").map((l) => l.message)).toEqual([
        "the TSA certificate cannot be renewed: the root CA expires within the renewal window",
        "archive time stamps not renewed: the built-in TSA certificate itself expires within the renewal window",
      ]);
    } finally {
      h.clock.set(now);
    }
  });

  it("shows an administrator the chain on the request's page (versions, dates, TSA), in Chinese and English, and no one else", async () => {
    const admin = await h.user({ roles: ["admin"] });
    const adminClient = await h.signIn(admin);
    const chain = await chainOf(a.sha256);
    const zh = await (await adminClient.get(`/signatures/${a.id}`, { accept: "text/html" })).text();
    const section = zh.slice(zh.indexOf('data-testid="archive-chain"'));
    expect(section).toContain("归档时间戳链");
    expect(section).toContain("签署完成");
    expect(section).toContain("时间戳证书即将到期");
    for (const v of chain) {
      expect(section).toContain(v.tsaSerial);
      expect(section).toContain(v.sha256.slice(0, 12));
    }
    const en = await (await adminClient.get(`/signatures/${a.id}?lang=en`, { accept: "text/html" })).text();
    expect(en).toContain("Archive time-stamp chain");
    expect(en).toContain("TSA certificate expiring");
    // the requester and the signers see their download, not the chain
    const asManager = await (await managerClient.get(`/signatures/${a.id}`, { accept: "text/html" })).text();
    expect(asManager).not.toContain('data-testid="archive-chain"');
    expect(asManager).toContain("version=final");
  });
});

describe("what makes a time stamp weak", () => {
  it("an RSA key under 2048 bits is weak even with SHA-256; a young 2048-bit SHA-256 one is not; a token that is none is unreadable", async () => {
    const { root } = await ensurePki(h.deps);
    const now = h.clock.now();
    const stamp = async (bits: number) => {
      const keys = await generateRsaKeyPair(bits);
      const issued = issueTsaCertificate({ subject: { commonName: `TSA ${bits}` }, publicKey: keys.publicKey, issuer: root, notBefore: now, notAfter: new Date(now.getTime() + 3650 * 86_400_000) });
      return createTimeStampToken({
        messageImprint: createHash("sha256").update("data").digest(),
        hashAlgorithm: "sha256",
        certReq: true,
        serialNumber: BigInt(bits),
        genTime: now,
        policyOid: TSA_POLICY_OID,
        tsaCertificate: issued.certificate,
        chain: [root.certificate],
        sign: createRsaSigner(keys.privateKey),
      });
    };
    const short = timestampFactsOf(await stamp(1024));
    expect(short).toMatchObject({ keyBits: 1024, digestAlgorithm: "sha256", tsaSubject: "CN=TSA 1024" });
    expect(renewalReasonOf(h.deps, short)).toBe("weak-algorithm");
    const sound = timestampFactsOf(await stamp(2048));
    expect(sound).toMatchObject({ keyBits: 2048, digestAlgorithm: "sha256" });
    expect(renewalReasonOf(h.deps, sound)).toBeNull();
    expect(renewalReasonOf(h.deps, { ...sound, tsaNotAfter: new Date(now.getTime() + 729 * 86_400_000) })).toBe("tsa-expiring");
    expect(() => timestampFactsOf(Buffer.from("not a token"))).toThrow(UnreadableArchiveError);
    expect(() => newestTimestampOf(Buffer.from("%PDF-1.7 nothing else"))).toThrow(UnreadableArchiveError);
  });

  it("a stored result changed after its document timestamp is not renewed (the new time stamp would vouch for the change)", () => {
    const changed = Buffer.from(a.pdf);
    const at = Buffer.from(a.pdf).indexOf("/MediaBox");
    changed[at + 1] = "N".charCodeAt(0);
    expect(() => newestTimestampOf(changed)).toThrow(/other bytes/);
    expect(newestTimestampOf(a.pdf).kind).toBe("document");
  });
});
