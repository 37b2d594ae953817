import { createHash, X509Certificate } from "node:crypto";
import { z } from "zod";
import { verifyCadesSignature } from "../signatures/cms/verify-cades-signature";
import { verifyPdfSignatures } from "../signatures/pdf/verify-pdf-signatures";
import { ChainLinksVerifier, ExcerptVerifier, objectKey } from "./events";
import { MANIFEST_FORMAT, MANIFEST_VERSION, PACKAGE_PATHS, colonFingerprint, type Manifest } from "./manifest";
import type { CheckLine, CheckStatus } from "../check-lines";
import { ZipFormatError, ZipReader, type ZipDirectoryEntry } from "./zip/reader";

/**
 * The offline verifier of audit packages (`custos verify-package`). It needs no server, database
 * or configuration: everything it trusts is the root certificate inside the package, whose
 * fingerprint the auditor compares with one obtained independently.
 */

export type { CheckLine, CheckStatus } from "../check-lines";

/** The whole verification. */
export interface PackageVerification {
  ok: boolean;
  packageId: string | null;
  rootFingerprint: string | null;
  checks: CheckLine[];
  counts: { pass: number; fail: number; warn: number };
}

export interface VerifyPackageOptions {
  /** A root fingerprint obtained independently: the package's root must match it. */
  expectedRootFingerprint?: string;
  /** Called for each check as it is made (the CLI prints as it goes). */
  onCheck?(line: CheckLine): void;
}

/** PDFs up to this size are held in memory for their signature checks. */
const PDF_LIMIT = 1024 * 1024 * 1024;

const Fingerprinted = z.object({ path: z.string(), sha256Fingerprint: z.string(), subject: z.string() });
const ManifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(MANIFEST_VERSION),
  packageId: z.string(),
  createdAt: z.string(),
  certificates: z.object({ root: Fingerprinted, tsa: Fingerprinted, packageSeal: Fingerprinted }),
  auditTrail: z.object({
    path: z.string(),
    headPath: z.string(),
    events: z.number().int().nonnegative(),
    objects: z.number().int().nonnegative(),
    chainHead: z.object({ seq: z.number().int().nonnegative(), hash: z.string() }),
    links: z.object({ path: z.string(), fromSeq: z.number().int().positive(), count: z.number().int().nonnegative() }).optional(),
  }),
  items: z.array(
    z.object({
      kind: z.string(),
      id: z.string(),
      reference: z.string().nullable(),
      title: z.string(),
      auditObjects: z.array(z.object({ type: z.string(), id: z.string() })),
      files: z.array(
        z.object({
          path: z.string(),
          sha256: z.string(),
          size: z.number(),
          signatureReport: z.union([z.object({ json: z.string(), text: z.string(), signatures: z.number(), ok: z.boolean() }), z.object({ skipped: z.string() })]).optional(),
        }),
      ),
    }),
  ),
  files: z.array(z.object({ path: z.string(), kind: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().nonnegative(), mediaType: z.string() })),
});

const normaliseFingerprint = (text: string) => text.replace(/[^0-9a-fA-F]/g, "").toUpperCase();

