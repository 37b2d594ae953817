import { createHash, X509Certificate } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { exitOnClosedStdout, formatCheckLine, type CheckLine, type CheckStatus } from "../check-lines";
import { verifyPdfSignatures } from "./pdf/verify-pdf-signatures";
import { signatureReportOf, type SignatureReport } from "./signature-report";
import { INDICATION_TEXT, SUB_INDICATION_TEXT } from "./validation/vocabulary";

const USAGE = `Usage: custos verify-pdf <file.pdf> [--root ca.pem] [--json]

Verifies every signature of a PDF offline (no server, database or configuration needed), with the
same verifier and report as the server's verification page: each signature's digest and signature
value, its certificate chain to the root you give, the time stamp, the byte ranges it covers, and
what later revisions changed (only further signatures, time stamps, validation data and pages
signed later may follow a signature), revocation from the PDF's own validation data (its DSS), and
the certificate judged at the time proven by the earliest time stamp (proof of existence). Each
signature gets an ETSI EN 319 102-1 indication: TOTAL-PASSED, TOTAL-FAILED or INDETERMINATE with
a sub-indication. Prints one line per signature and per check and exits 0 only when every signature
and document time stamp is TOTAL-PASSED.

  --root FILE   the PEM file of the root certificate you trust (e.g. your organisation's Custos
                root, obtained independently). Without it no certificate is trusted: the chain is
                reported as not checked and the exit code is 1. Certificates inside the PDF are
                never trusted on their own.
  --json        print the report as JSON instead of lines

Revocation is checked against the OCSP responses and CRLs in the PDF's DSS that verify with the
issuer's key (Custos adds them when a signature request completes, PAdES B-LTA); without fresh
ones a signature is INDETERMINATE / TRY_LATER. Exit codes: 0 all TOTAL-PASSED, 1 not (or no root
given), 2 usage or input error:
what the server refuses to verify (not a PDF, encrypted, no signatures, which includes a file too
damaged to find any) and a missing file or unreadable root certificate. A damaged PDF whose
signatures can still be found is reported (and not valid), as the server reports it.`;

/** The offline verification of one PDF: the server's signature reports, and the printed checks. */
export interface OfflinePdfVerification {
  ok: boolean;
  file: string;
  sha256: string;
  size: number;
  /** "given": checked against the --root certificates; "not-checked": no root was given. */
  trust: "given" | "not-checked";
  rootFingerprints: string[];
  signatures: SignatureReport[];
  problems: { code: string; message: string }[];
  checks: CheckLine[];
}

