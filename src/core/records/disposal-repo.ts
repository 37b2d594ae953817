import { and, asc, desc, eq, inArray, ne, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { auditPackages } from "../../db/schema/audit-packages";
import { contractReviews, contracts } from "../../db/schema/contracts";
import { documentRevisions } from "../../db/schema/documents";
import {
  blobPurges,
  destructionRecords,
  disposalApprovals,
  disposalItems,
  disposals,
  records,
  type DestructionRecordRow,
  type DisposalApprovalRow,
  type DisposalRow,
} from "../../db/schema/records";
import { archiveTimestamps, signatureRequests, signatures } from "../../db/schema/signatures";
import { users } from "../../db/schema/users";
import { rowsOf } from "../../db/sql";

export async function nextDisposalSeq(db: Db): Promise<number> {
  return Number(rowsOf<{ n: string | number }>(await db.execute(sql`select nextval('disposal_number_seq') as n`))[0]!.n);
}

export async function insertDisposal(db: Db, row: DisposalRow, recordIds: string[]): Promise<void> {
  await db.insert(disposals).values(row);
  await db.insert(disposalItems).values(recordIds.map((recordId) => ({ disposalId: row.id, recordId })));
}

export async function findDisposal(db: Db, id: string, forUpdate = false): Promise<DisposalRow | undefined> {
  const q = db.select().from(disposals).where(eq(disposals.id, id)).limit(1);
  const [row] = forUpdate ? await q.for("update") : await q;
  return row;
}

export async function updateDisposal(db: Db, id: string, patch: Partial<DisposalRow>): Promise<void> {
  await db.update(disposals).set(patch).where(eq(disposals.id, id));
}

export async function listDisposals(db: Db, visible: SQL): Promise<(DisposalRow & { proposedByName: string; items: number })[]> {
  const rows = await db
    .select({ d: disposals, name: users.displayName, items: sql<number>`(select count(*) from ${disposalItems} where ${disposalItems.disposalId} = ${disposals.id})` })
    .from(disposals)
    .innerJoin(users, eq(users.id, disposals.proposedBy))
    .where(visible)
    .orderBy(desc(disposals.proposedAt));
  return rows.map((r) => ({ ...r.d, proposedByName: r.name, items: Number(r.items) }));
}

export async function listDisposalRecordIds(db: Db, disposalId: string): Promise<string[]> {
  const rows = await db.select({ id: disposalItems.recordId }).from(disposalItems).where(eq(disposalItems.disposalId, disposalId)).orderBy(asc(disposalItems.recordId));
  return rows.map((r) => r.id);
}

/** Open disposals (pending or executing) already holding any of `recordIds`. */
export async function findOpenDisposalsOf(db: Db, recordIds: string[], exceptId?: string): Promise<{ recordId: string; number: string }[]> {
  if (recordIds.length === 0) return [];
  return db
    .select({ recordId: disposalItems.recordId, number: disposals.number })
    .from(disposalItems)
    .innerJoin(disposals, eq(disposals.id, disposalItems.disposalId))
    .where(
      and(
        inArray(disposalItems.recordId, recordIds),
        inArray(disposals.status, ["pending", "executing"]),
        exceptId ? ne(disposals.id, exceptId) : undefined,
      ),
    );
}

export async function insertApproval(db: Db, row: DisposalApprovalRow): Promise<void> {
  await db.insert(disposalApprovals).values(row);
}

export async function listApprovals(db: Db, disposalId: string): Promise<(DisposalApprovalRow & { name: string })[]> {
  const rows = await db
    .select({ a: disposalApprovals, name: users.displayName })
    .from(disposalApprovals)
    .innerJoin(users, eq(users.id, disposalApprovals.userId))
    .where(eq(disposalApprovals.disposalId, disposalId))
    .orderBy(asc(disposalApprovals.decidedAt));
  return rows.map((r) => ({ ...r.a, name: r.name }));
}

export async function insertDestructionRecords(db: Db, rows: DestructionRecordRow[]): Promise<void> {
  if (rows.length) await db.insert(destructionRecords).values(rows);
}

export async function listDestructionRecords(db: Db, disposalId: string): Promise<DestructionRecordRow[]> {
  return db.select().from(destructionRecords).where(eq(destructionRecords.disposalId, disposalId)).orderBy(asc(destructionRecords.recordNumber));
}

/**
 * Asks for blobs to be deleted by a disposal. Bytes destroyed once can come back (someone uploads
 * a copy they kept) and be destroyed again: the blob's purge then passes to the new disposal, to be
 * deleted and confirmed once more; the earlier deletion stays in that disposal's certificate and
 * audit event.
 */
export async function insertPurges(db: Db, rows: (typeof blobPurges.$inferInsert)[]): Promise<void> {
  if (!rows.length) return;
  await db
    .insert(blobPurges)
    .values(rows)
    .onConflictDoUpdate({
      target: blobPurges.sha256,
      set: { disposalId: sql`excluded.disposal_id`, requestedAt: sql`excluded.requested_at`, purgedAt: null, storageKind: null },
    });
}

export async function listPurges(db: Db, disposalId: string) {
  return db.select().from(blobPurges).where(eq(blobPurges.disposalId, disposalId));
}

export async function markPurged(db: Db, sha256: string, at: Date, storageKind: string): Promise<void> {
  await db.update(blobPurges).set({ purgedAt: at, storageKind }).where(eq(blobPurges.sha256, sha256));
}

/** The purge of a blob, with the number of the disposal that asked for it, if there is one. */
export async function findPurge(db: Db, sha256: string): Promise<{ sha256: string; purgedAt: Date | null; disposalNumber: string } | undefined> {
  const [row] = await db
    .select({ sha256: blobPurges.sha256, purgedAt: blobPurges.purgedAt, disposalNumber: disposals.number })
    .from(blobPurges)
    .innerJoin(disposals, eq(disposals.id, blobPurges.disposalId))
    .where(eq(blobPurges.sha256, sha256));
  return row;
}

/**
 * The stored packages that embed other blobs: finished audit packages and transfer packages,
 * except those already purged.
 */
export async function listStoredPackages(db: Db): Promise<{ sha256: string; kind: "audit-package" | "transfer-package"; id: string }[]> {
  const audit = await db
    .select({ sha256: auditPackages.packageSha256, id: auditPackages.id })
    .from(auditPackages)
    .where(and(eq(auditPackages.status, "done"), sql`${auditPackages.packageSha256} is not null`, sql`not exists (select 1 from ${blobPurges} where ${blobPurges.sha256} = ${auditPackages.packageSha256} and ${blobPurges.purgedAt} is not null)`));
  const transfer = await db
    .select({ sha256: disposals.exportSha256, id: disposals.id })
    .from(disposals)
    .where(and(sql`${disposals.exportSha256} is not null`, sql`not exists (select 1 from ${blobPurges} where ${blobPurges.sha256} = ${disposals.exportSha256} and ${blobPurges.purgedAt} is not null)`));
  return [
    ...audit.map((p) => ({ sha256: p.sha256!, kind: "audit-package" as const, id: p.id })),
    ...transfer.map((p) => ({ sha256: p.sha256!, kind: "transfer-package" as const, id: p.id })),
  ];
}

/** Disposals whose execution started but did not finish (crash, storage outage): the job resumes them. */
export async function listUnfinishedDisposals(db: Db): Promise<DisposalRow[]> {
  return db.select().from(disposals).where(eq(disposals.status, "executing"));
}

export async function listPurgedShas(db: Db, shas: string[]): Promise<Set<string>> {
  if (shas.length === 0) return new Set();
  const rows = await db.select({ sha256: blobPurges.sha256 }).from(blobPurges).where(inArray(blobPurges.sha256, shas));
  return new Set(rows.map((r) => r.sha256));
}

/**
 * The signature request whose signing produced a record's content (a signed template, a contract
 * signed in Custos, a signed IP review), if any: its earlier versions are destroyed with the record.
 */
export async function findProducingRequestId(db: Db, record: { sourceKind: string; sourceId: string | null }): Promise<string | null> {
  if (!record.sourceId) return null;
  if (record.sourceKind === "signature-request") return record.sourceId;
  if (record.sourceKind === "contract") {
    const [c] = await db.select({ id: contracts.signatureRequestId }).from(contracts).where(eq(contracts.id, record.sourceId));
    return c?.id ?? null;
  }
  if (record.sourceKind === "contract-review") {
    const [r] = await db.select({ id: contractReviews.signatureRequestId }).from(contractReviews).where(eq(contractReviews.id, record.sourceId));
    return r?.id ?? null;
  }
  return null;
}

/** Every version of a signature request's document: the original and each signature's before/after. */
export async function listRequestBlobs(db: Db, requestId: string): Promise<string[]> {
  const [req] = await db.select().from(signatureRequests).where(eq(signatureRequests.id, requestId));
  if (!req) return [];
  const sigs = await db.select({ before: signatures.sha256Before, after: signatures.sha256After }).from(signatures).where(eq(signatures.requestId, requestId));
  return [...new Set([req.originalSha256, req.currentSha256, ...(req.finalSha256 ? [req.finalSha256] : []), ...sigs.flatMap((s) => [s.before, s.after])])];
}

/**
 * The renewed versions of a signed result (its archive time-stamp chain after sequence 0): copies
 * of the same content, destroyed with it.
 */
export async function listArchiveVersions(db: Db, originalSha256: string): Promise<string[]> {
  const rows = await db
    .select({ sha256: archiveTimestamps.sha256 })
    .from(archiveTimestamps)
    .where(and(eq(archiveTimestamps.originalSha256, originalSha256), sql`${archiveTimestamps.sequence} > 0`));
  return rows.map((r) => r.sha256);
}

/** Records (other than `except`) that still keep `sha256` as their content. */
export async function listKeepersOfBlob(db: Db, sha256: string, except: string[]): Promise<{ id: string; number: string }[]> {
  return db
    .select({ id: records.id, number: records.number })
    .from(records)
    .where(and(eq(records.contentSha256, sha256), eq(records.status, "active"), except.length ? sql`${records.id} not in ${except}` : undefined));
}

/** Controlled document revisions that use `sha256` (kept under document control, never destroyed from here). */
export async function listRevisionsUsingBlob(db: Db, sha256: string): Promise<{ id: string; documentId: string }[]> {
  return db
    .select({ id: documentRevisions.id, documentId: documentRevisions.documentId })
    .from(documentRevisions)
    .where(or(eq(documentRevisions.sourceSha256, sha256), eq(documentRevisions.releaseSha256, sha256), eq(documentRevisions.signedSha256, sha256)));
}
