/**
 * The audit package's manifest: what the exporter writes and the offline verifier reads. Kept free
 * of database and server imports so `custos verify-package` loads it alone.
 */

/** Fixed paths inside every package. */
export const PACKAGE_PATHS = {
  manifest: "manifest.json",
  manifestSignature: "manifest.json.p7s",
  manifestCsv: "manifest.csv",
  readme: "README.txt",
  auditEvents: "audit-trail/events.jsonl",
  chainHead: "audit-trail/chain-head.json",
  chainLinks: "audit-trail/chain-links.csv",
  rootCertificate: "certificates/root-ca.pem",
  tsaCertificate: "certificates/tsa.pem",
  sealCertificate: "certificates/package-seal.pem",
} as const;

export const MANIFEST_FORMAT = "custos-audit-package";
export const MANIFEST_VERSION = 1;

/** What a file in the package is. */
export type PackageFileKind = "evidence" | "signature-report" | "audit-trail" | "certificate" | "readme" | "manifest-csv";

/** One file of the package (every file except the manifest and its signature). */
export interface ManifestFile {
  path: string;
  kind: PackageFileKind;
  sha256: string;
  size: number;
  mediaType: string;
}

/** A file of an evidence item, pointing at where its bytes are in the package. */
export interface ManifestItemFile {
  role: string;
  filename: string;
  mediaType: string;
  sha256: string;
  size: number;
  /** Where the bytes are; several items holding the same bytes share one path. */
  path: string;
  /** For a signed PDF: its verification report, as JSON and as text. */
  signatureReport?: { json: string; text: string; signatures: number; ok: boolean } | { skipped: string };
}

/** One evidence item as exported. */
export interface ManifestItem {
  kind: string;
  id: string;
  reference: string | null;
  title: string;
  clauses: string[];
  classification: string;
  date: string;
  state: string;
  people: { id: string; displayName: string }[];
  departmentIds: string[];
  metadata: Record<string, unknown>;
  auditObjects: { type: string; id: string }[];
  files: ManifestItemFile[];
}

/** The chain head when the package was made: the excerpt's events all lie at or before it. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** The whole manifest (manifest.json), signed by the organisation in manifest.json.p7s. */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  packageId: string;
  createdAt: string;
  organisation: { name: string; nameEn: string | null };
  requestedBy: { id: string; username: string; displayName: string; roles: string[]; grantId: string | null };
  selection: { refs?: { kind: string; id: string }[]; clauses?: string[]; from?: string; to?: string };
  /** The highest classification among the items: the package is classified at this level. */
  classification: string;
  certificates: {
    root: { path: string; sha256Fingerprint: string; subject: string };
    tsa: { path: string; sha256Fingerprint: string; subject: string };
    packageSeal: { path: string; sha256Fingerprint: string; subject: string };
  };
  auditTrail: {
    path: string;
    headPath: string;
    events: number;
    objects: number;
    chainHead: ChainHead;
    /** seq, prev_hash and hash of every event from the first one in the excerpt to the head. */
    links?: { path: string; fromSeq: number; count: number };
  };
  totals: { items: number; evidenceFiles: number; evidenceBytes: number; signedPdfs: number };
  items: ManifestItem[];
  files: ManifestFile[];
}

/** "AB:CD:…" — how openssl, browsers and certutil print a SHA-256 fingerprint. */
export function colonFingerprint(hex: string): string {
  return hex.toUpperCase().match(/../g)!.join(":");
}

/** Characters that break a path on some system, and control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f"*/:<>?\\|]+/g;

/** A file or folder name that every system accepts: no separators or reserved characters, trimmed, at most `max` characters. */
export function safeName(text: string, max = 80): string {
  let name = text.normalize("NFC").replace(UNSAFE, "_").replace(/\s+/g, " ").trim();
  name = name.replace(/^\.+/, "_").replace(/[. ]+$/, "");
  if ([...name].length > max) name = [...name].slice(0, max).join("").trimEnd();
  return name || "_";
}

const CSV_BOM = "\uFEFF";

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
  // a leading = + - @ would make a spreadsheet run the cell as a formula
  const guarded = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** Column headings of manifest.csv, Chinese and English. */
const CSV_COLUMNS = [
  "文件路径 path",
  "SHA-256",
  "大小(字节) size",
  "类型 kind",
  "媒体类型 media type",
  "证据类别 item kind",
  "证据编号 reference",
  "标题 title",
  "条款 clauses",
  "密级 classification",
  "日期 date",
  "状态 state",
  "人员 people",
  "文件角色 role",
  "原文件名 filename",
  "签名验证 signatures",
  "证据 ID item id",
  "其他信息 metadata",
] as const;

/**
 * manifest.csv: one row per file of each item (the same bytes under two items make two rows), then
 * one row per other file of the package (but itself: the manifest holds its hash); UTF-8 with a BOM and CRLF line ends, so Excel opens the
 * Chinese correctly.
 */
export function manifestCsv(manifest: Manifest): string {
  const rows: unknown[][] = [];
  const byPath = new Map(manifest.files.map((f) => [f.path, f]));
  for (const item of manifest.items) {
    for (const f of item.files) {
      const report = f.signatureReport;
      const signatures = !report ? "" : "skipped" in report ? report.skipped : `${report.signatures} ${report.ok ? "valid 有效" : "INVALID 无效"}`;
      rows.push([
        f.path,
        f.sha256,
        f.size,
        byPath.get(f.path)?.kind ?? "evidence",
        f.mediaType,
        item.kind,
        item.reference ?? "",
        item.title,
        item.clauses.join(" "),
        item.classification,
        item.date,
        item.state,
        item.people.map((p) => p.displayName).join("、"),
        f.role,
        f.filename,
        signatures,
        item.id,
        Object.keys(item.metadata).length ? item.metadata : "",
      ]);
    }
  }
  for (const f of manifest.files) {
    if (f.kind === "evidence" || f.kind === "manifest-csv") continue;
    rows.push([f.path, f.sha256, f.size, f.kind, f.mediaType, "", "", "", "", "", "", "", "", "", "", "", "", ""]);
  }
  return CSV_BOM + [CSV_COLUMNS, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
