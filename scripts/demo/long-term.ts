import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PDFArray, PDFDict, PDFName } from "pdf-lib";
import { inspectPdfSignatures, openPdf } from "../../src/core/signatures/pdf/index";
import { verifyPdfFile } from "../../src/core/signatures/verify-pdf-cli";
import { appendPage, contentAsMetadata, newAppearanceOnSignedWidget, overlayAsUnsignedField } from "../../test/support/pdf-attacks";

/** The signed PDFs the demo hands out, each PAdES B-LTA. */
export const LONG_TERM_FILES = ["ip-declaration-signed.pdf", "non-compete-signed.pdf", "procedure-effective.pdf", "contract-signed.pdf"] as const;

/** Attacks that leave every signed byte intact: each must make the offline verifier refuse the file. */
const ATTACKS: [string, (pdf: Uint8Array) => Uint8Array][] = [
  ["page content redefined as /Type /Metadata /Subtype /XML", (pdf) => contentAsMetadata(pdf).pdf],
  ["a new page appended", (pdf) => appendPage(pdf).pdf],
  ["a full-page overlay as the widget of a new unsigned /FT /Sig field", (pdf) => overlayAsUnsignedField(pdf).pdf],
  ["a new /AP on the signed widget", (pdf) => newAppearanceOnSignedWidget(pdf).pdf],
];

/** How many entries the DSS's array `key` holds (0 when absent). */
function dssCount(pdf: Uint8Array, key: "CRLs" | "OCSPs" | "Certs"): number {
  const file = openPdf(pdf);
  const dss = file.resolve(file.catalog()?.dict.get(PDFName.of("DSS")));
  if (!(dss instanceof PDFDict)) return 0;
  const array = file.resolve(dss.get(PDFName.of(key)));
  return array instanceof PDFArray ? array.size() : 0;
}

/**
 * pdfsig's verdict on every signature it lists, with an NSS database that trusts the demo's root.
 * `unsupported`: pdfsig (poppler 22) lists a document timestamp but cannot validate RFC 3161 tokens
 * ("Unable to validate this type of signature"); openssl ts -verify checks those.
 */
function pdfsigVerdicts(file: string, nssDir: string): { field: string; valid: boolean; trusted: boolean; unsupported: boolean }[] {
  const out = spawnSync("pdfsig", ["-nssdir", `sql:${nssDir}`, file], { encoding: "utf8" });
  return `${out.stdout}${out.stderr}`
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((block) => ({
      field: /Signature Field Name: (.*)$/m.exec(block)?.[1]?.trim() ?? "?",
      valid: block.includes("Signature is Valid."),
      trusted: block.includes("Certificate is Trusted."),
      unsupported: block.includes("Unable to validate this type of signature"),
    }));
}

/**
 * The long-term check of the signed PDFs the demo wrote, with the tools a recipient has and
 * nothing from the server: each has a DSS with CRLs or OCSP responses; ends with a document
 * timestamp whose token `openssl ts -verify` accepts over the byte ranges it covers (the root as
 * -CAfile, the TSA's certificate as -untrusted); pdfsig finds every signature valid and trusted
 * (the document timestamp it lists but cannot validate: that is openssl's part);
 * the offline verifier (`custos verify-pdf`) passes it; and every attack built from it (content
 * redefined as metadata, a page appended, an overlay as an unsigned signature field, a new
 * appearance on a signed widget) fails the offline verifier. Needs ca.pem and tsa.pem in `outDir`.
 */
export async function longTermDemo(outDir: string) {
  const ca = join(outDir, "ca.pem");
  const tsa = join(outDir, "tsa.pem");
  const work = await mkdtemp(join(tmpdir(), "custos-demo-lta-"));
  try {
    const has = (tool: string) => spawnSync("which", [tool]).status === 0;
    const nss = join(work, "nss");
    const withPdfsig = has("pdfsig") && has("certutil");
    if (withPdfsig) {
      spawnSync("mkdir", ["-p", nss]);
      const made = spawnSync("certutil", ["-N", "--empty-password", "-d", `sql:${nss}`]);
      const added = spawnSync("certutil", ["-A", "-n", "custos-root", "-t", "CT,C,C", "-i", ca, "-d", `sql:${nss}`]);
      if (made.status !== 0 || added.status !== 0) throw new Error(`certutil could not make the NSS database: ${made.stderr}${added.stderr}`);
    }
    const results = [];
    for (const name of LONG_TERM_FILES) {
      const path = join(outDir, name);
      const pdf = new Uint8Array(await readFile(path));
      const fail = (what: string) => new Error(`${name}: ${what}`);

      const crls = dssCount(pdf, "CRLs");
      const ocsps = dssCount(pdf, "OCSPs");
      if (crls + ocsps === 0) throw fail("no /DSS with CRLs or OCSP responses");

      const signatures = inspectPdfSignatures(pdf).signatures;
      const last = signatures[signatures.length - 1];
      if (last?.type !== "documentTimestamp" || !last.contents || !last.coverage.coversWholeFile) throw fail("does not end with a document timestamp over the whole file");
      const token = join(work, `${name}.tst`);
      const data = join(work, `${name}.covered`);
      await writeFile(token, last.contents);
      await writeFile(data, Buffer.concat(last.coverage.signedRanges.map(([start, end]) => pdf.subarray(start, end))));
      const ts = spawnSync("openssl", ["ts", "-verify", "-in", token, "-token_in", "-data", data, "-CAfile", ca, "-untrusted", tsa], { encoding: "utf8" });
      if (!/Verification: OK/.test(`${ts.stdout}${ts.stderr}`)) throw fail(`openssl ts -verify refuses the document timestamp: ${ts.stdout}${ts.stderr}`);

      const verdicts = withPdfsig ? pdfsigVerdicts(path, nss) : null;
      if (verdicts) {
        if (verdicts.length !== signatures.length) throw fail(`pdfsig lists ${verdicts.length} signatures, the file has ${signatures.length}`);
        const bad = verdicts.filter((v, i) =>
          signatures[i]!.type === "documentTimestamp" ? !(v.valid && v.trusted) && !v.unsupported : !v.valid || !v.trusted,
        );
        if (bad.length > 0) throw fail(`pdfsig: ${JSON.stringify(bad)}`);
      }

      const offline = await verifyPdfFile(path, ca);
      if (!offline.ok) throw fail(`the offline verifier refuses it: ${offline.checks.filter((c) => c.status === "fail").map((c) => `${c.subject}: ${c.en}`).join("; ")}`);

      const attacks = [];
      for (const [attack, build] of ATTACKS) {
        const file = join(work, `attack-${attacks.length}-${name}`);
        await writeFile(file, build(pdf));
        const report = await verifyPdfFile(file, ca);
        if (report.ok) throw fail(`the offline verifier accepts an attack: ${attack}`);
        attacks.push({ attack, refused: true, failing: report.signatures.filter((s) => !s.ok).length });
      }
      results.push({
        file: name,
        signatures: signatures.map((s) => ({ type: s.type, name: s.name ?? null, certifies: s.docMdp ? `DocMDP P=${s.docMdp}` : null })),
        dss: { crls, ocsps, certs: dssCount(pdf, "Certs") },
        documentTimestamp: "openssl ts -verify: Verification: OK",
        pdfsig: verdicts
          ? verdicts.map((v, i) => `${v.field}: ${signatures[i]!.type === "documentTimestamp" && v.unsupported ? "document timestamp, not validated by pdfsig (openssl ts above)" : "valid, trusted"}`)
          : "pdfsig not installed",
        offlineVerifier: "ok",
        attacks,
      });
    }
    return results;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
