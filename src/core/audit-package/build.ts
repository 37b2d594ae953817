import { createHash } from "node:crypto";
import type { SQL } from "drizzle-orm";
import { classificationRank, CLASSIFICATIONS, type Classification } from "../auth/permissions";
import type { AppDeps, ServiceContext } from "../context";
import { DomainError } from "../errors";
import type { EvidenceItem, EvidenceSelection } from "../evidence/types";
import { recordIntegrityIncident } from "../files/service";
import { getOrganisationProfile } from "../organisation/service";
import { ensurePki } from "../signatures/authority";
import { certificateDerToPem, readCertificate } from "../signatures/pki/index";
import { signatureReportOf } from "../signatures/signature-report";
import { verifyWithOurRecords } from "../signatures/verify-with-records";
import { integrityFailure } from "../storage/hashing";
import { CHAIN_LINKS_HEADER } from "./events";
import { chainLinks, eventsAbout, packagedEvent } from "./excerpt";
import {
  colonFingerprint,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  manifestCsv,
  PACKAGE_PATHS,
  safeName,
  type ChainHead,
  type Manifest,
  type ManifestFile,
  type ManifestItem,
  type ManifestItemFile,
  type PackageFileKind,
} from "./manifest";
import { readAhead } from "./read-ahead";
import { readmeText } from "./readme";
import { signatureReportText, type PdfSignatureReportFile } from "./reports";
import { ensurePackageSeal, sealContent } from "./seal";
import { zipStream, type ZipEntry } from "./zip/writer";

/**
 * PDFs up to this size are verified while they stream into the package (their bytes are held for
 * the check); a larger one is packaged with a note instead of a report, which keeps the memory an
 * export needs bounded by this figure whatever the package's size.
 */
export const PDF_VERIFY_LIMIT = 256 * 1024 * 1024;

/** How far reading stored files may run ahead of writing the package. */
const READ_AHEAD_BYTES = 16 * 1024 * 1024;
const BYTE_RANGE = Buffer.from("/ByteRange", "latin1");

/** How often progress is written while bytes stream. */
const PROGRESS_INTERVAL_MS = 500;

