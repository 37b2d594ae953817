import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSignedData } from "../../../../src/core/signatures/cms";
import { encodingOf } from "../../../../src/core/signatures/pki/der-reader";
import {
  SignatureTooLargeError,
  appendCompletionPage,
  embedCmsSignature,
  hashByteRange,
  inspectPdfSignatures,
  preparePdfSignature,
  verifyPdfSignatures,
  type PreparePdfSignatureOptions,
} from "../../../../src/core/signatures/pdf";
import { createBasePdf } from "../support/base-pdf";
import { createTestPki, knownGood, signPdf, type TestPki, type TestSigner } from "../support/test-pki";
import { createNssDb, makeTempDir, opensslCmsVerify, opensslTsVerify, pdfInfo, pdfToText, runPdfsig } from "../support/validators";

let pki: TestPki;
let nss: string;
const tmp = makeTempDir();
const db = makeTempDir("custos-nss-");

beforeAll(async () => {
  pki = await createTestPki();
  nss = createNssDb(db.dir, pki.root.certificate);
});
afterAll(() => {
  tmp.cleanup();
  db.cleanup();
});

const options = (signer: TestSigner, who: string, field: string, zh: string, en: string, at: string): PreparePdfSignatureOptions => ({
  fieldName: field,
  signerName: who,
  reason: `${zh} ${en}`,
  location: "北京",
  signingTime: new Date(),
  stamp: { pageIndex: "last", signerName: who, meaningZh: zh, meaningEn: en, signedAtText: at, certificateSerial: signer.serialNumber },
});

/** Employee 张三 signs, the completion page is appended, then the manager signs: the ceremony's output. */
async function signTwice(base: Uint8Array): Promise<{ afterFirst: Uint8Array; withPage: Uint8Array; final: Uint8Array }> {
  const afterFirst = await signPdf(base, pki, pki.employee, options(pki.employee, "张三", "employee", "确认", "Acknowledged", "2026-11-25 14:03:12 +08:00"));
  const withPage = await appendCompletionPage(afterFirst, {
    title: "知识产权声明 IP declaration",
    documentSha256: createHash("sha256").update(base).digest("hex"),
    signers: [
      { name: "张三", meaningZh: "确认", meaningEn: "Acknowledged", signedAt: "2026-11-25 14:03:12 +08:00", certificateSerial: pki.employee.serialNumber },
      { name: "李经理", meaningZh: "批准", meaningEn: "Approved", signedAt: "2026-11-25 15:20:00 +08:00", certificateSerial: pki.manager.serialNumber },
    ],
    events: [
      { at: "2026-11-25 14:00:00 +08:00", actor: "IP manager 王五", action: "sent the request to 张三, 李经理" },
      { at: "2026-11-25 14:03:12 +08:00", actor: "张三", action: "read the document, consented and signed" },
    ],
  });
  const final = await signPdf(withPage, pki, pki.manager, options(pki.manager, "李经理", "manager", "批准", "Approved", "2026-11-25 15:20:00 +08:00"));
  return { afterFirst, withPage, final };
}

function cmsAndRanges(pdf: Uint8Array) {
  return inspectPdfSignatures(pdf).signatures.map((s) => ({
    cms: s.contents!,
    content: Buffer.concat(s.coverage.signedRanges.map(([a, b]) => pdf.subarray(a, b))),
  }));
}

