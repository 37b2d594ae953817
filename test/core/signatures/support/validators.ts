import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certificateDerToPem } from "../../../../src/core/signatures/pki";

/** A temporary directory removed by `cleanup`. */
export function makeTempDir(prefix = "custos-sig-"): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Creates an NSS database in `dir` that trusts `rootDer` (for pdfsig -nssdir). */
export function createNssDb(dir: string, rootDer: Uint8Array): string {
  const pem = join(dir, "root.pem");
  writeFileSync(pem, certificateDerToPem(rootDer));
  execFileSync("certutil", ["-N", "--empty-password", "-d", `sql:${dir}`]);
  execFileSync("certutil", ["-A", "-n", "root", "-t", "CT,C,C", "-i", pem, "-d", `sql:${dir}`]);
  return dir;
}

/** What pdfsig says about one signature. */
export interface PdfsigResult {
  fieldName?: string;
  commonName?: string;
  signatureValid: boolean;
  certificateTrusted: boolean;
  totalDocumentSigned: boolean;
  /** A Custos document timestamp (PAdES B-LTA): pdfsig lists it but does not verify RFC 3161 tokens. */
  documentTimestamp: boolean;
  text: string;
}

/** Runs pdfsig with the NSS database and parses its per-signature verdicts (it exits 0 even for invalid signatures). */
export function runPdfsig(pdf: Uint8Array, nssDir: string, workDir: string): PdfsigResult[] {
  const file = join(workDir, `pdfsig-${Date.now()}-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const out = spawnSync("pdfsig", ["-nssdir", `sql:${nssDir}`, file], { encoding: "utf8" });
  const text = `${out.stdout}${out.stderr}`;
  return text
    .split(/^Signature #\d+:$/m)
    .slice(1)
    .map((block) => ({
      ...(/Signature Field Name: (.*)$/m.exec(block)?.[1] ? { fieldName: /Signature Field Name: (.*)$/m.exec(block)![1]!.trim() } : {}),
      ...(/Signer Certificate Common Name: (.*)$/m.exec(block)?.[1] ? { commonName: /Signer Certificate Common Name: (.*)$/m.exec(block)![1]!.trim() } : {}),
      signatureValid: block.includes("Signature is Valid."),
      certificateTrusted: block.includes("Certificate is Trusted."),
      totalDocumentSigned: block.includes("Total document signed"),
      documentTimestamp: /Signature Field Name: Custos_DocTimeStamp_/.test(block),
      text: block,
    }));
}

/** `openssl cms -verify` of a detached CMS over `content`; returns whether it verified and the output. */
export function opensslCmsVerify(cms: Uint8Array, content: Uint8Array, rootDer: Uint8Array, workDir: string): { ok: boolean; output: string } {
  const id = Math.random().toString(36).slice(2);
  const [sig, data, ca] = ["sig.der", "data.bin", "ca.pem"].map((n) => join(workDir, `${id}-${n}`)) as [string, string, string];
  writeFileSync(sig, cms);
  writeFileSync(data, content);
  writeFileSync(ca, certificateDerToPem(rootDer));
  const r = spawnSync("openssl", ["cms", "-verify", "-binary", "-inform", "DER", "-in", sig, "-content", data, "-CAfile", ca, "-purpose", "any", "-out", "/dev/null"], { encoding: "utf8" });
  return { ok: r.status === 0 && /Verification successful/.test(r.stderr + r.stdout), output: r.stderr + r.stdout };
}

/** `openssl ts -verify` of a TimeStampToken over `data`. */
export function opensslTsVerify(token: Uint8Array, data: Uint8Array, rootDer: Uint8Array, workDir: string): { ok: boolean; output: string } {
  const id = Math.random().toString(36).slice(2);
  const [tok, dat, ca] = ["tok.der", "data.bin", "ca.pem"].map((n) => join(workDir, `${id}-${n}`)) as [string, string, string];
  writeFileSync(tok, token);
  writeFileSync(dat, data);
  writeFileSync(ca, certificateDerToPem(rootDer));
  const r = spawnSync("openssl", ["ts", "-verify", "-in", tok, "-token_in", "-data", dat, "-CAfile", ca], { encoding: "utf8" });
  return { ok: r.status === 0 && /Verification: OK/.test(r.stdout + r.stderr), output: r.stdout + r.stderr };
}

/** Text of a PDF according to poppler's pdftotext. */
export function pdfToText(pdf: Uint8Array, workDir: string): string {
  const file = join(workDir, `text-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
}

/** pdfinfo's fields (Pages, …) and its stderr, for structural checks. */
export function pdfInfo(pdf: Uint8Array, workDir: string): { fields: Record<string, string>; stderr: string; status: number | null } {
  const file = join(workDir, `info-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(file, pdf);
  const r = spawnSync("pdfinfo", [file], { encoding: "utf8" });
  const fields: Record<string, string> = {};
  for (const line of r.stdout.split("\n")) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) fields[m[1]!.trim()] = m[2]!.trim();
  }
  return { fields, stderr: r.stderr, status: r.status };
}