/** Progress of an export, as the status endpoint and the progress bar show it. */
export interface PackageProgress {
  itemsDone: number;
  itemsTotal: number;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** Everything the package is made from. */
export interface BuildPackageInput {
  packageId: string;
  createdAt: Date;
  requestedBy: Manifest["requestedBy"];
  selection: EvidenceSelection;
  /** The evidence as the requester may see it (from the resolver). */
  items: EvidenceItem[];
  /** The chain head the excerpt stops at. */
  chainHead: ChainHead;
  /** Which audit events the requester may read (eventVisibleTo …). */
  visibleEvents: SQL;
  /** Called with the totals first, then as work advances (at most every half second, and at the end). */
  onProgress(progress: PackageProgress): Promise<void>;
}

/** What an export produced. */
export interface BuiltPackage {
  sha256: string;
  size: number;
  manifestSha256: string;
  classification: Classification;
  totals: Manifest["totals"];
  auditEvents: number;
}

const sha256Hex = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const utf8 = (text: string) => Buffer.from(text, "utf8");

/** Where an item's files go: evidence/<kind>/<reference or id> <title>/. */
function itemFolder(item: EvidenceItem, taken: Set<string>): string {
  const label = safeName(`${item.reference ?? item.id} ${item.title}`, 80);
  let folder = `evidence/${safeName(item.kind, 40)}/${label}`;
  if (taken.has(folder)) folder = `evidence/${safeName(item.kind, 40)}/${safeName(`${label} ${item.id}`, 110)}`;
  taken.add(folder);
  return folder;
}

/** A name inside `folder` not used yet (role prefix, then a counter, on collision). */
function fileName(folder: string, filename: string, role: string, taken: Set<string>): string {
  const base = safeName(filename, 100);
  const candidates = [base, safeName(`${role}-${base}`, 120)];
  for (const c of candidates) {
    if (!taken.has(`${folder}/${c}`)) {
      taken.add(`${folder}/${c}`);
      return `${folder}/${c}`;
    }
  }
  for (let n = 2; ; n++) {
    const dot = base.lastIndexOf(".");
    const c = dot > 0 ? `${base.slice(0, dot)} (${n})${base.slice(dot)}` : `${base} (${n})`;
    if (!taken.has(`${folder}/${c}`)) {
      taken.add(`${folder}/${c}`);
      return `${folder}/${c}`;
    }
  }
}

function highestClassification(items: EvidenceItem[]): Classification {
  let rank = 0;
  for (const i of items) rank = Math.max(rank, classificationRank(i.classification));
  return CLASSIFICATIONS[rank]!;
}

/**
 * Builds an audit package and streams it into blob storage: the evidence files exactly as stored
 * (each re-hashed on the way and refused if it no longer matches its SHA-256), a verification
 * report for every signed PDF, the audit-trail excerpt for the included objects up to the chain
 * head, the root, TSA and seal certificates, a README in Chinese and English, manifest.csv, and
 * manifest.json with its detached CMS signature (manifest.json.p7s) by the organisation's
 * package seal, time-stamped by the TSA. Memory stays bounded: bytes stream from storage through
 * the ZIP writer into storage, and only PDFs under {@link PDF_VERIFY_LIMIT} are held, one at a time.
 */
export async function buildAuditPackage(ctx: ServiceContext, input: BuildPackageInput): Promise<BuiltPackage> {
  const { items, createdAt } = input;
  const deps: AppDeps = ctx;
  const pki = await ensurePki(deps);
  // issued (or loaded) before the first byte, so a PKI problem fails the export at once
  const seal = await ensurePackageSeal(deps);
  const org = await getOrganisationProfile(deps.db);
  const rootSummary = readCertificate(pki.root.certificate);
  const tsaSummary = readCertificate(pki.tsa.certificate);

  // plan: one copy of each distinct blob, under the readable path of the first item holding it
  const folders = new Set<string>();
  const paths = new Set<string>();
  const pathOfBlob = new Map<string, ManifestItemFile>();
  const planned: { item: EvidenceItem; files: { file: ManifestItemFile; first: boolean }[] }[] = [];
  let bytesTotal = 0;
  for (const item of items) {
    const folder = itemFolder(item, folders);
    const files: { file: ManifestItemFile; first: boolean }[] = [];
    for (const f of item.files) {
      const existing = pathOfBlob.get(f.sha256);
      let size = f.size;
      if (size === null) {
        const stat = existing ? { size: existing.size } : await deps.storage.stat(f.sha256);
        if (!stat) throw missingFile(item, f.filename, f.sha256);
        size = stat.size;
      }
      const file: ManifestItemFile = {
        role: f.role,
        filename: f.filename,
        mediaType: f.mediaType,
        sha256: f.sha256,
        size,
        path: existing?.path ?? fileName(folder, f.filename, f.role, paths),
      };
      files.push({ file, first: !existing });
      if (!existing) {
        pathOfBlob.set(f.sha256, file);
        bytesTotal += size;
      }
    }
    planned.push({ item, files });
  }
  const progress: PackageProgress = {
    itemsDone: 0,
    itemsTotal: items.length,
    filesDone: 0,
    filesTotal: pathOfBlob.size,
    bytesDone: 0,
    bytesTotal,
  };
  await input.onProgress({ ...progress });
  let lastReport = Date.now();
  const report = async (force = false) => {
    if (!force && Date.now() - lastReport < PROGRESS_INTERVAL_MS) return;
    lastReport = Date.now();
    await input.onProgress({ ...progress });
  };

  const manifestFiles: ManifestFile[] = [];
  const manifestItems: ManifestItem[] = [];
  let signedPdfs = 0;
  let auditEventCount = 0;
  let chainLinksInfo: { path: string; fromSeq: number; count: number } | null = null;
  const objects = new Map<string, { type: string; id: string }>();
  for (const item of items) for (const o of item.auditObjects) objects.set(`${o.type}\u0000${o.id}`, o);

  const addGenerated = (path: string, kind: PackageFileKind, mediaType: string, bytes: Uint8Array): ZipEntry => {
    manifestFiles.push({ path, kind, sha256: sha256Hex(bytes), size: bytes.byteLength, mediaType });
    return { name: path, data: bytes };
  };

  // the distinct blobs in the order they go into the package, read ahead of the writer
  const distinct = planned.flatMap(({ item, files }) => files.filter((f) => f.first).map(({ file }) => ({ item, file })));
  async function* blobChunks(): AsyncGenerator<{ index: number; chunk: Uint8Array | null }> {
    for (let index = 0; index < distinct.length; index++) {
      const { item, file } = distinct[index]!;
      const stream = await deps.storage.get(file.sha256).catch((err: unknown) => {
        if (err instanceof DomainError && err.code === "NOT_FOUND") throw missingFile(item, file.filename, file.sha256);
        throw err;
      });
      for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) yield { index, chunk };
      yield { index, chunk: null };
    }
  }
  const chunks = readAhead(blobChunks(), (c) => c.chunk?.byteLength ?? 0, READ_AHEAD_BYTES);

