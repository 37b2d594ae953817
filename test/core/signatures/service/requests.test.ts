import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { auditEvents } from "../../../../src/db/schema/audit";
import { signatures, signingLinks } from "../../../../src/db/schema/signatures";
import { readCoversCurrent } from "../../../../src/core/signatures/requests/read";
import { markEveryPage } from "../../../../src/core/signatures/pdf/page-marks";
import { certificatePemToDer } from "../../../../src/core/signatures/pki/index";
import { errorCode, startHarness, type Client, type TestUser } from "../../../support/app";
import { createBasePdf } from "../support/base-pdf";
import { createNssDb, makeTempDir, pdfToText, runPdfsig } from "../support/validators";

const h = await startHarness();
const tmp = makeTempDir("custos-requests-");
afterAll(() => tmp.cleanup());

const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const employee = await h.user({ roles: ["employee"], displayName: "张伟" });
const legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
const requester = await h.signIn(ipManager);
const employeeClient = await h.signIn(employee);
const legalClient = await h.signIn(legal);

async function uploadPdf(client: Client, pdf: Uint8Array, classification = "internal"): Promise<string> {
  const res = await client.request(`/api/v1/files?filename=declaration.pdf&classification=${classification}`, {
    method: "POST",
    headers: { "content-type": "application/pdf" },
    body: new Uint8Array(pdf),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function createRequest(signers: { user: TestUser; meaning: string }[], extra: Record<string, unknown> = {}) {
  const fileId = await uploadPdf(requester, await createBasePdf({ pages: 2 }));
  const res = await requester.post("/api/v1/signature-requests", {
    title: "知识产权声明 — 张伟",
    source: { kind: "file", fileId },
    signers: signers.map((s) => ({ userId: s.user.id, meaning: s.meaning })),
    ...extra,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; signers: { id: string; status: string }[] };
}

async function read(client: Client, id: string) {
  return client.readDocument(id);
}

async function sign(client: Client, id: string, pin: string) {
  return client.post(`/api/v1/signature-requests/${id}/sign`, { pin, consent: true });
}

describe("signature requests", () => {
  it("runs the ceremony in order and produces a PDF every validator accepts", async () => {
    const request = await createRequest([
      { user: employee, meaning: "signed" },
      { user: ipManager, meaning: "approved" },
    ]);
    expect(request.signers.map((s) => s.status)).toEqual(["ready", "waiting"]);

    // the second signer cannot go first, nor can anyone sign before reading
    expect(await errorCode(await sign(requester, request.id, ipManager.pin))).toBe("NOT_YOUR_TURN");
    expect(await errorCode(await sign(employeeClient, request.id, employee.pin))).toBe("DOCUMENT_NOT_READ");
    // the IP manager (requester) cannot read the half-way document meant for the employee
    expect(await errorCode(await read(requester, request.id))).toBe("NOT_YOUR_TURN");

    expect((await read(employeeClient, request.id)).status).toBe(200);
    const wrong = await sign(employeeClient, request.id, "not my password");
    expect(wrong.status).toBe(401);
    expect(await errorCode(wrong)).toBe("REAUTH_FAILED");
    const first = await sign(employeeClient, request.id, employee.pin);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { completed: boolean }).completed).toBe(false);
    expect(await errorCode(await sign(employeeClient, request.id, employee.pin))).toBe("CONFLICT");

    // half-signed: only the next signer and the signer's own copy
    expect(await errorCode(await legalClient.get(`/api/v1/signature-requests/${request.id}`))).toBe("NOT_FOUND");
    expect(await errorCode(await requester.get(`/api/v1/signature-requests/${request.id}/document?version=final`))).toBe("INVALID_STATE");
    expect((await employeeClient.get(`/api/v1/signature-requests/${request.id}/document?version=my-copy`)).status).toBe(200);

    expect((await read(requester, request.id)).status).toBe(200);
    const second = await sign(requester, request.id, ipManager.pin);
    expect(((await second.json()) as { completed: boolean }).completed).toBe(true);

    const final = await employeeClient.get(`/api/v1/signature-requests/${request.id}/document?version=final`);
    expect(final.status).toBe(200);
    const pdf = new Uint8Array(await final.arrayBuffer());

    const ca = await h.app.request("/pki/ca.pem");
    const root = certificatePemToDer(await ca.text());
    const nss = createNssDb(tmp.dir, root);
    const verdicts = runPdfsig(pdf, nss, tmp.dir).slice(0, 2);
    // then the document timestamp (PAdES B-LTA), which pdfsig lists but does not verify (ltv.test.ts checks it with openssl ts)
    expect(runPdfsig(pdf, nss, tmp.dir).map((v) => v.fieldName)[2]).toMatch(/^Custos_DocTimeStamp_/);
    for (const v of verdicts) {
      expect(v.signatureValid).toBe(true);
      expect(v.certificateTrusted).toBe(true);
    }
    expect(verdicts.map((v) => v.commonName)).toEqual(["张伟", "王芳"]);
    // our verifier agrees: the completion page appended before the last signature is covered by it
    const verified = await employeeClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(pdf) });
    const ours = (await verified.json()) as { ok: boolean; signatures: { ok: boolean; changesAfter: { kind: string; details: string[] } }[] };
    expect(ours.ok).toBe(true);
    expect(ours.signatures.map((s) => [s.ok, s.changesAfter.kind])).toEqual([
      [true, "pagesAdded"],
      [true, "laterSignaturesOnly"],
      [true, "none"],
    ]);
    expect(ours.signatures[0]!.changesAfter.details).toEqual(expect.arrayContaining(["1 page(s) added: page 3", expect.stringMatching(/^signature field "Custos_\w+" \(object \d+\) added$/)]));
    const text = pdfToText(pdf, tmp.dir);
    expect(text).toContain("签署完成证明");
    expect(text).toContain("张伟");
    expect(text).toMatch(/批准/);

    const rows = await h.deps.db.select().from(signatures).where(eq(signatures.requestId, request.id));
    expect(rows).toHaveLength(2);
    const actions = (await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, request.id)).orderBy(auditEvents.seq)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "signature_request.created",
        "signature.document_read",
        "signature.sign_refused",
        "signature.signed",
        "signature_request.completed",
      ]),
    );
  });

  it("records a read only from the signer whose turn it is, for the current version, with its real page count", async () => {
    const request = await createRequest([
      { user: employee, meaning: "signed" },
      { user: ipManager, meaning: "approved" },
    ]);
    const readUrl = `/api/v1/signature-requests/${request.id}/read`;
    const doc = await employeeClient.get(`/api/v1/signature-requests/${request.id}/document?version=current`);
    const sha256 = doc.headers.get("x-content-sha256")!;
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    // downloading the document is not reading it
    expect(await errorCode(await sign(employeeClient, request.id, employee.pin))).toBe("DOCUMENT_NOT_READ");

    // someone else's request: not theirs to read (invisible to an outsider; not yet the requester's turn)
    expect(await errorCode(await legalClient.post(readUrl, { sha256, pages: 2 }))).toBe("NOT_FOUND");
    expect(await errorCode(await requester.post(readUrl, { sha256, pages: 2 }))).toBe("NOT_YOUR_TURN");
    // not signed in, or without the session's CSRF token
    expect((await h.anonymous().post(readUrl, { sha256, pages: 2 })).status).toBe(401);
    expect(await errorCode(await employeeClient.post(readUrl, { sha256, pages: 2 }, { "x-csrf-token": "forged" }))).toBe("CSRF_FAILED");
    // not every page shown, or more pages than the document has
    expect(await errorCode(await employeeClient.post(readUrl, { sha256, pages: 1 }))).toBe("DOCUMENT_NOT_READ");
    expect(await errorCode(await employeeClient.post(readUrl, { sha256, pages: 3 }))).toBe("DOCUMENT_NOT_READ");
    // another file than the one waiting for signature
    expect(await errorCode(await employeeClient.post(readUrl, { sha256: "0".repeat(64), pages: 2 }))).toBe("CONFLICT");
    expect(await errorCode(await employeeClient.post(readUrl, { sha256: "not a hash", pages: 2 }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await sign(employeeClient, request.id, employee.pin))).toBe("DOCUMENT_NOT_READ");

    const ok = await employeeClient.post(readUrl, { sha256, pages: 2 });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ requestId: request.id, sha256, pages: 2 });
    expect((await sign(employeeClient, request.id, employee.pin)).status).toBe(200);

    // the next signer cannot claim the version the employee's signature superseded
    const next = await requester.get(`/api/v1/signature-requests/${request.id}/document?version=current`);
    expect(next.headers.get("x-content-sha256")).not.toBe(sha256);
    expect(await errorCode(await requester.post(readUrl, { sha256, pages: 2 }))).toBe("CONFLICT");
    expect(await errorCode(await sign(requester, request.id, ipManager.pin))).toBe("DOCUMENT_NOT_READ");
    // nor can the employee, done, record anything further
    expect(await errorCode(await employeeClient.post(readUrl, { sha256, pages: 2 }))).toBe("NOT_YOUR_TURN");
    expect((await read(requester, request.id)).status).toBe(200);
    expect((await sign(requester, request.id, ipManager.pin)).status).toBe(200);

    const reads = (await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, request.id))).filter((e) => e.action === "signature.document_read");
    expect(reads.map((e) => (e.data as { pages: number }).pages)).toEqual([2, 2]);
  });

  it("counts a read of a version the current one extends only by a co-signer's signature of the same step, and no other", () => {
    const signers = [
      { id: "a", step: 1 },
      { id: "b", step: 1 },
      { id: "c", step: 2 },
    ];
    const sigs = [
      { signerId: "a", sha256Before: "v0", sha256After: "v1" },
      { signerId: "b", sha256Before: "v1", sha256After: "v2" },
    ];
    // b read v0, a signed on top: b may sign v1; c's step starts on v2 and must read v2
    expect(readCoversCurrent({ currentSha256: "v1" }, signers, sigs.slice(0, 1), signers[1]!, "v0")).toBe(true);
    expect(readCoversCurrent({ currentSha256: "v2" }, signers, sigs, signers[2]!, "v1")).toBe(false);
    expect(readCoversCurrent({ currentSha256: "v2" }, signers, sigs, signers[2]!, "v2")).toBe(true);
    expect(readCoversCurrent({ currentSha256: "v1" }, signers, sigs.slice(0, 1), signers[1]!, null)).toBe(false);
    expect(readCoversCurrent({ currentSha256: "v1" }, signers, sigs.slice(0, 1), signers[1]!, "elsewhere")).toBe(false);
  });

  it("verifies the result: trusted, not revoked, held by Custos; flags a revoked signer", async () => {
    const request = await createRequest([{ user: legal, meaning: "signed" }]);
    await read(legalClient, request.id);
    await sign(legalClient, request.id, legal.pin);
    const pdf = new Uint8Array(await (await legalClient.get(`/api/v1/signature-requests/${request.id}/document?version=final`)).arrayBuffer());
    const verify = async () => {
      const res = await legalClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(pdf) });
      expect(res.status).toBe(200);
      return (await res.json()) as { ok: boolean; held: { held: boolean; as: string }; signatures: { chain: string; revocation: { status: string }; signingCertificateBinding: string; timestamp: { valid: boolean } }[] };
    };
    const report = await verify();
    expect(report.ok).toBe(true);
    expect(report.held).toMatchObject({ held: true, as: "signed-result" });
    // someone who takes no part in the request is not told that Custos holds it
    const outsider = (await (await employeeClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(pdf) })).json()) as { ok: boolean; held: unknown };
    expect(outsider).toMatchObject({ ok: true, held: { held: false, as: null, requestId: null } });
    expect(report.signatures[0]).toMatchObject({ chain: "trusted", revocation: { status: "good" }, signingCertificateBinding: "match", timestamp: { valid: true } });

    // an admin resets the signer's password: the certificate is revoked and listed on the CRL
    const admin = await h.signIn(await h.user({ roles: ["admin"], clearance: "top-secret" }));
    h.clock.advance(3_600_000);
    await admin.post(`/api/v1/users/${legal.id}/reset-password`);
    const after = await verify().catch(() => undefined);
    // the legal user's session ended with the reset; verify as the admin instead
    const res = await admin.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(pdf) });
    const revoked = (await res.json()) as { signatures: { revocation: { status: string; beforeSigning: boolean } }[] };
    expect(after).toBeUndefined();
    expect(revoked.signatures[0]!.revocation).toMatchObject({ status: "revoked", beforeSigning: false });
    const crl = await h.app.request("/pki/crl?format=pem");
    expect(await crl.text()).toContain("BEGIN X509 CRL");

    // at the next signing a new certificate is issued under the new password, and it verifies as good
    const before = (report.signatures[0] as unknown as { certificate: { serialNumber: string } }).certificate.serialNumber;
    const { password: temporary } = (await (await admin.post(`/api/v1/users/${legal.id}/reset-password`)).json()) as { password: string };
    const again = await h.signIn({ ...legal, password: temporary });
    expect((await again.post("/api/v1/me/password", { currentPassword: temporary, newPassword: "新密码-Legal-2026" })).status).toBe(200);
    legal.password = "新密码-Legal-2026";
    const next = await createRequest([{ user: legal, meaning: "signed" }]);
    await read(again, next.id);
    await sign(again, next.id, legal.pin);
    const signedAgain = new Uint8Array(await (await again.get(`/api/v1/signature-requests/${next.id}/document?version=final`)).arrayBuffer());
    const fresh = (await (await again.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: signedAgain })).json()) as {
      ok: boolean;
      signatures: { revocation: { status: string }; certificate: { serialNumber: string } }[];
    };
    expect(fresh.ok).toBe(true);
    expect(fresh.signatures[0]!.revocation.status).toBe("good");
    expect(fresh.signatures[0]!.certificate.serialNumber).not.toBe(before);
  });

  it("reports a document changed after signing: the signature still covers its bytes, and the change is named", async () => {
    const request = await createRequest([{ user: employee, meaning: "signed" }]);
    await read(employeeClient, request.id);
    await sign(employeeClient, request.id, employee.pin);
    const pdf = new Uint8Array(await (await employeeClient.get(`/api/v1/signature-requests/${request.id}/document?version=final`)).arrayBuffer());
    // page content added in an incremental update after the signature, as an editor would save a change
    const changed = await markEveryPage(pdf, { header: { lines: ["已修改 CHANGED AFTER SIGNING"], color: [0.8, 0, 0] } });
    const res = await employeeClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(changed) });
    const report = (await res.json()) as {
      ok: boolean;
      held: { held: boolean };
      signatures: { ok: boolean; integrity: { digestMatches: boolean; signatureValid: boolean }; changesAfter: { kind: string; details: string[] } }[];
    };
    expect(report.signatures[0]!.integrity).toEqual({ digestMatches: true, signatureValid: true });
    expect(report.signatures[0]!.changesAfter.kind).toBe("otherModified");
    expect(report.signatures[0]!.changesAfter.details[0]).toMatch(/^object \d+ \(page 1\) changed: .*\/Contents.* after signature 1$/);
    const modifications = (report.signatures[0]!.changesAfter as unknown as { modifications: { code: string; objectNumber: number; usedFor: string }[] }).modifications;
    expect(modifications[0]).toMatchObject({ code: "PAGE_CHANGED", objectNumber: expect.any(Number), usedFor: "page 1" });
    expect(report.signatures[0]!.ok).toBe(false);
    expect(report.ok).toBe(false);
    expect(report.held.held).toBe(false);
  });

  it("says a verified PDF is held by Custos only to someone who may open what holds it", async () => {
    const { readFile } = await import("node:fs/promises");
    const foreign = new Uint8Array(await readFile(new URL("../../../fixtures/pdf/node-signpdf-signed.pdf", import.meta.url)));
    await uploadPdf(requester, foreign, "secret");
    const verify = async (client: Client) =>
      ((await (await client.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(foreign) })).json()) as { held: { held: boolean; as: string | null } }).held;
    expect(await verify(requester)).toEqual({ held: true, as: "stored-file", requestId: null });
    expect(await verify(employeeClient)).toEqual({ held: false, as: null, requestId: null });
  });

  it("refuses unsigned, corrupt and encrypted PDFs with clear codes", async () => {
    const post = (body: Uint8Array) =>
      employeeClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(body) });
    expect(await errorCode(await post(await createBasePdf()))).toBe("NO_SIGNATURES");
    expect(await errorCode(await post(new TextEncoder().encode("not a pdf at all")))).toBe("NOT_A_PDF");
    const { readFile } = await import("node:fs/promises");
    const encrypted = await readFile(new URL("../../../fixtures/pdf/pyhanko-minimal-aes256.pdf", import.meta.url));
    expect(await errorCode(await post(new Uint8Array(encrypted)))).toBe("PDF_ENCRYPTED");
  });

  it("lets a signer decline with a reason, which ends the request", async () => {
    const request = await createRequest([
      { user: employee, meaning: "signed" },
      { user: legal, meaning: "reviewed" },
    ]);
    const res = await employeeClient.post(`/api/v1/signature-requests/${request.id}/decline`, { reason: "第3条的期限不对" });
    expect(res.status).toBe(200);
    const view = (await (await requester.get(`/api/v1/signature-requests/${request.id}`)).json()) as { status: string; signers: { status: string; declineReason: string | null }[] };
    expect(view.status).toBe("declined");
    expect(view.signers.map((s) => s.status)).toEqual(["declined", "cancelled"]);
    expect(view.signers[0]!.declineReason).toBe("第3条的期限不对");
    expect(await errorCode(await sign(employeeClient, request.id, employee.pin))).toBe("INVALID_STATE");
  });

  it("binds single-use links to their signer and lets them expire", async () => {
    const request = await createRequest([{ user: employee, meaning: "acknowledged" }]);
    const signerId = request.signers[0]!.id;
    const refusals = async () =>
      (await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, request.id)).orderBy(asc(auditEvents.seq)))
        .filter((e) => e.action === "signature.link_refused")
        .map((e) => ({ actorId: e.actorId, data: e.data }));
    const link = (await (await requester.post(`/api/v1/signature-requests/${request.id}/signers/${signerId}/link`)).json()) as { token: string };
    const [firstLink] = await h.deps.db.select().from(signingLinks).where(eq(signingLinks.signerId, signerId));
    // the requester cannot use the employee's link
    expect(await errorCode(await requester.post(`/api/v1/signing-links/${link.token}/open`))).toBe("NOT_FOUND");
    // an unknown token is only NOT_FOUND: there is no link to record the refusal against
    expect(await errorCode(await employeeClient.post("/api/v1/signing-links/csl_not-a-real-token/open"))).toBe("NOT_FOUND");
    const opened = await employeeClient.post(`/api/v1/signing-links/${link.token}/open`);
    expect(((await opened.json()) as { requestId: string }).requestId).toBe(request.id);
    const again = await employeeClient.post(`/api/v1/signing-links/${link.token}/open`);
    expect(again.status).toBe(410);
    expect(await errorCode(again)).toBe("LINK_USED");
    const second = (await (await requester.post(`/api/v1/signature-requests/${request.id}/signers/${signerId}/link`)).json()) as { token: string };
    const secondLink = (await h.deps.db.select().from(signingLinks).where(eq(signingLinks.signerId, signerId))).find((l) => l.id !== firstLink!.id);
    h.clock.advance(8 * 86_400_000);
    const expired = await employeeClient.post(`/api/v1/signing-links/${second.token}/open`);
    expect(expired.status).toBe(410);
    expect(await errorCode(expired)).toBe("LINK_EXPIRED");
    h.clock.advance(-8 * 86_400_000);

    // each refusal of an existing link is in the audit trail with its reason and link id, never the token
    expect(await refusals()).toEqual([
      { actorId: ipManager.id, data: { reason: "other_person", code: "NOT_FOUND", linkId: firstLink!.id, signerId } },
      { actorId: employee.id, data: { reason: "used", code: "LINK_USED", linkId: firstLink!.id, signerId } },
      { actorId: employee.id, data: { reason: "expired", code: "LINK_EXPIRED", linkId: secondLink!.id, signerId } },
    ]);
    const trail = JSON.stringify(await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, request.id)));
    expect(trail).not.toContain(link.token);
    expect(trail).not.toContain(second.token);
    // the refused attempts changed nothing: the second link is still unused
    expect((await h.deps.db.select().from(signingLinks).where(eq(signingLinks.id, secondLink!.id)))[0]!.usedAt).toBeNull();
  });

  it("lets two signers of one step sign at the same moment: both signatures land, one on top of the other", async () => {
    const fileId = await uploadPdf(requester, await createBasePdf({ pages: 1 }));
    const created = await requester.post("/api/v1/signature-requests", {
      title: "并行签署",
      source: { kind: "file", fileId },
      signers: [
        { userId: employee.id, meaning: "signed", step: 1 },
        { userId: legal.id, meaning: "reviewed", step: 1 },
        { userId: ipManager.id, meaning: "approved", step: 2 },
      ],
    });
    const request = (await created.json()) as { id: string };
    // (an earlier test reset the legal user's password, which ended that session)
    const legalNow = await h.signIn(legal);
    await read(employeeClient, request.id);
    await read(legalNow, request.id);
    // both prepare from the same bytes; the one that commits second is signed again on top of the first
    const [a, b] = await Promise.all([sign(employeeClient, request.id, employee.pin), sign(legalNow, request.id, legal.pin)]);
    expect([a.status, b.status], `${await a.clone().text()} ${await b.clone().text()}`).toEqual([200, 200]);
    await read(requester, request.id);
    expect((await sign(requester, request.id, ipManager.pin)).status).toBe(200);
    const rows = await h.deps.db.select().from(signatures).where(eq(signatures.requestId, request.id)).orderBy(asc(signatures.signedAt));
    expect(rows).toHaveLength(3);
    // a chain of bytes: each signature was made on what the one before left
    const chain = new Set(rows.map((r) => r.sha256Before));
    expect(rows.filter((r) => !chain.has(r.sha256After))).toHaveLength(1);
    const pdf = new Uint8Array(await (await requester.get(`/api/v1/signature-requests/${request.id}/document?version=final`)).arrayBuffer());
    const nssDir = join(tmp.dir, "nss-parallel");
    mkdirSync(nssDir);
    const verdicts = runPdfsig(pdf, createNssDb(nssDir, certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text())), tmp.dir);
    // three signatures and the document timestamp (PAdES B-LTA), which pdfsig lists but does not verify
    expect(verdicts).toHaveLength(4);
    for (const v of verdicts.slice(0, 3)) expect(v.signatureValid && v.certificateTrusted).toBe(true);
    // three signers, a completion page before the last: our verifier passes every signature too
    const res = await requester.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: pdf });
    const ours = (await res.json()) as { ok: boolean; signatures: { ok: boolean; changesAfter: { kind: string } }[] };
    expect(ours.signatures.map((s) => [s.ok, s.changesAfter.kind])).toEqual([
      [true, "pagesAdded"],
      [true, "pagesAdded"],
      [true, "laterSignaturesOnly"],
      [true, "none"],
    ]);
    expect(ours.ok).toBe(true);
  });

  it("reminds overdue signers once a day", async () => {
    const due = new Date(h.clock.now().getTime() + 86_400_000).toISOString();
    const request = await createRequest([{ user: employee, meaning: "signed" }], { dueAt: due });
    const admin = await h.signIn(await h.user({ roles: ["admin"] }));
    expect(((await (await admin.post("/api/v1/signature-requests/remind")).json()) as { reminded: number }).reminded).toBe(0);
    h.clock.advance(2 * 86_400_000);
    expect(((await (await admin.post("/api/v1/signature-requests/remind")).json()) as { reminded: number }).reminded).toBe(1);
    expect(((await (await admin.post("/api/v1/signature-requests/remind")).json()) as { reminded: number }).reminded).toBe(0);
    const inbox = (await (await employeeClient.get("/api/v1/signature-requests")).json()) as { toSign: { id: string; overdue: boolean; signers: { reminderCount: number }[] }[] };
    const mine = inbox.toSign.find((r) => r.id === request.id)!;
    expect(mine.overdue).toBe(true);
    expect(mine.signers[0]!.reminderCount).toBe(1);
    h.clock.advance(-2 * 86_400_000);
  });

  it("keeps requests within roles and clearance", async () => {
    expect(await errorCode(await employeeClient.post("/api/v1/signature-requests", { title: "x", source: { kind: "file", fileId: "fil_x" }, signers: [{ userId: employee.id, meaning: "signed" }] }))).toBe("FORBIDDEN");
    const fileId = await uploadPdf(requester, await createBasePdf(), "confidential");
    const res = await requester.post("/api/v1/signature-requests", {
      title: "机密协议",
      classification: "confidential",
      source: { kind: "file", fileId },
      signers: [{ userId: employee.id, meaning: "signed" }],
    });
    expect(await errorCode(res)).toBe("VALIDATION_FAILED");
    const notPdf = await requester.request("/api/v1/files?filename=a.txt", { method: "POST", headers: { "content-type": "text/plain" }, body: "hello" });
    const { id } = (await notPdf.json()) as { id: string };
    const bad = await requester.post("/api/v1/signature-requests", { title: "x", source: { kind: "file", fileId: id }, signers: [{ userId: employee.id, meaning: "signed" }] });
    expect(await errorCode(bad)).toBe("NOT_A_PDF");
  });

  it("keeps the signing key when the signer changes their password: it is wrapped under the signing PIN", async () => {
    const person = await h.user({ displayName: "赵敏" });
    const client = await h.signIn(person);
    const first = await createRequest([{ user: person, meaning: "acknowledged" }]);
    await read(client, first.id);
    const r1 = (await (await sign(client, first.id, person.pin)).json()) as { certificateSerial: string };
    // the new login password may not be the signing PIN
    expect(await errorCode(await client.post("/api/v1/me/password", { currentPassword: person.password, newPassword: person.pin }))).toBe("VALIDATION_FAILED");
    expect((await client.post("/api/v1/me/password", { currentPassword: person.password, newPassword: "赵敏的新密码足够长了吧" })).status).toBe(200);
    const second = await createRequest([{ user: person, meaning: "acknowledged" }]);
    await read(client, second.id);
    expect(await errorCode(await sign(client, second.id, "赵敏的新密码足够长了吧"))).toBe("REAUTH_FAILED");
    const r2 = (await (await sign(client, second.id, person.pin)).json()) as { certificateSerial: string };
    expect(r2.certificateSerial).toBe(r1.certificateSerial);
  });
});
