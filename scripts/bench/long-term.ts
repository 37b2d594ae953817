/**
 * Long-term signatures (issue 11): verifying a 100-page PDF that five people signed (B-T each,
 * then a DSS and a document timestamp: PAdES B-LTA) with Custos's verifier against `pdfsig` on the
 * same file; and what taking one signature from B-T to B-LTA costs (validation data, DSS update,
 * document timestamp) against the B-T signature alone, on the 1 MB sample PDF.
 *
 * Baselines: `pdfsig` is a separate process (poppler + NSS), so the verifier row reads the file
 * from disk too, and the note gives pdfsig's bare process start so the reader can take it off.
 * pdfsig checks each signature's digest, signature value and chain; Custos does that and the
 * change analysis of every later revision, revocation from the DSS and the proof of existence.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { certIdFor, buildOcspResponse } from "../../src/core/signatures/pki/ocsp";
import { createRsaSigner, createTimeStampToken } from "../../src/core/signatures/cms/index";
import { addDss, verifyPdfSignatures } from "../../src/core/signatures/pdf/index";
import {
  certificateDerToPem,
  createCrl,
  createRootCa,
  generateRsaKeyPair,
  issueSignerCertificate,
  issueTsaCertificate,
} from "../../src/core/signatures/pki/index";
import { addDocumentTimestamp, signPdf, type SignPdfInput } from "../../src/core/signatures/sign-pdf";
import { measureInterleaved, type Variant } from "./measure";
import { buildSamplePdf } from "./sample-pdf";
import { intOption, ratio, type ResultRow, type SuiteContext, type SuiteResult } from "./suites";

const run = promisify(execFile);
const DAY = 86_400_000;
const TSA_POLICY = "1.3.6.1.4.1.57264.1.1";
const SIGNERS = ["Zhang Wei", "Wang Fang", "Li Na", "Liu Yang", "Chen Jing"];

/** A 100-page text PDF: the size of a long procedure or a contract with annexes. */
async function buildLongPdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Annex ${p + 1}: terms of the licence agreement`, { x: 50, y: 790, size: 14, font });
    for (let line = 0; line < 40; line++) {
      page.drawText(`${p + 1}.${line + 1} The licensee shall keep records of every use of the licensed patents for ten years.`, { x: 50, y: 760 - line * 17, size: 9, font });
    }
  }
  return doc.save({ useObjectStreams: false });
}

/** Root, five signers, a TSA; each with what the DSS needs about it. */
async function createPki() {
  const now = Date.now();
  const notBefore = new Date(now - DAY);
  const root = await createRootCa({ subject: { commonName: "Custos Bench Root CA", organization: "Example Co.", country: "CN" }, notBefore, notAfter: new Date(now + 3650 * DAY) });
  const issuer = { certificate: root.certificate, privateKey: root.privateKey };
  const signers = [];
  for (const name of SIGNERS) {
    const keys = await generateRsaKeyPair(2048);
    const cert = issueSignerCertificate({ subject: { commonName: name, organization: "Example Co." }, publicKey: keys.publicKey, issuer, notBefore, notAfter: new Date(now + 1095 * DAY) });
    signers.push({ name, certificate: cert.certificate, serialNumber: cert.serialNumber, privateKey: keys.privateKey });
  }
  const tsaKeys = await generateRsaKeyPair(2048);
  const tsa = issueTsaCertificate({ subject: { commonName: "Custos Bench TSA", organization: "Example Co." }, publicKey: tsaKeys.publicKey, issuer, notBefore, notAfter: new Date(now + 3650 * DAY) });
  let serial = 1n;
  const timestamp = async (digest: Buffer) =>
    createTimeStampToken({
      messageImprint: digest,
      hashAlgorithm: "sha256",
      certReq: true,
      serialNumber: serial++,
      genTime: new Date(),
      policyOid: TSA_POLICY,
      tsaCertificate: tsa.certificate,
      chain: [root.certificate],
      sign: createRsaSigner(tsaKeys.privateKey),
    });
  return { root, issuer, signers, tsa: { certificate: tsa.certificate }, timestamp };
}

type Pki = Awaited<ReturnType<typeof createPki>>;

/** What Custos puts in the DSS: every certificate, a fresh OCSP response for each the root issued, the CRL. */
function validationData(pki: Pki, certificates: Uint8Array[]) {
  const now = new Date();
  const ocsps = certificates.map((c) =>
    buildOcspResponse({
      responder: pki.issuer,
      certificates: [pki.root.certificate],
      producedAt: now,
      nextUpdate: new Date(now.getTime() + DAY),
      answers: [{ certId: certIdFor(c, pki.root.certificate), status: { status: "good" } }],
    }),
  );
  const crl = createCrl({ issuer: pki.issuer, revoked: [], thisUpdate: now, nextUpdate: new Date(now.getTime() + DAY), crlNumber: 1 });
  return { certificates: [...certificates, pki.root.certificate], ocsps, crls: [crl] };
}

/** B-LTA from a signed PDF: DSS with the validation data of `certificates`, then a document timestamp. */
async function extendToLta(pki: Pki, pdf: Uint8Array, certificates: Uint8Array[]): Promise<Uint8Array> {
  const withDss = addDss(pdf, validationData(pki, certificates));
  return (await addDocumentTimestamp(withDss, "Custos_DocTimeStamp_1", pki.timestamp)).pdf;
}

function signInput(pki: Pki, pdf: Uint8Array, i: number, stampPage?: number): SignPdfInput {
  const s = pki.signers[i]!;
  return {
    pdf,
    fieldName: `Signature${i + 1}`,
    signerName: s.name,
    meaning: "signed",
    signingTime: new Date(),
    timeZoneOffsetMinutes: 480,
    certificate: Buffer.from(s.certificate),
    chain: [Buffer.from(pki.root.certificate)],
    privateKey: s.privateKey,
    timestamp: pki.timestamp,
    ...(stampPage === undefined ? {} : { stampPage }),
  };
}

/** pdfsig's verdicts: every signature but the document timestamp valid and trusted. */
async function checkWithPdfsig(file: string, nss: string, expected: number): Promise<string> {
  const { stdout } = await run("pdfsig", ["-nssdir", `sql:${nss}`, file]);
  const blocks = stdout.split(/^Signature #\d+:$/m).slice(1);
  if (blocks.length !== expected) throw new Error(`pdfsig found ${blocks.length} signatures, expected ${expected}:\n${stdout}`);
  const signatures = blocks.filter((b) => !/Custos_DocTimeStamp_/.test(b));
  if (!signatures.every((b) => b.includes("Signature is Valid.") && b.includes("Certificate is Trusted."))) throw new Error(`pdfsig does not accept the bench PDF:\n${stdout}`);
  return stdout;
}

/** Runs the suite. */
export async function runLongTermBench(ctx: SuiteContext): Promise<SuiteResult> {
  const runs = intOption(ctx, "runs", 20);
  const warmup = intOption(ctx, "warmup", 3);
  const pages = intOption(ctx, "pages", 100);
  const work = await mkdtemp(join(tmpdir(), "custos-bench-ltv-"));
  try {
    ctx.log(`building a ${pages}-page PDF, five B-T signatures (two with visible stamps) and the B-LTA extension …`);
    const pki = await createPki();
    let pdf = await buildLongPdf(pages);
    const unsignedBytes = pdf.length;
    for (let i = 0; i < SIGNERS.length; i++) {
      pdf = (await signPdf(signInput(pki, pdf, i, i === 1 ? 0 : i === 3 ? pages - 1 : undefined), pki.signers[i]!.serialNumber)).pdf;
    }
    pdf = await extendToLta(pki, pdf, [...pki.signers.map((s) => s.certificate), pki.tsa.certificate]);
    const file = join(work, "signed-5.pdf");
    await writeFile(file, pdf);
    const nss = join(work, "nss");
    await run("mkdir", ["-p", nss]);
    await writeFile(join(work, "root.pem"), certificateDerToPem(pki.root.certificate));
    await run("certutil", ["-N", "--empty-password", "-d", `sql:${nss}`]);
    await run("certutil", ["-A", "-n", "root", "-t", "CT,C,C", "-i", join(work, "root.pem"), "-d", `sql:${nss}`]);

    ctx.log("checking the file once with both verifiers …");
    const verify = async () => verifyPdfSignatures(await readFile(file), { trustAnchors: [pki.root.certificate] });
    const report = await verify();
    if (report.signatures.length !== SIGNERS.length + 1 || !report.signatures.every((s) => s.ok)) {
      throw new Error(`Custos does not accept the bench PDF: ${JSON.stringify(report.signatures.map((s) => ({ ok: s.ok, problems: s.cms?.problems, changes: s.changesAfter })))}`);
    }
    await checkWithPdfsig(file, nss, SIGNERS.length + 1);

    ctx.log("building the B-T and B-LTA inputs on the 1 MB sample …");
    const sample = await buildSamplePdf();
    const bt = () => signPdf(signInput(pki, sample, 0), pki.signers[0]!.serialNumber);
    const blta = async () => extendToLta(pki, (await bt()).pdf, [pki.signers[0]!.certificate, pki.tsa.certificate]);
    const checkOne = verifyPdfSignatures(await blta(), { trustAnchors: [pki.root.certificate] });
    if (checkOne.signatures.length !== 2 || !checkOne.signatures.every((s) => s.ok)) throw new Error("the B-LTA sample does not verify");

    const variants: (Variant & { label: string })[] = [
      { key: "custos-verify", label: `Custos verifyPdfSignatures — ${pages} pages, 5 signatures + document timestamp (file read included)`, run: verify },
      { key: "pdfsig", label: "pdfsig -nssdir on the same file (new process each run)", run: () => run("pdfsig", ["-nssdir", `sql:${nss}`, file]) },
      { key: "pdfsig-start", label: "  reference: pdfsig -v (process start only)", run: () => run("pdfsig", ["-v"]) },
      { key: "sign-bt", label: "Custos signPdf B-T, 1 MB PDF", run: bt },
      { key: "sign-blta", label: "Custos signPdf B-T, then DSS (2 OCSP + CRL) and document timestamp: B-LTA", run: blta },
    ];
    ctx.log(`timing ${variants.length} variants: ${warmup} warm-up, ${runs} timed runs each, alternating …`);
    const timings = await measureInterleaved(variants, { warmup, runs, rounds: Math.min(runs, 5), settle: 1 });
    const med = (key: string) => timings.get(key)!.medianMs;
    const rows: ResultRow[] = variants.map((v) => ({ key: v.key, label: v.label, timing: timings.get(v.key)! }));
    const perSignature = (med("custos-verify") / (SIGNERS.length + 1)).toFixed(1);
    return {
      name: "long-term",
      description: "verify a 100-page PDF with 5 signatures (B-LTA) against pdfsig; sign to B-LTA against B-T",
      parameters: {
        pages,
        "unsigned bytes": unsignedBytes,
        "signed bytes": pdf.length,
        signatures: `${SIGNERS.length} (B-T, 2 visible) + DSS + document timestamp`,
        "timed runs per variant": runs,
        node: process.version,
        pdfsig: (await run("pdfsig", ["-v"]).catch((e: { stderr?: string }) => ({ stdout: "", stderr: e.stderr ?? "" }))).stderr.split("\n")[0] ?? "",
      },
      rows,
      ratios: [
        ratio("verify-vs-pdfsig", "Custos verify / pdfsig (same file)", "median(custos-verify) / median(pdfsig)", med("custos-verify") / med("pdfsig"), "<=", 2),
        ratio("blta-vs-bt", "B-LTA / B-T (one signature, 1 MB)", "median(sign-blta) / median(sign-bt)", med("sign-blta") / med("sign-bt"), "<=", 3),
      ],
      notes: [
        `pdfsig's bare process start is ${med("pdfsig-start").toFixed(1)} ms of its ${med("pdfsig").toFixed(1)} ms; without it the ratio would be ${(med("custos-verify") / Math.max(0.1, med("pdfsig") - med("pdfsig-start"))).toFixed(2)}×.`,
        `Custos spends ${perSignature} ms per signature; beyond what pdfsig checks it analyses every later revision object by object (the change analysis) and reads revocation from the DSS.`,
        `B-LTA adds ${(med("sign-blta") - med("sign-bt")).toFixed(1)} ms to a B-T signature: two OCSP responses and a CRL (three RSA signatures), the DSS update, and a document timestamp (hash of the file + one RSA signature). In the service the OCSP and CRL come from Custos's own responder in the same way.`,
      ],
    };
  } finally {
    if (!process.env.KEEP_BENCH) await rm(work, { recursive: true, force: true });
  }
}