/** Verifies the audit package at `path`; never throws for a damaged package (it reports it). */
export async function verifyAuditPackage(path: string, options: VerifyPackageOptions = {}): Promise<PackageVerification> {
  const checks: CheckLine[] = [];
  const add = (status: CheckStatus, subject: string, zh: string, en: string) => {
    const line = { status, subject, zh, en };
    checks.push(line);
    options.onCheck?.(line);
  };
  const result = (packageId: string | null, rootFingerprint: string | null): PackageVerification => {
    const counts = { pass: 0, fail: 0, warn: 0 };
    for (const c of checks) if (c.status !== "info") counts[c.status]++;
    return { ok: counts.fail === 0, packageId, rootFingerprint, checks, counts };
  };

  let zip: ZipReader;
  try {
    zip = await ZipReader.open(path);
  } catch (err) {
    const why = err instanceof ZipFormatError ? err.message : (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String((err as Error).message);
    add("fail", path, `无法作为 ZIP 审核包读取：${why}`, `cannot be read as a ZIP audit package: ${why}`);
    return result(null, null);
  }
  try {
    return await verifyOpened(zip, options, add, result);
  } finally {
    await zip.close();
  }
}

async function verifyOpened(
  zip: ZipReader,
  options: VerifyPackageOptions,
  add: (status: CheckStatus, subject: string, zh: string, en: string) => void,
  result: (packageId: string | null, rootFingerprint: string | null) => PackageVerification,
): Promise<PackageVerification> {
  const entries = new Map<string, ZipDirectoryEntry>();
  for (const e of zip.entries) {
    if (e.name.endsWith("/")) continue;
    if (entries.has(e.name)) add("fail", e.name, "包中出现两次同名文件", "appears twice in the package");
    entries.set(e.name, e);
  }

  // the manifest
  const manifestEntry = entries.get(PACKAGE_PATHS.manifest);
  if (!manifestEntry) {
    add("fail", PACKAGE_PATHS.manifest, "缺少清单，无法验证", "the manifest is missing; nothing can be verified");
    return result(null, null);
  }
  const manifestBytes = await zip.readEntry(manifestEntry);
  let manifest: Manifest;
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(manifestBytes.toString("utf8")));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      add("fail", PACKAGE_PATHS.manifest, `不是有效的审核包清单（${issue.path.join(".")}: ${issue.message}）`, `not a valid audit package manifest (${issue.path.join(".")}: ${issue.message})`);
      return result(null, null);
    }
    manifest = parsed.data as unknown as Manifest;
  } catch (err) {
    add("fail", PACKAGE_PATHS.manifest, `不是有效的 JSON：${(err as Error).message}`, `not valid JSON: ${(err as Error).message}`);
    return result(null, null);
  }
  add("info", PACKAGE_PATHS.manifest, `审核包 ${manifest.packageId}，生成于 ${manifest.createdAt}，${manifest.items.length} 项证据、${manifest.files.length} 个文件`, `package ${manifest.packageId}, made ${manifest.createdAt}: ${manifest.items.length} evidence item(s), ${manifest.files.length} file(s)`);

  // the root certificate: the one thing the auditor compares with an independent source
  const rootPath = manifest.certificates.root.path;
  const rootEntry = entries.get(rootPath);
  let root: X509Certificate | null = null;
  if (!rootEntry) {
    add("fail", rootPath, "缺少根证书", "the root certificate is missing");
  } else {
    try {
      root = new X509Certificate(await zip.readEntry(rootEntry));
    } catch (err) {
      add("fail", rootPath, `根证书无法读取：${(err as Error).message}`, `the root certificate cannot be read: ${(err as Error).message}`);
    }
  }
  const rootFingerprint = root ? colonFingerprint(createHash("sha256").update(root.raw).digest("hex")) : null;
  if (root && rootFingerprint) {
    add("info", rootPath, `根证书 SHA-256 指纹：${rootFingerprint}（请与独立获得的指纹比对）`, `root certificate SHA-256 fingerprint: ${rootFingerprint} (compare it with one obtained independently)`);
    const selfSigned = root.ca && root.checkIssued(root) && root.verify(root.publicKey);
    if (selfSigned) add("pass", rootPath, `自签名 CA 证书：${root.subject.replace(/\n/g, ", ")}`, `self-signed CA certificate: ${root.subject.replace(/\n/g, ", ")}`);
    else add("fail", rootPath, "不是自签名的 CA 证书", "is not a self-signed CA certificate");
    if (normaliseFingerprint(manifest.certificates.root.sha256Fingerprint) !== normaliseFingerprint(rootFingerprint)) {
      add("fail", rootPath, "指纹与清单记录的不符", "its fingerprint differs from the one the manifest records");
    }
    if (options.expectedRootFingerprint !== undefined) {
      if (normaliseFingerprint(options.expectedRootFingerprint) === normaliseFingerprint(rootFingerprint)) {
        add("pass", rootPath, "指纹与您提供的指纹一致", "the fingerprint matches the one you gave");
      } else {
        add("fail", rootPath, `指纹与您提供的指纹不符（${options.expectedRootFingerprint}）：本包不是由您信任的机构签署的`, `the fingerprint differs from the one you gave (${options.expectedRootFingerprint}): the package is not signed under the root you trust`);
      }
    }
  }
  const anchors = root ? [new Uint8Array(root.raw)] : [];

  // the organisation's signature over the manifest
  const sigEntry = entries.get(PACKAGE_PATHS.manifestSignature);
  if (!sigEntry) {
    add("fail", PACKAGE_PATHS.manifestSignature, "缺少清单签名", "the manifest signature is missing");
  } else {
    const report = verifyCadesSignature({ cms: await zip.readEntry(sigEntry), signedContent: manifestBytes, trustAnchors: anchors });
    const signer = report.signer?.subject.text ?? "?";
    if (report.ok) {
      const ts = report.timestamp?.ok ? `${report.timestamp.genTime?.toISOString()}（${report.timestamp.tsa?.subject.text ?? "TSA"}）` : null;
      add(
        "pass",
        PACKAGE_PATHS.manifestSignature,
        `清单签名有效，签署者 ${signer}，证书链至根证书${ts ? `，时间戳 ${ts}` : ""}`,
        `the manifest signature is valid, signed by ${signer}, chained to the root${ts ? `, time-stamped ${ts.replace("（", " (").replace("）", ")")}` : ""}`,
      );
      if (!report.timestamp) add("warn", PACKAGE_PATHS.manifestSignature, "签名没有时间戳", "the signature carries no time stamp");
    } else {
      const digest = report.problems.some((p) => p.code === "MESSAGE_DIGEST_MISMATCH");
      const detail = report.problems.filter((p) => p.severity === "error").map((p) => `${p.code}: ${p.message}`).join("; ");
      if (digest) {
        add("fail", PACKAGE_PATHS.manifest, "清单在签署后被改动：其内容与机构签名不符", "the manifest was changed after it was signed: its content does not match the organisation's signature");
      } else {
        add("fail", PACKAGE_PATHS.manifestSignature, `清单签名无效（${detail}）`, `the manifest signature is not valid (${detail})`);
      }
    }
    const sealFingerprint = report.signer ? colonFingerprint(report.signer.sha256) : null;
    if (sealFingerprint && normaliseFingerprint(sealFingerprint) !== normaliseFingerprint(manifest.certificates.packageSeal.sha256Fingerprint)) {
      add("fail", PACKAGE_PATHS.manifestSignature, "签署证书不是清单所列的审核包签章证书", "the signing certificate is not the package seal the manifest names");
    }
  }

  // every file against the manifest; signed PDFs against the root
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const pdfReports = new Map<string, number>();
  for (const item of manifest.items) {
    for (const f of item.files) {
      const file = listed.get(f.path);
      if (!file || file.sha256 !== f.sha256) {
        add("fail", f.path, `证据 ${item.reference ?? item.id} 的文件不在清单的文件列表中或哈希不一致`, `a file of evidence ${item.reference ?? item.id} is not in the manifest's file list, or its hash differs there`);
      }
      if (f.signatureReport && "json" in f.signatureReport) pdfReports.set(f.path, f.signatureReport.signatures);
    }
  }
  for (const file of manifest.files) {
    const entry = entries.get(file.path);
    if (!entry) {
      add("fail", file.path, "清单列出的文件在包中缺失", "listed in the manifest but missing from the package");
      continue;
    }
    const opened = await zip.openEntry(entry);
    const hash = createHash("sha256");
    let size = 0;
    let held: Uint8Array[] | null = null;
    let first = true;
    for await (const chunk of opened.chunks) {
      if (first) {
        first = false;
        const isPdf = Buffer.from(chunk.subarray(0, 5)).toString("latin1") === "%PDF-";
        held = file.kind === "evidence" && isPdf && file.size <= PDF_LIMIT ? [] : null;
      }
      hash.update(chunk);
      size += chunk.byteLength;
      held?.push(chunk);
    }
    const actual = hash.digest("hex");
    if (actual !== file.sha256 || size !== file.size) {
      add(
        "fail",
        file.path,
        `SHA-256 与清单不符（清单 ${file.sha256}，${file.size} 字节；实际 ${actual}，${size} 字节）`,
        `SHA-256 does not match the manifest (manifest ${file.sha256}, ${file.size} bytes; found ${actual}, ${size} bytes)`,
      );
    } else {
      add("pass", file.path, "SHA-256 与清单一致", "SHA-256 matches the manifest");
    }
    const pdf = held ? Buffer.concat(held) : null;
    held = null;
    // a PDF's signatures are found by their /ByteRange in the raw bytes; without one there is none
    const expectedSignatures = pdfReports.get(file.path);
    if (pdf && (expectedSignatures !== undefined || pdf.includes("/ByteRange"))) {
      const verification = verifyPdfSignatures(pdf, { trustAnchors: anchors });
      if (expectedSignatures !== undefined && expectedSignatures !== verification.signatures.length) {
        add("fail", file.path, `清单记载 ${expectedSignatures} 个签名，文件中有 ${verification.signatures.length} 个`, `the manifest records ${expectedSignatures} signature(s), the file holds ${verification.signatures.length}`);
      }
      for (const s of verification.signatures) {
        const who = s.name ?? s.cms?.signer?.subject.commonName ?? "?";
        const subject = `${file.path} #${s.index + 1}`;
        const v = s.validation;
        if (s.ok) {
          const ts = s.cms?.timestamp?.ok ? s.cms.timestamp.genTime?.toISOString() : null;
          add("pass", subject, `签名有效（${who}）：通过 TOTAL-PASSED${ts ? `，时间戳 ${ts}` : ""}`, `signature valid (${who}): TOTAL-PASSED${ts ? `, time-stamped ${ts}` : ""}`);
        } else {
          const why = [
            ...(s.cms?.problems ?? []).filter((p) => p.severity === "error").map((p) => p.code),
            ...(s.coverage.wellFormed ? [] : ["BYTE_RANGE_MALFORMED"]),
            ...(s.changesAfter.kind === "otherModified" ? ["MODIFIED_AFTER_SIGNING"] : []),
            ...(s.contents ? [] : ["NO_CMS"]),
          ].join(", ");
          const indication = `${v.indication}${v.subIndication ? ` / ${v.subIndication}` : ""}`;
          add("fail", subject, `签名无效（${who}）：${indication}：${v.message.zh}${why ? `；${why}` : ""}`, `signature NOT valid (${who}): ${indication}: ${v.message.en}${why ? `; ${why}` : ""}`);
        }
      }
    }
  }
  for (const name of entries.keys()) {
    if (name === PACKAGE_PATHS.manifest || name === PACKAGE_PATHS.manifestSignature || listed.has(name)) continue;
    add("fail", name, "此文件不在清单中（导出后被加入）", "is not listed in the manifest (added after export)");
  }

  // the audit-trail excerpt
  const head = manifest.auditTrail.chainHead;
  const headEntry = entries.get(manifest.auditTrail.headPath);
  if (headEntry) {
    try {
      const h = JSON.parse((await zip.readEntry(headEntry)).toString("utf8")) as { seq?: unknown; hash?: unknown };
      if (h.seq !== head.seq || h.hash !== head.hash) {
        add("fail", manifest.auditTrail.headPath, `链头与清单不符（文件：第 ${String(h.seq)} 条 ${String(h.hash)}）`, `the chain head differs from the manifest's (file: event ${String(h.seq)} ${String(h.hash)})`);
      } else {
        add("pass", manifest.auditTrail.headPath, `链头与清单一致：第 ${head.seq} 条事件，${head.hash}`, `chain head matches the manifest: event ${head.seq}, ${head.hash}`);
      }
    } catch {
      add("fail", manifest.auditTrail.headPath, "不是有效的 JSON", "not valid JSON");
    }
  }
  const eventsEntry = entries.get(manifest.auditTrail.path);
  if (eventsEntry) {
    const objects = new Set(manifest.items.flatMap((i) => i.auditObjects.map((o) => objectKey(o.type, o.id))));
    const excerpt = new ExcerptVerifier(head, objects);
    for await (const line of entryLines(zip, eventsEntry)) excerpt.push(line);
    for (const p of excerpt.problems) add("fail", `${manifest.auditTrail.path}${p.seq !== null ? ` #${p.seq}` : `:${p.line}`}`, p.zh, p.en);
    if (excerpt.events !== manifest.auditTrail.events) {
      add("fail", manifest.auditTrail.path, `清单记载 ${manifest.auditTrail.events} 条事件，文件中有 ${excerpt.events} 条`, `the manifest records ${manifest.auditTrail.events} event(s), the file holds ${excerpt.events}`);
    }
    if (excerpt.problems.length === 0) {
      add(
        "pass",
        manifest.auditTrail.path,
        `${excerpt.events} 条审计事件：哈希逐条重算一致，相邻事件链接完整，均不晚于链头（第 ${head.seq} 条）`,
        `${excerpt.events} audit event(s): every hash recomputed, consecutive events linked, none after the chain head (event ${head.seq})`,
      );
    }
    // the links from the first excerpt event to the head: the excerpt sits on the chain the manifest's head ends
    const links = manifest.auditTrail.links;
    const linksEntry = links ? entries.get(links.path) : undefined;
    if (links && linksEntry) {
      const chain = new ChainLinksVerifier(head, links.fromSeq, excerpt.bySeq);
      for await (const line of entryLines(zip, linksEntry)) chain.push(line);
      chain.finish();
      for (const p of chain.problems) add("fail", `${links.path}${p.seq !== null ? ` #${p.seq}` : `:${p.line}`}`, p.zh, p.en);
      if (chain.links !== links.count) add("fail", links.path, `清单记载 ${links.count} 个链接，文件中有 ${chain.links} 个`, `the manifest records ${links.count} link(s), the file holds ${chain.links}`);
      if (chain.problems.length === 0 && chain.links === links.count) {
        add(
          "pass",
          links.path,
          `${chain.linkedEvents} 条摘录事件经 ${chain.links} 个链接（第 ${links.fromSeq} 至第 ${head.seq} 条）连到链头`,
          `${chain.linkedEvents} excerpt event(s) lead to the chain head through ${chain.links} link(s) (events ${links.fromSeq} to ${head.seq})`,
        );
      }
    } else if (excerpt.events > 0 && !links) {
      add("warn", manifest.auditTrail.path, "本包不含链接文件：摘录事件只能逐条核对，不能连到链头", "the package has no chain links: the excerpt's events are checked one by one, not followed to the head");
    }
  }
  return result(manifest.packageId, rootFingerprint);
}

/** The lines of a text entry, streamed (the last line without its newline too). */
async function* entryLines(zip: ZipReader, entry: ZipDirectoryEntry): AsyncGenerator<string> {
  const opened = await zip.openEntry(entry);
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  for await (const chunk of opened.chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split("\n");
    rest = lines.pop()!;
    yield* lines;
  }
  rest += decoder.decode();
  if (rest) yield rest;
}
