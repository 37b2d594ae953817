import { classificationLabels, type Classification } from "../auth/permissions";
import { PACKAGE_PATHS, type Manifest } from "./manifest";

/** What the README states about the package (everything but the manifest's file list). */
export type ReadmeFacts = Pick<Manifest, "packageId" | "createdAt" | "organisation" | "requestedBy" | "selection" | "classification" | "certificates" | "auditTrail" | "totals">;

function selectionText(s: ReadmeFacts["selection"], locale: "zh" | "en"): string {
  const parts: string[] = [];
  if (s.refs?.length) parts.push(locale === "zh" ? `选定的 ${s.refs.length} 项证据` : `${s.refs.length} chosen evidence item(s)`);
  if (s.clauses?.length) parts.push(locale === "zh" ? `条款 ${s.clauses.join("、")}` : `clause(s) ${s.clauses.join(", ")}`);
  if (s.from || s.to) parts.push(locale === "zh" ? `期间 ${s.from ?? "…"} 至 ${s.to ?? "…"}` : `period ${s.from ?? "…"} to ${s.to ?? "…"}`);
  return parts.join(locale === "zh" ? "；" : "; ");
}

/**
 * README.txt: what the package is and exactly how to verify it, first in Chinese, then in
 * English, with the root certificate's fingerprint to compare with one obtained independently.
 * CRLF line ends and a BOM, so Windows Notepad shows it correctly.
 */