  /**
   * Streams the `index`-th distinct blob, checking its SHA-256 and size; a PDF that carries a
   * signature (a /ByteRange) is handed to `held` for verification once it has streamed.
   */
  async function* streamBlob(index: number, held: { pdf: Buffer | null }): AsyncGenerator<Uint8Array> {
    const { file } = distinct[index]!;
    const hash = createHash("sha256");
    const parts: Uint8Array[] = [];
    let size = 0;
    let isPdf = false;
    let signed = false;
    let tail = Buffer.alloc(0);
    for (;;) {
      const next = await chunks.next();
      if (next.done || next.value.index !== index) throw new Error(`the stored bytes of ${file.sha256} ended out of order`);
      const chunk = next.value.chunk;
      if (chunk === null) break;
      if (size === 0) {
        isPdf = Buffer.from(chunk.buffer, chunk.byteOffset, Math.min(5, chunk.byteLength)).toString("latin1") === "%PDF-";
        if (isPdf && file.size > PDF_VERIFY_LIMIT) {
          file.signatureReport = { skipped: `PDF larger than ${PDF_VERIFY_LIMIT / 1024 / 1024} MiB: verify it with pdfsig or Acrobat` };
        }
      }
      hash.update(chunk);
      size += chunk.byteLength;
      if (isPdf && file.size <= PDF_VERIFY_LIMIT) {
        // the chunks are kept by reference (no copy) until the end shows whether they are needed
        parts.push(chunk);
        if (!signed) {
          const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
          signed = view.includes(BYTE_RANGE) || Buffer.concat([tail, view.subarray(0, BYTE_RANGE.length - 1)]).includes(BYTE_RANGE);
          tail = Buffer.from(view.subarray(Math.max(0, view.length - (BYTE_RANGE.length - 1))));
        }
      }
      progress.bytesDone += chunk.byteLength;
      yield chunk;
      await report();
    }
    const actual = hash.digest("hex");
    if (actual !== file.sha256 || size !== file.size) {
      await recordIntegrityIncident(ctx, file.sha256, "hash-mismatch", actual);
      throw integrityFailure(file.sha256, actual);
    }
    // signatures are found by their /ByteRange in the raw bytes (as the PDF inspector finds them):
    // a PDF without one has none and is not parsed at all
    held.pdf = signed ? Buffer.concat(parts) : null;
  }

  async function* entries(): AsyncGenerator<ZipEntry> {
    try {
      yield* packageEntries();
    } finally {
      // stops reading ahead when the package fails half-way
      await chunks.return(undefined);
    }
  }

