import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamps, tstz } from "../columns";
import { departments } from "./organisation";
import { signatureRequests } from "./signatures";
import { users } from "./users";

/**
 * Document categories (policy, objectives, manual, procedure, regulation, form/template, other;
 * admins add more). A category fixes the number pattern, the revision label scheme, who may
 * draft, review and approve, and whether approving one's own draft is allowed.
 */
export const documentCategories = pgTable("document_categories", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  nameEn: text("name_en").notNull(),
  /** e.g. "IPM-PR-{seq:3}" → IPM-PR-001. */
  numberPattern: text("number_pattern").notNull(),
  /** The next sequence number; numbers are never reused. */
  nextSeq: integer("next_seq").notNull().default(1),
  /** "alpha" (A, B, C …) or "numeric" (1.0, 1.1, 2.0). */
  labelScheme: text("label_scheme").notNull(),
  clauses: text("clauses").array().notNull(),
  draftRoles: text("draft_roles").array().notNull(),
  reviewRoles: text("review_roles").array().notNull(),
  approveRoles: text("approve_roles").array().notNull(),
  allowSelfApproval: boolean("allow_self_approval").notNull().default(false),
  /** Policies, procedures and regulations are acknowledged by the departments that must follow them. */
  acknowledgeable: boolean("acknowledgeable").notNull().default(false),
  defaultReviewMonths: integer("default_review_months").notNull().default(12),
  builtIn: boolean("built_in").notNull().default(false),
  ...timestamps,
});

/** A controlled document: its number, title, category, owner and classification. Its content lives in revisions. */
export const documents = pgTable(
  "documents",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull().unique(),
    categoryId: text("category_id")
      .notNull()
      .references(() => documentCategories.id),
    title: text("title").notNull(),
    titleEn: text("title_en"),
    ownerDepartmentId: text("owner_department_id").references(() => departments.id),
    classification: text("classification").notNull(),
    reviewIntervalMonths: integer("review_interval_months").notNull(),
    keywords: text("keywords").array().notNull(),
    /** The revision in force (null until the first becomes effective, and after withdrawal). */
    effectiveRevisionId: text("effective_revision_id"),
    nextReviewDue: date("next_review_due", { mode: "string" }),
    status: text("status").notNull(),
    /** Number, titles, keywords and the effective revision's text: what search looks in. */
    searchText: text("search_text").notNull(),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    check("documents_status", sql`${t.status} in ('active','withdrawn')`),
    check("documents_classification", sql`${t.classification} in ('public','internal','secret','confidential','top-secret')`),
    index("documents_category_idx").on(t.categoryId),
    index("documents_search_trgm").using("gin", sql`${t.searchText} gin_trgm_ops`),
  ],
);

/**
 * Immutable revisions. Content (files, label, change summary) can change only in draft; the
 * database refuses content changes afterwards (trigger). State: draft → in_review → in_approval
 * → approved → effective → superseded; or withdrawn → obsolete.
 */
