import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { PDFArray, PDFDict, PDFName, PDFRawStream } from "pdf-lib";
import { signatureRequests, signatures } from "../../../../src/db/schema/signatures";
import { openPdf } from "../../../../src/core/signatures/pdf/pdf-file";
import { inspectPdfSignatures } from "../../../../src/core/signatures/pdf/index";
import { certificatePemToDer } from "../../../../src/core/signatures/pki/index";
import { startHarness, type Client, type TestUser } from "../../../support/app";
import { createBasePdf } from "../support/base-pdf";
import { createNssDb, makeTempDir, runPdfsig } from "../support/validators";

/** PAdES B-LTA at the end of a signature request: DSS with validation data, then a document timestamp. */
const h = await startHarness();
const tmp = makeTempDir("custos-ltv-");
afterAll(() => tmp.cleanup());

const manager = await h.user({ roles: ["ip-manager"], displayName: "王芳" });
const employee = await h.user({ roles: ["employee"], displayName: "张伟" });
const managerClient = await h.signIn(manager);
const employeeClient = await h.signIn(employee);

async function completeRequest(): Promise<{ id: string; pdf: Uint8Array; sha256: string }> {
  const upload = await managerClient.request("/api/v1/files?filename=d.pdf&classification=internal", {
    method: "POST",
    headers: { "content-type": "application/pdf" },
    body: new Uint8Array(await createBasePdf({ pages: 1 })),
  });
  const fileId = ((await upload.json()) as { id: string }).id;
  const created = await managerClient.post("/api/v1/signature-requests", {
    title: "保密协议",
    source: { kind: "file", fileId },
    signers: [
      { userId: employee.id, meaning: "signed" },
      { userId: manager.id, meaning: "approved" },
    ],
  });
  const id = ((await created.json()) as { id: string }).id;
  for (const [client, user] of [
    [employeeClient, employee],
    [managerClient, manager],
  ] as [Client, TestUser][]) {
    expect((await client.readDocument(id)).status).toBe(200);
    const signed = await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: user.pin, consent: true });
    expect(signed.status).toBe(200);
  }
  const final = await employeeClient.get(`/api/v1/signature-requests/${id}/document?version=final`);
  expect(final.status).toBe(200);
  const pdf = new Uint8Array(await final.arrayBuffer());
  return { id, pdf, sha256: createHash("sha256").update(pdf).digest("hex") };
}

const done = await completeRequest();
const root = certificatePemToDer(await (await h.app.request("/pki/ca.pem")).text());

