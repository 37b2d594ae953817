import type { SignatureReport } from "../signatures/signature-report";
import { INDICATION_TEXT } from "../signatures/validation/vocabulary";

/** The verification report of one signed PDF in the package (signature-reports/….json). */
export interface PdfSignatureReportFile {
  format: "custos-pdf-signature-report";
  version: 1;
  file: { path: string; sha256: string; size: number };
  /** When Custos verified it (the package's creation). */
  verifiedAt: string;
  trustAnchor: { subject: string; sha256Fingerprint: string };
  ok: boolean;
  signatures: SignatureReport[];
}

const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? "— / unknown" : v ? "是 / yes" : "否 / NO");

const chainText: Record<SignatureReport["chain"], string> = {
  trusted: "可信（链接到根证书）/ trusted (chains to the root)",
  unknown: "未知颁发者 / unknown issuer",
  broken: "证书链断开 / broken chain",
};

const revocationText: Record<SignatureReport["revocation"]["status"], string> = {
  good: "未吊销 / not revoked",
  revoked: "已吊销 / REVOKED",
  unknown: "未知 / unknown",
};

const sourceText: Record<SignatureReport["revocation"]["source"], string> = {
  custos: "Custos 服务器记录 / the Custos server's record",
  "dss-ocsp": "DSS 中的 OCSP 响应 / an OCSP response in the DSS",
  "dss-crl": "DSS 中的 CRL / a CRL in the DSS",
  none: "无吊销信息 / no revocation information",
};

/** The same report as text a person reads, Chinese and English. */
export function signatureReportText(r: PdfSignatureReportFile): string {
  const out: string[] = [];
  out.push("PDF 签名验证报告 / PDF signature verification report");
  out.push("=".repeat(52));
  out.push(`文件 File:            ${r.file.path}`);
  out.push(`SHA-256:              ${r.file.sha256}`);
  out.push(`大小 Size:            ${r.file.size} bytes`);
  out.push(`验证时间 Verified at: ${r.verifiedAt}`);
  out.push(`信任锚 Trust anchor:  ${r.trustAnchor.subject}`);
  out.push(`                      SHA-256 ${r.trustAnchor.sha256Fingerprint}`);
  out.push(`结论 Result:          ${r.ok ? "全部签名有效 / all signatures valid" : "存在无效签名 / AT LEAST ONE SIGNATURE IS NOT VALID"}`);
  for (const s of r.signatures) {
    out.push("");
    out.push(`签名 ${s.index + 1} / Signature ${s.index + 1}${s.fieldName ? ` (${s.fieldName})` : ""}: ${s.ok ? "有效 / VALID" : "无效 / NOT VALID"}`);
    out.push(`  结论 Indication:            ${INDICATION_TEXT[s.indication].zh} ${s.indication}${s.subIndication ? ` / ${s.subIndication}` : ""}`);
    out.push(`                              ${s.message.zh}`);
    out.push(`                              ${s.message.en}`);
    out.push(`  存在证明 Proof of existence: ${s.bestSignatureTime ? `${s.bestSignatureTime} (${s.proofOfExistence})` : `无，按验证时间判断 / none, judged at ${s.validationTime}`}`);
    out.push(`  签署人 Signer:              ${s.signerName ?? "—"}`);
    if (s.reason) out.push(`  签署含义 Reason:            ${s.reason}`);
    out.push(`  签署时间 Signing time (/M):  ${s.signingTime ?? "—"}`);
    out.push(`  证书 Certificate:           ${s.certificate.subject ?? "—"}`);
    out.push(`    序列号 Serial:            ${s.certificate.serialNumber ?? "—"}`);
    out.push(`    颁发者 Issuer:            ${s.certificate.issuer ?? "—"}`);
    out.push(`    有效期 Valid:             ${s.certificate.notBefore ?? "?"} … ${s.certificate.notAfter ?? "?"}`);
    out.push(`  摘要一致 Digest matches:     ${yesNo(s.integrity.digestMatches)}`);
    out.push(`  签名值有效 Signature valid:  ${yesNo(s.integrity.signatureValid)}`);
    out.push(`  证书链 Chain:               ${chainText[s.chain]}`);
    out.push(`  吊销状态 Revocation:         ${revocationText[s.revocation.status]}${s.revocation.revokedAt ? ` ${s.revocation.revokedAt}` : ""}; ${sourceText[s.revocation.source]}`);
    for (const reason of s.reasons) out.push(`  · ${reason.zh} / ${reason.en}`);
    out.push(`  签名证书绑定 ESS binding:    ${s.signingCertificateBinding}`);
    if (s.timestamp) {
      out.push(`  时间戳 Time stamp:          ${s.timestamp.valid ? "有效 / valid" : "无效 / NOT VALID"} ${s.timestamp.genTime ?? ""} ${s.timestamp.tsa ?? ""}`.trimEnd());
    } else {
      out.push("  时间戳 Time stamp:          无 / none");
    }
    out.push(`  覆盖范围 Byte range:         ${s.coverage.wellFormed ? "完整 / well formed" : "异常 / MALFORMED"}; ${s.coverage.coversWholeFile ? "覆盖整个文件 / covers the whole file" : "其后另有修订 / later revisions follow"}`);
    out.push(`  签署后变更 Changes after:    ${s.changesAfter.kind}${s.changesAfter.details.length ? ` (${s.changesAfter.details.join("; ")})` : ""}`);
    for (const p of s.problems) out.push(`  ! ${p.severity} ${p.code}: ${p.message}`);
  }
  out.push("");
  return out.join("\r\n");
}
