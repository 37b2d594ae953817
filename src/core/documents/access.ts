import type { DocumentCategoryRow, DocumentRow } from "../../db/schema/documents";
import { requirePrincipal } from "../auth/guard";
import { and, inArray, sql, type SQL } from "drizzle-orm";
import { documents } from "../../db/schema/documents";
import { clearedFor, hasRole, readableClassifications, visibleClassifications, type Classification, type Principal, type Role } from "../auth/permissions";
import type { ServiceContext } from "../context";
import { DomainError, notFound } from "../errors";
import * as repo from "./repo";
import { countEvents, queryEvents } from "../audit/repo";
import { findVisible, readerPolicy, tablePolicy } from "../access/policy";

/**
 * May `p` see this document: the document policy (within clearance, or granted it by name; a
 * grant-bound auditor only the categories, clauses and classifications their grant covers).
 */
export async function maySeeDocument(ctx: Pick<ServiceContext, "db">, p: Principal, documentId: string): Promise<boolean> {
  return !!(await findVisible(ctx.db, documentPolicy, p, documentId));
}

/** The document if the caller may see it (the policy's SQL rule); otherwise it does not exist for them (NOT_FOUND). */
export async function loadVisibleDocument(ctx: ServiceContext, id: string, lock = false): Promise<{ p: Principal; doc: DocumentRow }> {
  const p = requirePrincipal(ctx);
  const doc = await findVisible(ctx.db, documentPolicy, p, id, { lock });
  if (!doc) throw notFound("The document");
  return { p, doc };
}

/** The document a revision belongs to, if the caller may see it (NOT_FOUND otherwise, like a missing revision). */
export async function documentIdOfRevision(ctx: ServiceContext, revisionId: string): Promise<string> {
  const revision = await repo.findRevision(ctx.db, revisionId);
  if (!revision) throw notFound("The revision");
  await loadVisibleDocument(ctx, revision.documentId);
  return revision.documentId;
}

/**
 * What happened to a document the caller may see, newest first (its audit events): reads (copies taken, evidence opened …) left out unless
 * `reads`, with how many were left out.
 */
export async function documentHistoryPage(ctx: ServiceContext, id: string, options: { reads: boolean; limit?: number }) {
  await loadVisibleDocument(ctx, id);
  const q = { objectType: "document", objectId: id };
  const hide = options.reads ? [] : ctx.registry.readActions;
  const events = await queryEvents(ctx.db, { ...q, excludeActions: hide, limit: options.limit ?? 100 });
  const hiddenReads = await countEvents(ctx.db, { ...q, actions: hide });
  return { events, hiddenReads };
}

/** The SQL filter of documents the caller may see (the same rule as {@link maySeeDocument}). */
export function visibleFilter(p: Principal): SQL {
  if (p.auditScope !== undefined) {
    const levels = readableClassifications(p);
    if (!p.auditScope || levels.length === 0) return sql`false`;
    if (p.auditScope.documentCategoryIds.length === 0) return sql`false`;
    return and(inArray(documents.classification, levels), inArray(documents.categoryId, p.auditScope.documentCategoryIds))!;
  }
  return repo.visibleTo(p.id, visibleClassifications(p.clearance));
}

export type CategoryAction = "draft" | "review" | "approve";

/** Whether the person holds one of the roles the category names for this action. */
export function mayAct(p: Pick<Principal, "roles">, category: DocumentCategoryRow, action: CategoryAction): boolean {
  const roles = (action === "draft" ? category.draftRoles : action === "review" ? category.reviewRoles : category.approveRoles) as Role[];
  return hasRole(p, ...roles);
}

/** FORBIDDEN unless the person may do this in the category, naming the roles that may. */
export function requireCategoryRole(p: Principal, category: DocumentCategoryRow, action: CategoryAction): void {
  if (!mayAct(p, category, action)) {
    const roles = action === "draft" ? category.draftRoles : action === "review" ? category.reviewRoles : category.approveRoles;
    throw new DomainError("FORBIDDEN", `In category “${category.name}”, only ${roles.join(", ")} may ${action} documents.`, { roles });
  }
}

export async function loadCategory(ctx: Pick<ServiceContext, "db">, id: string): Promise<DocumentCategoryRow> {
  const category = await repo.findCategory(ctx.db, id);
  if (!category) throw new DomainError("INVALID_REFERENCE", `There is no document category “${id}”.`, { field: "categoryId" });
  return category;
}

/** Documents: within clearance or granted by name; a grant-bound auditor by the grant's categories and ceiling. */
export const documentPolicy = tablePolicy({ objectType: "document", table: documents, id: documents.id, classification: documents.classification, rule: visibleFilter });

/** The categories of the register carry nothing classified: every signed-in person may see them. */
export const documentCategoryPolicy = readerPolicy("document_category", () => true);