/** An input the verifier cannot work on (exit code 2), with a message in Chinese and English. */
export class VerifyPdfInputError extends Error {
  constructor(
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

/** Reads the trusted roots from a PEM file: one or more certificates. */
async function readRoots(path: string): Promise<X509Certificate[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
    throw new VerifyPdfInputError(`无法读取根证书文件 ${path}：${why}`, `cannot read the root certificate file ${path}: ${why}`);
  }
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const roots: X509Certificate[] = [];
  for (const block of blocks) {
    try {
      roots.push(new X509Certificate(block));
    } catch {
      throw new VerifyPdfInputError(`根证书文件 ${path} 中有无法解析的证书`, `the root certificate file ${path} holds a certificate that cannot be parsed`);
    }
  }
  if (roots.length === 0) throw new VerifyPdfInputError(`${path} 不是 PEM 格式的证书文件`, `${path} is not a PEM certificate file (no BEGIN CERTIFICATE block)`);
  return roots;
}

/**
 * Verifies the PDF at `path` against the roots in `rootPath` (none trusted without it). Throws
 * {@link VerifyPdfInputError} for a missing or unreadable file, and for what the server refuses
 * to verify: not a PDF, encrypted, no signatures.
 */
export async function verifyPdfFile(path: string, rootPath?: string, now?: Date): Promise<OfflinePdfVerification> {
  const roots = rootPath === undefined ? [] : await readRoots(rootPath);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (err as Error).message;
    throw new VerifyPdfInputError(`无法读取 ${path}：${why}`, `cannot read ${path}: ${why}`);
  }
  const verification = verifyPdfSignatures(bytes, { trustAnchors: roots.map((r) => new Uint8Array(r.raw)), ...(now ? { now } : {}) });
  if (!verification.isPdf) throw new VerifyPdfInputError(`${path} 不是 PDF 文件`, `${path} is not a PDF file`);
  if (verification.encrypted) {
    throw new VerifyPdfInputError(`${path} 已加密：不提供密码无法检查其签名，请使用未加密的副本`, `${path} is encrypted: its signatures cannot be checked without the password; use an unencrypted copy`);
  }
  // what the server refuses with a 422 (not a PDF, encrypted, no signatures) is an input error here
  if (verification.signatures.length === 0) {
    const damage = verification.problems.map((p) => `${p.code}: ${p.message}`).join("; ");
    throw new VerifyPdfInputError(
      `${path} 中没有签名${damage ? `（文件已损坏：${damage}）` : ""}`,
      `${path} has no signatures to verify${damage ? ` (the file is damaged: ${damage})` : ""}`,
    );
  }
  // offline there is no record of our certificates: revocation comes from the PDF's DSS, or none
  const signatures = verification.signatures.map((s) => signatureReportOf(s));
  const trust = roots.length > 0 ? "given" : "not-checked";
  const checks: CheckLine[] = [];
  const add = (status: CheckStatus, subject: string, zh: string, en: string) => checks.push({ status, subject, zh, en });
  for (const r of roots) add("info", rootPath!, `信任的根证书：${r.subject.replace(/\n/g, ", ")}，SHA-256 ${r.fingerprint256}`, `trusted root: ${r.subject.replace(/\n/g, ", ")}, SHA-256 ${r.fingerprint256}`);
  for (const s of signatures) checkSignature(s, trust, add);
  for (const p of verification.problems) add("warn", path, `文件结构：${p.code}：${p.message}`, `file structure: ${p.code}: ${p.message}`);
  const ok = trust === "given" && signatures.every((s) => s.ok);
  return {
    ok,
    file: path,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    size: bytes.length,
    trust,
    rootFingerprints: roots.map((r) => r.fingerprint256),
    signatures,
    problems: verification.problems.map((p) => ({ code: p.code, message: p.message })),
    checks,
  };
}

