import { deflateSync } from "node:zlib";
import { PDFArray, PDFName, PDFRawStream, PDFRef } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beginIncrementalUpdate, listPages, openPdf, verifyPdfSignatures, addDss, type VerifyPdfOptions } from "../../../src/core/signatures/pdf";
import { createCrl, generateRsaKeyPair, issueSignerCertificate } from "../../../src/core/signatures/pki";
import { certificatePemToDer } from "../../../src/core/signatures/pki/index";
import { readCertificate } from "../../../src/core/signatures/pki/read-certificate";
import { ALGORITHM_SUNSET, weakAlgorithmsOf } from "../../../src/core/signatures/validation";
import { startHarness, type Client, type TestUser } from "../../support/app";
import { createBasePdf } from "./support/base-pdf";
import { addDocumentTimestamp } from "../../../src/core/signatures/sign-pdf";
import { createTestPki, digestTimestamper, knownGood, ocspAbout, signPdf, withTestDss, type TestPki } from "./support/test-pki";

/**
 * ETSI EN 319 102-1 validation: TOTAL-PASSED / TOTAL-FAILED / INDETERMINATE with the
 * sub-indication, the certificate judged at the proof of existence (the earliest trusted
 * timestamp), revocation from the server's record or the PDF's DSS (verified, fresh), never a throw.
 */

const YEAR = 365 * 86_400_000;
const HOUR = 3_600_000;
let pki: TestPki;
let other: TestPki;
let bt: Uint8Array; // B-T: signature with its timestamp, no DSS
let bb: Uint8Array; // B-B: no timestamp
let signedAt: Date;

const options = (who: string) => ({ fieldName: "employee", signerName: who, reason: "签署 Signed", signingTime: new Date() });
const verify = (pdf: Uint8Array, extra: Partial<VerifyPdfOptions> = {}) => verifyPdfSignatures(pdf, { trustAnchors: [pki.root.certificate], ...extra });
const serialOf = (der: Uint8Array) => readCertificate(der).serialNumber;

beforeAll(async () => {
  pki = await createTestPki();
  other = await createTestPki();
  const base = await createBasePdf({ pages: 1 });
  bt = await signPdf(base, pki, pki.employee, options("张三"));
  bb = await signPdf(base, pki, pki.employee, options("张三"), { withTimestamp: false });
  signedAt = verify(bt, { revocationRecords: knownGood(pki) }).signatures[0]!.validation.bestSignatureTime!;
}, 60_000);

