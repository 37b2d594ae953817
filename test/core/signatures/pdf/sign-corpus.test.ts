import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PdfStructureError, inspectPdfSignatures, verifyPdfSignatures } from "../../../../src/core/signatures/pdf";
import { createTestPki, knownGood, signPdf, type TestPki } from "../support/test-pki";
import { createNssDb, makeTempDir, runPdfsig } from "../support/validators";

const CORPUS = join(process.cwd(), "test", "fixtures", "pdf");
const load = (name: string) => readFileSync(join(CORPUS, name));
const REFUSED: Record<string, string> = {
  "pyhanko-minimal-aes256.pdf": "ENCRYPTED",
  "pyhanko-minimal-rc4.pdf": "ENCRYPTED",
  "qpdf-20-pages.pdf": "ENCRYPTED",
  "qpdf-V4-aes.pdf": "ENCRYPTED",
  "qpdf-append-xref-loop.pdf": "DAMAGED_XREF",
  "qpdf-bad-xref.pdf": "DAMAGED_XREF",
  "qpdf-bad7.pdf": "DAMAGED_XREF",
  "qpdf-bad1.pdf": "NOT_PDF",
};
const signable = readdirSync(CORPUS).filter((f) => f.endsWith(".pdf") && !(f in REFUSED)).sort();

let pki: TestPki;
let nss: string;
const db = makeTempDir("custos-nss-");
beforeAll(async () => {
  pki = await createTestPki();
  nss = createNssDb(db.dir, pki.root.certificate);
});
afterAll(() => db.cleanup());

const sign = (pdf: Uint8Array) =>
  signPdf(pdf, pki, pki.employee, {
    fieldName: "CustosSig",
    signerName: "张三",
    reason: "签署 Signed",
    signingTime: new Date(),
    stamp: { pageIndex: 0, signerName: "张三", meaningZh: "签署", meaningEn: "Signed", signedAtText: "2026-11-25 14:03:12 +08:00", certificateSerial: pki.employee.serialNumber },
  });

describe("signing PDFs written by other tools", () => {
  it.each(signable)("%s: our signature validates and earlier signatures keep their verdict", async (name) => {
    const original = load(name);
    const before = runPdfsig(original, nss, db.dir);
    const signed = await sign(original);
    const after = runPdfsig(signed, nss, db.dir);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ fieldName: "CustosSig", signatureValid: true, certificateTrusted: true, totalDocumentSigned: true });
    expect(after.slice(0, -1).map((s) => s.signatureValid)).toEqual(before.map((s) => s.signatureValid));
    const ours = verifyPdfSignatures(signed, { trustAnchors: [pki.root.certificate], revocationRecords: knownGood(pki) });
    expect(ours.signatures.at(-1)).toMatchObject({ fieldName: "CustosSig", ok: true, validation: { indication: "TOTAL-PASSED" } });
    // What followed each earlier signature is only signatures (their own verdicts depend on trusting their signers).
    for (const earlier of inspectPdfSignatures(signed).signatures.slice(0, -1)) expect(earlier.changesAfter.kind).toBe("laterSignaturesOnly");
  });

  it.each(Object.entries(REFUSED))("%s is refused with %s", async (name, code) => {
    const error = await sign(load(name)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PdfStructureError);
    expect((error as PdfStructureError).code).toBe(code);
  });
});