/** The lines of one signature: its verdict, then each check of the report. */
function checkSignature(s: SignatureReport, trust: "given" | "not-checked", add: (status: CheckStatus, subject: string, zh: string, en: string) => void) {
  const who = s.signerName ?? "?";
  const subject = `#${s.index + 1} ${s.fieldName ?? ""}`.trim();
  const indication = `${INDICATION_TEXT[s.indication].zh} ${s.indication}`;
  if (s.ok) {
    add("pass", subject, `签名有效（${who}）：${indication}`, `signature valid (${who}): ${s.indication}`);
  } else {
    const why = [
      ...s.problems.filter((p) => p.severity === "error").map((p) => p.code),
      ...(s.coverage.wellFormed ? [] : ["BYTE_RANGE_MALFORMED"]),
      ...s.changesAfter.modifications.map((m) => m.code),
    ];
    const codes = [...new Set(why)].join(", ");
    const sub = s.subIndication ? SUB_INDICATION_TEXT[s.subIndication] : { zh: "", en: "" };
    add(
      "fail",
      subject,
      `签名无效（${who}）：${indication} / ${s.subIndication ?? "?"}：${sub.zh}${codes ? `；${codes}` : ""}`,
      `signature NOT valid (${who}): ${s.indication} / ${s.subIndication ?? "?"}: ${sub.en}${codes ? `; ${codes}` : ""}`,
    );
  }
  add("info", subject, s.message.zh, s.message.en);
  if (s.bestSignatureTime) {
    const by = s.proofOfExistence === "signature-timestamp" ? ["签名时间戳", "the signature timestamp"] : ["文档时间戳", "a document timestamp"];
    add("info", subject, `存在证明：${s.bestSignatureTime}（${by[0]}），证书按该时间判断`, `proof of existence: ${s.bestSignatureTime} (${by[1]}); the certificate is judged at that time`);
  } else {
    add("warn", subject, `没有存在证明（时间戳），证书按验证时间 ${s.validationTime} 判断`, `no proof of existence (time stamp): the certificate is judged at the validation time ${s.validationTime}`);
  }
  const { digestMatches, signatureValid } = s.integrity;
  if (digestMatches && signatureValid) add("pass", subject, "完整性：签署的字节未被改动，签名值有效", "integrity: the signed bytes are unchanged and the signature value is valid");
  else if (!digestMatches) add("fail", subject, "完整性：签署的字节在签署后被改动（摘要不符）", "integrity: the signed bytes were changed after signing (digest mismatch)");
  else add("fail", subject, "完整性：签名值无效", "integrity: the signature value is not valid");
  const cert = s.certificate.subject ?? "?";
  if (trust === "not-checked") {
    add("fail", subject, `证书链：未检查（未提供 --root）；证书 ${cert}，签发者 ${s.certificate.issuer ?? "?"}`, `certificate chain: not checked (no --root given); certificate ${cert}, issued by ${s.certificate.issuer ?? "?"}`);
  } else if (s.chain === "trusted") {
    add("pass", subject, `证书链：${cert} 链至您提供的根证书`, `certificate chain: ${cert} chains to the root you gave`);
  } else if (s.chain === "broken") {
    add("fail", subject, `证书链：${cert} 的证书链断裂`, `certificate chain: the chain of ${cert} is broken`);
  } else {
    add("fail", subject, `证书链：${cert} 不链至您提供的根证书`, `certificate chain: ${cert} does not chain to the root you gave`);
  }
  revocationLine(s, subject, add);
  if (s.signingCertificateBinding === "match") add("pass", subject, "签名证书绑定（signing-certificate-v2）一致", "signing-certificate-v2 binding matches the certificate");
  else if (s.signingCertificateBinding === "mismatch") add("fail", subject, "签名证书绑定（signing-certificate-v2）与证书不符", "signing-certificate-v2 binding does not match the certificate");
  else add("warn", subject, "没有签名证书绑定（signing-certificate-v2）", "no signing-certificate-v2 binding");
  const ts = s.timestamp;
  if (!ts) add("warn", subject, "没有时间戳", "no time stamp");
  else if (ts.valid) add("pass", subject, `时间戳有效：${ts.genTime ?? "?"}（${ts.tsa ?? "TSA"}）`, `time stamp valid: ${ts.genTime ?? "?"} (${ts.tsa ?? "TSA"})`);
  else add("fail", subject, `时间戳无效（${ts.tsa ?? "TSA"}）`, `time stamp NOT valid (${ts.tsa ?? "TSA"})`);
  const c = s.coverage;
  if (c.wellFormed && c.coversRevision) {
    add("pass", subject, c.coversWholeFile ? "覆盖范围：签名覆盖整个文件" : "覆盖范围：签名覆盖其所在修订版本", c.coversWholeFile ? "coverage: the signature covers the whole file" : "coverage: the signature covers its revision");
  } else {
    const anomalies = c.anomalies.join(", ") || "?";
    add("fail", subject, `覆盖范围异常：${anomalies}`, `coverage anomalies: ${anomalies}`);
  }
  if (s.changesAfter.modifications.length === 0) {
    const none = s.changesAfter.kind === "none";
    add("pass", subject, none ? "签署后无任何改动" : `签署后只有允许的改动（${s.changesAfter.kind}）`, none ? "nothing changed after signing" : `only allowed changes after signing (${s.changesAfter.kind})`);
  } else {
    for (const m of s.changesAfter.modifications) {
      const what = `${m.code}${m.objectNumber !== null ? `, object ${m.objectNumber}` : ""}${m.usedFor ? ` (${m.usedFor})` : ""}`;
      add("fail", subject, `签署后有不允许的改动：${what}：${m.message}`, `changed after signing, not allowed: ${what}: ${m.message}`);
    }
  }
}

