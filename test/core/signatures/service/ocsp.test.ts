import { execFile, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { afterAll, describe, expect, it } from "vitest";
import { contextAs, startHarness } from "../../../support/app";
import { ensurePki } from "../../../../src/core/signatures/authority";
import { openSigningIdentity } from "../../../../src/core/signatures/signer-keys";
import * as repo from "../../../../src/core/signatures/repo";
import { certificateDerToPem, createRootCa, generateRsaKeyPair, issueSignerCertificate } from "../../../../src/core/signatures/pki";
import { makeTempDir } from "../support/validators";

/**
 * The OCSP responder at /pki/ocsp, asked by `openssl ocsp` over real HTTP: the certificates the
 * root issues name it (and the CRL) under CUSTOS_PUBLIC_URL.
 */
let fetchHandler: (request: Request) => Response | Promise<Response> = () => new Response("starting", { status: 503 });
const server: ServerType = await new Promise((resolve) => {
  const s = serve({ fetch: (request) => fetchHandler(request), port: 0, hostname: "127.0.0.1" }, () => resolve(s));
});
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const h = await startHarness({ config: { publicUrl: `${baseUrl}/` } });
fetchHandler = (request) => h.app.fetch(request);
// openssl checks thisUpdate/nextUpdate against the real time
h.clock.set(new Date());
afterAll(() => new Promise<void>((r) => server.close(() => r())));
const tmp = makeTempDir("custos-ocsp-");
afterAll(() => tmp.cleanup());

async function issueFor(user: { id: string; pin: string }) {
  const pki = await ensurePki(h.deps);
  return openSigningIdentity(await contextAs(h.deps, user.id), pki, user.id, user.pin);
}

function files(name: string, signer: Uint8Array, root: Uint8Array) {
  const signerPem = join(tmp.dir, `${name}-signer.pem`);
  const caPem = join(tmp.dir, `${name}-ca.pem`);
  writeFileSync(signerPem, certificateDerToPem(signer));
  writeFileSync(caPem, certificateDerToPem(root));
  return { signerPem, caPem };
}

/** Runs openssl ocsp against the served responder (asynchronously: the server answers from this process). */
function opensslOcsp(signerPem: string, caPem: string, extra: string[] = []): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile(
      "openssl",
      ["ocsp", "-issuer", caPem, "-cert", signerPem, "-url", `${baseUrl}/pki/ocsp`, "-CAfile", caPem, "-resp_text", ...extra],
      { encoding: "utf8", timeout: 30_000 },
      (error, stdout, stderr) => resolve({ status: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

describe("certificates name the CRL and the OCSP responder", () => {
  it("a signer certificate carries the CRL distribution point and the AIA OCSP URL under CUSTOS_PUBLIC_URL", async () => {
    const identity = await issueFor(await h.user());
    const pem = join(tmp.dir, "ext.pem");
    writeFileSync(pem, certificateDerToPem(identity.certificate));
    const text = spawnSync("openssl", ["x509", "-in", pem, "-noout", "-ext", "crlDistributionPoints,authorityInfoAccess"], { encoding: "utf8" }).stdout;
    expect(text).toContain(`URI:${baseUrl}/pki/crl`);
    expect(text).toContain(`OCSP - URI:${baseUrl}/pki/ocsp`);
    const pki = await ensurePki(h.deps);
    const tsaPem = join(tmp.dir, "tsa.pem");
    writeFileSync(tsaPem, certificateDerToPem(pki.tsa.certificate));
    const tsaText = spawnSync("openssl", ["x509", "-in", tsaPem, "-noout", "-ext", "authorityInfoAccess"], { encoding: "utf8" }).stdout;
    expect(tsaText).toContain(`OCSP - URI:${baseUrl}/pki/ocsp`);
  });
});

describe("OCSP responder (RFC 6960) against openssl ocsp", () => {
  it("answers good for an active signer certificate, with a response openssl verifies against the root", async () => {
    const identity = await issueFor(await h.user());
    const pki = await ensurePki(h.deps);
    const { signerPem, caPem } = files("good", identity.certificate, pki.root.certificate);
    const r = await opensslOcsp(signerPem, caPem);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/: good/);
    expect(r.out).toContain("OCSP Nonce");
    expect(r.status).toBe(0);
  });

  it("answers revoked, with the time and reason, once the certificate is revoked", async () => {
    const user = await h.user();
    const identity = await issueFor(user);
    await repo.revokeActiveCertificates(h.deps.db, user.id, h.deps.clock.now(), "keyCompromise");
    const pki = await ensurePki(h.deps);
    const { signerPem, caPem } = files("revoked", identity.certificate, pki.root.certificate);
    const r = await opensslOcsp(signerPem, caPem);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/: revoked/);
    expect(r.out).toMatch(/Reason: keyCompromise/);
  });

  it("answers good for the TSA certificate (an authority the root issued)", async () => {
    const pki = await ensurePki(h.deps);
    const { signerPem, caPem } = files("tsa", pki.tsa.certificate, pki.root.certificate);
    const r = await opensslOcsp(signerPem, caPem);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/: good/);
  });

  it("answers unknown for a serial it never issued and for another CA's certificate", async () => {
    const pki = await ensurePki(h.deps);
    // a certificate with a serial the root never issued, "issued" (signed) by a foreign key under the same name
    const foreign = await createRootCa({ subject: { commonName: "Other CA" }, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) });
    const keys = await generateRsaKeyPair();
    const stray = issueSignerCertificate({
      subject: { commonName: "Stranger" },
      publicKey: keys.publicKey,
      issuer: { certificate: pki.root.certificate, privateKey: foreign.privateKey },
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 86_400_000),
    });
    const ours = files("unknown", stray.certificate, pki.root.certificate);
    const r = await opensslOcsp(ours.signerPem, ours.caPem);
    expect(r.out).toContain("Response verify OK");
    expect(r.out).toMatch(/: unknown/);
    const other = issueSignerCertificate({ subject: { commonName: "Elsewhere" }, publicKey: keys.publicKey, issuer: foreign, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000) });
    const theirs = files("other", other.certificate, foreign.certificate);
    const otherCa = join(tmp.dir, "our-ca.pem");
    writeFileSync(otherCa, certificateDerToPem(pki.root.certificate));
    const r2 = await opensslOcsp(theirs.signerPem, theirs.caPem, ["-VAfile", otherCa]);
    expect(r2.out).toMatch(/: unknown/);
  });

  it("answers the GET form (base64 request in the path) like the POST form", async () => {
    const identity = await issueFor(await h.user());
    const pki = await ensurePki(h.deps);
    const { signerPem, caPem } = files("get", identity.certificate, pki.root.certificate);
    const reqFile = join(tmp.dir, "get.ocq");
    spawnSync("openssl", ["ocsp", "-issuer", caPem, "-cert", signerPem, "-no_nonce", "-reqout", reqFile], { encoding: "utf8" });
    const encoded = encodeURIComponent(readFileSync(reqFile).toString("base64"));
    const res = await fetch(`${baseUrl}/pki/ocsp/${encoded}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/ocsp-response");
    const respFile = join(tmp.dir, "get.ocr");
    writeFileSync(respFile, Buffer.from(await res.arrayBuffer()));
    const r = spawnSync("openssl", ["ocsp", "-respin", respFile, "-issuer", caPem, "-cert", signerPem, "-CAfile", caPem, "-no_nonce"], { encoding: "utf8" });
    expect(`${r.stdout}${r.stderr}`).toContain("Response verify OK");
    expect(r.stdout).toMatch(/: good/);
  });

  it("answers malformedRequest, never an HTTP error, to garbage, empty and oversized bodies and bad GET paths", async () => {
    const bodies: (string | Uint8Array<ArrayBuffer>)[] = ["not DER", new Uint8Array(), new Uint8Array([0x30, 0x03, 0x30, 0x01, 0x00]), new Uint8Array(20_000).fill(0x30)];
    for (const body of bodies) {
      const res = await fetch(`${baseUrl}/pki/ocsp`, { method: "POST", headers: { "content-type": "application/ocsp-request" }, body });
      expect(res.status).toBe(200);
      const respFile = join(tmp.dir, "bad.ocr");
      writeFileSync(respFile, Buffer.from(await res.arrayBuffer()));
      const r = spawnSync("openssl", ["ocsp", "-respin", respFile, "-resp_text", "-noverify"], { encoding: "utf8" });
      expect(`${r.stdout}${r.stderr}`).toMatch(/malformedrequest \(1\)/i);
    }
    for (const path of ["%%%", "!!!", "AAAA"]) {
      const res = await fetch(`${baseUrl}/pki/ocsp/${path}`);
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).toString("hex")).toBe("30030a0101");
    }
  });
});
