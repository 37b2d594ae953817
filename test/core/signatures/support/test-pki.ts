import { createHash } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { buildOcspResponse, certIdFor, createRootCa, generateRsaKeyPair, issueSignerCertificate, issueTsaCertificate, type OcspCertStatus, type RootCa } from "../../../../src/core/signatures/pki";
import { readCertificate } from "../../../../src/core/signatures/pki/read-certificate";
import { buildCadesSignedData, buildTimeStampResp, createRsaSigner, createTimeStampToken, parseTimeStampReq } from "../../../../src/core/signatures/cms";
import { attribute, buildSignedData, signingCertificateV2Attribute } from "../../../../src/core/signatures/cms/signed-data-builder";
import { Oid } from "../../../../src/core/signatures/cms/oids";
import { octetString } from "../../../../src/core/signatures/pki/asn1-builder";
import { addDss, embedCmsSignature, hashByteRange, preparePdfSignature, type PreparePdfSignatureOptions } from "../../../../src/core/signatures/pdf";

/** A signer: key and certificate. */
export interface TestSigner {
  privateKey: KeyObject;
  certificate: Buffer;
  serialNumber: string;
}

/** A complete test PKI: root, two signers, a TSA. */
export interface TestPki {
  root: RootCa;
  employee: TestSigner;
  manager: TestSigner;
  tsa: TestSigner;
}

const DAY = 86_400_000;

/** Creates a root CA "Custos 测试根证书", signers 张三 and 李经理 and a TSA, all valid around `now`. */
export async function createTestPki(now = new Date()): Promise<TestPki> {
  const notBefore = new Date(now.getTime() - DAY);
  const root = await createRootCa({
    subject: { commonName: "Custos 测试根证书", organization: "北京示例科技有限公司", organizationalUnit: "知识产权部", country: "CN" },
    notBefore,
    notAfter: new Date(now.getTime() + 3650 * DAY),
  });
  const issuer = { certificate: root.certificate, privateKey: root.privateKey };
  const issue = async (commonName: string, ou: string): Promise<TestSigner> => {
    const keys = await generateRsaKeyPair();
    const cert = issueSignerCertificate({ subject: { commonName, organization: "北京示例科技有限公司", organizationalUnit: ou }, publicKey: keys.publicKey, issuer, notBefore, notAfter: new Date(now.getTime() + 365 * DAY) });
    return { privateKey: keys.privateKey, certificate: cert.certificate, serialNumber: cert.serialNumber };
  };
  const tsaKeys = await generateRsaKeyPair();
  const tsaCert = issueTsaCertificate({ subject: { commonName: "Custos 时间戳服务", organization: "北京示例科技有限公司" }, publicKey: tsaKeys.publicKey, issuer, notBefore, notAfter: new Date(now.getTime() + 3650 * DAY) });
  return {
    root,
    employee: await issue("张三", "研发部"),
    manager: await issue("李经理", "管理层"),
    tsa: { privateKey: tsaKeys.privateKey, certificate: tsaCert.certificate, serialNumber: tsaCert.serialNumber },
  };
}

let tokenSerial = 1000n;

/** A time-stamp token from the test TSA over `messageImprint`. */
function testToken(pki: TestPki, request: { messageImprint: Buffer; hashAlgorithm: string; certReq: boolean; nonce?: bigint }): Promise<Buffer> {
  return createTimeStampToken({
    ...request,
    serialNumber: tokenSerial++,
    genTime: new Date(),
    policyOid: "1.3.6.1.4.1.57264.1.1",
    tsaCertificate: pki.tsa.certificate,
    chain: [pki.root.certificate],
    sign: createRsaSigner(pki.tsa.privateKey),
  } as Parameters<typeof createTimeStampToken>[0]);
}

/** A `timestamp` callback for buildCadesSignedData backed by the in-process test TSA. */
export function localTimestamper(pki: TestPki): (signatureValue: Buffer) => Promise<Buffer> {
  return (signatureValue) => testToken(pki, { messageImprint: createHash("sha256").update(signatureValue).digest(), hashAlgorithm: "sha256", certReq: true });
}