export function readmeText(f: ReadmeFacts): string {
  const root = f.certificates.root;
  const p = PACKAGE_PATHS;
  const level = classificationLabels[f.classification as Classification] ?? { zh: f.classification, en: f.classification };
  const zh = `审核包说明
==========

本压缩包是 ${f.organisation.name} 的知识产权管理体系审核证据包，由 Custos 生成。

  包编号：        ${f.packageId}
  生成时间：      ${f.createdAt}
  申请人：        ${f.requestedBy.displayName}（${f.requestedBy.username}）
  选取范围：      ${selectionText(f.selection, "zh")}
  证据项：        ${f.totals.items} 项，文件 ${f.totals.evidenceFiles} 个，共 ${f.totals.evidenceBytes} 字节；其中已签名 PDF ${f.totals.signedPdfs} 个
  审计事件：      ${f.auditTrail.events} 条（审计链头：第 ${f.auditTrail.chainHead.seq} 条，哈希 ${f.auditTrail.chainHead.hash}）
  密级：          ${level.zh}（本包按其中最高密级保管）

根证书 SHA-256 指纹（请与通过其他途径独立获得的指纹逐字比对，例如机构公布的 /pki/ca.pem 或书面确认）：

  ${root.sha256Fingerprint}

只有指纹一致，以下验证才有意义：包内所有签名都以该根证书为信任锚。

目录结构
--------
  ${p.manifest}            清单：每个文件的路径、SHA-256、大小，以及证据的元数据、密级、条款
  ${p.manifestSignature}        清单的分离式 CMS 签名（机构“审核包签章”证书签署，附可信时间戳）
  ${p.manifestCsv}             同一清单的表格形式（UTF-8，可用 Excel 打开）
  evidence/                按类别与编号存放的证据文件，与系统中保存的字节完全一致
  signature-reports/       每个已签名 PDF 的签名验证报告（.json 与 .txt）
  ${p.auditEvents}  所含对象的审计事件摘录（每行一个事件，含 prev_hash 与 hash）
  ${p.chainHead}  导出时的审计链头
  ${p.chainLinks}  从摘录的第一条事件到链头，每条事件的序号、prev_hash 与 hash（不含其他事件的内容）
  ${p.rootCertificate}  根证书；${p.tsaCertificate} 时间戳服务证书；${p.sealCertificate} 审核包签章证书

如何验证
--------
1. 自动验证（无需服务器或数据库）：在安装了 Custos 的电脑上运行
     npx custos verify-package audit-package.zip --root-fingerprint ${root.sha256Fingerprint}
   程序逐项打印“通过 PASS / 失败 FAIL”，任一项不符则以非零状态退出。

2. 手工验证：
   a) 根证书指纹：
        openssl x509 -in ${p.rootCertificate} -noout -fingerprint -sha256
   b) 清单签名（应输出 “CMS Verification successful”）：
        openssl cms -verify -binary -inform DER -in ${p.manifestSignature} -content ${p.manifest} -CAfile ${p.rootCertificate} -purpose any -out /dev/null
   c) 每个文件的 SHA-256 与清单一致（Linux/macOS，需要 jq）：
        jq -r '.files[] | "\\(.sha256)  \\(.path)"' ${p.manifest} | sha256sum -c
      Windows：certutil -hashfile <文件> SHA256，与 ${p.manifestCsv} 中的值比对。
   d) 已签名 PDF：在 Adobe Acrobat Reader 中将 ${p.rootCertificate} 设为受信任证书后打开；或用 poppler 的 pdfsig：
        certutil -N -d sql:nssdb --empty-password
        certutil -A -d sql:nssdb -n custos-root -t "C,," -a -i ${p.rootCertificate}
        pdfsig -nssdir sql:nssdb <文件.pdf>
   e) 审计事件：每个事件的 hash = SHA-256(prev_hash ‖ "\\n" ‖ 规范 JSON)，规范 JSON 由字段
      action、actorId、actorLabel、data、ip、objectId、objectType、occurredAt、requestId、seq、userAgent
      组成，键按字符编码排序、不含空白；相邻序号的事件，后者的 prev_hash 等于前者的 hash。
      ${p.chainLinks} 中每行的 prev_hash 等于上一行的 hash，摘录中的每条事件都以相同的哈希出现在其中，
      最后一行即链头：摘录中的事件因此都在清单所签的这条审计链上。保留本包的链头，下次导出时可核对
      该序号的哈希未变（审计链没有被改写）。
      导出后系统中的审计链会继续增长；在 Custos 中“校验整条审计链”后，第 ${f.auditTrail.chainHead.seq} 条事件的哈希应仍为上述链头哈希。
`;
  const en = `About this package
==================

This archive is an audit evidence package of ${f.organisation.nameEn ?? f.organisation.name}'s IP management system, made by Custos.

  Package:        ${f.packageId}
  Created:        ${f.createdAt}
  Requested by:   ${f.requestedBy.displayName} (${f.requestedBy.username})
  Selection:      ${selectionText(f.selection, "en")}
  Evidence:       ${f.totals.items} item(s), ${f.totals.evidenceFiles} file(s), ${f.totals.evidenceBytes} bytes; ${f.totals.signedPdfs} signed PDF(s)
  Audit events:   ${f.auditTrail.events} (chain head at export: event ${f.auditTrail.chainHead.seq}, hash ${f.auditTrail.chainHead.hash})
  Classification: ${level.en} (keep the package at its highest classification)

SHA-256 fingerprint of the root certificate. Compare it character by character with a fingerprint
you obtained independently (the organisation's published /pki/ca.pem, or a written confirmation):

  ${root.sha256Fingerprint}

Everything below is only meaningful if the fingerprints match: every signature in the package
uses this root certificate as its trust anchor.

Layout
------
  ${p.manifest}            the manifest: every file with its path, SHA-256 and size; the evidence items' metadata, classification and clauses
  ${p.manifestSignature}        detached CMS signature over the manifest by the organisation's package seal, with a trusted time stamp
  ${p.manifestCsv}             the same manifest as a table (UTF-8, opens in Excel)
  evidence/                the evidence files by kind and reference, byte for byte as held in Custos
  signature-reports/       a verification report (.json and .txt) for every signed PDF
  ${p.auditEvents}  the audit events about the included objects (one per line, with prev_hash and hash)
  ${p.chainHead}  the audit chain head at export time
  ${p.chainLinks}  seq, prev_hash and hash of every event from the excerpt's first event to the head (not their content)
  ${p.rootCertificate}  root certificate; ${p.tsaCertificate} time-stamping authority; ${p.sealCertificate} package seal

How to verify
-------------
1. Automatically (no server or database needed), on a computer with Custos installed:
     npx custos verify-package audit-package.zip --root-fingerprint ${root.sha256Fingerprint}
   It prints PASS or FAIL for every item and exits non-zero if anything does not match.

2. By hand:
   a) Root fingerprint:
        openssl x509 -in ${p.rootCertificate} -noout -fingerprint -sha256
   b) Manifest signature (prints "CMS Verification successful"):
        openssl cms -verify -binary -inform DER -in ${p.manifestSignature} -content ${p.manifest} -CAfile ${p.rootCertificate} -purpose any -out /dev/null
   c) Every file's SHA-256 against the manifest (Linux/macOS, with jq):
        jq -r '.files[] | "\\(.sha256)  \\(.path)"' ${p.manifest} | sha256sum -c
      Windows: certutil -hashfile <file> SHA256, compared with ${p.manifestCsv}.
   d) Signed PDFs: open them in Adobe Acrobat Reader after trusting ${p.rootCertificate}, or use poppler's pdfsig:
        certutil -N -d sql:nssdb --empty-password
        certutil -A -d sql:nssdb -n custos-root -t "C,," -a -i ${p.rootCertificate}
        pdfsig -nssdir sql:nssdb <file.pdf>
   e) Audit events: each event's hash = SHA-256(prev_hash ‖ "\\n" ‖ canonical JSON), the canonical JSON
      holding action, actorId, actorLabel, data, ip, objectId, objectType, occurredAt, requestId, seq
      and userAgent with keys sorted by code point and no whitespace; of two events with consecutive
      numbers, the later one's prev_hash is the earlier one's hash. In ${p.chainLinks} each line's
      prev_hash is the hash on the line before, every excerpt event appears with the same hashes, and the
      last line is the head: the excerpt lies on the chain the signed manifest ends. Keep this package's
      head; in a later export the same event must have the same hash (the chain was not rewritten).
      The chain in Custos keeps growing
      after the export; after "verify the whole chain" in Custos, event ${f.auditTrail.chainHead.seq} must still have the head hash above.
`;
  return "\uFEFF" + `${zh}\n\n${en}`.replace(/\r?\n/g, "\r\n");
}
