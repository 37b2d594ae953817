/**
 * Signing a 1 MB PDF three ways with the same RSA-2048 key and certificate: Custos `signPdf` (the
 * production pipeline), `openssl cms -sign` on the same bytes (a separate process, start-up
 * included: that is what calling it costs), and @signpdf/signpdf with signer-p12 over
 * placeholder-plain. Every output is verified once before anything is timed.
 */
import { execFile } from "node:child_process";
import { createHash, sign as rsaSign } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { plainAddPlaceholder } from "@signpdf/placeholder-plain";
import { P12Signer } from "@signpdf/signer-p12";
import { SignPdf } from "@signpdf/signpdf";
import forge from "node-forge";
import { buildCadesSignedData, createRsaSigner, createTimeStampToken } from "../../src/core/signatures/cms/index";
import { embedCmsSignature, hashByteRange, preparePdfSignature, verifyPdfSignatures } from "../../src/core/signatures/pdf/index";
import {
  certificateDerToPem,
  createRootCa,
  exportPrivateKeyPem,
  generateRsaKeyPair,
  issueSignerCertificate,
  issueTsaCertificate,
} from "../../src/core/signatures/pki/index";
import { readCertificate } from "../../src/core/signatures/pki/read-certificate";
import { signPdf, type SignPdfInput } from "../../src/core/signatures/sign-pdf";
import { measureInterleaved, type Timing, type Variant } from "./measure";
import { buildSamplePdf } from "./sample-pdf";
import { intOption, ratio, type ResultRow, type SuiteContext, type SuiteResult } from "./suites";

const run = promisify(execFile);
const DAY = 86_400_000;
const TSA_POLICY = "1.3.6.1.4.1.57264.1.1";
const P12_PASSPHRASE = "custos-bench";

/**
 * Root CA, one signer (the key every variant signs with) and a TSA for the B-T row. The names are
 * ASCII on purpose: node-forge (under @signpdf/signer-p12) encodes a UTF-8 issuer name twice in
 * the SignerInfo, so with Chinese names its CMS no longer names its own certificate
 * (digitalbazaar/forge#847) and the comparison would time a signature nobody can verify.
 */
async function createBenchPki() {
  const now = Date.now();
  const notBefore = new Date(now - DAY);
  const root = await createRootCa({
    subject: { commonName: "Custos Bench Root CA", organization: "Example Technology Co., Ltd.", country: "CN" },
    notBefore,
    notAfter: new Date(now + 3650 * DAY),
  });
  const issuer = { certificate: root.certificate, privateKey: root.privateKey };
  const signerKeys = await generateRsaKeyPair(2048);
  const signer = issueSignerCertificate({
    subject: { commonName: "Zhang San", organization: "Example Technology Co., Ltd.", organizationalUnit: "R&D" },
    publicKey: signerKeys.publicKey,
    issuer,
    notBefore,
    notAfter: new Date(now + 365 * DAY),
  });
  const tsaKeys = await generateRsaKeyPair(2048);
  const tsa = issueTsaCertificate({
    subject: { commonName: "Custos Bench TSA", organization: "Example Technology Co., Ltd." },
    publicKey: tsaKeys.publicKey,
    issuer,
    notBefore,
    notAfter: new Date(now + 3650 * DAY),
  });
  return { root, signer: { ...signer, privateKey: signerKeys.privateKey }, tsa: { ...tsa, privateKey: tsaKeys.privateKey } };
}

type BenchPki = Awaited<ReturnType<typeof createBenchPki>>;

/** The same key and certificates as a PKCS#12 file (3DES, as most tools still exchange them). */
function buildP12(pki: BenchPki): Buffer {
  const key = forge.pki.privateKeyFromPem(exportPrivateKeyPem(pki.signer.privateKey));
  const certs = [pki.signer.certificate, pki.root.certificate].map((der) => forge.pki.certificateFromPem(certificateDerToPem(der)));
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, certs, P12_PASSPHRASE, { algorithm: "3des" });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary");
}

function fail(what: string, detail: unknown): never {
  throw new Error(`${what} did not produce a valid signature: ${typeof detail === "string" ? detail : JSON.stringify(detail, null, 2)}`);
}