/** The test TSA's answer to an RFC 3161 request (DER TimeStampReq in, granted TimeStampResp out). */
export async function grantedTimestampReply(pki: TestPki, requestDer: Buffer): Promise<Buffer> {
  return buildTimeStampResp("granted", await testToken(pki, parseTimeStampReq(requestDer)));
}

/** Signs a PDF end to end: prepare, hash the byte ranges, build CAdES (B-T with the test TSA), embed. */
export async function signPdf(pdf: Uint8Array, pki: TestPki, signer: TestSigner, options: PreparePdfSignatureOptions, extra: { withTimestamp?: boolean; mismatchedEss?: boolean } = {}): Promise<Uint8Array> {
  const prepared = await preparePdfSignature(pdf, options);
  const digest = hashByteRange(prepared.pdf, prepared.byteRange);
  const cms = extra.mismatchedEss
    ? await buildMismatchedCms(digest, pki)
    : await buildCadesSignedData({
        digest,
        signerCertificate: signer.certificate,
        certificates: [pki.root.certificate],
        sign: createRsaSigner(signer.privateKey),
        ...(extra.withTimestamp === false ? {} : { timestamp: localTimestamper(pki) }),
      });
  return embedCmsSignature(prepared, cms);
}

/**
 * A CMS signed with the manager's key and certificate whose signing-certificate-v2
 * attribute references the employee's certificate (a substitution attack).
 */
export function buildMismatchedCms(digest: Buffer, pki: TestPki): Promise<Buffer> {
  return buildSignedData({
    contentType: Oid.data,
    digestAlgorithm: "sha256",
    signerCertificate: pki.manager.certificate,
    certificates: [pki.root.certificate],
    sign: createRsaSigner(pki.manager.privateKey),
    signedAttributes: [attribute(Oid.messageDigest, octetString(digest)), signingCertificateV2Attribute(pki.employee.certificate)],
  });
}

/** An OCSP response about `signer`'s certificate, signed by the test root (or `responder`), as Custos's responder answers. */
export function ocspAbout(
  pki: TestPki,
  signer: TestSigner,
  options: { producedAt: Date; status?: OcspCertStatus; responder?: { certificate: Buffer; privateKey: KeyObject }; issuer?: Buffer },
): Buffer {
  const responder = options.responder ?? { certificate: pki.root.certificate, privateKey: pki.root.privateKey };
  return buildOcspResponse({
    responder,
    certificates: [responder.certificate],
    producedAt: options.producedAt,
    nextUpdate: new Date(options.producedAt.getTime() + DAY),
    answers: [{ certId: certIdFor(signer.certificate, options.issuer ?? pki.root.certificate), status: options.status ?? { status: "good" } }],
  });
}

/** The PDF with a DSS holding the test PKI's certificates and OCSP responses (good, produced at `producedAt`) for the signers and the TSA: PAdES B-LT. */
export function withTestDss(pdf: Uint8Array, pki: TestPki, producedAt = new Date()): Uint8Array {
  return addDss(pdf, {
    certificates: [pki.root.certificate, pki.employee.certificate, pki.manager.certificate, pki.tsa.certificate],
    ocsps: [pki.employee, pki.manager, pki.tsa].map((s) => ocspAbout(pki, s, { producedAt })),
  });
}

/** The issuer's own record of the test certificates, none revoked (what the Custos server passes as `revocationRecords`). */
export function knownGood(pki: TestPki): Map<string, { revokedAt: Date | null; revocationReason: string | null }> {
  return new Map([pki.employee, pki.manager, pki.tsa].map((s) => [readCertificate(s.certificate).serialNumber, { revokedAt: null, revocationReason: null }]));
}

/** A `timestamp` callback for a document timestamp (SHA-256 digest in, token out) from the test TSA, at `genTime`'s clock. */
export function digestTimestamper(pki: TestPki): (digest: Buffer) => Promise<Buffer> {
  return (digest) => testToken(pki, { messageImprint: digest, hashAlgorithm: "sha256", certReq: true });
}
