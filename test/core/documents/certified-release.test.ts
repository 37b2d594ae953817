import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { and, eq } from "drizzle-orm";
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFString } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { auditEvents } from "../../../src/db/schema/audit";
import { pkiAuthorities } from "../../../src/db/schema/pki";
import { beginIncrementalUpdate, listPages, openPdf, verifyPdfSignatures, type PdfFile } from "../../../src/core/signatures/pdf/index";
import { certificatePemToDer } from "../../../src/core/signatures/pki/index";
import { startHarness, type Client, type TestUser } from "../../support/app";
import { appendPage, contentAsMetadata, firstPage, newAppearanceOnSignedWidget, overlayAsUnsignedField } from "../../support/pdf-attacks";
import { createNssDb, makeTempDir, runPdfsig } from "../signatures/support/validators";
import { createTestPki, knownGood, signPdf } from "../signatures/support/test-pki";
import { verifyWithOurRecords } from "../../../src/core/signatures/verify-with-records";
import { expectJson } from "../records/support";
import { procedurePdf } from "./fixtures";

/**
 * A released controlled document is certified by the organisation's seal (DocMDP P=2) before its
 * reviewers and approver sign it: the signatures, the DSS and the document timestamp that follow are
 * allowed, anything else is not; a marked copy is recognised as one.
 */
const h = await startHarness();
const tmp = makeTempDir("custos-certify-");
afterAll(() => tmp.cleanup());

const author = await h.user({ roles: ["ip-staff"], displayName: "王芳", clearance: "secret" });
const reviewer = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "secret" });
const approver = await h.user({ roles: ["ip-manager"], displayName: "周经理", clearance: "secret" });
const reader = await h.user({ roles: ["employee"], displayName: "张伟", clearance: "internal" });
const a = await h.signIn(author);
const rv = await h.signIn(reviewer);
const ap = await h.signIn(approver);
const rd = await h.signIn(reader);
const root = certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text());
const orgName = "Custos 示例企业";

async function attach(revisionId: string, bytes: Uint8Array) {
  const res = await a.request(`/api/v1/revisions/${revisionId}/files/release?filename=procedure.pdf`, {
    method: "PUT",
    headers: { "content-type": "application/pdf" },
    body: new Uint8Array(bytes),
  });
  expect(res.status).toBe(200);
}

async function decide(client: Client, user: TestUser, revisionId: string) {
  await client.readRevision(revisionId);
  const res = await client.post(`/api/v1/revisions/${revisionId}/decision`, { decision: "approve", pin: user.pin });
  expect(res.status).toBe(200);
  return (await res.json()) as { state: string };
}

async function release(title: string, pdf: Uint8Array) {
  const res = await a.post("/api/v1/documents", { categoryId: "procedure", title, classification: "internal" });
  expect(res.status).toBe(201);
  const created = (await res.json()) as { document: { id: string; number: string }; revision: { id: string; label: string } };
  await attach(created.revision.id, pdf);
  const submitted = await expectJson<{ signatureRequestId: string; certified: boolean; notCertifiedReason?: string }>(
    await a.post(`/api/v1/revisions/${created.revision.id}/submit`, { reviewerIds: [reviewer.id], approverId: approver.id }),
    200,
  );
  return { ...created, submitted };
}

async function approveThrough(revisionId: string) {
  await decide(rv, reviewer, revisionId);
  expect((await decide(ap, approver, revisionId)).state).toBe("effective");
}

/** As the server verifies: revocation from its own records (a review copy has no DSS yet). */
const verify = (pdf: Uint8Array) => verifyWithOurRecords(h.deps.db, pdf, root, h.clock.now());

function streamsOfDss(file: PdfFile, key: string): Buffer[] {
  const dss = file.resolve(file.catalog()!.dict.get(PDFName.of("DSS"))) as PDFDict;
  const array = file.resolve(dss.get(PDFName.of(key)));
  return array instanceof PDFArray ? array.asArray().map((r) => Buffer.from((file.resolve(r) as PDFRawStream).getContents())) : [];
}

