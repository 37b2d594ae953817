import { eq, inArray } from "drizzle-orm";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rowsOf } from "../../db/migrate";
import { contractReviews, contracts } from "../../db/schema/contracts";
import { documentCategories, documentRevisions, documents } from "../../db/schema/documents";
import { caseFiles, externalDocuments, recordClasses, recordLinks, records } from "../../db/schema/records";
import { signatureRequests, signatureRequestSigners, signatures } from "../../db/schema/signatures";
import { users } from "../../db/schema/users";
import type { Classification } from "../auth/permissions";
import type { ServiceContext } from "../context";
import { DomainError, notFound } from "../errors";
import { requireEvidenceReader, type EvidenceReader } from "./access";
import { evidenceRelation } from "./sources";
import { EVIDENCE_KINDS, type EvidenceItem, type EvidenceKind, type EvidenceRef, type EvidenceSelection } from "./types";

/** A package or report holds at most this many items; ask for a narrower clause or period beyond it. */
export const MAX_ITEMS = 20_000;

/**
 * The evidence items of a selection, as the caller may see them: chosen refs (each must be
 * visible, else NOT_FOUND naming it), or everything for some clause rows within a period. Each
 * item carries its stored files, its metadata and the audit objects whose events belong with it.
 */
export async function resolveEvidence(ctx: ServiceContext, selection: EvidenceSelection): Promise<EvidenceItem[]> {
  const reader = await requireEvidenceReader(ctx);
  const refs = await selectRefs(ctx, reader, selection);
  if (refs.length === 0) throw new DomainError("VALIDATION_FAILED", "The selection is empty: choose items, or clauses and a period that hold evidence.");
  const items = await loadItems(ctx.db, refs);
  await reader.recordAccess("evidence.retrieved", { selection: { ...selection, refs: selection.refs?.length }, items: items.length });
  return items;
}

async function selectRefs(ctx: ServiceContext, reader: EvidenceReader, selection: EvidenceSelection): Promise<EvidenceRef[]> {
  const relation = evidenceRelation(reader.access, reader.templateClauses, false);
  if (selection.refs?.length) {
    for (const ref of selection.refs) {
      if (!EVIDENCE_KINDS.includes(ref.kind)) throw new DomainError("VALIDATION_FAILED", `Unknown evidence kind “${ref.kind}”.`);
    }
    const pairs = sql.join(
      selection.refs.map((r) => sql`(${r.kind}, ${r.id})`),
      sql`, `,
    );
    const found = rowsOf<{ kind: EvidenceKind; id: string }>(
      await ctx.db.execute(sql`select ev.kind, ev.id from ${relation} ev where (ev.kind, ev.id) in (${pairs})`),
    );
    const key = (r: EvidenceRef) => `${r.kind}:${r.id}`;
    const visible = new Set(found.map(key));
    const missing = selection.refs.find((r) => !visible.has(key(r)));
    if (missing) throw notFound(`Evidence ${missing.kind} ${missing.id}`);
    return [...new Map(selection.refs.map((r) => [key(r), r])).values()];
  }
  if (!selection.clauses?.length && !selection.from && !selection.to) {
    throw new DomainError("VALIDATION_FAILED", "The selection is empty: choose items, or clauses and a period.");
  }
  for (const clause of selection.clauses ?? []) reader.assertWithinGrant({ clause });
  reader.assertWithinGrant({ from: selection.from, to: selection.to });
  const numbers = selection.clauses?.length ? reader.clauseNumbersOf(selection.clauses) : undefined;
  if (selection.clauses?.length && numbers === undefined) throw new DomainError("VALIDATION_FAILED", "A clause of the selection is not in the registry.");
  const filtered = evidenceRelation(reader.access, reader.templateClauses, false, { from: selection.from, to: selection.to, clauseNumbers: numbers });
  const rows = rowsOf<{ kind: EvidenceKind; id: string }>(
    await ctx.db.execute(sql`select ev.kind, ev.id from ${filtered} ev order by ev.item_date, ev.id limit ${MAX_ITEMS + 1}`),
  );
  if (rows.length > MAX_ITEMS) throw new DomainError("VALIDATION_FAILED", `More than ${MAX_ITEMS} items match; narrow the clauses or the period.`);
  return rows;
}

