import type { DocumentCategoryRow, DocumentRevisionRow, DocumentRow } from "../../db/schema/documents";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requirePrincipal, requireRole } from "../auth/guard";
import { clearedFor, hasRole, type Classification } from "../auth/permissions";
import { inTransaction, type ServiceContext } from "../context";
import { DomainError, notFound } from "../errors";
import { auditGrantRead } from "../evidence/grants";
import { reclassifyReleaseRecords } from "../records/from-revision";
import { findDepartment } from "../organisation/repo";
import { listSigners } from "../signatures/repo";
import { findUser } from "../users/repo";
import { loadCategory, loadVisibleDocument, maySeeDocument, mayAct, requireCategoryRole, visibleFilter } from "./access";
import { firstLabel, formatDocumentNumber, localDate } from "./numbering";
import * as repo from "./repo";
import type { CreateCategoryInput, CreateDocumentInput, SearchQuery, UpdateCategoryInput, UpdateDocumentInput } from "./schemas";
import { documentAccessGranted, documentCategoryCreated, documentCategoryUpdated, documentCreated, documentHandoverRecorded, documentUpdated } from "./events";
import { documentOpened, documentSearched } from "../evidence/events";

/** What search looks in: number, titles, keywords, and the effective revision's text. */
export function buildSearchText(doc: Pick<DocumentRow, "number" | "title" | "titleEn" | "keywords">, effectiveText: string | null): string {
  return [doc.number, doc.title, doc.titleEn ?? "", doc.keywords.join(" "), effectiveText ?? ""].join("\n");
}

export async function listCategories(ctx: ServiceContext) {
  requirePrincipal(ctx);
  return repo.listCategories(ctx.db);
}

/** Admins add categories (numbering, label scheme, who drafts/reviews/approves). */
export async function createCategory(ctx: ServiceContext, input: CreateCategoryInput): Promise<DocumentCategoryRow> {
  requireRole(ctx, "admin");
  const now = ctx.clock.now();
  const row: DocumentCategoryRow = { ...input, nextSeq: 1, builtIn: false, createdAt: now, updatedAt: now };
  return inTransaction(ctx, async (t) => {
    if (await repo.findCategory(t.db, input.id)) throw new DomainError("ALREADY_EXISTS", `A category “${input.id}” already exists.`);
    await repo.insertCategory(t.db, row);
    audit(t, documentCategoryCreated, row.id, { after: input });
    return row;
  });
}

/**
 * Changes a category's settings (admins): who may draft, review and approve, the number pattern
 * (for numbers still to come; numbers are never reused), the clauses, the review interval. The
 * label scheme is fixed once documents exist (their revisions are labelled by it). Audited with the
 * old and new values.
 */
export async function updateCategory(ctx: ServiceContext, id: string, input: UpdateCategoryInput): Promise<DocumentCategoryRow> {
  requireRole(ctx, "admin");
  return inTransaction(ctx, async (t) => {
    const category = await loadCategory(t, id);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input) as [keyof UpdateCategoryInput, unknown][]) {
      if (value === undefined || JSON.stringify(category[key]) === JSON.stringify(value)) continue;
      before[key] = category[key];
      after[key] = value;
    }
    if (Object.keys(after).length === 0) return category;
    if ("labelScheme" in after && (await repo.categoryInUse(t.db, id))) {
      throw new DomainError("INVALID_STATE", `Category “${category.name}” already has documents; their revisions keep the ${category.labelScheme} label scheme.`, { field: "labelScheme" });
    }
    const updatedAt = t.clock.now();
    await repo.updateCategory(t.db, id, { ...after, updatedAt });
    audit(t, documentCategoryUpdated, id, { before, after });
    return { ...category, ...after, updatedAt } as DocumentCategoryRow;
  });
}

/**
 * Registers a controlled document: its number is taken from the category's sequence (never
 * reused, even if the document is later withdrawn) and its first revision starts as a draft.
 */