const { document, revision, submitted } = await release("专利申请管理程序", await procedurePdf("专利申请管理程序", "发明人提交技术交底书。"));
const reviewCopy = new Uint8Array(await (await rv.get(`/api/v1/revisions/${revision.id}/review-copy`)).arrayBuffer());
await approveThrough(revision.id);
const signedRes = await rd.get(`/api/v1/revisions/${revision.id}/signed-pdf`);
const master = new Uint8Array(await signedRes.arrayBuffer());

describe("a released controlled document, certified by the organisation seal", () => {
  it("is certified (DocMDP P=2, invisible, time-stamped) before anyone signs, and audited", async () => {
    expect(submitted.certified).toBe(true);
    const [certification, ...others] = (await verify(reviewCopy)).signatures;
    expect(others).toEqual([]);
    expect(certification).toMatchObject({ docMdp: 2, ok: true, reason: `受控文件发布 Released controlled document ${document.number} rev. A` });
    expect(certification!.cms!.timestamp?.ok).toBe(true);
    const subject = certification!.cms!.signer!.subject;
    expect(subject.attributes.find((x) => x.shortName === "CN")?.value).toBe(`${orgName} 电子印章 Organisation seal`);
    expect(subject.attributes.find((x) => x.shortName === "O")?.value).toBe(orgName);
    // invisible: a 0×0 widget
    const file = openPdf(reviewCopy);
    const widget = file.resolve((file.resolve(file.getDict(file.catalog()!.dict, "AcroForm")!.get(PDFName.of("Fields"))) as PDFArray).get(0)) as PDFDict;
    expect((file.resolve(widget.get(PDFName.of("Rect"))) as PDFArray).asArray().map(String)).toEqual(["0", "0", "0", "0"]);
    // the seal is one of the root's authorities, stored sealed like the TSA
    const seals = await h.deps.db.select().from(pkiAuthorities);
    expect(seals.filter((s) => s.id.startsWith("organisation-seal:")).map((s) => s.serialNumber)).toEqual([certification!.cms!.signer!.serialNumber]);
    const events = await h.deps.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.objectType, "document"), eq(auditEvents.objectId, document.id)))
      .orderBy(auditEvents.seq);
    const certified = events.find((e) => e.action === "document.release_certified");
    expect(certified?.data).toMatchObject({ revisionId: revision.id, label: "A", permissions: 2, certifiedSha256: createHash("sha256").update(reviewCopy).digest("hex") });
    expect(events.map((e) => e.action).indexOf("document.release_certified")).toBeLessThan(events.map((e) => e.action).indexOf("document.submitted_for_review"));
  });

  it("ends as B-LTA that stays valid under the certification: our verifier passes every signature", async () => {
    expect(signedRes.status).toBe(200);
    const report = await verify(master);
    expect(report.signatures.map((s) => [s.type, s.docMdp ?? null, s.name ?? null])).toEqual([
      ["signature", 2, `${orgName} 电子印章 Organisation seal`],
      ["signature", null, "李娜"],
      ["signature", null, "周经理"],
      ["documentTimestamp", null, null],
    ]);
    for (const s of report.signatures) expect(s.ok, s.changesAfter.details.join("; ")).toBe(true);
    // no completion page: a certification allows no new page, so the signed master has the release's two
    expect(listPages(openPdf(master))).toHaveLength(2);
    expect(report.signatures[0]!.changesAfter.pagesAdded).toEqual([]);
  });

  it("pdfsig finds every signature valid and trusted", () => {
    const verdicts = runPdfsig(master, createNssDb(makeTempDir("custos-certify-nss-").dir, root), tmp.dir);
    expect(verdicts).toHaveLength(4);
    for (const v of verdicts.filter((x) => !x.documentTimestamp)) {
      expect(v.signatureValid, v.text).toBe(true);
      expect(v.certificateTrusted, v.text).toBe(true);
    }
    expect(verdicts[0]!.commonName).toBe(`${orgName} 电子印章 Organisation seal`);
  });

  it("carries in its DSS an OCSP response saying the seal's certificate is good", async () => {
    const file = openPdf(master);
    const sealSerial = (await verify(master)).signatures[0]!.cms!.signer!.serialNumber!;
    const caPem = join(tmp.dir, "ca.pem");
    writeFileSync(caPem, `-----BEGIN CERTIFICATE-----\n${root.toString("base64")}\n-----END CERTIFICATE-----\n`);
    const statuses = streamsOfDss(file, "OCSPs").map((ocsp, i) => {
      const f = join(tmp.dir, `ocsp-${i}.der`);
      writeFileSync(f, ocsp);
      const r = spawnSync("openssl", ["ocsp", "-respin", f, "-CAfile", caPem, "-resp_text"], { encoding: "utf8" });
      expect(`${r.stdout}${r.stderr}`).toContain("Response verify OK");
      return r.stdout;
    });
    const forSeal = statuses.find((text) => text.replace(/\s/g, "").toUpperCase().includes(`SerialNumber:${sealSerial}`.toUpperCase()));
    expect(forSeal, statuses.join("\n")).toContain("Cert Status: good");
    expect(streamsOfDss(file, "CRLs")).toHaveLength(1);
  });

  it("refuses every other change made after the certification", async () => {
    const attacks: [string, Uint8Array, string][] = [
      ["page content redefined as /Metadata", contentAsMetadata(master).pdf, "OBJECT_CHANGED"],
      ["a page appended", appendPage(master).pdf, "CERTIFIED_PAGES_ADDED"],
      ["an overlay as an unsigned signature field", overlayAsUnsignedField(master).pdf, "UNSIGNED_FIELD_APPEARANCE"],
      ["a new appearance on the certification's widget", newAppearanceOnSignedWidget(master).pdf, "OBJECT_CHANGED"],
      ["a text annotation", withTextAnnotation(master), "ANNOTATION_ADDED"],
    ];
    for (const [name, pdf, code] of attacks) {
      const [certification] = (await verify(pdf)).signatures;
      expect(certification!.cms!.ok, name).toBe(true);
      expect(certification!.ok, name).toBe(false);
      expect(certification!.changesAfter.modifications.map((m) => m.code), name).toContain(code);
    }
    // a page appended and then signed by a valid, trusted signature: still no page after a certification
    const other = await createTestPki();
    const appended = appendPage(master).pdf;
    const countersigned = await signPdf(appended, other, other.manager, { fieldName: "Later", signerName: "x", reason: "签署 Signed", signingTime: new Date() });
    const report = verifyPdfSignatures(countersigned, { trustAnchors: [root, other.root.certificate], revocationRecords: knownGood(other) });
    expect(report.signatures[report.signatures.length - 1]!.ok).toBe(true);
    expect(report.signatures[0]!.ok).toBe(false);
    expect(report.signatures[0]!.changesAfter.modifications[0]!.code).toBe("CERTIFIED_PAGES_ADDED");
  });

  it("recognises a marked copy: signatures intact for the revision they signed, the marks added on issue, the signed original named", async () => {
    const copy = new Uint8Array(await (await rd.get(`/api/v1/revisions/${revision.id}/pdf`)).arrayBuffer());
    expect(Buffer.from(copy.subarray(0, master.length)).equals(Buffer.from(master))).toBe(true);
    type Report = { ok: boolean; held: { held: boolean; as: string | null; revision?: { id: string; number: string; label: string; signedSha256: string; issuedByCustos: boolean } } };
    const post = (pdf: Uint8Array) => rd.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(pdf) });
    const report = await expectJson<Report>(await post(copy), 200);
    // the marks are a change under the certification: the copy is not "all valid" …
    expect(report.ok).toBe(false);
    // … but it is recognised for what it is
    expect(report.held).toMatchObject({
      held: true,
      as: "marked-copy",
      revision: { id: revision.id, number: document.number, label: "A", signedSha256: createHash("sha256").update(master).digest("hex"), issuedByCustos: true },
    });
    // the signed original itself is held as it is
    expect((await expectJson<Report>(await post(master), 200)).held).toMatchObject({ held: true, as: "stored-file" });
    // the same signed original with someone else's page appended: not a copy Custos issued
    const forged = await expectJson<Report>(await post(appendPage(master).pdf), 200);
    expect(forged.held).toMatchObject({ as: "marked-copy", revision: { id: revision.id, issuedByCustos: false } });
    // someone who may not read the document learns nothing about it
    const outsider = await h.signIn(await h.user({ roles: ["employee"], clearance: "public" }));
    const hidden = await expectJson<Report>(await outsider.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(copy) }), 200);
    expect(hidden.held).toEqual({ held: false, as: null, requestId: null });

    const page = async (pdf: Uint8Array, lang: string) => {
      const form = new FormData();
      form.append("_csrf", rd.csrfToken!);
      form.append("file", new File([new Uint8Array(pdf)], "copy.pdf", { type: "application/pdf" }));
      const res = await rd.request(`/signatures/verify?lang=${lang}`, { method: "POST", body: form, headers: { accept: "text/html", "x-csrf-token": "" } });
      expect(res.status).toBe(200);
      return res.text();
    };
    const zh = await page(copy, "zh-CN");
    expect(zh).toContain(`这是 Custos 签发的带标识副本（受控副本等页面标识），所依据的是 ${document.number} A 版的签署原件。各签名对其所签署的版本完整有效`);
    expect(zh).toContain(`/api/v1/revisions/${revision.id}/signed-pdf`);
    expect(zh).toContain(`/documents/${document.id}`);
    const en = await page(copy, "en");
    expect(en).toContain(`This is a marked copy issued by Custos (page marks such as the controlled-copy footer) of the signed original of ${document.number} rev. A. The signatures are intact for the revision they signed; the page marks were added when the copy was issued`);
    expect(await page(appendPage(master).pdf, "en")).toContain("but what was appended after it was not issued by Custos");
  });

  it("gives the signed original only to those who may read the revision, and audits each download", async () => {
    const outsider = await h.signIn(await h.user({ roles: ["employee"], clearance: "public" }));
    expect((await outsider.get(`/api/v1/revisions/${revision.id}/signed-pdf`)).status).toBe(404);
    expect(signedRes.headers.get("x-content-sha256")).toBe(createHash("sha256").update(master).digest("hex"));
    const taken = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "document.signed_original_taken")).orderBy(auditEvents.seq);
    expect(taken.map((e) => e.objectId)).toEqual([document.id]);
    // a draft has no signed original yet
    const next = await expectJson<{ id: string }>(await a.post(`/api/v1/documents/${document.id}/revisions`, { major: false }), 201);
    expect((await a.get(`/api/v1/revisions/${next.id}/signed-pdf`)).status).toBe(409);
  });
});

