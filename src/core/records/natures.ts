import { unzipSync } from "fflate";
import type { ServiceContext } from "../context";
import { DomainError } from "../errors";
import { integrityFailure } from "../storage/hashing";
import { inspectPdfSignatures } from "../signatures/pdf/index";
import { signablePageCount } from "../signatures/requests/create";
import { verifyPdfReport } from "../signatures/verify";

/**
 * The "four natures" of GB/T 18894 electronic archiving, checked when a record is declared and
 * kept with it: authenticity (where it came from; signatures verified when the file is signed),
 * integrity (hash, stored bytes re-read, required metadata present), usability (the file opens)
 * and security (no encryption that blocks reading; size and type allowed).
 */

export type NatureStatus = "pass" | "warn" | "fail";

export interface NatureCheck {
  status: NatureStatus;
  detail: string;
}

/** What was found about the content and how each nature fared. */
export interface FourNatures {
  checkedAt: string;
  format: ContentFormat | "paper";
  sha256: string | null;
  size: number | null;
  pages?: number;
  signatures?: { signer: string | null; ok: boolean; chain: string; timestamped: boolean }[];
  authenticity: NatureCheck;
  integrity: NatureCheck;
  usability: NatureCheck;
  security: NatureCheck;
}

/** Formats a record's content may have; anything else is refused (security). */
export const ALLOWED_FORMATS = ["pdf", "docx", "xlsx", "ofd", "png", "jpeg", "tiff", "text"] as const;
export type ContentFormat = (typeof ALLOWED_FORMATS)[number] | "zip" | "ole" | "unknown";

/** The media type we store for each format (sniffed from the bytes, not the client's claim). */
export const formatMediaType: Record<ContentFormat, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ofd: "application/ofd",
  png: "image/png",
  jpeg: "image/jpeg",
  tiff: "image/tiff",
  text: "text/plain; charset=utf-8",
  zip: "application/zip",
  ole: "application/x-ole-storage",
  unknown: "application/octet-stream",
};

/** Main part of each zip-based format: it must be present and readable for the file to be usable. */
const ZIP_MAIN_PART: Partial<Record<ContentFormat, string>> = {
  docx: "word/document.xml",
  xlsx: "xl/workbook.xml",
  ofd: "OFD.xml",
};

const startsWith = (bytes: Uint8Array, ...sig: number[]) => sig.every((b, i) => bytes[i] === b);

function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Lists a zip's entry names without inflating anything. */
function zipEntries(bytes: Uint8Array): string[] | null {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (file) => {
        names.push(file.name);
        return false;
      },
    });
    return names;
  } catch {
    return null;
  }
}

/** Recognises a format from the bytes themselves. */
export function detectFormat(bytes: Uint8Array): ContentFormat {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString("latin1");
  if (head.includes("%PDF-")) return "pdf";
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) {
    const names = zipEntries(bytes);
    if (!names) return "zip";
    for (const [format, part] of Object.entries(ZIP_MAIN_PART)) if (names.includes(part!)) return format as ContentFormat;
    return "zip";
  }
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) return "ole";
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (startsWith(bytes, 0xff, 0xd8, 0xff)) return "jpeg";
  if (startsWith(bytes, 0x49, 0x49, 0x2a, 0x00) || startsWith(bytes, 0x4d, 0x4d, 0x00, 0x2a)) return "tiff";
  if (bytes.length > 0 && isUtf8Text(bytes)) return "text";
  return "unknown";
}

const pass = (detail: string): NatureCheck => ({ status: "pass", detail });
const warn = (detail: string): NatureCheck => ({ status: "warn", detail });
const fail = (detail: string): NatureCheck => ({ status: "fail", detail });

function usabilityOf(format: ContentFormat, bytes: Uint8Array): { check: NatureCheck; pages?: number } {
  switch (format) {
    case "pdf":
      try {
        const pages = signablePageCount(bytes);
        if (pages === 0) return { check: fail("The PDF does not open: it has no readable pages.") };
        return { check: pass(`PDF opens: ${pages} page(s).`), pages };
      } catch (err) {
        if (err instanceof DomainError && err.code === "PDF_ENCRYPTED") return { check: fail("The PDF is encrypted and cannot be opened without its password.") };
        return { check: fail(`The PDF does not open: ${(err as Error).message}`) };
      }
    case "docx":
    case "xlsx":
    case "ofd": {
      const part = ZIP_MAIN_PART[format]!;
      try {
        const out = unzipSync(bytes, { filter: (f) => f.name === part });
        const xml = out[part];
        if (!xml || xml.length === 0) return { check: fail(`${part} is empty.`) };
        const start = new TextDecoder().decode(xml.subarray(0, 64)).trimStart();
        if (!start.startsWith("<")) return { check: fail(`${part} is not XML.`) };
        return { check: pass(`${format.toUpperCase()} unzips and its main part ${part} reads (${xml.length} bytes).`) };
      } catch (err) {
        return { check: fail(`The ${format.toUpperCase()} file does not unzip: ${(err as Error).message}`) };
      }
    }
    case "png":
    case "jpeg":
    case "tiff":
      return { check: pass(`${format.toUpperCase()} image with a valid signature.`) };
    case "text":
      return { check: pass("UTF-8 text.") };
    default:
      return { check: fail("The file's format is not one Custos can open (PDF, DOCX, XLSX, OFD, PNG, JPEG, TIFF or UTF-8 text).") };
  }
}