export async function createDocument(ctx: ServiceContext, input: CreateDocumentInput): Promise<{ document: DocumentRow; revision: DocumentRevisionRow }> {
  const p = requirePrincipal(ctx);
  if (!clearedFor(p.clearance, input.classification)) throw notFound("A classification level you may use");
  return inTransaction(ctx, async (t) => {
    const category = await loadCategory(t, input.categoryId);
    requireCategoryRole(p, category, "draft");
    if (input.ownerDepartmentId && !(await findDepartment(t.db, input.ownerDepartmentId))) {
      throw new DomainError("INVALID_REFERENCE", "The owner department does not exist.", { field: "ownerDepartmentId" });
    }
    const now = t.clock.now();
    const seq = await repo.takeNextSeq(t.db, category.id);
    const number = formatDocumentNumber(category.numberPattern, seq, Number(localDate(now).slice(0, 4)));
    if (await repo.findDocumentByNumber(t.db, number)) {
      throw new DomainError("CONFLICT", `The number ${number} is already taken; change the category's number pattern.`);
    }
    const document: DocumentRow = {
      id: newId("doc"),
      number,
      categoryId: category.id,
      title: input.title,
      titleEn: input.titleEn ?? null,
      ownerDepartmentId: input.ownerDepartmentId ?? null,
      classification: input.classification,
      reviewIntervalMonths: input.reviewIntervalMonths ?? category.defaultReviewMonths,
      keywords: input.keywords,
      effectiveRevisionId: null,
      nextReviewDue: null,
      status: "active",
      searchText: "",
      createdBy: p.id,
      createdAt: now,
      updatedAt: now,
    };
    document.searchText = buildSearchText(document, null);
    await repo.insertDocument(t.db, document);
    const revision = newDraftRow(document.id, 1, firstLabel(category.labelScheme), p.id, now);
    await repo.insertRevision(t.db, revision);
    audit(t, documentCreated, document.id, { after: { number, title: document.title, categoryId: category.id, classification: document.classification, revision: revision.label } });
    return { document, revision };
  });
}