  async function* packageEntries(): AsyncGenerator<ZipEntry> {
    let index = 0;
    for (const { item, files } of planned) {
      for (const { file, first } of files) {
        if (!first) continue;
        const held: { pdf: Buffer | null } = { pdf: null };
        yield { name: file.path, data: streamBlob(index++, held), size: file.size };
        manifestFiles.push({ path: file.path, kind: "evidence", sha256: file.sha256, size: file.size, mediaType: file.mediaType });
        progress.filesDone++;
        const bytes = held.pdf;
        held.pdf = null;
        if (bytes) {
          const verification = await verifyWithOurRecords(deps.db, bytes, pki.root.certificate, createdAt);
          if (verification.isPdf && !verification.encrypted && verification.signatures.length > 0) {
            const signatures = verification.signatures.map((s) => signatureReportOf(s));
            const reportFile: PdfSignatureReportFile = {
              format: "custos-pdf-signature-report",
              version: 1,
              file: { path: file.path, sha256: file.sha256, size: file.size },
              verifiedAt: createdAt.toISOString(),
              trustAnchor: { subject: rootSummary.subject.text, sha256Fingerprint: colonFingerprint(rootSummary.sha256) },
              ok: signatures.every((s) => s.ok),
              signatures,
            };
            const base = `signature-reports/${file.path.slice("evidence/".length)}`;
            file.signatureReport = { json: `${base}.verification.json`, text: `${base}.verification.txt`, signatures: signatures.length, ok: reportFile.ok };
            signedPdfs++;
            yield addGenerated(file.signatureReport.json, "signature-report", "application/json", utf8(`${JSON.stringify(reportFile, null, 2)}\n`));
            yield addGenerated(file.signatureReport.text, "signature-report", "text/plain; charset=utf-8", utf8(signatureReportText(reportFile)));
          }
        }
      }
      manifestItems.push({
        kind: item.kind,
        id: item.id,
        reference: item.reference,
        title: item.title,
        clauses: item.clauses,
        classification: item.classification,
        date: item.date,
        state: item.state,
        people: item.people,
        departmentIds: item.departmentIds,
        metadata: item.metadata,
        auditObjects: item.auditObjects,
        // a file shared with an earlier item got its report when that item streamed
        files: files.map(({ file }) => ({ ...file, signatureReport: pathOfBlob.get(file.sha256)!.signatureReport })),
      });
      progress.itemsDone++;
      await report();
    }
    await report(true);

    // the audit-trail excerpt, streamed page by page and hashed on the way
    const eventsHash = createHash("sha256");
    let eventsSize = 0;
    let firstEventSeq: number | null = null;
    async function* eventLines(): AsyncGenerator<Uint8Array> {
      for await (const page of eventsAbout(deps.db, [...objects.values()], input.chainHead.seq, input.visibleEvents)) {
        const bytes = utf8(page.map((e) => `${JSON.stringify(packagedEvent(e))}\n`).join(""));
        firstEventSeq ??= page[0]!.seq;
        auditEventCount += page.length;
        eventsHash.update(bytes);
        eventsSize += bytes.byteLength;
        yield bytes;
      }
    }
    yield { name: PACKAGE_PATHS.auditEvents, data: eventLines() };
    manifestFiles.push({ path: PACKAGE_PATHS.auditEvents, kind: "audit-trail", sha256: eventsHash.digest("hex"), size: eventsSize, mediaType: "application/x-ndjson" });
    yield addGenerated(PACKAGE_PATHS.chainHead, "audit-trail", "application/json", utf8(`${JSON.stringify(input.chainHead, null, 2)}\n`));
    // the links from the first event of the excerpt to the head (hashes only), streamed the same way
    if (firstEventSeq !== null) {
      const from = firstEventSeq;
      const linksHash = createHash("sha256");
      let linksSize = 0;
      let linkCount = 0;
      async function* linkLines(): AsyncGenerator<Uint8Array> {
        for await (const text of (async function* () {
          yield `${CHAIN_LINKS_HEADER}\n`;
          for await (const page of chainLinks(deps.db, from, input.chainHead.seq)) {
            linkCount += page.split("\n").length - 1;
            yield page;
          }
        })()) {
          const bytes = utf8(text);
          linksHash.update(bytes);
          linksSize += bytes.byteLength;
          yield bytes;
        }
      }
      yield { name: PACKAGE_PATHS.chainLinks, data: linkLines() };
      manifestFiles.push({ path: PACKAGE_PATHS.chainLinks, kind: "audit-trail", sha256: linksHash.digest("hex"), size: linksSize, mediaType: "text/csv" });
      chainLinksInfo = { path: PACKAGE_PATHS.chainLinks, fromSeq: from, count: linkCount };
    }

    yield addGenerated(PACKAGE_PATHS.rootCertificate, "certificate", "application/x-pem-file", utf8(certificateDerToPem(pki.root.certificate)));
    yield addGenerated(PACKAGE_PATHS.tsaCertificate, "certificate", "application/x-pem-file", utf8(certificateDerToPem(pki.tsa.certificate)));
    yield addGenerated(PACKAGE_PATHS.sealCertificate, "certificate", "application/x-pem-file", utf8(certificateDerToPem(seal.certificate)));

    const facts = manifestFacts(seal.certificate);
    yield addGenerated(PACKAGE_PATHS.readme, "readme", "text/plain; charset=utf-8", utf8(readmeText(facts)));
    const withoutCsv: Manifest = { ...facts, items: manifestItems, files: [...manifestFiles] };
    yield addGenerated(PACKAGE_PATHS.manifestCsv, "manifest-csv", "text/csv; charset=utf-8", utf8(manifestCsv(withoutCsv)));
    const manifest: Manifest = { ...facts, items: manifestItems, files: manifestFiles };
    manifestBytes = utf8(`${JSON.stringify(manifest, null, 2)}\n`);
    yield { name: PACKAGE_PATHS.manifest, data: manifestBytes };
    const sealed = await sealContent(deps, manifestBytes, seal);
    yield { name: PACKAGE_PATHS.manifestSignature, data: sealed.cms };
  }

