import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { PDFArray, PDFName, PDFRef } from "pdf-lib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beginIncrementalUpdate, listPages, openPdf, type PreparePdfSignatureOptions } from "../../src/core/signatures/pdf";
import { startHarness } from "../support/app";
import { createBasePdf } from "../core/signatures/support/base-pdf";
import { createTestPki, signPdf, withTestDss, type TestPki, type TestSigner } from "../core/signatures/support/test-pki";

/**
 * `custos verify-pdf`, run as a real process: the server's PDF verifier offline, trusting only
 * the root given with --root; exit 0 valid, 1 not valid (or no root), 2 usage or input error.
 */

const run = promisify(execFile);
// the server, for a PDF signed through Custos and the API's report of it
const h = await startHarness();
let dir: string;
let pki: TestPki;
let signedPath: string;
let btPath: string;
let editedPath: string;
let editedObject: number;
let rootPem: string;
let otherRootPem: string;

const options = (signer: TestSigner, who: string): PreparePdfSignatureOptions => ({
  fieldName: "employee",
  signerName: who,
  reason: "签署 Signed",
  signingTime: new Date(),
  stamp: { pageIndex: 0, signerName: who, meaningZh: "签署", meaningEn: "Signed", signedAtText: "2026-11-25 14:03:12 +08:00", certificateSerial: signer.serialNumber },
});

/** The first page's content stream replaced in an appended update: the signed bytes stay intact. */
function editAfterSigning(pdf: Uint8Array): { pdf: Uint8Array; object: number } {
  const file = openPdf(pdf);
  const page = listPages(file)[0]!;
  const contents = page.dict.get(PDFName.of("Contents"));
  const ref = contents instanceof PDFRef ? contents : (file.resolve(contents) as PDFArray).asArray().find((x): x is PDFRef => x instanceof PDFRef)!;
  const update = beginIncrementalUpdate(file);
  update.replace(ref, update.context.stream("BT /F1 24 Tf 50 700 Td (Pay 1000000 CNY) Tj ET"));
  return { pdf: update.write().bytes, object: ref.objectNumber };
}