describe.each([
  { name: "classic xref table", useObjectStreams: false },
  { name: "xref stream and object streams", useObjectStreams: true },
])("two signers, B-T, stamps and a completion page ($name)", ({ useObjectStreams }) => {
  let base: Uint8Array;
  let docs: Awaited<ReturnType<typeof signTwice>>;

  beforeAll(async () => {
    base = await createBasePdf({ pages: 2, useObjectStreams });
    docs = await signTwice(base);
  });

  it("keeps every earlier byte: each step is an incremental update", () => {
    expect(Buffer.from(docs.afterFirst.subarray(0, base.length)).equals(Buffer.from(base))).toBe(true);
    expect(Buffer.from(docs.withPage.subarray(0, docs.afterFirst.length)).equals(Buffer.from(docs.afterFirst))).toBe(true);
    expect(Buffer.from(docs.final.subarray(0, docs.withPage.length)).equals(Buffer.from(docs.withPage))).toBe(true);
    const tail = Buffer.from(docs.final.subarray(docs.withPage.length)).toString("latin1");
    expect(tail).toContain(useObjectStreams ? "/Type /XRef" : "\nxref\n");
  });

  it("validates in pdfsig: every signature valid and trusted, the first one also after later updates", () => {
    const first = runPdfsig(docs.afterFirst, nss, tmp.dir);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ signatureValid: true, certificateTrusted: true, totalDocumentSigned: true, commonName: "张三", fieldName: "employee" });
    const final = runPdfsig(docs.final, nss, tmp.dir);
    expect(final.map((s) => [s.fieldName, s.commonName, s.signatureValid, s.certificateTrusted])).toEqual([
      ["employee", "张三", true, true],
      ["manager", "李经理", true, true],
    ]);
    expect(final[0]!.totalDocumentSigned).toBe(false);
    expect(final[1]!.totalDocumentSigned).toBe(true);
    expect(final[0]!.text).toContain("ETSI.CAdES.detached");
  });

  it("verifies each extracted CMS with openssl cms and each timestamp token with openssl ts", () => {
    for (const { cms, content } of cmsAndRanges(docs.final)) {
      expect(opensslCmsVerify(cms, content, pki.root.certificate, tmp.dir).ok).toBe(true);
      const si = parseSignedData(cms).signerInfos[0]!;
      const token = si.unsignedAttributes.find((a) => a.oid === "1.2.840.113549.1.9.16.2.14")!.values[0]!;
      expect(opensslTsVerify(encodingOf(token), si.signature, pki.root.certificate, tmp.dir).output).toContain("Verification: OK");
    }
  });

  it("our verifier agrees and explains what came after each signature", () => {
    // the issuer's record says no certificate is revoked (what the Custos server passes)
    const report = verifyPdfSignatures(docs.final, { trustAnchors: [pki.root.certificate], revocationRecords: knownGood(pki) });
    expect(report.problems).toEqual([]);
    expect(report.revisions).toHaveLength(4);
    const [employee, manager] = report.signatures;
    expect(employee).toMatchObject({ fieldName: "employee", subFilter: "ETSI.CAdES.detached", filter: "Adobe.PPKLite", name: "张三", reason: "确认 Acknowledged", location: "北京", revision: 1, ok: true });
    expect(employee!.coverage).toMatchObject({ wellFormed: true, coversRevision: true, coversWholeFile: false, anomalies: [] });
    expect(employee!.changesAfter.kind).toBe("pagesAdded");
    expect(employee!.changesAfter.details.join("\n")).toMatch(/1 page\(s\) added: page 3/);
    expect(employee!.cms).toMatchObject({ ok: true, signingCertificate: "match", messageDigestMatches: true });
    expect(employee!.cms!.timestamp).toMatchObject({ ok: true, messageImprintMatches: true });
    expect(manager).toMatchObject({ fieldName: "manager", revision: 3, ok: true });
    expect(manager!.coverage.coversWholeFile).toBe(true);
    expect(manager!.changesAfter).toMatchObject({ kind: "none", details: [], modifications: [], pagesAdded: [] });
    // The completion page counts for the employee only because the manager's valid signature covers it.
    expect(employee!.changesAfter.pagesAdded).toEqual([{ objectNumber: expect.any(Number), pageNumber: 3 }]);
    expect(manager!.changesAfter.pagesAtSignature).toContain(employee!.changesAfter.pagesAdded[0]!.objectNumber);
    // Half-way (the page appended, the last signature not yet made) the page is signed by nobody.
    const afterFirst = verifyPdfSignatures(docs.withPage, { trustAnchors: [pki.root.certificate], revocationRecords: knownGood(pki) });
    expect(afterFirst.signatures[0]!.changesAfter.kind).toBe("otherModified");
    expect(afterFirst.signatures[0]!.ok).toBe(false);
    expect(afterFirst.signatures[0]!.changesAfter.modifications.map((m) => m.code)).toEqual(["PAGE_NOT_SIGNED"]);
    expect(afterFirst.signatures[0]!.changesAfter.details[0]).toMatch(/^object \d+ \(page 3\) added after signature 1 and signed by no later valid signature$/);
    const firstOnly = verifyPdfSignatures(docs.afterFirst, { trustAnchors: [pki.root.certificate] });
    expect(firstOnly.signatures[0]!.changesAfter.kind).toBe("none");
    // B-T without revocation data and without the issuer's record: intact, but INDETERMINATE / TRY_LATER;
    // the employee's completion page is signed by the manager, who is undecided too, so it is not a failure
    const unknown = verifyPdfSignatures(docs.final, { trustAnchors: [pki.root.certificate] });
    expect(unknown.signatures.map((s) => [s.ok, s.validation.indication, s.validation.subIndication])).toEqual([
      [false, "INDETERMINATE", "TRY_LATER"],
      [false, "INDETERMINATE", "TRY_LATER"],
    ]);
    expect(unknown.signatures[0]!.changesAfter.modifications).toEqual([]);
  });

  it("draws stamps and the completion page as extractable Chinese text", () => {
    const text = pdfToText(docs.final, tmp.dir);
    for (const expected of ["张三", "确认 Acknowledged", "李经理", "批准 Approved", "2026-11-25 14:03:12 +08:00", pki.employee.serialNumber.toUpperCase(), "签署完成证明 / Certificate of Completion", "知识产权声明 IP declaration", createHash("sha256").update(base).digest("hex"), "read the document, consented and signed"]) {
      expect(text).toContain(expected);
    }
    expect(pdfInfo(docs.final, tmp.dir).fields.Pages).toBe("3");
    expect(docs.final.length).toBeLessThan(base.length + 200_000);
  });

  it("detects one changed byte inside a signed range, as pdfsig does", () => {
    const tampered = new Uint8Array(docs.final);
    const [employee] = inspectPdfSignatures(docs.final).signatures;
    const text = Buffer.from(tampered).toString("latin1");
    // One byte of the binary comment after the header: signed by both, harmless to the structure.
    const at = text.indexOf("\n%", 5) + 2;
    expect(at).toBeGreaterThan(8);
    expect(at).toBeLessThan(employee!.coverage.signedRanges[0]![1]);
    tampered[at] = tampered[at]! ^ 0x01;
    const ours = verifyPdfSignatures(tampered, { trustAnchors: [pki.root.certificate], revocationRecords: knownGood(pki) });
    for (const s of ours.signatures) {
      expect(s.ok).toBe(false);
      expect(s.validation).toMatchObject({ indication: "TOTAL-FAILED", subIndication: "HASH_FAILURE" });
      expect(s.cms!.problems.map((p) => p.code)).toContain("MESSAGE_DIGEST_MISMATCH");
    }
    const theirs = runPdfsig(tampered, nss, tmp.dir);
    expect(theirs.map((s) => s.signatureValid)).toEqual([false, false]);
  });
});