/** A fresh draft revision row. */
export function newDraftRow(documentId: string, seq: number, label: string, draftedBy: string, now: Date): DocumentRevisionRow {
  return {
    id: newId("rev"),
    documentId,
    seq,
    label,
    state: "draft",
    changeSummary: null,
    sourceSha256: null,
    sourceFilename: null,
    sourceMediaType: null,
    releaseSha256: null,
    releaseFilename: null,
    signedSha256: null,
    effectiveDate: null,
    reviewerIds: [],
    approverId: null,
    signatureRequestId: null,
    rejection: null,
    textContent: null,
    draftedBy,
    submittedAt: null,
    approvedAt: null,
    effectiveAt: null,
    supersededAt: null,
    supersededByRevisionId: null,
    obsoletedAt: null,
    obsoleteReason: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** Changes the register entry (title, owner, classification, review interval, keywords): drafters of the category. */
export async function updateDocument(ctx: ServiceContext, id: string, input: UpdateDocumentInput): Promise<DocumentRow> {
  return inTransaction(ctx, async (t) => {
    const { p, doc } = await loadVisibleDocument(t, id, true);
    requireCategoryRole(p, await loadCategory(t, doc.categoryId), "draft");
    if (input.classification && !clearedFor(p.clearance, input.classification)) throw notFound("A classification level you may use");
    if (input.ownerDepartmentId && !(await findDepartment(t.db, input.ownerDepartmentId))) {
      throw new DomainError("INVALID_REFERENCE", "The owner department does not exist.", { field: "ownerDepartmentId" });
    }
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const patch: Partial<DocumentRow> = {};
    for (const key of ["title", "titleEn", "ownerDepartmentId", "classification", "reviewIntervalMonths", "keywords"] as const) {
      if (input[key] === undefined || JSON.stringify(input[key]) === JSON.stringify(doc[key])) continue;
      (patch as Record<string, unknown>)[key] = input[key];
      before[key] = doc[key];
      after[key] = input[key];
    }
    if (Object.keys(patch).length === 0) return doc;
    const next = { ...doc, ...patch, updatedAt: t.clock.now() };
    const effective = doc.effectiveRevisionId ? await repo.findRevision(t.db, doc.effectiveRevisionId) : undefined;
    next.searchText = buildSearchText(next, effective?.textContent ?? null);
    await repo.updateDocument(t.db, id, { ...patch, searchText: next.searchText, updatedAt: next.updatedAt });
    audit(t, documentUpdated, id, { before, after });
    if (patch.classification) await reclassifyReleaseRecords(t, id, patch.classification as Classification, `文件 ${doc.number} 改定密级 (document reclassified)`);
    return next;
  });
}

/** Search the register (what the caller may see only; the total counts only that too). */
export async function searchDocuments(ctx: ServiceContext, query: SearchQuery) {
  const p = requirePrincipal(ctx);
  const found = await repo.searchDocuments(ctx.db, visibleFilter(p), query);
  await auditGrantRead(ctx, documentSearched, { query: { ...query }, total: found.total });
  return found;
}

/** The document with its revisions, comments, grants and what the caller may do with it. */
export async function getDocumentDetail(ctx: ServiceContext, id: string) {
  const { p, doc } = await loadVisibleDocument(ctx, id);
  await auditGrantRead(ctx, documentOpened, { documentId: id, number: doc.number });
  const category = await loadCategory(ctx, doc.categoryId);
  const revisions = await repo.listRevisions(ctx.db, id);
  const comments = await repo.listReviewComments(ctx.db, revisions.map((r) => r.id));
  const effective = revisions.find((r) => r.id === doc.effectiveRevisionId) ?? null;
  const open = revisions.find((r) => ["draft", "in_review", "in_approval", "approved"].includes(r.state)) ?? null;
  const reviewSigners = open?.signatureRequestId && ["in_review", "in_approval"].includes(open.state) ? await listSigners(ctx.db, open.signatureRequestId) : [];
  return {
    document: doc,
    category,
    revisions: revisions.map((r) => ({ ...r, textContent: undefined })),
    comments: comments.map((c) => ({ ...c.comment, displayName: c.displayName })),
    effective: effective ? { ...effective, textContent: undefined } : null,
    open: open ? { ...open, textContent: undefined } : null,
    /** Who reviews and approves the revision in progress, and where each stands (anyone who may see the document may see this). */
    reviewSigners: reviewSigners.map((s) => ({
      displayName: s.user.displayName,
      meaning: s.signer.meaning,
      status: s.signer.status,
      signedAt: s.signer.signedAt,
      isMe: s.signer.userId === p.id,
    })),
    /** Every electronic signature on the document's revisions: who, meaning, when, certificate serial. */
    signatures: await repo.listRevisionSignatures(ctx.db, revisions),
    grants: hasRole(p, "admin", "ip-manager") ? await repo.listGrants(ctx.db, id) : [],
    periodicReviews: await repo.listPeriodicReviews(ctx.db, id),
    may: {
      draft: mayAct(p, category, "draft") && doc.status === "active",
      review: mayAct(p, category, "review"),
      approve: mayAct(p, category, "approve"),
    },
  };
}

/** The current effective revision of a document number: one call for "what is in force". */
export async function getCurrentByNumber(ctx: ServiceContext, number: string) {
  requirePrincipal(ctx);
  // one answer for "no such number" and "not yours to see"
  const doc = await repo.findDocumentByNumber(ctx.db, number);
  if (!doc || !(await maySeeDocument(ctx, ctx.principal!, doc.id))) throw notFound(`Document ${number}`);
  await auditGrantRead(ctx, documentOpened, { documentId: doc.id, number });
  if (!doc.effectiveRevisionId) {
    throw new DomainError("NOT_FOUND", `${number} has no effective revision${doc.status === "withdrawn" ? " (it was withdrawn)" : " yet"}.`);
  }
  const revision = (await repo.findRevision(ctx.db, doc.effectiveRevisionId))!;
  return { document: doc, revision: { ...revision, textContent: undefined } };
}

/** Grants one person access to a document above their clearance, by name (admins and IP managers). */
export async function grantDocumentAccess(ctx: ServiceContext, id: string, input: { userId: string; reason: string }): Promise<void> {
  const granter = requireRole(ctx, "admin", "ip-manager");
  await inTransaction(ctx, async (t) => {
    const { doc } = await loadVisibleDocument(t, id);
    if (!clearedFor(granter.clearance, doc.classification as Classification)) throw notFound("The document");
    const user = await findUser(t.db, input.userId);
    if (!user) throw new DomainError("INVALID_REFERENCE", "That user does not exist.", { field: "userId" });
    await repo.insertGrant(t.db, { documentId: id, userId: input.userId, grantedBy: granter.id, reason: input.reason, createdAt: t.clock.now() });
    audit(t, documentAccessGranted, id, { userId: input.userId, reason: input.reason });
  });
}

/** Records that this procedure hands over to another (used in the IP manual's interaction section). */
export async function recordHandover(ctx: ServiceContext, id: string, input: { toDocumentId: string; description: string }): Promise<void> {
  await inTransaction(ctx, async (t) => {
    const { p, doc } = await loadVisibleDocument(t, id);
    requireCategoryRole(p, await loadCategory(t, doc.categoryId), "draft");
    await loadVisibleDocument(t, input.toDocumentId);
    if (input.toDocumentId === id) throw new DomainError("VALIDATION_FAILED", "A document cannot hand over to itself.");
    await repo.upsertHandover(t.db, { fromDocumentId: id, toDocumentId: input.toDocumentId, description: input.description });
    audit(t, documentHandoverRecorded, id, input);
  });
}

