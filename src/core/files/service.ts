import type { FileRow } from "../../db/schema/files";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requirePrincipal } from "../auth/guard";
import { clearedFor, hasRole, type Classification } from "../auth/permissions";
import { inTransaction, type ServiceContext } from "../context";
import { notFound } from "../errors";
import { assertNoBidiControls } from "../text";
import type { BlobBody } from "../storage/blob-store";
import { integrityFailure, verifyingStream } from "../storage/hashing";
import * as repo from "./repo";
import { blobIntegrityFailed, fileDownloaded, fileUploaded } from "./events";
import { sql } from "drizzle-orm";
import { files } from "../../db/schema/files";
import { textArray } from "../../db/sql";
import { readerPolicy, tablePolicy } from "../access/policy";
import { readableClassifications } from "../auth/permissions";

/** Files up to this size are re-hashed before the first byte is served, so a mismatch is a clean error; larger ones while they stream. */
export const VERIFY_BEFORE_SERVING = 64 * 1024 * 1024;

export interface UploadInput {
  body: BlobBody;
  filename: string;
  mediaType: string;
  classification: Classification;
  /** The SHA-256 the client says it sent; checked, never trusted. */
  expectedSha256?: string;
}

/**
 * Streams an upload into blob storage (hashed on the way), then records it in one transaction. A
 * crash between the two leaves at most an unreferenced blob, never a row pointing at missing bytes.
 */
export async function uploadFile(ctx: ServiceContext, input: UploadInput): Promise<FileRow> {
  const p = requirePrincipal(ctx);
  if (!clearedFor(p.clearance, input.classification)) {
    throw notFound("A classification level you may use");
  }
  assertNoBidiControls("filename", input.filename);
  const put = await ctx.storage.put(input.body, {
    expectedSha256: input.expectedSha256,
    maxBytes: ctx.config.maxUploadBytes,
  });
  const now = ctx.clock.now();
  const row: FileRow = {
    id: newId("fil"),
    sha256: put.sha256,
    size: put.size,
    filename: input.filename,
    mediaType: input.mediaType,
    classification: input.classification,
    uploadedBy: p.id,
    createdAt: now,
  };
  await inTransaction(ctx, async (t) => {
    await repo.ensureBlob(t.db, put.sha256, put.size, now);
    await repo.insertFile(t.db, row);
    audit(t, fileUploaded, row.id, { after: { filename: row.filename, sha256: row.sha256, size: row.size, classification: row.classification } });
  });
  return row;
}

/**
 * A file the caller may see: its uploader or an admin, within their clearance. Anything else is
 * NOT_FOUND, since even its existence may be classified.
 */
export async function getFile(ctx: ServiceContext, id: string): Promise<FileRow> {
  const p = requirePrincipal(ctx);
  const row = await repo.findFile(ctx.db, id);
  if (!row) throw notFound("The file");
  const mayAccess = row.uploadedBy === p.id || hasRole(p, "admin");
  if (!mayAccess || !clearedFor(p.clearance, row.classification as Classification)) throw notFound("The file");
  return row;
}

/**
 * Opens a file's bytes for download, re-hashed: small files before the first byte (a mismatch is
 * answered INTEGRITY_FAILURE), large ones while they stream (the last chunk is held back until the
 * digest is known, and a mismatch aborts the download). Either way a mismatch is recorded as an
 * integrity incident (audit event) and altered bytes are never served complete.
 */
export async function openFileContent(ctx: ServiceContext, id: string) {
  const file = await getFile(ctx, id);
  if (file.size <= VERIFY_BEFORE_SERVING) {
    const fixity = await ctx.storage.verify(file.sha256);
    if (!fixity.ok) {
      await recordIntegrityIncident(ctx, file.sha256, fixity.missing ? "missing" : "hash-mismatch", fixity.actualSha256);
      throw integrityFailure(file.sha256, fixity.actualSha256);
    }
    await repo.markBlobVerified(ctx.db, file.sha256, ctx.clock.now());
  }
  await inTransaction(ctx, async (t) => audit(t, fileDownloaded, file.id, {}));
  const stream = await ctx.storage.get(file.sha256);
  if (file.size <= VERIFY_BEFORE_SERVING) return { file, stream };
  return {
    file,
    stream: verifyingStream(file.sha256, stream, (actual) => recordIntegrityIncident(ctx, file.sha256, "hash-mismatch", actual)),
  };
}

/** Writes an audit event for stored bytes that do not match their hash (or are gone). */
export async function recordIntegrityIncident(
  ctx: ServiceContext,
  sha256: string,
  problem: "missing" | "hash-mismatch",
  actualSha256?: string,
): Promise<void> {
  ctx.logger.error("blob integrity failure", { sha256, problem, actualSha256 });
  await inTransaction(ctx, async (t) => audit(t, blobIntegrityFailed, sha256, { problem, actualSha256 }));
}

/** Uploaded files: their uploader and admins, within their clearance. */
export const filePolicy = tablePolicy({
  objectType: "file",
  table: files,
  id: files.id,
  classification: files.classification,
  rule: (p) => {
    const mine = hasRole(p, "admin") ? sql`true` : sql`${files.uploadedBy} = ${p.id}`;
    return sql`${files.classification} = any(${textArray(readableClassifications(p))}) and ${mine}`;
  },
});

/** Stored bytes (integrity incidents, verifications): those who deal with incidents. */
export const blobPolicy = readerPolicy("blob", (p) => hasRole(p, "admin", "ip-manager", "auditor"));