describe("proof of existence and expiry", () => {
  it("a B-T signature validated after its certificate expired passes thanks to its timestamp; the same signature without a timestamp is OUT_OF_BOUNDS_NO_POE", () => {
    const later = new Date(Date.now() + 2 * YEAR); // the test signer's certificate is valid for one year
    const [withTs] = verify(bt, { now: later, revocationRecords: knownGood(pki) }).signatures;
    expect(withTs).toMatchObject({ ok: true, validation: { indication: "TOTAL-PASSED", subIndication: null, poe: "signature-timestamp" } });
    expect(withTs!.validation.bestSignatureTime!.getTime()).toBe(withTs!.cms!.timestamp!.genTime!.getTime());
    expect(withTs!.validation.reasons.map((r) => r.en).join("\n")).toMatch(/the certificate expired on .*, after the proof of existence at/);

    const [without] = verify(bb, { now: later, revocationRecords: knownGood(pki) }).signatures;
    expect(without).toMatchObject({ ok: false, validation: { indication: "INDETERMINATE", subIndication: "OUT_OF_BOUNDS_NO_POE", bestSignatureTime: null } });
    // today, without a timestamp but with the issuer's record, it passes, judged at the validation time
    expect(verify(bb, { revocationRecords: knownGood(pki) }).signatures[0]!.validation).toMatchObject({ indication: "TOTAL-PASSED", poe: null });
  });

  it("a document timestamp of a later revision is the proof of existence of a signature without its own; the last timestamp is judged at the validation time", async () => {
    // the OCSP answers were produced a minute before the document timestamp
    const lta = (await addDocumentTimestamp(withTestDss(bb, pki, new Date(Date.now() - 60_000)), "archive", digestTimestamper(pki))).pdf;
    const later = new Date(Date.now() + 2 * YEAR);
    const [signature, docTs] = verify(lta, { now: later, revocationRecords: knownGood(pki) }).signatures;
    expect(signature!.validation).toMatchObject({ indication: "TOTAL-PASSED", poe: "document-timestamp" });
    expect(signature!.validation.bestSignatureTime!.getTime()).toBe(docTs!.cms!.timestamp!.genTime!.getTime());
    expect(docTs!.validation).toMatchObject({ indication: "TOTAL-PASSED", poe: null });
    // offline, from the DSS alone: the answers predate the signature's only proof of existence, so they are not fresh for it;
    // they were current at the document timestamp's time, which is enough for the timestamp
    const offline = verify(lta, { now: later }).signatures;
    expect(offline.map((s) => [s.validation.indication, s.validation.subIndication])).toEqual([
      ["INDETERMINATE", "TRY_LATER"],
      ["TOTAL-PASSED", null],
    ]);
    // past the TSA certificate's end (ten years), nothing proves the last timestamp: it and so the signature are not proven
    const tooLate = verify(lta, { now: new Date(Date.now() + 11 * YEAR), revocationRecords: knownGood(pki) }).signatures;
    expect(tooLate.map((s) => s.validation.subIndication)).toEqual(["OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NO_POE"]);
  });

  it("a certificate not yet valid at the proof of existence is TOTAL-FAILED / NOT_YET_VALID", async () => {
    const keys = await generateRsaKeyPair();
    const future = issueSignerCertificate({
      subject: { commonName: "未来" },
      publicKey: keys.publicKey,
      issuer: { certificate: pki.root.certificate, privateKey: pki.root.privateKey },
      notBefore: new Date(Date.now() + YEAR),
      notAfter: new Date(Date.now() + 2 * YEAR),
    });
    const signer = { privateKey: keys.privateKey, certificate: future.certificate, serialNumber: future.serialNumber };
    const pdf = await signPdf(await createBasePdf({ pages: 1 }), pki, signer, options("未来"));
    const records = new Map([[serialOf(future.certificate), { revokedAt: null, revocationReason: null }]]);
    expect(verify(pdf, { revocationRecords: records }).signatures[0]!.validation).toMatchObject({ indication: "TOTAL-FAILED", subIndication: "NOT_YET_VALID" });
  });
});

describe("revocation from the server's record", () => {
  const revokedAt = (at: Date) => new Map([[pki.employee.serialNumber, { revokedAt: at, revocationReason: "keyCompromise" }]]);

  it("revoked after the proof of existence: TOTAL-PASSED, and the report says so", () => {
    const [s] = verify(bt, { revocationRecords: revokedAt(new Date(signedAt.getTime() + HOUR)), now: new Date(signedAt.getTime() + 2 * HOUR) }).signatures;
    expect(s).toMatchObject({ ok: true, validation: { indication: "TOTAL-PASSED", revocation: { source: "custos", status: "revoked" } } });
    expect(s!.validation.reasons.map((r) => r.en).join("\n")).toMatch(/revoked on .*, after the proof of existence at/);
  });

  it("revoked before the timestamp's time: TOTAL-FAILED / REVOKED", () => {
    const [s] = verify(bt, { revocationRecords: revokedAt(new Date(signedAt.getTime() - HOUR)) }).signatures;
    expect(s).toMatchObject({ ok: false, validation: { indication: "TOTAL-FAILED", subIndication: "REVOKED", revocation: { source: "custos" } } });
  });

  it("revoked with no proof of existence: INDETERMINATE / REVOKED_NO_POE", () => {
    const [s] = verify(bb, { revocationRecords: revokedAt(new Date(Date.now() - 1000)) }).signatures;
    expect(s).toMatchObject({ ok: false, validation: { indication: "INDETERMINATE", subIndication: "REVOKED_NO_POE", bestSignatureTime: null } });
  });

  it("a record for a certificate that does not chain to the trust anchors is not used", () => {
    const [s] = verifyPdfSignatures(bt, { trustAnchors: [other.root.certificate], revocationRecords: knownGood(pki) }).signatures;
    expect(s).toMatchObject({ ok: false, validation: { indication: "INDETERMINATE", subIndication: "NO_CERTIFICATE_CHAIN_FOUND", revocation: { source: "none" } } });
  });
});