function securityOf(format: ContentFormat, bytes: Uint8Array, maxBytes: number): NatureCheck {
  if (bytes.length > maxBytes) return fail(`The file is larger than the ${Math.round(maxBytes / 1048576)} MB allowed.`);
  if (format === "ole") {
    return fail("This is an encrypted (password-protected) or legacy binary Office file; save it as an unprotected PDF or DOCX and declare that.");
  }
  if (!(ALLOWED_FORMATS as readonly string[]).includes(format)) {
    return fail("This type of file is not allowed as record content (allowed: PDF, DOCX, XLSX, OFD, PNG, JPEG, TIFF, UTF-8 text).");
  }
  if (format === "pdf") {
    if (inspectPdfSignatures(bytes).encrypted) return fail("The PDF is encrypted; encryption would block reading it for the whole retention period. Remove the protection and declare it again.");
    const text = Buffer.from(bytes).toString("latin1");
    const active = ["/JavaScript", "/Launch", "/EmbeddedFile"].filter((k) => text.includes(k));
    if (active.length) return warn(`Not encrypted; the PDF carries active or embedded content (${active.join(", ")}).`);
  }
  return pass(`Not encrypted; ${format.toUpperCase()} is an allowed type; ${bytes.length} bytes.`);
}

/** What the caller knows about where the content came from. */
export interface Provenance {
  /** e.g. "uploaded by 李娜 (li.na)", "signed in Custos: request sig_…". */
  description: string;
}

/**
 * Checks the four natures of electronic content. The bytes are read back from storage (which
 * re-hashes them); failures of usability or security refuse the declaration with
 * UNREADABLE_CONTENT, naming the nature and what to do. A broken signature is recorded as an
 * authenticity failure but does not refuse: what was received is evidence too.
 */
export async function checkContentNatures(
  ctx: ServiceContext,
  input: { sha256: string; size: number; provenance: Provenance },
  options: { openLimit?: number } = {},
): Promise<FourNatures> {
  if (input.size > (options.openLimit ?? OPEN_LIMIT)) return largeContentNatures(ctx, input);
  const bytes = await ctx.storage.getBytes(input.sha256);
  const format = detectFormat(bytes);
  const usable = usabilityOf(format, bytes);
  const security = securityOf(format, bytes, ctx.config.maxUploadBytes);
  const integrity = pass(`SHA-256 ${input.sha256}; stored bytes read back and re-hashed.`);
  let authenticity = pass(`Provenance: ${input.provenance.description}. The file carries no digital signature.`);
  let signatures: FourNatures["signatures"];
  if (format === "pdf" && security.status !== "fail" && inspectPdfSignatures(bytes).signatures.length > 0) {
    const report = await verifyPdfReport(ctx, bytes);
    // document timestamps (PAdES B-LTA) vouch for the file's existence, not for a signer: checked with the rest, not listed as signers
    const documentTimestamps = report.signatures.filter((s) => s.subFilter === "ETSI.RFC3161");
    signatures = report.signatures.filter((s) => s.subFilter !== "ETSI.RFC3161").map((s) => ({ signer: s.signerName, ok: s.ok, chain: s.chain, timestamped: s.timestamp?.valid === true }));
    const broken = report.signatures.filter((s) => !s.integrity.digestMatches || !s.integrity.signatureValid);
    const untrusted = report.signatures.filter((s) => s.chain !== "trusted" || !s.ok);
    const who = signatures.map((s) => s.signer ?? "?").join(", ");
    if (broken.length) authenticity = fail(`${broken.length} of ${signatures.length} signature(s) do not verify: the file was changed after signing. Provenance: ${input.provenance.description}.`);
    else if (untrusted.length) authenticity = warn(`${signatures.length} signature(s) intact (${who}); ${untrusted.length} not from a certificate Custos trusts or otherwise flagged. Provenance: ${input.provenance.description}.`);
    else authenticity = pass(`${signatures.length} signature(s) verified (${who}): integrity, trusted chain, revocation, time stamp${documentTimestamps.length ? `; ${documentTimestamps.length} document timestamp(s) over the whole file` : ""}. Provenance: ${input.provenance.description}.`);
  }
  const natures: FourNatures = {
    checkedAt: ctx.clock.now().toISOString(),
    format,
    sha256: input.sha256,
    size: input.size,
    ...(usable.pages !== undefined ? { pages: usable.pages } : {}),
    ...(signatures ? { signatures } : {}),
    authenticity,
    integrity,
    usability: usable.check,
    security,
  };
  const blocking = (["usability", "security", "integrity"] as const).filter((k) => natures[k].status === "fail");
  if (blocking.length) {
    throw new DomainError(
      "UNREADABLE_CONTENT",
      `The file cannot be declared as a record: ${blocking.map((k) => `${k} — ${natures[k].detail}`).join(" ")}`,
      { natures },
    );
  }
  return natures;
}

