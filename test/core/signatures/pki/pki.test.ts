import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  certificateDerToPem,
  certificatePemToDer,
  createCrl,
  crlDerToPem,
  exportPrivateKeyPem,
  generateRsaKeyPair,
  importPrivateKey,
  publicKeyOfCertificate,
  readCertificate,
} from "../../../../src/core/signatures/pki";
import { createTestPki, type TestPki } from "../support/test-pki";
import { makeTempDir } from "../support/validators";

let pki: TestPki;
const tmp = makeTempDir();
const file = (name: string, data: string | Uint8Array) => {
  const path = join(tmp.dir, name);
  writeFileSync(path, data);
  return path;
};
const openssl = (...args: string[]) => execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => tmp.cleanup());

describe("organisation PKI", () => {
  it("writes Chinese subject names as UTF8String that openssl prints correctly", () => {
    const signer = file("signer.pem", certificateDerToPem(pki.employee.certificate));
    expect(openssl("x509", "-in", signer, "-noout", "-subject", "-nameopt", "utf8")).toBe("subject=O=北京示例科技有限公司, OU=研发部, CN=张三\n");
    expect(openssl("x509", "-in", signer, "-noout", "-issuer", "-nameopt", "utf8")).toContain("CN=Custos 测试根证书");
    const asn1 = openssl("asn1parse", "-in", signer);
    expect(asn1).toMatch(/UTF8STRING\s+:/);
    expect(readCertificate(pki.employee.certificate).subject.commonName).toBe("张三");
  });

  it("issues a self-signed CA, signer and TSA certificates that chain to it", () => {
    const root = file("root.pem", certificateDerToPem(pki.root.certificate));
    const signer = file("signer2.pem", certificateDerToPem(pki.employee.certificate));
    const tsa = file("tsa.pem", certificateDerToPem(pki.tsa.certificate));
    expect(openssl("verify", "-CAfile", root, signer)).toContain("OK");
    expect(openssl("verify", "-CAfile", root, "-purpose", "timestampsign", tsa)).toContain("OK");
    const rootText = openssl("x509", "-in", root, "-noout", "-text");
    expect(rootText).toMatch(/Basic Constraints: critical\s+CA:TRUE/);
    expect(rootText).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
    const signerText = openssl("x509", "-in", signer, "-noout", "-text");
    expect(signerText).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
    const tsaText = openssl("x509", "-in", tsa, "-noout", "-text");
    expect(tsaText).toMatch(/Extended Key Usage: critical\s+Time Stamping/);
  });

  it("gives signer certificates random positive 16-byte serials and the caller's validity", async () => {
    const a = readCertificate(pki.employee.certificate);
    const b = readCertificate(pki.manager.certificate);
    expect(a.serialNumber).toMatch(/^[0-9a-f]{32}$/);
    expect(a.serialBytes.length).toBe(16);
    expect(a.serialBytes[0]! & 0x80).toBe(0);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.notAfter.getTime() - a.notBefore.getTime()).toBe(366 * 86_400_000);
    expect(a.keyUsage).toEqual(["digitalSignature", "nonRepudiation"]);
  });

  it("creates a CRL signed by the root listing revoked serials with their dates", () => {
    const revokedAt = new Date("2026-03-01T08:00:00Z");
    const crl = createCrl({
      issuer: { certificate: pki.root.certificate, privateKey: pki.root.privateKey },
      revoked: [{ serialNumber: pki.employee.serialNumber, revokedAt, reason: "keyCompromise" }, { serialNumber: pki.manager.serialNumber, revokedAt }],
      thisUpdate: new Date(),
      nextUpdate: new Date(Date.now() + 7 * 86_400_000),
      crlNumber: 7,
    });
    const crlPath = file("crl.pem", crlDerToPem(crl));
    const root = file("root2.pem", certificateDerToPem(pki.root.certificate));
    const out = execFileSync("openssl", ["crl", "-in", crlPath, "-noout", "-text", "-CAfile", root], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    expect(out).toContain(`Serial Number: ${pki.employee.serialNumber.toUpperCase()}`);
    expect(out).toContain(`Serial Number: ${pki.manager.serialNumber.toUpperCase()}`);
    expect(out).toContain("Revocation Date: Mar  1 08:00:00 2026 GMT");
    expect(out).toContain("Key Compromise");
    expect(out).toMatch(/CRL Number:\s+7/);
    const verify = spawnSync("openssl", ["crl", "-in", crlPath, "-noout", "-CAfile", root], { encoding: "utf8" });
    expect(verify.status).toBe(0);
    expect(verify.stderr).toContain("verify OK");
    const emptyCrl = createCrl({ issuer: { certificate: pki.root.certificate, privateKey: pki.root.privateKey }, revoked: [], thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000), crlNumber: 1 });
    expect(openssl("crl", "-inform", "DER", "-in", file("empty.crl", emptyCrl), "-noout", "-text")).toContain("No Revoked Certificates");
  });

  it("numbers a CRL issued after 2038 (its number is the issue time in seconds, past 2^31)", () => {
    const thisUpdate = new Date("2044-03-01T00:00:00Z");
    const crlNumber = Math.floor(thisUpdate.getTime() / 1000);
    expect(crlNumber).toBeGreaterThan(2 ** 31);
    const crl = createCrl({ issuer: { certificate: pki.root.certificate, privateKey: pki.root.privateKey }, revoked: [], thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 86_400_000), crlNumber });
    const out = openssl("crl", "-inform", "DER", "-in", file("y2038.crl", crl), "-noout", "-text");
    expect(out).toMatch(new RegExp(`CRL Number:\\s+${crlNumber}`));
  });

  it("converts keys and certificates between PEM, DER and KeyObjects", async () => {
    const keys = await generateRsaKeyPair();
    const pem = exportPrivateKeyPem(keys.privateKey);
    expect(importPrivateKey(pem).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const certPem = certificateDerToPem(pki.employee.certificate);
    expect(certificatePemToDer(certPem).equals(pki.employee.certificate)).toBe(true);
    expect(publicKeyOfCertificate(pki.employee.certificate).asymmetricKeyType).toBe("rsa");
  });
});