  const classification = highestClassification(items);
  let manifestBytes: Buffer | null = null;
  const manifestFacts = (sealCertificate: Buffer): Omit<Manifest, "items" | "files"> => {
    const sealSummary = readCertificate(sealCertificate);
    return {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      packageId: input.packageId,
      createdAt: createdAt.toISOString(),
      organisation: { name: org.name, nameEn: org.nameEn },
      requestedBy: input.requestedBy,
      selection: input.selection,
      classification,
      certificates: {
        root: { path: PACKAGE_PATHS.rootCertificate, sha256Fingerprint: colonFingerprint(rootSummary.sha256), subject: rootSummary.subject.text },
        tsa: { path: PACKAGE_PATHS.tsaCertificate, sha256Fingerprint: colonFingerprint(tsaSummary.sha256), subject: tsaSummary.subject.text },
        packageSeal: { path: PACKAGE_PATHS.sealCertificate, sha256Fingerprint: colonFingerprint(sealSummary.sha256), subject: sealSummary.subject.text },
      },
      auditTrail: {
        path: PACKAGE_PATHS.auditEvents,
        headPath: PACKAGE_PATHS.chainHead,
        events: auditEventCount,
        objects: objects.size,
        chainHead: input.chainHead,
        ...(chainLinksInfo ? { links: chainLinksInfo } : {}),
      },
      totals: { items: items.length, evidenceFiles: pathOfBlob.size, evidenceBytes: bytesTotal, signedPdfs },
    };
  };

  const put = await deps.storage.put(zipStream(entries(), createdAt));
  await input.onProgress({ ...progress });
  return {
    sha256: put.sha256,
    size: put.size,
    manifestSha256: sha256Hex(manifestBytes!),
    classification,
    totals: { items: items.length, evidenceFiles: pathOfBlob.size, evidenceBytes: bytesTotal, signedPdfs },
    auditEvents: auditEventCount,
  };
}

function missingFile(item: EvidenceItem, filename: string, sha256: string): DomainError {
  return new DomainError(
    "INTEGRITY_FAILURE",
    `The stored bytes of “${filename}” (${item.kind} ${item.reference ?? item.id}) are missing; the package was not made. An administrator must restore the file from backup.`,
    { sha256, item: { kind: item.kind, id: item.id } },
  );
}
