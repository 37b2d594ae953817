import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inspectPdfSignatures, verifyPdfSignatures, type PdfVerification } from "../../../../src/core/signatures/pdf";

const CORPUS = join(process.cwd(), "test", "fixtures", "pdf");
const files = readdirSync(CORPUS).filter((f) => f.endsWith(".pdf")).sort();
const load = (name: string) => readFileSync(join(CORPUS, name));
const verify = (name: string): PdfVerification => verifyPdfSignatures(load(name), { trustAnchors: [] });
const codes = (r: PdfVerification, i: number) => r.signatures[i]!.coverage.anomalies.map((a) => a.code);

describe("the PDF corpus", () => {
  it("has the files the README describes", () => {
    expect(files.length).toBeGreaterThanOrEqual(26);
  });

  it.each(files)("%s goes through the inspector and the CMS verifier without throwing", (name) => {
    const bytes = load(name);
    const report = verifyPdfSignatures(bytes, { trustAnchors: [] });
    expect(report.fileLength).toBe(bytes.length);
    for (const s of report.signatures) {
      expect(s.ok).toBe(false); // nothing in the corpus chains to our (empty) trust anchors
      if (s.cms) expect(Array.isArray(s.cms.problems)).toBe(true);
      // each gets an ETSI verdict naming why, never TOTAL-PASSED
      expect(["TOTAL-FAILED", "INDETERMINATE"]).toContain(s.validation.indication);
      expect(s.validation.subIndication).not.toBeNull();
      expect(s.validation.message.en.length).toBeGreaterThan(0);
    }
    // Truncations and single-byte damage must not make it throw either.
    for (const cut of [bytes.length >> 1, bytes.length - 7, 1024]) expect(() => inspectPdfSignatures(bytes.subarray(0, cut))).not.toThrow();
    const flipped = Buffer.from(bytes);
    flipped[flipped.length >> 1] = flipped[flipped.length >> 1]! ^ 0xff;
    expect(() => verifyPdfSignatures(flipped, { trustAnchors: [] })).not.toThrow();
    // the validation reads the DSS of damaged files too
    for (const cut of [bytes.length >> 1, bytes.length - 7]) expect(() => verifyPdfSignatures(bytes.subarray(0, cut), { trustAnchors: [] })).not.toThrow();
  });

  it("recognises what is not a PDF and what is encrypted", () => {
    expect(inspectPdfSignatures(load("qpdf-bad1.pdf"))).toMatchObject({ isPdf: false, signatures: [] });
    expect(inspectPdfSignatures(load("qpdf-bad1.pdf")).problems[0]!.code).toBe("NOT_PDF");
    for (const name of ["pyhanko-minimal-rc4.pdf", "pyhanko-minimal-aes256.pdf", "qpdf-V4-aes.pdf"]) {
      const r = inspectPdfSignatures(load(name));
      expect(r.encrypted).toBe(true);
      expect(r.problems.map((p) => p.code)).toContain("ENCRYPTED");
    }
    expect(inspectPdfSignatures(load("pyhanko-minimal.pdf")).encrypted).toBe(false);
    expect(inspectPdfSignatures(new Uint8Array(0)).problems[0]!.code).toBe("EMPTY");
  });

  it("survives broken structure: damaged xref, xref loops, page-tree loops, damaged streams", () => {
    for (const name of ["qpdf-bad-xref.pdf", "qpdf-bad7.pdf", "qpdf-append-xref-loop.pdf"]) {
      expect(inspectPdfSignatures(load(name)).problems.map((p) => p.code)).toContain("XREF_DAMAGED");
    }
    for (const name of ["pyhanko-circular-page-tree.pdf", "qpdf-pages-loop.pdf", "qpdf-damaged-stream.pdf", "pyhanko-minimal-badxref.pdf", "qpdf-xref-errors.pdf"]) {
      const r = inspectPdfSignatures(load(name));
      expect(r.isPdf).toBe(true);
      expect(r.signatures).toEqual([]);
    }
    expect(inspectPdfSignatures(load("qpdf-incremental-1.pdf")).revisions).toHaveLength(3);
  });

  it("finds signatures made by other tools and verifies their CMS", () => {
    const one = verify("node-signpdf-signed.pdf");
    expect(one.signatures).toHaveLength(1);
    expect(one.signatures[0]).toMatchObject({ fieldName: "Signature1", subFilter: "adbe.pkcs7.detached" });
    expect(one.signatures[0]!.coverage).toMatchObject({ wellFormed: true, coversWholeFile: true });
    expect(one.signatures[0]!.cms).toMatchObject({ signatureValid: true, messageDigestMatches: true });
    expect(one.signatures[0]!.cms!.chain.status).toBe("unknownIssuer");

    const twice = verify("node-signpdf-signed-twice.pdf");
    expect(twice.signatures.map((s) => s.fieldName)).toEqual(["Signature1", "Signature2"]);
    expect(twice.signatures.map((s) => s.revision)).toEqual([1, 2]);
    expect(twice.signatures[0]!.changesAfter.kind).toBe("laterSignaturesOnly");
    expect(twice.signatures[1]!.changesAfter.kind).toBe("none");
    expect(twice.signatures.every((s) => s.cms!.signatureValid && s.cms!.messageDigestMatches)).toBe(true);

    // (the change analysis alone: verified without trust anchors, the second signer's stamp would count against the first)
    const pyhanko = inspectPdfSignatures(load("pyhanko-minimal-two-fields-signed-twice.pdf"));
    expect(pyhanko.signatures).toHaveLength(2);
    expect(pyhanko.signatures[0]!.changesAfter.kind).toBe("laterSignaturesOnly");
    expect(verify("pyhanko-minimal-two-fields-signed-twice.pdf").signatures.every((s) => s.cms!.messageDigestMatches && s.coverage.wellFormed)).toBe(true);

    const qpdf = verify("qpdf-digitally-signed.pdf");
    expect(qpdf.signatures).toHaveLength(1);
    expect(qpdf.signatures[0]!.cms!.signatureValid).toBe(true);

    const noAttrs = verify("pyhanko-sig-no-signed-attrs.pdf");
    expect(noAttrs.signatures[0]!.cms).toMatchObject({ signatureValid: true, messageDigestMatches: true });
    expect(noAttrs.signatures[0]!.cms!.problems.map((p) => p.code)).toContain("SIGNED_ATTRIBUTES_ABSENT");
  });

  it("reports an unsigned placeholder as a signature without a CMS", () => {
    const r = verify("node-signpdf-with-placeholder.pdf");
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0]!.contents).toBeUndefined();
    expect(codes(r, 0)).toEqual(["BYTE_RANGE_MALFORMED"]);
  });

  it("names the coverage anomalies", () => {
    expect(codes(verify("pyhanko-coverage-anomalies-base.pdf"), 0)).toEqual([]);
    expect(codes(verify("pyhanko-coverage-anomalies-one-byterange.pdf"), 0)).toEqual(["BYTE_RANGE_MALFORMED"]);
    expect(codes(verify("pyhanko-coverage-anomalies-tail-uncovered.pdf"), 0)).toEqual(["TAIL_UNCOVERED"]);
    expect(codes(verify("pyhanko-coverage-anomalies-signature-gap-too-big.pdf"), 0)).toEqual(["GAP_NOT_CONTENTS", "TAIL_UNCOVERED"]);
    const gap = verify("pyhanko-coverage-anomalies-signature-gap-too-big.pdf").signatures[0]!.coverage.anomalies[0]!;
    expect(gap.message).toMatch(/larger than \/Contents/);
    const weird = verify("pyhanko-coverage-anomalies-weird-byterange.pdf").signatures[0]!;
    expect(weird.coverage.anomalies.map((a) => a.code)).toContain("GAP_NOT_CONTENTS");
    // The CMS really is over those few bytes: mathematically valid, yet it protects almost nothing.
    expect(weird.cms!.messageDigestMatches).toBe(true);
    expect(weird.ok).toBe(false);
  });
});