/** The revocation line: which source answered, what it says, or TRY_LATER when nothing fresh did. */
function revocationLine(s: SignatureReport, subject: string, add: (status: CheckStatus, subject: string, zh: string, en: string) => void) {
  const r = s.revocation;
  const from =
    r.source === "custos" ? ["Custos 服务器记录", "the Custos server's record"] : r.source === "dss-ocsp" ? ["DSS 中的 OCSP 响应", "an OCSP response in the DSS"] : ["DSS 中的 CRL", "a CRL in the DSS"];
  if (s.chain !== "trusted") {
    add("info", subject, "吊销状态：未检查（证书不链至您提供的根证书）", "revocation: not checked (the certificate does not chain to the root you gave)");
  } else if (r.source === "none" && s.subIndication === "TRY_LATER") {
    add("fail", subject, "吊销状态：TRY_LATER — DSS 中没有该证书的有效吊销信息（OCSP 或 CRL）", "revocation: TRY_LATER — the DSS holds no valid revocation information (OCSP or CRL) for the certificate");
  } else if (r.source === "none") {
    add("warn", subject, "吊销状态：DSS 中没有该证书的吊销信息（签名已因其他原因判定）", "revocation: the DSS holds no revocation information for the certificate (the signature is decided for another reason)");
  } else if (r.status === "revoked") {
    const after = s.ok;
    add(
      after ? "info" : "fail",
      subject,
      `吊销状态：已于 ${r.revokedAt ?? "?"} 吊销（来源：${from[0]}）${after ? `，晚于 ${s.bestSignatureTime ?? "?"} 的存在证明` : ""}`,
      `revocation: revoked on ${r.revokedAt ?? "?"} (source: ${from[1]})${after ? `, after the proof of existence at ${s.bestSignatureTime ?? "?"}` : ""}`,
    );
  } else if (r.status === "good" && r.fresh) {
    add("pass", subject, `吊销状态：未吊销（来源：${from[0]}，签发于 ${r.issuedAt ?? "?"}）`, `revocation: not revoked (source: ${from[1]}, issued at ${r.issuedAt ?? "?"})`);
  } else {
    const what = r.status === "good" ? ["签发时间早于签名时间，不够新", "issued before the signature time, not recent enough"] : ["状态未知", "status unknown"];
    add("fail", subject, `吊销状态：TRY_LATER — ${from[0]}${what[0]}（${r.issuedAt ?? "?"}）`, `revocation: TRY_LATER — ${from[1]} ${what[1]} (${r.issuedAt ?? "?"})`);
  }
  for (const reason of s.reasons) add("info", subject, reason.zh, reason.en);
}

/**
 * `custos verify-pdf`: verifies a PDF's signatures offline and prints a line per signature and
 * check in Chinese and English. Returns the exit code: 0 valid, 1 not valid or no root, 2 usage or input.
 */
export async function runVerifyPdf(argv: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  exitOnClosedStdout();
  let values: { root?: string; json?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { root: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (e) {
    err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    err(USAGE);
    return 2;
  }
  const path = positionals[0]!;
  let report: OfflinePdfVerification;
  try {
    report = await verifyPdfFile(path, values.root);
  } catch (e) {
    if (!(e instanceof VerifyPdfInputError)) throw e;
    err(`错误 ERROR: ${e.zh}\n           ${e.en}`);
    return 2;
  }
  const code = report.ok ? 0 : 1;
  if (values.json) {
    out(JSON.stringify(report, null, 2));
    return code;
  }
  out(`Custos PDF 签名验证 / PDF signature verification: ${path}`);
  out(`SHA-256 ${report.sha256}, ${report.size} bytes`);
  for (const c of report.checks) out(formatCheckLine(c));
  out("");
  const valid = report.signatures.filter((s) => s.ok).length;
  const total = report.signatures.length;
  if (report.ok) {
    out(`结果 RESULT: 通过 PASS — ${total} 个签名全部有效（TOTAL-PASSED） / all ${total} signature(s) valid (TOTAL-PASSED)`);
  } else if (report.trust === "not-checked") {
    out(
      `结果 RESULT: 失败 FAIL — 未提供 --root，证书未被信任；请用 --root 指定独立获得的根证书 / no --root given, so no certificate is trusted; pass the root certificate you obtained independently with --root`,
    );
  } else {
    out(`结果 RESULT: 失败 FAIL — ${total - valid} 个签名无效，${valid} 个有效 / ${total - valid} of ${total} signature(s) NOT valid`);
  }
  return code;
}