describe("signature preparation", () => {
  it("writes an invisible signature with the PAdES dictionary entries", async () => {
    const base = await createBasePdf({ pages: 1 });
    const prepared = await preparePdfSignature(base, { fieldName: "Sig1", signerName: "张三", reason: "签署 Signed", contactInfo: "zhangsan@example.com", signingTime: new Date("2026-11-25T06:03:12Z"), timeZoneOffsetMinutes: 480, placeholderBytes: 12000 });
    const text = Buffer.from(prepared.pdf).toString("latin1");
    for (const entry of ["/Type /Sig", "/Filter /Adobe.PPKLite", "/SubFilter /ETSI.CAdES.detached", "/M (D:20261125140312+08'00')", "/FT /Sig", "/SigFlags 3", "/Rect [ 0 0 0 0 ]"]) expect(text).toContain(entry);
    const [a, b, c, d] = prepared.byteRange;
    expect(a).toBe(0);
    expect(c - b).toBe(12000 * 2 + 2);
    expect(c + d).toBe(prepared.pdf.length);
    expect(text.slice(b, b + 1)).toBe("<");
    expect(text.slice(c - 1, c)).toBe(">");
    expect(text).toContain(`/ByteRange [0 ${b} ${c} ${d}`);
  });

  it("refuses a CMS larger than the placeholder and a field name already taken", async () => {
    const base = await createBasePdf({ pages: 1 });
    const prepared = await preparePdfSignature(base, { fieldName: "Sig1", signerName: "x", reason: "y", signingTime: new Date(), placeholderBytes: 100 });
    expect(() => embedCmsSignature(prepared, Buffer.alloc(101, 1))).toThrow(SignatureTooLargeError);
    const signed = await signPdf(base, pki, pki.employee, { fieldName: "Sig1", signerName: "张三", reason: "签署", signingTime: new Date() });
    await expect(preparePdfSignature(signed, { fieldName: "Sig1", signerName: "x", reason: "y", signingTime: new Date() })).rejects.toThrow(/already exists/);
  });

  it("hashes the byte ranges exactly as the bytes outside /Contents", async () => {
    const base = await createBasePdf({ pages: 1 });
    const prepared = await preparePdfSignature(base, { fieldName: "S", signerName: "x", reason: "y", signingTime: new Date() });
    const [, b, c] = prepared.byteRange;
    const expected = createHash("sha256").update(Buffer.concat([prepared.pdf.subarray(0, b), prepared.pdf.subarray(c)])).digest();
    expect(hashByteRange(prepared.pdf, prepared.byteRange).equals(expected)).toBe(true);
  });

  it("reports a signature whose signing-certificate-v2 names another certificate (pdfsig cannot tell)", async () => {
    const base = await createBasePdf({ pages: 1 });
    const signed = await signPdf(base, pki, pki.manager, { fieldName: "Sig1", signerName: "李经理", reason: "批准", signingTime: new Date() }, { mismatchedEss: true });
    const [sig] = verifyPdfSignatures(signed, { trustAnchors: [pki.root.certificate], revocationRecords: knownGood(pki) }).signatures;
    expect(sig!.cms!.signatureValid).toBe(true);
    expect(sig!.cms!.signingCertificate).toBe("mismatch");
    expect(sig!.ok).toBe(false);
    expect(sig!.validation).toMatchObject({ indication: "INDETERMINATE", subIndication: "NO_SIGNING_CERTIFICATE_FOUND" });
    expect(runPdfsig(signed, nss, tmp.dir)[0]).toMatchObject({ signatureValid: true });
  });

  it("reports a byte range that leaves the end of its revision unsigned", async () => {
    const base = await createBasePdf({ pages: 1 });
    const signed = await signPdf(base, pki, pki.employee, { fieldName: "Sig1", signerName: "张三", reason: "签署", signingTime: new Date() }, { withTimestamp: false });
    const [sig] = inspectPdfSignatures(signed).signatures;
    const [, b, c, d] = sig!.byteRange as number[];
    const text = Buffer.from(signed).toString("latin1");
    const old = `/ByteRange [0 ${b} ${c} ${d}`;
    const shorter = `/ByteRange [0 ${b} ${c} ${d! - 40}`.padEnd(old.length, " ");
    const edited = Buffer.from(text.replace(old, shorter), "latin1");
    const report = inspectPdfSignatures(edited).signatures[0]!;
    expect(report.coverage.wellFormed).toBe(false);
    expect(report.coverage.anomalies.map((a) => a.code)).toEqual(["TAIL_UNCOVERED"]);
    expect(report.coverage.anomalies[0]!.message).toContain("not signed");
  });
});