async function custos(...args: string[]) {
  // no database or configuration: the command must not need them
  const env = { ...process.env, DATABASE_URL: "", CUSTOS_DATA_DIR: join(dir, "no-data-dir") };
  return run("node", ["--import", "tsx", "src/cli.ts", "verify-pdf", ...args], { env, cwd: process.cwd() }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "custos-verify-pdf-"));
  pki = await createTestPki();
  const bt = await signPdf(await createBasePdf({ pages: 2 }), pki, pki.employee, options(pki.employee, "张三"));
  btPath = join(dir, "signed-bt.pdf");
  await writeFile(btPath, bt);
  // B-LT: the DSS carries the test root's OCSP answers, produced after the signature
  const signed = withTestDss(bt, pki, new Date(Date.now() + 1000));
  signedPath = join(dir, "signed.pdf");
  await writeFile(signedPath, signed);
  const edited = editAfterSigning(signed);
  editedObject = edited.object;
  editedPath = join(dir, "edited.pdf");
  await writeFile(editedPath, edited.pdf);
  rootPem = join(dir, "root.pem");
  await writeFile(rootPem, new X509Certificate(pki.root.certificate).toString());
  otherRootPem = join(dir, "other-root.pem");
  await writeFile(otherRootPem, new X509Certificate((await createTestPki()).root.certificate).toString());
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// real processes (tsx compiling): generous on a loaded 2-core machine
describe("custos verify-pdf", { timeout: 300_000 }, () => {
  it("passes a signed PDF against its root, with a bilingual line per signature and check", async () => {
    const r = await custos(signedPath, "--root", rootPem);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/通过 PASS {2}#1 employee\n\s+签名有效（张三）：通过 TOTAL-PASSED\n\s+signature valid \(张三\): TOTAL-PASSED/);
    expect(r.stdout).toMatch(/通过 PASS .*\n.*\n\s+certificate chain: .* chains to the root you gave/);
    expect(r.stdout).toMatch(/通过 PASS .*\n.*\n\s+integrity: the signed bytes are unchanged/);
    // the DSS that follows the signature is an allowed change
    expect(r.stdout).toMatch(/通过 PASS .*\n.*\n\s+only allowed changes after signing \(laterSignaturesOnly\)/);
    expect(r.stdout).toMatch(/通过 PASS .*\n.*\n\s+revocation: not revoked \(source: an OCSP response in the DSS, issued at /);
    expect(r.stdout).toMatch(/proof of existence: .* \(the signature timestamp\)/);
    expect(r.stdout).not.toMatch(/失败 FAIL/);
    expect(r.stdout).toMatch(/结果 RESULT: 通过 PASS .* all 1 signature\(s\) valid/);
  });

  it("fails without a root, and against a root the signer does not chain to", async () => {
    const none = await custos(signedPath);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/失败 FAIL .*\n.*\n\s+certificate chain: not checked \(no --root given\)/);
    expect(none.stdout).toMatch(/结果 RESULT: 失败 FAIL .*no --root given/);

    const other = await custos(signedPath, "--root", otherRootPem);
    expect(other.code).toBe(1);
    expect(other.stdout).toMatch(/signature NOT valid \(张三\): INDETERMINATE \/ NO_CERTIFICATE_CHAIN_FOUND: .*CHAIN_UNTRUSTED/);
    expect(other.stdout).toMatch(/certificate chain: .* does not chain to the root you gave/);
    expect(other.stdout).toMatch(/revocation: not checked \(the certificate does not chain to the root you gave\)/);
    expect(other.stdout).toMatch(/1 of 1 signature\(s\) NOT valid/);
  });

  it("fails a PDF edited after signing and names the change, though the signed bytes are intact", async () => {
    const r = await custos(editedPath, "--root", rootPem);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/integrity: the signed bytes are unchanged/);
    expect(r.stdout).toMatch(new RegExp(`失败 FAIL .*\\n\\s+签署后有不允许的改动：[A-Z_]+, object ${editedObject}.*\\n\\s+changed after signing, not allowed: [A-Z_]+, object ${editedObject}`));
    expect(r.stdout).not.toMatch(/nothing changed after signing/);
    expect(r.stdout).toMatch(/signature NOT valid \(张三\): TOTAL-FAILED \/ FORMAT_FAILURE/);
  });

  it("a B-T PDF without validation data is INDETERMINATE / TRY_LATER offline: exit 1", async () => {
    const r = await custos(btPath, "--root", rootPem);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/失败 FAIL {2}#1 employee\n\s+签名无效（张三）：不确定 INDETERMINATE \/ TRY_LATER：.*\n\s+signature NOT valid \(张三\): INDETERMINATE \/ TRY_LATER: /);
    expect(r.stdout).toMatch(/revocation: TRY_LATER — the DSS holds no valid revocation information/);
    expect(r.stdout).toMatch(/integrity: the signed bytes are unchanged/);
    expect(r.stdout).toMatch(/1 of 1 signature\(s\) NOT valid/);
  });

  it("--json prints the server's report as JSON", async () => {
    const ok = await custos(signedPath, "--root", rootPem, "--json");
    expect(ok.code).toBe(0);
    const report = JSON.parse(ok.stdout) as { ok: boolean; trust: string; signatures: { ok: boolean; chain: string; signerName: string; revocation: { status: string } }[] };
    expect(report).toMatchObject({ ok: true, trust: "given" });
    expect(report.signatures).toEqual([
      expect.objectContaining({ ok: true, indication: "TOTAL-PASSED", subIndication: null, chain: "trusted", signerName: "张三", revocation: expect.objectContaining({ status: "good", source: "dss-ocsp", fresh: true }) }),
    ]);

    const edited = await custos(editedPath, "--root", rootPem, "--json");
    expect(edited.code).toBe(1);
    const bad = JSON.parse(edited.stdout) as { ok: boolean; signatures: { ok: boolean; changesAfter: { kind: string; modifications: { objectNumber: number }[] } }[] };
    expect(bad.ok).toBe(false);
    expect(bad.signatures[0]!.changesAfter.kind).toBe("otherModified");
    expect(bad.signatures[0]!.changesAfter.modifications.map((m) => m.objectNumber)).toContain(editedObject);
  });

  it("a missing file, a non-PDF, a bad root file or bad usage: exit 2 with a readable message, no stack trace", async () => {
    const textPath = join(dir, "notes.pdf");
    await writeFile(textPath, "just some text, not a PDF\n");
    const cases = [
      { args: [join(dir, "missing.pdf"), "--root", rootPem], message: /cannot read .*missing\.pdf: no such file/ },
      { args: [textPath, "--root", rootPem], message: /notes\.pdf is not a PDF file/ },
      { args: [signedPath, "--root", textPath], message: /is not a PEM certificate file/ },
      { args: [signedPath, "--root", join(dir, "missing.pem")], message: /cannot read the root certificate file/ },
      { args: [], message: /Usage: custos verify-pdf/ },
      { args: [signedPath, "--nope"], message: /Unknown option '--nope'/ },
    ];
    for (const c of cases) {
      const r = await custos(...c.args);
      expect(r.code, c.args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(c.message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("custos verify-pdf on a PDF Custos signed, and on files the server refuses", { timeout: 300_000 }, () => {
  it("passes a PDF signed through Custos against the server's published root, with the report the API gives", async () => {
    const employee = await h.user({ roles: ["ip-manager"], displayName: "王芳" });
    const client = await h.signIn(employee);
    const upload = await client.request("/api/v1/files?filename=declaration.pdf&classification=internal", {
      method: "POST",
      headers: { "content-type": "application/pdf" },
      body: new Uint8Array(await createBasePdf({ pages: 1 })),
    });
    expect(upload.status).toBe(201);
    const fileId = ((await upload.json()) as { id: string }).id;
    const created = await client.post("/api/v1/signature-requests", { title: "知识产权声明", source: { kind: "file", fileId }, signers: [{ userId: employee.id, meaning: "signed" }] });
    expect(created.status).toBe(201);
    const requestId = ((await created.json()) as { id: string }).id;
    expect((await client.readDocument(requestId)).status).toBe(200);
    expect((await client.post(`/api/v1/signature-requests/${requestId}/sign`, { pin: employee.pin, consent: true })).status).toBe(200);
    const pdf = new Uint8Array(await (await client.get(`/api/v1/signature-requests/${requestId}/document?version=final`)).arrayBuffer());
    const pdfPath = join(dir, "custos-signed.pdf");
    await writeFile(pdfPath, pdf);
    const caPath = join(dir, "custos-ca.pem");
    await writeFile(caPath, await (await h.app.request("/pki/ca.pem")).text());

    const r = await custos(pdfPath, "--root", caPath, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const offline = JSON.parse(r.stdout) as { ok: boolean; signatures: Record<string, unknown>[] };
    expect(offline.ok).toBe(true);

    // the same verifier and report as the API's; the revocation source differs (the server's record
    // online, the DSS's OCSP answers offline), and so do the words and the validation time
    const api = await client.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: pdf });
    expect(api.status).toBe(200);
    const online = (await api.json()) as { ok: boolean; signatures: Record<string, unknown>[] };
    expect(online.ok).toBe(true);
    const withoutRevocation = (list: Record<string, unknown>[]) => list.map(({ revocation: _, message: _m, reasons: _r, validationTime: _v, ...rest }) => rest);
    expect(withoutRevocation(offline.signatures)).toEqual(withoutRevocation(online.signatures));
    expect(offline.signatures.map((s) => s.indication)).toEqual(["TOTAL-PASSED", "TOTAL-PASSED"]);
    expect(offline.signatures[0]!.revocation).toMatchObject({ status: "good", source: "dss-ocsp" });
    expect(online.signatures[0]!.revocation).toMatchObject({ status: "good", source: "custos" });

    // the same file against a root that is not the server's
    expect((await custos(pdfPath, "--root", rootPem)).code).toBe(1);
  });

  it("what the server refuses (encrypted, not a PDF, no signatures even when damaged) exits 2 with the reason; a damaged signed PDF is reported not valid", async () => {
    const fixture = (name: string) => new URL(`../fixtures/pdf/${name}`, import.meta.url).pathname;
    const encrypted = await custos(fixture("pyhanko-minimal-aes256.pdf"), "--root", rootPem);
    expect(encrypted.code).toBe(2);
    expect(encrypted.stderr).toMatch(/is encrypted: its signatures cannot be checked without the password/);
    const damaged = await custos(fixture("qpdf-bad1.pdf"), "--root", rootPem);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(/is not a PDF file/);
    const unsigned = await custos(fixture("pyhanko-minimal.pdf"), "--root", rootPem);
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toMatch(/pyhanko-minimal\.pdf has no signatures to verify\n/);
    // a signed PDF cut off after its first kilobyte: no signature can be found, and it says why
    const truncatedPath = join(dir, "truncated.pdf");
    await writeFile(truncatedPath, (await readFile(signedPath)).subarray(0, 1000));
    const truncated = await custos(truncatedPath, "--root", rootPem);
    expect(truncated.code).toBe(2);
    expect(truncated.stderr).toMatch(/truncated\.pdf has no signatures to verify \(the file is damaged: XREF_DAMAGED/);
    // cut inside the appended data after the signed revision: still signed, reported and not valid, as the server does
    const cutPath = join(dir, "cut.pdf");
    await writeFile(cutPath, (await readFile(editedPath)).subarray(0, (await readFile(signedPath)).length + 40));
    const cut = await custos(cutPath, "--root", rootPem);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/signature NOT valid \(张三\)/);
    for (const r of [encrypted, damaged, unsigned, truncated, cut]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