describe("revocation from the DSS", () => {
  const dssWith = (pdf: Uint8Array, ocsps: Buffer[], crls: Buffer[] = []) => addDss(pdf, { certificates: [pki.root.certificate, pki.employee.certificate], ocsps, crls });

  it("a fresh OCSP response signed by the issuer: TOTAL-PASSED from dss-ocsp; without a DSS: TRY_LATER", () => {
    const [passed] = verify(withTestDss(bt, pki, new Date(signedAt.getTime() + 1000))).signatures;
    expect(passed).toMatchObject({ ok: true, validation: { indication: "TOTAL-PASSED", revocation: { source: "dss-ocsp", status: "good", fresh: true } } });
    const [none] = verify(bt).signatures;
    expect(none).toMatchObject({ ok: false, validation: { indication: "INDETERMINATE", subIndication: "TRY_LATER", revocation: { source: "none" } } });
  });

  it("revoked after signing per the DSS OCSP: TOTAL-PASSED with the note; revoked before the timestamp: REVOKED", () => {
    const after = ocspAbout(pki, pki.employee, { producedAt: new Date(signedAt.getTime() + 2 * HOUR), status: { status: "revoked", revokedAt: new Date(signedAt.getTime() + HOUR), reason: "keyCompromise" } });
    const [s] = verify(dssWith(bt, [after]), { now: new Date(signedAt.getTime() + 3 * HOUR) }).signatures;
    expect(s).toMatchObject({ ok: true, validation: { indication: "TOTAL-PASSED", revocation: { source: "dss-ocsp", status: "revoked", reason: "keyCompromise" } } });
    expect(s!.validation.reasons.map((r) => r.en).join("\n")).toMatch(/revoked on .*, after the proof of existence/);

    const before = ocspAbout(pki, pki.employee, { producedAt: new Date(signedAt.getTime() + HOUR), status: { status: "revoked", revokedAt: new Date(signedAt.getTime() - HOUR) } });
    expect(verify(dssWith(bt, [before])).signatures[0]!.validation).toMatchObject({ indication: "TOTAL-FAILED", subIndication: "REVOKED", revocation: { source: "dss-ocsp" } });
  });

  it("an OCSP response signed by another key, or about another serial, is ignored: TRY_LATER", () => {
    // the other PKI's root signs an answer naming our root's CertID for the employee
    const forged = ocspAbout(pki, pki.employee, { producedAt: new Date(signedAt.getTime() + HOUR), responder: { certificate: other.root.certificate, privateKey: other.root.privateKey } });
    const [s] = verify(dssWith(bt, [forged])).signatures;
    expect(s).toMatchObject({ ok: false, validation: { indication: "INDETERMINATE", subIndication: "TRY_LATER", revocation: { source: "none" } } });
    expect(s!.validation.reasons.map((r) => r.en).join("\n")).toMatch(/ignored the OCSP response 1 in the DSS about this certificate: its signature does not verify/);

    // a genuine answer, but about the manager's certificate
    const elsewhere = ocspAbout(pki, pki.manager, { producedAt: new Date(signedAt.getTime() + HOUR) });
    expect(verify(dssWith(bt, [elsewhere])).signatures[0]!.validation).toMatchObject({ indication: "INDETERMINATE", subIndication: "TRY_LATER" });

    // a "revoked" answer signed by a stranger revokes nothing
    const forgedRevoked = ocspAbout(pki, pki.employee, { producedAt: new Date(), status: { status: "revoked", revokedAt: new Date(signedAt.getTime() - HOUR) }, responder: { certificate: other.root.certificate, privateKey: other.root.privateKey } });
    expect(verify(dssWith(bt, [forgedRevoked])).signatures[0]!.validation.subIndication).toBe("TRY_LATER");
  });

  it("a delegated responder counts only when the issuer gave it id-kp-OCSPSigning", async () => {
    const keys = await generateRsaKeyPair();
    // a plain end-entity certificate of the same root, without the OCSP signing EKU
    const plain = issueSignerCertificate({ subject: { commonName: "not a responder" }, publicKey: keys.publicKey, issuer: { certificate: pki.root.certificate, privateKey: pki.root.privateKey }, notBefore: new Date(Date.now() - HOUR), notAfter: new Date(Date.now() + YEAR) });
    const answer = ocspAbout(pki, pki.employee, { producedAt: new Date(signedAt.getTime() + 1000), responder: { certificate: plain.certificate, privateKey: keys.privateKey } });
    expect(verify(dssWith(bt, [answer])).signatures[0]!.validation.subIndication).toBe("TRY_LATER");
  });

  it("an OCSP response issued before the signing is stale and does not count", () => {
    const stale = ocspAbout(pki, pki.employee, { producedAt: new Date(signedAt.getTime() - HOUR) });
    const [s] = verify(dssWith(bt, [stale])).signatures;
    expect(s).toMatchObject({ ok: false, validation: { indication: "INDETERMINATE", subIndication: "TRY_LATER", revocation: { source: "dss-ocsp", fresh: false } } });
    expect(s!.validation.message.en).toMatch(/issued at .*, before the signature time/);
  });

  it("a CRL in the DSS signed by the issuer: good when it does not list the serial, REVOKED when it lists it before the signing; another CA's CRL is ignored", () => {
    const crl = (issuer: TestPki, revoked: { serialNumber: string; revokedAt: Date }[], thisUpdate = new Date(signedAt.getTime() + 1000)) =>
      createCrl({ issuer: { certificate: issuer.root.certificate, privateKey: issuer.root.privateKey }, revoked, thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 7 * 24 * HOUR), crlNumber: 1 });
    expect(verify(dssWith(bt, [], [crl(pki, [])])).signatures[0]!.validation).toMatchObject({ indication: "TOTAL-PASSED", revocation: { source: "dss-crl", status: "good", fresh: true } });
    const listed = crl(pki, [{ serialNumber: pki.employee.serialNumber, revokedAt: new Date(signedAt.getTime() - HOUR) }]);
    expect(verify(dssWith(bt, [], [listed])).signatures[0]!.validation).toMatchObject({ indication: "TOTAL-FAILED", subIndication: "REVOKED", revocation: { source: "dss-crl", reason: null } });
    // the other PKI's root has the same name: its CRL names our issuer but does not verify with its key
    const foreign = crl(other, [{ serialNumber: pki.employee.serialNumber, revokedAt: new Date(signedAt.getTime() - HOUR) }]);
    const [s] = verify(dssWith(bt, [], [foreign])).signatures;
    expect(s!.validation).toMatchObject({ indication: "INDETERMINATE", subIndication: "TRY_LATER", revocation: { source: "none" } });
    expect(s!.validation.reasons.map((r) => r.en).join("\n")).toMatch(/ignored the CRL 1 in the DSS/);
    // both an OCSP answer and a CRL: the OCSP answer is the source
    const ocsp = ocspAbout(pki, pki.employee, { producedAt: new Date(signedAt.getTime() + 1000) });
    expect(verify(dssWith(bt, [ocsp], [crl(pki, [], new Date(signedAt.getTime() + 5000))])).signatures[0]!.validation.revocation.source).toBe("dss-ocsp");
  });

  it("a DSS stream that inflates beyond what any validation data needs is skipped, not inflated", () => {
    const signed = withTestDss(bt, pki);
    const file = openPdf(signed);
    const update = beginIncrementalUpdate(file);
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024)); // 64 MB of zeros, some 64 kB deflated
    const ref = update.add(PDFRawStream.of(update.context.obj({ Length: bomb.length, Filter: "FlateDecode" }), bomb));
    const dss = file.getDict(file.catalog()!.dict, "DSS")!.clone(update.context);
    const ocsps = file.get(dss, "OCSPs") as PDFArray;
    dss.set(PDFName.of("OCSPs"), update.context.obj([ref, ...ocsps.asArray()]));
    const dssRef = update.add(dss);
    const catalog = file.catalog()!.dict.clone(update.context);
    catalog.set(PDFName.of("DSS"), dssRef);
    update.replace(file.catalog()!.ref!, catalog);
    const report = verify(update.write().bytes);
    expect(report.problems.map((p) => p.message).join("\n")).toMatch(/\/DSS \/OCSPs entry 1 cannot be decoded/);
    // the genuine answers still count
    expect(report.signatures[0]!.validation).toMatchObject({ indication: "TOTAL-PASSED", revocation: { source: "dss-ocsp" } });
  });

  it("garbage in the DSS is ignored with a note, never a throw", () => {
    const pdf = addDss(bt, { certificates: [Buffer.from("not a certificate")], ocsps: [Buffer.from("not an OCSP response"), Buffer.alloc(0)], crls: [Buffer.from([0x30, 0x03, 0x02, 0x01])] });
    const report = verify(pdf);
    expect(report.problems.filter((p) => p.code === "DSS_ENTRY_IGNORED").length).toBeGreaterThanOrEqual(2);
    expect(report.signatures[0]!.validation.subIndication).toBe("TRY_LATER");
  });
});