/** Our verifier must call a Custos signature fully valid (CMS, chain to our root, coverage; the issuer's record says not revoked). */
function checkCustosPdf(label: string, signed: Uint8Array, pki: BenchPki, expectTimestamp: boolean): void {
  const revocationRecords = new Map([[readCertificate(pki.signer.certificate).serialNumber, { revokedAt: null, revocationReason: null }]]);
  const report = verifyPdfSignatures(signed, { trustAnchors: [pki.root.certificate], revocationRecords });
  const sig = report.signatures[0];
  if (report.signatures.length !== 1 || !sig?.ok) fail(label, sig ? { validation: sig.validation, problems: sig.cms?.problems, coverage: sig.coverage } : report);
  if (!sig.coverage.coversWholeFile) fail(label, "the signature does not cover the whole file");
  if (expectTimestamp !== Boolean(sig.cms?.timestamp)) fail(label, `timestamp ${expectTimestamp ? "missing" : "unexpected"}`);
}

/** Runs the suite. */
export async function runSigningBench(ctx: SuiteContext): Promise<SuiteResult> {
  const runs = intOption(ctx, "runs", 30);
  const warmup = intOption(ctx, "warmup", 20);
  const rounds = intOption(ctx, "rounds", 3);
  const settle = intOption(ctx, "settle", 20);
  const work = await mkdtemp(join(tmpdir(), "custos-bench-sign-"));
  try {
    ctx.log("building the 1 MB PDF and the PKI …");
    const pdf = await buildSamplePdf();
    const pdfBuffer = Buffer.from(pdf);
    const pki = await createBenchPki();
    const p12 = buildP12(pki);
    const files = {
      pdf: join(work, "document.pdf"),
      cert: join(work, "signer.pem"),
      key: join(work, "signer.key"),
      root: join(work, "root.pem"),
      sig: join(work, "sig.der"),
    };
    await writeFile(files.pdf, pdf);
    await writeFile(files.cert, certificateDerToPem(pki.signer.certificate));
    await writeFile(files.key, exportPrivateKeyPem(pki.signer.privateKey), { mode: 0o600 });
    await writeFile(files.root, certificateDerToPem(pki.root.certificate));

    let tokenSerial = 1n;
    const timestamp = (digest: Buffer) =>
      createTimeStampToken({
        messageImprint: digest,
        hashAlgorithm: "sha256",
        certReq: true,
        serialNumber: tokenSerial++,
        genTime: new Date(),
        policyOid: TSA_POLICY,
        tsaCertificate: pki.tsa.certificate,
        chain: [pki.root.certificate],
        sign: createRsaSigner(pki.tsa.privateKey),
      });
    const custosInput = (): SignPdfInput => ({
      pdf,
      fieldName: "Signature1",
      signerName: "张三",
      meaning: "approved",
      signingTime: new Date(),
      timeZoneOffsetMinutes: 480,
      certificate: pki.signer.certificate,
      chain: [pki.root.certificate],
      privateKey: pki.signer.privateKey,
      location: "北京",
    });
    const custosBb = () => signPdf(custosInput(), pki.signer.serialNumber);
    const custosBt = () => signPdf({ ...custosInput(), timestamp }, pki.signer.serialNumber);
    const custosStamp = () => signPdf({ ...custosInput(), stampPage: 0 }, pki.signer.serialNumber);
    const opensslArgs = ["cms", "-sign", "-binary", "-md", "sha256", "-nosmimecap", "-outform", "DER", "-signer", files.cert, "-inkey", files.key, "-in", files.pdf, "-out", files.sig];
    const opensslSign = () => run("openssl", opensslArgs);
    const signpdf = new SignPdf();
    const signpdfSign = () => {
      const withPlaceholder = plainAddPlaceholder({ pdfBuffer, reason: "Approved", contactInfo: "", name: "Zhang San", location: "Beijing" });
      return signpdf.sign(withPlaceholder, new P12Signer(p12, { passphrase: P12_PASSPHRASE }));
    };

    ctx.log("checking every variant's output once (these first calls are timed as cold runs) …");
    const cold = new Map<string, number>();
    const firstCall = async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const result = await fn();
      cold.set(key, performance.now() - t0);
      return result;
    };
    checkCustosPdf("Custos signPdf (B-B)", (await firstCall("custos-bb", custosBb)).pdf, pki, false);
    checkCustosPdf("Custos signPdf (B-T)", (await firstCall("custos-bt", custosBt)).pdf, pki, true);
    checkCustosPdf("Custos signPdf (visible stamp)", (await firstCall("custos-stamp", custosStamp)).pdf, pki, false);
    await firstCall("openssl", opensslSign);
    try {
      const { stderr } = await run("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", files.sig, "-content", files.pdf, "-CAfile", files.root, "-purpose", "any", "-out", "/dev/null"]);
      if (!/Verification successful/.test(stderr)) fail("openssl cms -sign", stderr);
    } catch (error) {
      fail("openssl cms -sign", (error as { stderr?: string }).stderr ?? String(error));
    }
    const opensslSigBytes = (await readFile(files.sig)).length;
    const signpdfOut = await firstCall("signpdf", signpdfSign);
    const signpdfReport = verifyPdfSignatures(signpdfOut, { trustAnchors: [pki.root.certificate] }).signatures[0];
    if (!signpdfReport?.cms?.signatureValid || !signpdfReport.cms.messageDigestMatches || !signpdfReport.coverage.coversWholeFile) {
      fail("@signpdf/signpdf", signpdfReport?.cms?.problems ?? "no signature found");
    }

    // The floor any PDF signer pays in process: hash the file once, sign the digest once.
    const floor = async () => rsaSign("sha256", createHash("sha256").update(pdf).digest(), pki.signer.privateKey);
    const variants: (Variant & { label: string })[] = [
      { key: "floor", label: "floor: node:crypto SHA-256 of the file + one RSA-2048 signature (in process)", run: floor },
      { key: "custos-bb", label: "Custos signPdf — invisible, B-B", run: custosBb },
      { key: "openssl", label: "openssl cms -sign (new process each run)", run: opensslSign },
      { key: "signpdf", label: "@signpdf placeholder-plain + signpdf + signer-p12", run: signpdfSign },
      { key: "custos-bt", label: "Custos signPdf — invisible, B-T (in-process TSA)", run: custosBt },
      { key: "custos-stamp", label: "Custos signPdf — visible stamp (page 1), B-B", run: custosStamp },
    ];
    ctx.log(`timing ${variants.length} variants: ${warmup} warm-up, then ${runs} timed runs each in ${rounds} rounds, every block after ${settle} settle runs …`);
    const timings = await measureInterleaved(variants, { warmup, runs, rounds, settle, onRound: (r) => ctx.log(`  round ${r}/${rounds}`) });

    // Where Custos' time goes: the same pipeline, stage by stage, on the same inputs.
    const prepareOptions = {
      fieldName: "Signature1",
      signerName: "张三",
      reason: "批准 Approved",
      location: "北京",
      signingTime: new Date(),
      timeZoneOffsetMinutes: 480,
    };
    const prepared = await preparePdfSignature(pdf, prepareOptions);
    const digest = hashByteRange(prepared.pdf, prepared.byteRange);
    const buildCms = () =>
      buildCadesSignedData({ digest, signerCertificate: pki.signer.certificate, certificates: [pki.root.certificate], sign: createRsaSigner(pki.signer.privateKey) });
    const cms = await buildCms();
    const withPlaceholder = plainAddPlaceholder({ pdfBuffer, reason: "Approved", contactInfo: "", name: "Zhang San", location: "Beijing" });
    const stages: (Variant & { label: string })[] = [
      { key: "custos-bb:prepare", label: "  Custos stage: preparePdfSignature", run: () => preparePdfSignature(pdf, prepareOptions) },
      { key: "custos-bb:hash", label: "  Custos stage: hashByteRange (SHA-256, ~1 MB)", run: async () => hashByteRange(prepared.pdf, prepared.byteRange) },
      { key: "custos-bb:cms", label: "  Custos stage: buildCadesSignedData (RSA sign)", run: buildCms },
      { key: "custos-bb:embed", label: "  Custos stage: embedCmsSignature", run: async () => embedCmsSignature(prepared, cms) },
      { key: "sha256-1mb", label: "  reference: node:crypto SHA-256 of the whole file", run: async () => createHash("sha256").update(pdf).digest() },
      { key: "openssl:start", label: "  openssl stage: process start only (openssl version)", run: () => run("openssl", ["version"]) },
      { key: "signpdf:placeholder", label: "  @signpdf stage: plainAddPlaceholder", run: async () => plainAddPlaceholder({ pdfBuffer, reason: "Approved", contactInfo: "", name: "Zhang San", location: "Beijing" }) },
      { key: "signpdf:sign", label: "  @signpdf stage: signpdf.sign (forge)", run: () => signpdf.sign(withPlaceholder, new P12Signer(p12, { passphrase: P12_PASSPHRASE })) },
    ];
    ctx.log(`timing ${stages.length} stages the same way …`);
    const stageTimings = await measureInterleaved(stages, { warmup, runs, rounds, settle });

    const mb = pdf.length / 1_000_000;
    const row = (v: { key: string; label: string }, t: Timing, withThroughput: boolean): ResultRow => ({
      key: v.key,
      label: v.label,
      timing: t,
      ...(withThroughput ? { throughput: { value: mb / (t.medianMs / 1000), unit: "MB/s" } } : {}),
    });
    const rows = [
      ...variants.map((v) => row(v, timings.get(v.key)!, true)),
      ...stages.map((v) => row(v, stageTimings.get(v.key)!, false)),
    ];
    const med = (key: string) => (timings.get(key) ?? stageTimings.get(key))!.medianMs;
    const delta = (ms: number) => `${ms >= 0 ? "+" : "−"}${Math.abs(ms).toFixed(1)} ms`;
    const coldOf = (key: string) => `${cold.get(key)!.toFixed(0)} ms`;
    const notes = [
      `First (cold) call in this process, before any warm-up: Custos B-B ${coldOf("custos-bb")}, B-T ${coldOf("custos-bt")}, stamp ${coldOf("custos-stamp")}, ` +
        `openssl ${coldOf("openssl")}, @signpdf ${coldOf("signpdf")}. The table is the steady state of a long-running server: the first calls pay for fresh memory (page faults) and V8's optimiser.`,
      `B-T against B-B: ${delta(med("custos-bt") - med("custos-bb"))} (a second RSA signature and the token, in process; a remote TSA adds its round trip).`,
      `Visible stamp against invisible: ${delta(med("custos-stamp") - med("custos-bb"))} (appearance stream with a subset CJK font).`,
      `Stage medians of Custos B-B add up to ${(med("custos-bb:prepare") + med("custos-bb:hash") + med("custos-bb:cms") + med("custos-bb:embed")).toFixed(1)} ms ` +
        `(prepare ${med("custos-bb:prepare").toFixed(1)}, hash ${med("custos-bb:hash").toFixed(1)}, CMS ${med("custos-bb:cms").toFixed(1)}, embed ${med("custos-bb:embed").toFixed(1)}).`,
      `The floor (${med("floor").toFixed(1)} ms) is what signing the file costs at the least in any in-process signer; openssl is listed for reference only: a bare process start (openssl version) takes ${med("openssl:start").toFixed(1)} ms, about all of its ${med("openssl").toFixed(1)} ms; its CMS is ${opensslSigBytes} bytes (detached, signer certificate only).`,
      `@signpdf: plainAddPlaceholder ${med("signpdf:placeholder").toFixed(1)} ms, sign ${med("signpdf:sign").toFixed(1)} ms (forge decrypts the .p12, hashes and signs in JavaScript).`,
      `Outputs checked once: Custos ×3 by verifyPdfSignatures (valid, trusted, whole file); openssl by openssl cms -verify; @signpdf by verifyPdfSignatures (signature valid, digest matches, whole file; chain ${signpdfReport.cms.chain.status}).`,
    ];
    return {
      name: "signing",
      description: "sign the same ~1 MB PDF with Custos, openssl cms and @signpdf (same RSA-2048 key and certificate)",
      parameters: {
        "pdf bytes": pdf.length,
        pages: 5,
        key: "RSA-2048, SHA-256",
        "warm-up runs": warmup,
        "timed runs per variant": runs,
        order: `${rounds} rounds; in each, every variant runs ${settle} untimed settle runs then its block of timed runs`,
        node: process.version,
        openssl: (await run("openssl", ["version"])).stdout.trim(),
      },
      rows,
      ratios: [
        ratio("invisible-vs-floor", "Custos invisible (B-B) / in-process floor", "median(custos-bb) / median(floor)", med("custos-bb") / med("floor"), "<=", 1.5),
        ratio("stamp-vs-floor", "Custos visible stamp (B-B) / in-process floor", "median(custos-stamp) / median(floor)", med("custos-stamp") / med("floor"), "<=", 3),
        ratio("signpdf-vs-custos", "@signpdf / Custos (B-B): how much faster Custos is", "median(signpdf) / median(custos-bb)", med("signpdf") / med("custos-bb"), ">=", 3),
      ],
      notes,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