describe("a release PDF that already carries signatures", () => {
  it("cannot be certified: it is signed as it is, and that is said and audited", async () => {
    const foreign = await createTestPki();
    const signedElsewhere = await signPdf(await procedurePdf("商标管理程序", "商标注册和使用。"), foreign, foreign.employee, {
      fieldName: "Supplier",
      signerName: "供应商",
      reason: "签署 Signed",
      signingTime: new Date(),
    });
    const { document: doc, revision: rev, submitted: result } = await release("商标管理程序", signedElsewhere);
    expect(result.certified).toBe(false);
    expect(result.notCertifiedReason).toMatch(/already carries 1 signature/);
    const events = await h.deps.db.select().from(auditEvents).where(and(eq(auditEvents.objectId, doc.id), eq(auditEvents.action, "document.release_not_certified"))).orderBy(auditEvents.seq);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ revisionId: rev.id, label: "A" });
    await approveThrough(rev.id);
    const pdf = new Uint8Array(await (await rd.get(`/api/v1/revisions/${rev.id}/signed-pdf`)).arrayBuffer());
    const signatures = verifyPdfSignatures(pdf, { trustAnchors: [root, foreign.root.certificate] }).signatures;
    expect(signatures.map((s) => s.docMdp ?? null)).toEqual([null, null, null, null]);
    expect(signatures.map((s) => s.name ?? null)).toEqual(["供应商", "李娜", "周经理", null]);
  });
});

/** A /Text (sticky note) annotation added to page 1 after signing. */
function withTextAnnotation(pdf: Uint8Array): Uint8Array {
  const file = openPdf(pdf);
  const update = beginIncrementalUpdate(file);
  const ctx = update.context;
  const page = firstPage(file);
  const note = update.add(ctx.obj({ Type: "Annot", Subtype: "Text", Rect: [50, 700, 70, 720], Contents: PDFString.of("approved by nobody") }));
  const copy = page.dict.clone(ctx);
  const annots = file.resolve(page.dict.get(PDFName.of("Annots")));
  copy.set(PDFName.of("Annots"), ctx.obj([...(annots instanceof PDFArray ? annots.asArray() : []), note]));
  update.replace(page.ref, copy);
  return update.write().bytes;
}