async function names(db: Db, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids.filter(Boolean))];
  if (!unique.length) return new Map();
  const rows = await db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, unique));
  return new Map(rows.map((r) => [r.id, r.displayName]));
}

const localDay = (d: Date | null | undefined) => (d ? new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10) : "");

async function loadItems(db: Db, refs: EvidenceRef[]): Promise<EvidenceItem[]> {
  const ids = (kind: EvidenceKind) => refs.filter((r) => r.kind === kind).map((r) => r.id);
  const out = new Map<string, EvidenceItem>();
  const put = (item: EvidenceItem) => out.set(`${item.kind}:${item.id}`, item);

  const revisionIds = ids("document-revision");
  if (revisionIds.length) {
    const rows = await db
      .select({ r: documentRevisions, d: documents, c: documentCategories })
      .from(documentRevisions)
      .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
      .innerJoin(documentCategories, eq(documentCategories.id, documents.categoryId))
      .where(inArray(documentRevisions.id, revisionIds));
    const who = await names(db, rows.flatMap(({ r }) => [r.draftedBy, r.approverId ?? "", ...r.reviewerIds]));
    for (const { r, d, c } of rows) {
      const people = [r.draftedBy, ...r.reviewerIds, r.approverId].filter((x): x is string => !!x);
      put({
        kind: "document-revision",
        id: r.id,
        reference: `${d.number} ${r.label}`,
        title: d.title,
        clauses: c.clauses,
        classification: d.classification as Classification,
        date: r.effectiveDate ?? localDay(r.effectiveAt ?? r.approvedAt),
        state: r.state,
        people: [...new Set(people)].map((id) => ({ id, displayName: who.get(id) ?? id })),
        departmentIds: d.ownerDepartmentId ? [d.ownerDepartmentId] : [],
        files: [
          ...(r.signedSha256 ? [{ role: "signed", sha256: r.signedSha256, size: null, filename: `${d.number}-${r.label}-signed.pdf`, mediaType: "application/pdf" }] : []),
          ...(r.releaseSha256 && r.releaseSha256 !== r.signedSha256 ? [{ role: "release", sha256: r.releaseSha256, size: null, filename: r.releaseFilename ?? `${d.number}-${r.label}.pdf`, mediaType: "application/pdf" }] : []),
          ...(r.sourceSha256 ? [{ role: "source", sha256: r.sourceSha256, size: null, filename: r.sourceFilename ?? `${d.number}-${r.label}-source`, mediaType: r.sourceMediaType ?? "application/octet-stream" }] : []),
        ],
        metadata: {
          number: d.number,
          revision: r.label,
          category: c.id,
          categoryName: c.name,
          changeSummary: r.changeSummary,
          effectiveDate: r.effectiveDate,
          effectiveAt: r.effectiveAt,
          approvedAt: r.approvedAt,
          supersededAt: r.supersededAt,
          obsoletedAt: r.obsoletedAt,
          author: who.get(r.draftedBy),
          reviewers: r.reviewerIds.map((id) => who.get(id) ?? id),
          approver: r.approverId ? who.get(r.approverId) : null,
          signatureRequestId: r.signatureRequestId,
        },
        auditObjects: [{ type: "document", id: d.id }, ...(r.signatureRequestId ? [{ type: "signature_request", id: r.signatureRequestId }] : [])],
      });
    }
  }

  const recordIds = [...ids("record"), ...ids("external-document")];
  if (recordIds.length) {
    const rows = await db
      .select({ rec: records, cl: recordClasses, x: externalDocuments, cs: caseFiles })
      .from(records)
      .innerJoin(recordClasses, eq(recordClasses.id, records.classId))
      .leftJoin(externalDocuments, eq(externalDocuments.recordId, records.id))
      .leftJoin(caseFiles, eq(caseFiles.id, externalDocuments.caseId))
      .where(inArray(records.id, recordIds));
    const links = await db.select().from(recordLinks).where(inArray(recordLinks.recordId, recordIds));
    const who = await names(db, [...rows.flatMap(({ rec, x }) => [rec.declaredBy, x?.receivedBy ?? ""]), ...links.filter((l) => l.kind === "user").map((l) => l.targetId)]);
    for (const { rec, cl, x, cs } of rows) {
      const mine = links.filter((l) => l.recordId === rec.id);
      const people = [rec.declaredBy, x?.receivedBy, ...mine.filter((l) => l.kind === "user").map((l) => l.targetId)].filter((v): v is string => !!v);
      put({
        kind: x ? "external-document" : "record",
        id: rec.id,
        reference: rec.number,
        title: rec.title,
        clauses: [cl.clause],
        classification: rec.classification as Classification,
        date: x?.obtainedOn ?? rec.recordDate,
        state: rec.status,
        people: [...new Set(people)].map((id) => ({ id, displayName: who.get(id) ?? id })),
        departmentIds: rec.departmentId ? [rec.departmentId] : [],
        files: rec.contentSha256 && rec.status === "active"
          ? [{ role: "record", sha256: rec.contentSha256, size: rec.contentSize, filename: rec.contentFilename ?? `${rec.number}`, mediaType: rec.contentMediaType ?? "application/octet-stream" }]
          : [],
        metadata: {
          number: rec.number,
          recordClass: { code: cl.code, name: cl.name, retention: cl.retentionUnit === "permanent" ? "permanent" : `${cl.retentionAmount} ${cl.retentionUnit}`, trigger: cl.trigger, disposition: cl.disposition },
          recordDate: rec.recordDate,
          author: rec.author,
          custody: { electronic: !!rec.contentSha256, paperRoom: rec.paperRoom, paperCabinet: rec.paperCabinet, paperBox: rec.paperBox },
          natures: rec.natures,
          status: rec.status,
          dueOn: rec.dueOn,
          declaredAt: rec.declaredAt,
          declaredBy: who.get(rec.declaredBy),
          links: mine.map((l) => ({ kind: l.kind, targetId: l.targetId, label: l.label })),
          ...(x
            ? {
                external: {
                  type: x.docType,
                  issuer: x.issuer,
                  referenceNumber: x.referenceNumber,
                  issuedOn: x.issuedOn,
                  obtainedOn: x.obtainedOn,
                  arrival: x.arrivalMethod,
                  arrivalDetail: x.arrivalDetail,
                  receivedBy: who.get(x.receivedBy),
                  case: cs ? { number: cs.number, title: cs.title, status: cs.status } : null,
                  contractId: x.contractId,
                  ipAsset: x.ipAsset,
                },
              }
            : {}),
        },
        auditObjects: [{ type: "record", id: rec.id }, ...(cs ? [{ type: "case", id: cs.id }] : [])],
      });
    }
  }

  const contractIds = ids("contract");
  if (contractIds.length) {
    const rows = await db.select().from(contracts).where(inArray(contracts.id, contractIds));
    const reviews = await db.select().from(contractReviews).where(inArray(contractReviews.contractId, contractIds));
    const who = await names(db, [...rows.map((c) => c.ownerId), ...reviews.map((r) => r.reviewerId)]);
    for (const ct of rows) {
      const review = reviews.filter((r) => r.contractId === ct.id).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
      put({
        kind: "contract",
        id: ct.id,
        reference: ct.number,
        title: ct.title,
        clauses: ["4.3.3"],
        classification: ct.classification as Classification,
        date: ct.signedOn ?? ct.effectiveOn ?? localDay(ct.createdAt),
        state: ct.status,
        people: [{ id: ct.ownerId, displayName: who.get(ct.ownerId) ?? ct.ownerId }],
        departmentIds: ct.departmentId ? [ct.departmentId] : [],
        files: [
          ...(ct.signedSha256 ? [{ role: "signed", sha256: ct.signedSha256, size: null, filename: `${ct.number}-signed.pdf`, mediaType: "application/pdf" }] : []),
          ...(ct.draftSha256 && ct.draftSha256 !== ct.signedSha256 ? [{ role: "draft", sha256: ct.draftSha256, size: null, filename: ct.draftFilename ?? `${ct.number}-draft`, mediaType: ct.draftMediaType ?? "application/octet-stream" }] : []),
          ...(review?.reportSha256 ? [{ role: "ip-review", sha256: review.reportSha256, size: null, filename: `${ct.number}-ip-review.pdf`, mediaType: "application/pdf" }] : []),
        ],
        metadata: {
          number: ct.number,
          type: ct.type,
          counterparties: ct.counterparties,
          value: ct.valueAmount ? `${ct.valueAmount} ${ct.currency}` : null,
          effectiveOn: ct.effectiveOn,
          endOn: ct.endOn,
          signedOn: ct.signedOn,
          status: ct.status,
          ipTerms: ct.ipTerms,
          signingMethod: ct.signingMethod,
          ipReview: review ? { reviewer: who.get(review.reviewerId), decision: review.decision, findings: review.findings, status: review.status, signedAt: review.signedAt } : null,
        },
        auditObjects: [{ type: "contract", id: ct.id }, ...(ct.signatureRequestId ? [{ type: "signature_request", id: ct.signatureRequestId }] : [])],
      });
    }
  }

  const requestIds = ids("signature-request");
  if (requestIds.length) {
    const rows = await db.select().from(signatureRequests).where(inArray(signatureRequests.id, requestIds));
    const signers = await db.select().from(signatureRequestSigners).where(inArray(signatureRequestSigners.requestId, requestIds));
    const made = await db.select().from(signatures).where(inArray(signatures.requestId, requestIds));
    const who = await names(db, [...rows.flatMap((r) => [r.requestedBy, r.subjectUserId ?? ""]), ...signers.map((s) => s.userId)]);
    const templateClause = new Map((await templateClauseList()).map(([id, clause]) => [id, clause]));
    for (const sr of rows) {
      const mine = signers.filter((s) => s.requestId === sr.id).sort((a, b) => a.position - b.position);
      const people = [sr.requestedBy, sr.subjectUserId, ...mine.map((s) => s.userId)].filter((v): v is string => !!v);
      const clause = sr.templateId ? templateClause.get(sr.templateId) : sr.sourceKind.startsWith("document-") ? "4.3.2.1" : sr.sourceKind === "contract" ? "4.3.3" : undefined;
      put({
        kind: "signature-request",
        id: sr.id,
        reference: null,
        title: sr.title,
        clauses: clause ? [clause] : [],
        classification: sr.classification as Classification,
        date: localDay(sr.completedAt ?? sr.createdAt),
        state: sr.status,
        people: [...new Set(people)].map((id) => ({ id, displayName: who.get(id) ?? id })),
        departmentIds: [],
        files: sr.finalSha256 ? [{ role: "signed", sha256: sr.finalSha256, size: null, filename: `${sr.title}.pdf`, mediaType: "application/pdf" }] : [],
        metadata: {
          template: sr.templateId ? { id: sr.templateId, revision: sr.templateRevision } : null,
          source: { kind: sr.sourceKind, id: sr.sourceId },
          subject: sr.subjectUserId ? who.get(sr.subjectUserId) : null,
          requestedBy: who.get(sr.requestedBy),
          createdAt: sr.createdAt,
          completedAt: sr.completedAt,
          originalSha256: sr.originalSha256,
          signers: mine.map((s) => {
            const sig = made.find((m) => m.signerId === s.id);
            return { name: who.get(s.userId), meaning: s.meaning, status: s.status, signedAt: s.signedAt, certificateSerial: sig?.certificateSerial ?? null, declineReason: s.declineReason };
          }),
        },
        auditObjects: [{ type: "signature_request", id: sr.id }],
      });
    }
  }
  return refs.map((r) => out.get(`${r.kind}:${r.id}`)).filter((i): i is EvidenceItem => !!i);
}

async function templateClauseList(): Promise<[string, string][]> {
  const { listTemplates } = await import("../templates/index");
  return (await listTemplates()).map(({ latest }) => [latest.id, latest.clause]);
}