describe("PAdES B-LTA after the last signature", () => {
  it("adds a DSS with every certificate, an OCSP response for each certificate the root issued, and the CRL", () => {
    const file = openPdf(done.pdf);
    const dss = file.resolve(file.catalog()!.dict.get(PDFName.of("DSS")));
    expect(dss).toBeInstanceOf(PDFDict);
    const streams = (key: string) => {
      const array = file.resolve((dss as PDFDict).get(PDFName.of(key)));
      expect(array).toBeInstanceOf(PDFArray);
      return (array as PDFArray).asArray().map((r) => Buffer.from((file.resolve(r) as PDFRawStream).getContents()));
    };
    const certs = streams("Certs");
    // two signers, the TSA and the root
    expect(certs.length).toBe(4);
    const ocsps = streams("OCSPs");
    expect(ocsps.length).toBe(3);
    const crls = streams("CRLs");
    expect(crls.length).toBe(1);
    const caPem = join(tmp.dir, "ca.pem");
    writeFileSync(caPem, `-----BEGIN CERTIFICATE-----\n${root.toString("base64")}\n-----END CERTIFICATE-----\n`);
    for (const [i, ocsp] of ocsps.entries()) {
      const f = join(tmp.dir, `ocsp-${i}.der`);
      writeFileSync(f, ocsp);
      const r = spawnSync("openssl", ["ocsp", "-respin", f, "-CAfile", caPem, "-resp_text"], { encoding: "utf8" });
      expect(`${r.stdout}${r.stderr}`).toContain("Response verify OK");
      expect(r.stdout).toContain("Cert Status: good");
    }
    const crlFile = join(tmp.dir, "dss.crl");
    writeFileSync(crlFile, crls[0]!);
    expect(spawnSync("openssl", ["crl", "-inform", "DER", "-in", crlFile, "-CAfile", caPem, "-noout"], { encoding: "utf8" }).status).toBe(0);
  });

  it("ends with a document timestamp over the whole file that openssl ts -verify accepts", () => {
    const inspected = inspectPdfSignatures(done.pdf).signatures;
    const last = inspected[inspected.length - 1]!;
    expect(last.type).toBe("documentTimestamp");
    expect(last.subFilter).toBe("ETSI.RFC3161");
    expect(last.coverage.coversWholeFile).toBe(true);
    const data = Buffer.concat(last.coverage.signedRanges.map(([s, e]) => done.pdf.subarray(s, e)));
    const dataFile = join(tmp.dir, "covered.bin");
    const tokenFile = join(tmp.dir, "token.der");
    const caPem = join(tmp.dir, "ca.pem");
    writeFileSync(dataFile, data);
    writeFileSync(tokenFile, last.contents!);
    writeFileSync(caPem, `-----BEGIN CERTIFICATE-----\n${root.toString("base64")}\n-----END CERTIFICATE-----\n`);
    const ok = spawnSync("openssl", ["ts", "-verify", "-data", dataFile, "-in", tokenFile, "-token_in", "-CAfile", caPem], { encoding: "utf8" });
    expect(`${ok.stdout}${ok.stderr}`).toContain("Verification: OK");
    // one byte of the covered data changed: openssl refuses the token
    data[100] = data[100]! ^ 1;
    writeFileSync(dataFile, data);
    const bad = spawnSync("openssl", ["ts", "-verify", "-data", dataFile, "-in", tokenFile, "-token_in", "-CAfile", caPem], { encoding: "utf8" });
    expect(`${bad.stdout}${bad.stderr}`).not.toContain("Verification: OK");
  });

  it("pdfsig still finds every signature valid and trusted", () => {
    const nss = createNssDb(tmp.dir, root);
    const verdicts = runPdfsig(done.pdf, nss, tmp.dir);
    expect(verdicts).toHaveLength(3);
    // pdfsig lists the document timestamp but does not verify RFC 3161 tokens (openssl ts does, above)
    const signers = verdicts.filter((v) => v.commonName === "张伟" || v.commonName === "王芳");
    expect(signers).toHaveLength(2);
    for (const v of signers) {
      expect(v.signatureValid, v.text).toBe(true);
      expect(v.certificateTrusted, v.text).toBe(true);
    }
  });

  it("our verifier passes every signature and the document timestamp, allowing the DSS and the timestamp after the signatures", async () => {
    const res = await employeeClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(done.pdf) });
    const report = (await res.json()) as { ok: boolean; held: { as: string | null }; signatures: { ok: boolean; subFilter: string | null; changesAfter: { kind: string; modifications: unknown[]; details: string[] } }[] };
    expect(report.ok).toBe(true);
    expect(report.signatures.map((s) => s.ok)).toEqual([true, true, true]);
    const etsi = report.signatures as unknown as { indication: string; subIndication: string | null; proofOfExistence: string | null; revocation: { source: string } }[];
    expect(etsi.map((s) => [s.indication, s.subIndication, s.proofOfExistence, s.revocation.source])).toEqual([
      ["TOTAL-PASSED", null, "signature-timestamp", "custos"],
      ["TOTAL-PASSED", null, "signature-timestamp", "custos"],
      // the last document timestamp has no later proof: it is judged now; its TSA is ours
      ["TOTAL-PASSED", null, null, "custos"],
    ]);
    expect(report.signatures[2]!.subFilter).toBe("ETSI.RFC3161");
    expect(report.signatures[1]!.changesAfter.kind).toBe("laterSignaturesOnly");
    expect(report.signatures[1]!.changesAfter.modifications).toEqual([]);
    expect(report.signatures[1]!.changesAfter.details.join("\n")).toMatch(/DSS/);
    expect(report.held.as).toBe("signed-result");
  });

  it("records the final B-LTA file's hash as the request's result and the last signature's result", async () => {
    const [request] = await h.deps.db.select().from(signatureRequests).where(eq(signatureRequests.id, done.id));
    expect(request!.finalSha256).toBe(done.sha256);
    const rows = await h.deps.db.select().from(signatures).where(eq(signatures.requestId, done.id));
    expect(rows.map((r) => r.sha256After)).toContain(done.sha256);
  });

  it("a change hidden after the document timestamp is still caught", async () => {
    // append a revision that redefines the page's content stream
    const text = Buffer.from(done.pdf).toString("latin1");
    const contentsRef = /\/Contents (\d+) 0 R/.exec(text)!;
    const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1];
    const n = Number(contentsRef[1]);
    const body = "BT /F1 24 Tf 72 700 Td (Pay 1000000 CNY) Tj ET";
    const obj = `${n} 0 obj\n<< /Length ${body.length} >>\nstream\n${body}\nendstream\nendobj\n`;
    const offset = done.pdf.length;
    const xrefAt = offset + obj.length;
    const size = /\/Size (\d+)/.exec(text.slice(text.lastIndexOf("/Size")))![1];
    const rootRef = /\/Root (\d+ \d+ R)/.exec(text.slice(text.lastIndexOf("/Root")))![1];
    const xref = `xref\n${n} 1\n${String(offset).padStart(10, "0")} 00000 n\r\ntrailer\n<< /Size ${size} /Root ${rootRef} /Prev ${startxref} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
    const tampered = Buffer.concat([Buffer.from(done.pdf), Buffer.from(obj + xref, "latin1")]);
    const res = await employeeClient.request("/api/v1/signatures/verify", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(tampered) });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { ok: boolean; signatures: { ok: boolean; changesAfter: { modifications: { objectNumber: number | null; usedFor: string | null }[] } }[] };
    expect(report.ok).toBe(false);
    expect(report.signatures.every((s) => !s.ok)).toBe(true);
    expect((report.signatures as unknown as { indication: string; subIndication: string }[]).map((s) => `${s.indication}/${s.subIndication}`)).toEqual([
      "TOTAL-FAILED/FORMAT_FAILURE",
      "TOTAL-FAILED/FORMAT_FAILURE",
      "TOTAL-FAILED/FORMAT_FAILURE",
    ]);
    // the document timestamp and the last signature name the redefined content stream
    for (const s of report.signatures.slice(1)) {
      expect(s.changesAfter.modifications).toEqual(expect.arrayContaining([expect.objectContaining({ objectNumber: n, usedFor: expect.stringMatching(/content stream of page/) })]));
    }
  });
});