export const documentRevisions = pgTable(
  "document_revisions",
  {
    id: text("id").primaryKey(),
    documentId: text("document_id")
      .notNull()
      .references(() => documents.id),
    seq: integer("seq").notNull(),
    label: text("label").notNull(),
    state: text("state").notNull(),
    changeSummary: text("change_summary"),
    sourceSha256: text("source_sha256"),
    sourceFilename: text("source_filename"),
    sourceMediaType: text("source_media_type"),
    releaseSha256: text("release_sha256"),
    releaseFilename: text("release_filename"),
    /** The release PDF with the reviewers' and approver's signatures embedded. */
    signedSha256: text("signed_sha256"),
    effectiveDate: date("effective_date", { mode: "string" }),
    reviewerIds: text("reviewer_ids").array().notNull(),
    approverId: text("approver_id"),
    signatureRequestId: text("signature_request_id").references(() => signatureRequests.id),
    rejection: jsonb("rejection"),
    textContent: text("text_content"),
    draftedBy: text("drafted_by")
      .notNull()
      .references(() => users.id),
    submittedAt: tstz("submitted_at"),
    approvedAt: tstz("approved_at"),
    effectiveAt: tstz("effective_at"),
    supersededAt: tstz("superseded_at"),
    supersededByRevisionId: text("superseded_by_revision_id"),
    obsoletedAt: tstz("obsoleted_at"),
    obsoleteReason: text("obsolete_reason"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("document_revisions_seq").on(t.documentId, t.seq),
    uniqueIndex("document_revisions_label").on(t.documentId, t.label),
    check(
      "document_revisions_state",
      sql`${t.state} in ('draft','in_review','in_approval','approved','effective','superseded','obsolete')`,
    ),
  ],
);

/** Reviewer comments, kept with the revision (a rejection's reasons go back to the author). */
export const documentReviewComments = pgTable(
  "document_review_comments",
  {
    id: text("id").primaryKey(),
    revisionId: text("revision_id")
      .notNull()
      .references(() => documentRevisions.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    role: text("role").notNull(),
    outcome: text("outcome").notNull(),
    comments: text("comments"),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [index("document_review_comments_revision_idx").on(t.revisionId)],
);

/** Named access to a document above the person's clearance ("granted it by name"). */
export const documentGrants = pgTable(
  "document_grants",
  {
    documentId: text("document_id")
      .notNull()
      .references(() => documents.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    grantedBy: text("granted_by")
      .notNull()
      .references(() => users.id),
    reason: text("reason").notNull(),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.documentId, t.userId] })],
);

/** How procedures interact (4.3.2.3 c): this document hands over to another, as recorded on it. */
export const documentHandovers = pgTable(
  "document_handovers",
  {
    fromDocumentId: text("from_document_id")
      .notNull()
      .references(() => documents.id),
    toDocumentId: text("to_document_id")
      .notNull()
      .references(() => documents.id),
    description: text("description").notNull(),
  },
  (t) => [primaryKey({ columns: [t.fromDocumentId, t.toDocumentId] })],
);

/** Who must acknowledge which revision (distribution), and the signature request that records it. */
export const documentAcknowledgements = pgTable(
  "document_acknowledgements",
  {
    id: text("id").primaryKey(),
    documentId: text("document_id")
      .notNull()
      .references(() => documents.id),
    revisionId: text("revision_id")
      .notNull()
      .references(() => documentRevisions.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    departmentId: text("department_id").references(() => departments.id),
    signatureRequestId: text("signature_request_id")
      .notNull()
      .references(() => signatureRequests.id),
    requestedBy: text("requested_by")
      .notNull()
      .references(() => users.id),
    requestedAt: tstz("requested_at").notNull(),
    acknowledgedAt: tstz("acknowledged_at"),
  },
  (t) => [uniqueIndex("document_acknowledgements_once").on(t.revisionId, t.userId), index("document_acknowledgements_doc_idx").on(t.documentId)],
);

/** Periodic reviews (no change / revise / withdraw), each a signed record that resets the due date. */
export const documentPeriodicReviews = pgTable("document_periodic_reviews", {
  id: text("id").primaryKey(),
  documentId: text("document_id")
    .notNull()
    .references(() => documents.id),
  revisionId: text("revision_id")
    .notNull()
    .references(() => documentRevisions.id),
  outcome: text("outcome").notNull(),
  comments: text("comments").notNull(),
  reviewedBy: text("reviewed_by")
    .notNull()
    .references(() => users.id),
  signatureRequestId: text("signature_request_id").references(() => signatureRequests.id),
  nextReviewDue: date("next_review_due", { mode: "string" }),
  createdAt: tstz("created_at").notNull(),
});

export type DocumentCategoryRow = typeof documentCategories.$inferSelect;
export type DocumentRow = typeof documents.$inferSelect;
export type DocumentRevisionRow = typeof documentRevisions.$inferSelect;