/** Files larger than this are not opened whole at declaration: re-hashed as a stream and recognised by their first bytes. */
export const OPEN_LIMIT = 256 * 1024 * 1024;

async function readHead(ctx: ServiceContext, sha256: string, n: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = (await ctx.storage.get(sha256)).getReader();
  try {
    while (size < n) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts).subarray(0, n);
}

/**
 * The four natures of a file too large to open in memory: its bytes are re-hashed as a stream
 * (integrity), its type is recognised from its first bytes; what could not be checked (opening it,
 * encryption, signatures) is recorded as a warning rather than passed.
 */
async function largeContentNatures(
  ctx: ServiceContext,
  input: { sha256: string; size: number; provenance: Provenance },
): Promise<FourNatures> {
  const fixity = await ctx.storage.verify(input.sha256);
  if (!fixity.ok) throw integrityFailure(input.sha256, fixity.actualSha256);
  const head = await readHead(ctx, input.sha256, 64 * 1024);
  const text = Buffer.from(head.subarray(0, 1024)).toString("latin1");
  const format: ContentFormat = text.includes("%PDF-")
    ? "pdf"
    : startsWith(head, 0x50, 0x4b, 0x03, 0x04)
      ? "zip"
      : startsWith(head, 0x89, 0x50, 0x4e, 0x47)
        ? "png"
        : startsWith(head, 0xff, 0xd8, 0xff)
          ? "jpeg"
          : startsWith(head, 0x49, 0x49, 0x2a, 0x00) || startsWith(head, 0x4d, 0x4d, 0x00, 0x2a)
            ? "tiff"
            : startsWith(head, 0xd0, 0xcf, 0x11, 0xe0)
              ? "ole"
              : "unknown";
  const mb = Math.round(input.size / 1048576);
  const security: NatureCheck =
    input.size > ctx.config.maxUploadBytes
      ? fail(`The file is larger than the ${Math.round(ctx.config.maxUploadBytes / 1048576)} MB allowed.`)
      : format === "ole" || format === "unknown"
        ? fail("This type of file is not allowed as record content (allowed: PDF, DOCX, XLSX, OFD, PNG, JPEG, TIFF, UTF-8 text).")
        : warn(`${format === "zip" ? "A ZIP container (DOCX, XLSX or OFD)" : format.toUpperCase()} of ${mb} MB: recognised from its header; too large to be scanned for encryption at declaration.`);
  const natures: FourNatures = {
    checkedAt: ctx.clock.now().toISOString(),
    format,
    sha256: input.sha256,
    size: input.size,
    authenticity: warn(`Provenance: ${input.provenance.description}. Too large (${mb} MB) to verify embedded signatures at declaration.`),
    integrity: pass(`SHA-256 ${input.sha256}; stored bytes re-hashed as a stream.`),
    usability: warn(`Not opened at declaration (${mb} MB, over the ${Math.round(OPEN_LIMIT / 1048576)} MB opened in memory); the type was recognised from the first bytes.`),
    security,
  };
  if (security.status === "fail" || natures.integrity.status === "fail") {
    throw new DomainError("UNREADABLE_CONTENT", `The file cannot be declared as a record: ${security.status === "fail" ? `security — ${security.detail}` : `integrity — ${natures.integrity.detail}`}`, { natures });
  }
  return natures;
}

/** The four natures of a paper record (custody location) whose metadata were entered by hand. */
export function paperNatures(
  ctx: Pick<ServiceContext, "clock">,
  input: { location: string; provenance: Provenance },
): FourNatures {
  return {
    checkedAt: ctx.clock.now().toISOString(),
    format: "paper",
    sha256: null,
    size: null,
    authenticity: pass(`Paper original. Provenance: ${input.provenance.description}.`),
    integrity: pass("The paper original is described by its location."),
    usability: pass(`Paper original kept at ${input.location}.`),
    security: pass(`Kept in the archive at ${input.location}.`),
  };
}