describe("format, hash and chain", () => {
  it("one changed byte inside the signed range: TOTAL-FAILED / HASH_FAILURE", () => {
    const tampered = new Uint8Array(withTestDss(bt, pki));
    const text = Buffer.from(tampered).toString("latin1");
    const at = text.indexOf("\n%", 5) + 2;
    tampered[at] = tampered[at]! ^ 0x01;
    expect(verify(tampered).signatures[0]).toMatchObject({ ok: false, validation: { indication: "TOTAL-FAILED", subIndication: "HASH_FAILURE" } });
  });

  it("the page's content stream replaced after signing: TOTAL-FAILED / FORMAT_FAILURE naming the object", () => {
    const signed = withTestDss(bt, pki);
    const file = openPdf(signed);
    const page = listPages(file)[0]!;
    const contents = page.dict.get(PDFName.of("Contents"));
    const ref = contents instanceof PDFRef ? contents : (file.resolve(contents) as PDFArray).asArray().find((x): x is PDFRef => x instanceof PDFRef)!;
    const update = beginIncrementalUpdate(file);
    update.replace(ref, update.context.stream("BT /F1 24 Tf 50 700 Td (Pay 1000000 CNY) Tj ET"));
    const [s] = verify(update.write().bytes).signatures;
    expect(s).toMatchObject({ ok: false, validation: { indication: "TOTAL-FAILED", subIndication: "FORMAT_FAILURE" } });
    expect(s!.validation.message.en).toContain(`object ${ref.objectNumber}`);
    expect(s!.changesAfter.modifications.map((m) => m.objectNumber)).toContain(ref.objectNumber);
  });

  it("a root that is not trusted: INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND", () => {
    expect(verifyPdfSignatures(withTestDss(bt, pki), { trustAnchors: [other.root.certificate] }).signatures[0]!.validation).toMatchObject({ indication: "INDETERMINATE", subIndication: "NO_CERTIFICATE_CHAIN_FOUND" });
  });

  it("an RSA key shorter than 2048 bits, with no proof of existence before its sunset date: INDETERMINATE / CRYPTO_CONSTRAINTS_FAILURE_NO_POE", async () => {
    const keys = await generateRsaKeyPair(1024);
    const weak = issueSignerCertificate({ subject: { commonName: "弱密钥" }, publicKey: keys.publicKey, issuer: { certificate: pki.root.certificate, privateKey: pki.root.privateKey }, notBefore: new Date(Date.now() - HOUR), notAfter: new Date(Date.now() + YEAR) });
    const signer = { privateKey: keys.privateKey, certificate: weak.certificate, serialNumber: weak.serialNumber };
    const pdf = await signPdf(await createBasePdf({ pages: 1 }), pki, signer, options("弱密钥"));
    const records = new Map([[serialOf(weak.certificate), { revokedAt: null, revocationReason: null }]]);
    const [s] = verify(pdf, { revocationRecords: records }).signatures;
    expect(s!.cms!.ok).toBe(true);
    expect(s!.validation).toMatchObject({ indication: "INDETERMINATE", subIndication: "CRYPTO_CONSTRAINTS_FAILURE_NO_POE" });
    expect(s!.validation.message.en).toMatch(/RSA keys shorter than 2048 bits is not reliable since 2014/);
  });

  it("weak algorithms have a sunset date", () => {
    expect(weakAlgorithmsOf({ digestAlgorithm: "sha1", signatureAlgorithm: "sha1WithRSA" })).toEqual(["sha1"]);
    expect(weakAlgorithmsOf({ digestAlgorithm: "sha256", signatureAlgorithm: "sha256WithRSA", certificate: pki.employee.certificate })).toEqual([]);
    expect(ALGORITHM_SUNSET.sha1!.date.getUTCFullYear()).toBe(2017);
  });
});

