import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildCadesSignedData, createRsaSigner, parseSignedData, verifyCadesSignature } from "../../../../src/core/signatures/cms";
import { contentOf, encodingOf, parseDer } from "../../../../src/core/signatures/pki/der-reader";
import { buildMismatchedCms, createTestPki, localTimestamper, type TestPki } from "../support/test-pki";
import { makeTempDir, opensslCmsVerify, opensslTsVerify } from "../support/validators";

let pki: TestPki;
const tmp = makeTempDir();
const content = Buffer.from("控制文件 controlled document — revision 3\n".repeat(200));
const digest = createHash("sha256").update(content).digest();

beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(() => tmp.cleanup());

const sign = (extra: Partial<Parameters<typeof buildCadesSignedData>[0]> = {}) =>
  buildCadesSignedData({
    digest,
    signerCertificate: pki.employee.certificate,
    certificates: [pki.root.certificate],
    sign: createRsaSigner(pki.employee.privateKey),
    ...extra,
  });

describe("buildCadesSignedData", () => {
  it("writes exactly content-type, message-digest and signing-certificate-v2, DER-sorted, and no signing-time", async () => {
    const cms = await sign();
    const sd = parseSignedData(cms);
    expect(sd.content).toBeUndefined();
    const si = sd.signerInfos[0]!;
    expect(si.signedAttributes!.map((a) => a.oid).sort()).toEqual(["1.2.840.113549.1.9.16.2.47", "1.2.840.113549.1.9.3", "1.2.840.113549.1.9.4"].sort());
    const encodings = si.signedAttributes!.map((a) => Buffer.from(encodingOf(parseDer(si.signedAttributesDer!).children[si.signedAttributes!.indexOf(a)]!)));
    const sorted = [...encodings].sort(Buffer.compare);
    expect(encodings).toEqual(sorted);
    const md = si.signedAttributes!.find((a) => a.oid === "1.2.840.113549.1.9.4")!;
    expect(contentOf(md.values[0]!).equals(digest)).toBe(true);
    expect(sd.certificates.map((c) => c.equals(pki.employee.certificate) || c.equals(pki.root.certificate))).toEqual([true, true]);
  });

  it("is accepted by openssl cms -verify and by our verifier (B-B)", async () => {
    const cms = await sign();
    expect(opensslCmsVerify(cms, content, pki.root.certificate, tmp.dir).ok).toBe(true);
    const report = verifyCadesSignature({ cms, signedContent: content, trustAnchors: [pki.root.certificate] });
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, signatureValid: true, messageDigestMatches: true, signingCertificate: "match" });
    expect(report.chain.status).toBe("trusted");
    expect(report.signer?.subject.commonName).toBe("张三");
    expect(report.signer?.serialNumber).toBe(pki.employee.serialNumber);
    expect(report.signedAttributes).toMatchObject({ missing: [], signingTimePresent: false });
    expect(report.timestamp).toBeUndefined();
    expect(verifyCadesSignature({ cms, signedContentDigest: digest, trustAnchors: [pki.root.certificate] }).ok).toBe(true);
  });

  it("adds a signature timestamp (B-T) that openssl ts -verify accepts over the signature value", async () => {
    const cms = await sign({ timestamp: localTimestamper(pki) });
    expect(opensslCmsVerify(cms, content, pki.root.certificate, tmp.dir).ok).toBe(true);
    const si = parseSignedData(cms).signerInfos[0]!;
    const tokenAttr = si.unsignedAttributes.find((a) => a.oid === "1.2.840.113549.1.9.16.2.14")!;
    const token = encodingOf(tokenAttr.values[0]!);
    const ts = opensslTsVerify(token, si.signature, pki.root.certificate, tmp.dir);
    expect(ts.output).toContain("Verification: OK");
    const report = verifyCadesSignature({ cms, signedContent: [content.subarray(0, 100), content.subarray(100)], trustAnchors: [pki.root.certificate] });
    expect(report.ok).toBe(true);
    expect(report.timestamp).toMatchObject({ ok: true, signatureValid: true, messageImprintMatches: true, signingCertificate: "match" });
    expect(report.timestamp?.chain.status).toBe("trusted");
    expect(report.timestamp?.tsa?.subject.commonName).toBe("Custos 时间戳服务");
    expect(Math.abs(report.timestamp!.genTime!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("detects a changed document", async () => {
    const cms = await sign();
    const tampered = Buffer.from(content);
    tampered[10] = tampered[10]! ^ 1;
    const report = verifyCadesSignature({ cms, signedContent: tampered, trustAnchors: [pki.root.certificate] });
    expect(report.ok).toBe(false);
    expect(report.messageDigestMatches).toBe(false);
    expect(report.signatureValid).toBe(true);
    expect(report.problems.map((p) => p.code)).toContain("MESSAGE_DIGEST_MISMATCH");
    expect(opensslCmsVerify(cms, tampered, pki.root.certificate, tmp.dir).ok).toBe(false);
  });

  it("detects a signing-certificate-v2 that references another certificate than the signer's", async () => {
    const cms = await buildMismatchedCms(digest, pki);
    const report = verifyCadesSignature({ cms, signedContent: content, trustAnchors: [pki.root.certificate] });
    expect(report.signatureValid).toBe(true);
    expect(report.messageDigestMatches).toBe(true);
    expect(report.signingCertificate).toBe("mismatch");
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain("SIGNING_CERTIFICATE_MISMATCH");
    // openssl does not check the binding: it accepts the same signature.
    expect(opensslCmsVerify(cms, content, pki.root.certificate, tmp.dir).ok).toBe(true);
  });

  it("reports an untrusted chain and an invalid signature value", async () => {
    const other = await createTestPki();
    const cms = await sign();
    expect(verifyCadesSignature({ cms, signedContent: content, trustAnchors: [other.root.certificate] }).chain.status).toBe("unknownIssuer");
    const broken = Buffer.from(cms);
    const sig = parseSignedData(cms).signerInfos[0]!.signature;
    broken[broken.indexOf(sig) + 5] = broken[broken.indexOf(sig) + 5]! ^ 0xff;
    const report = verifyCadesSignature({ cms: broken, signedContent: content, trustAnchors: [pki.root.certificate] });
    expect(report.signatureValid).toBe(false);
    expect(report.problems.map((p) => p.code)).toContain("SIGNATURE_INVALID");
  });

  it("never throws on garbage and says what is wrong", () => {
    for (const garbage of [Buffer.alloc(0), Buffer.from("not der"), Buffer.from([0x30, 0x82, 0xff, 0xff, 0x01]), Buffer.from([0x30, 0x03, 0x06, 0x01, 0x00]), Buffer.alloc(4000, 0x30)]) {
      const report = verifyCadesSignature({ cms: garbage, signedContent: content, trustAnchors: [pki.root.certificate] });
      expect(report.ok).toBe(false);
      expect(report.parsed).toBe(false);
      expect(report.problems[0]?.code).toBe("MALFORMED_CMS");
    }
  });
});

