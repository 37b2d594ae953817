import { and, eq } from "drizzle-orm";
import { documentRevisions, type DocumentCategoryRow, type DocumentRevisionRow, type DocumentRow } from "../../db/schema/documents";
import { records } from "../../db/schema/records";
import { audit } from "../audit/service";
import type { Classification } from "../auth/permissions";
import type { TxContext } from "../context";
import { findUser } from "../users/repo";
import { insertDeclaredRecord } from "./declare";
import { compareClauses } from "./file-plan";
import { checkContentNatures } from "./natures";
import * as repo from "./repo";
import { applyRetentionEvent } from "./retention";
import { BUILT_IN_CLASS } from "./vocabulary";
import { recordCorrected } from "./events";

/**
 * The record class that receives a category's approved revisions: the first class waiting for a
 * document's supersession whose clause the category evidences (procedures → 4.2.3, regulations →
 * 6.1 …), else the document approval and release records of 4.3.2.1.
 */
async function classForCategory(t: TxContext, category: DocumentCategoryRow) {
  const classes = (await repo.listClasses(t.db))
    .filter((c) => c.trigger === "document-superseded" && category.clauses.includes(c.clause))
    .sort((a, b) => compareClauses(a.clause, b.clause) || a.code.localeCompare(b.code));
  return classes[0] ?? (await repo.findClass(t.db, BUILT_IN_CLASS.documentReleases));
}

/**
 * A revision was put in force (inside that transaction): its approved PDF, with the review and
 * approval signatures, becomes a record of its release, linked to the revision. Its retention
 * starts when the revision is superseded or the document withdrawn ({@link revisionLeftForce}).
 */
export async function declareReleasedRevision(
  t: TxContext,
  input: { document: DocumentRow; category: DocumentCategoryRow; revision: DocumentRevisionRow; effectiveOn: string },
): Promise<void> {
  const { document, category, revision } = input;
  if (!revision.signedSha256) return;
  if (await repo.findRecordBySource(t.db, "document-revision", revision.id)) return;
  const cls = await classForCategory(t, category);
  if (!cls) {
    t.logger.warn("no record class for released revisions; nothing declared", { revisionId: revision.id, categoryId: category.id });
    return;
  }
  const drafter = await findUser(t.db, revision.draftedBy);
  const approver = revision.approverId ? await findUser(t.db, revision.approverId) : undefined;
  const size = (await t.storage.stat(revision.signedSha256))?.size ?? 0;
  const natures = await checkContentNatures(t, {
    sha256: revision.signedSha256,
    size,
    provenance: {
      description: `approved in Custos: ${document.number} revision ${revision.label}, reviewed and approved with electronic signatures${approver ? ` (approver ${approver.displayName})` : ""}`,
    },
  });
  await insertDeclaredRecord(t, {
    classId: cls.id,
    title: `${document.number} ${document.title} ${revision.label}（批准发布 released）`,
    description: revision.changeSummary ?? null,
    recordDate: input.effectiveOn,
    author: drafter?.displayName ?? revision.draftedBy,
    departmentId: document.ownerDepartmentId ?? null,
    classification: document.classification as Classification,
    content: { sha256: revision.signedSha256, size, filename: `${document.number} ${revision.label}（已批准）.pdf`, mediaType: "application/pdf" },
    sourceKind: "document-revision",
    sourceId: revision.id,
    natures,
    links: [{ kind: "document", targetId: revision.id, label: `${document.number} ${revision.label}` }],
    searchExtra: [document.titleEn, ...(document.keywords ?? [])],
    declaredBy: revision.approverId ?? revision.draftedBy,
  });
}

/**
 * A revision left force on `occurredOn`, superseded by the next: the retention of the records
 * linked to it starts.
 */
export async function revisionSuperseded(t: TxContext, revision: Pick<DocumentRevisionRow, "id" | "label">, by: Pick<DocumentRevisionRow, "label">, occurredOn: string): Promise<void> {
  await applyRetentionEvent(t, { trigger: "document-superseded", subjectId: revision.id, occurredOn, note: `${revision.label} 被 ${by.label} 替代 (superseded)` });
}

/**
 * A document was withdrawn on `occurredOn`: the retention of the records linked to its revision in
 * force and of those linked to the document as a whole starts.
 */
export async function documentWithdrawn(
  t: TxContext,
  documentId: string,
  effective: Pick<DocumentRevisionRow, "id" | "label"> | undefined,
  occurredOn: string,
  reason: string,
): Promise<void> {
  if (effective) await applyRetentionEvent(t, { trigger: "document-superseded", subjectId: effective.id, occurredOn, note: `${effective.label} 作废 (obsolete): ${reason}` });
  await applyRetentionEvent(t, { trigger: "document-superseded", subjectId: documentId, occurredOn, note: `文件作废 (withdrawn): ${reason}` });
}

/**
 * The document was reclassified (inside that transaction): its release records take the new level,
 * so the signed PDFs they hold are never readable below the document's own classification. Each
 * change is a correction event on the record, with the old and new level.
 */
export async function reclassifyReleaseRecords(t: TxContext, documentId: string, classification: Classification, reason: string): Promise<number> {
  const rows = await t.db
    .select({ id: records.id, classification: records.classification })
    .from(records)
    .innerJoin(documentRevisions, eq(documentRevisions.id, records.sourceId))
    .where(and(eq(records.sourceKind, "document-revision"), eq(documentRevisions.documentId, documentId)));
  const changed = rows.filter((r) => r.classification !== classification);
  for (const r of changed) {
    await repo.updateRecord(t.db, r.id, { classification, updatedAt: t.clock.now() });
    audit(t, recordCorrected, r.id, { reason, before: { classification: r.classification }, after: { classification } });
  }
  return changed.length;
}