// a real Custos for the B-LTA files it produces (the PDF tests above need no server)
const h = await startHarness();
const manager = await h.user({ roles: ["ip-manager"], displayName: "王芳" });
const employee = await h.user({ roles: ["employee"], displayName: "张伟" });
const managerClient = await h.signIn(manager);
const employeeClient = await h.signIn(employee);

describe("a B-LTA file Custos produced", () => {
  let root: Buffer;
  let done: { id: string; pdf: Uint8Array };
  let signedOn: Date;

  async function complete(signers: [Client, TestUser][]): Promise<{ id: string; pdf: Uint8Array }> {
    const upload = await managerClient.request("/api/v1/files?filename=d.pdf&classification=internal", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await createBasePdf({ pages: 1 })) });
    const fileId = ((await upload.json()) as { id: string }).id;
    const created = await managerClient.post("/api/v1/signature-requests", { title: "保密协议", source: { kind: "file", fileId }, signers: signers.map(([, u]) => ({ userId: u.id, meaning: "signed" })) });
    const id = ((await created.json()) as { id: string }).id;
    for (const [client, user] of signers) {
      expect((await client.readDocument(id)).status).toBe(200);
      expect((await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: user.pin, consent: true })).status).toBe(200);
    }
    const final = await signers[0]![0].get(`/api/v1/signature-requests/${id}/document?version=final`);
    return { id, pdf: new Uint8Array(await final.arrayBuffer()) };
  }

  const apiVerify = async (pdf: Uint8Array) => {
    const res = await employeeClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(pdf) });
    expect(res.status).toBe(200);
    return (await res.json()) as { ok: boolean; signatures: { ok: boolean; indication: string; subIndication: string | null; bestSignatureTime: string | null; revocation: { source: string; status: string }; reasons: { en: string }[]; message: { zh: string; en: string } }[] };
  };

  beforeAll(async () => {
    root = certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text());
    signedOn = h.clock.now();
    done = await complete([[employeeClient, employee]]);
  }, 120_000);
  afterAll(() => h.clock.set(signedOn));

  it("offline, four years later (the signer's certificate is valid for three): every signature and the document timestamp are TOTAL-PASSED from the DSS", () => {
    const report = verifyPdfSignatures(done.pdf, { trustAnchors: [root], now: new Date(signedOn.getTime() + 4 * YEAR) });
    expect(report.signatures.map((s) => [s.type, s.validation.indication])).toEqual([
      ["signature", "TOTAL-PASSED"],
      ["documentTimestamp", "TOTAL-PASSED"],
    ]);
    const [signature, docTs] = report.signatures;
    expect(signature!.validation).toMatchObject({ poe: "signature-timestamp", revocation: { source: "dss-ocsp", status: "good", fresh: true } });
    expect(new Date(signedOn.getTime() + 4 * YEAR) > signature!.cms!.signer!.notAfter).toBe(true);
    expect(docTs!.validation).toMatchObject({ poe: null, revocation: { source: "dss-ocsp", status: "good" } });
  });

  it("damage anywhere in the DSS and the document timestamp gives a verdict, never a throw, and ok is always indication === TOTAL-PASSED", () => {
    const text = Buffer.from(done.pdf).toString("latin1");
    const dssStart = text.lastIndexOf("/Type /DSS") > 0 ? text.lastIndexOf("/Type /DSS") : text.lastIndexOf("/DSS");
    expect(dssStart).toBeGreaterThan(0);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 40; i++) {
      const damaged = Buffer.from(done.pdf);
      const at = Math.floor(dssStart - 20_000 * random()) + Math.floor((done.pdf.length - dssStart + 20_000) * random());
      const position = Math.min(Math.max(at, 0), damaged.length - 1);
      damaged[position] = damaged[position]! ^ (1 + Math.floor(random() * 254));
      let report: ReturnType<typeof verifyPdfSignatures> | undefined;
      expect(() => (report = verifyPdfSignatures(damaged, { trustAnchors: [root], now: new Date(signedOn.getTime() + 4 * YEAR) })), `byte ${position}`).not.toThrow();
      for (const s of report!.signatures) {
        expect(["TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE"]).toContain(s.validation.indication);
        expect(s.ok).toBe(s.validation.indication === "TOTAL-PASSED");
      }
    }
  });

  it("online, the server's record is the source; revoked after signing it still passes and says so", async () => {
    const now = await apiVerify(done.pdf);
    expect(now.ok).toBe(true);
    expect(now.signatures.map((s) => [s.indication, s.revocation.source])).toEqual([
      ["TOTAL-PASSED", "custos"],
      ["TOTAL-PASSED", "custos"],
    ]);
    h.clock.advance(HOUR);
    const admin = await h.signIn(await h.user({ roles: ["admin"] }));
    expect((await admin.post(`/api/v1/users/${employee.id}/reset-signing-pin`)).status).toBeLessThan(300);
    const after = await apiVerify(done.pdf);
    expect(after.ok).toBe(true);
    expect(after.signatures[0]).toMatchObject({ indication: "TOTAL-PASSED", revocation: { source: "custos", status: "revoked" } });
    expect(after.signatures[0]!.reasons.map((r) => r.en).join("\n")).toMatch(/revoked on .*, after the proof of existence at/);
  });

  it("the verification page names the indication in words, Chinese and English", async () => {
    for (const [locale, expected] of [
      ["zh-CN", ["通过 TOTAL-PASSED", "存在证明", "来源：Custos 服务器记录"]],
      ["en", ["passed TOTAL-PASSED", "Proof of existence", "source: the Custos server"]],
    ] as const) {
      const form = new FormData();
      form.append("_csrf", employeeClient.csrfToken!);
      form.append("file", new File([new Uint8Array(done.pdf)], "signed.pdf", { type: "application/pdf" }));
      const res = await employeeClient.request(`/signatures/verify?lang=${locale}`, { method: "POST", body: form, headers: { accept: "text/html", "x-csrf-token": "" } });
      expect(res.status).toBe(200);
      const page = await res.text();
      for (const text of expected) expect(page, locale).toContain(text);
    }
  });

  it("online, four years later: still TOTAL-PASSED at the proof of existence", async () => {
    h.clock.set(new Date(signedOn.getTime() + 4 * YEAR));
    const report = await apiVerify(done.pdf);
    expect(report.signatures.map((s) => s.indication)).toEqual(["TOTAL-PASSED", "TOTAL-PASSED"]);
    expect(report.signatures[0]!.bestSignatureTime).not.toBeNull();
  });
});
