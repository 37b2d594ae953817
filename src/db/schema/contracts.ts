import { sql } from "drizzle-orm";
import { check, date, index, jsonb, numeric, pgSequence, pgTable, text } from "drizzle-orm/pg-core";
import { timestamps, tstz } from "../columns";
import { blobs } from "./files";
import { departments } from "./organisation";
import { records } from "./records";
import { signatureRequests } from "./signatures";
import { users } from "./users";

/** Contract numbers generated when none is given (HT2026-0001 …). */
export const contractNumberSeq = pgSequence("contract_number_seq", { startWith: 1 });

/**
 * The contract register (4.3.3). Status: draft → ip-review → approved → signed → in-force →
 * expired | terminated. Signing (e-signature or a wet-signed scan) is refused until a signed IP
 * review approved the contract; the signed contract becomes a record whose retention starts at
 * the contract's end. Contracts imported from an existing register that were signed before Custos
 * (signing method `legacy`) are filed with a record of their paper original instead of a signed file.
 */
export const contracts = pgTable(
  "contracts",
  {
    id: text("id").primaryKey(),
    number: text("number").notNull().unique(),
    title: text("title").notNull(),
    type: text("type").notNull(),
    /** [{ name, country?, contact? }] */
    counterparties: jsonb("counterparties").notNull(),
    departmentId: text("department_id").references(() => departments.id),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    classification: text("classification").notNull(),
    valueAmount: numeric("value_amount", { precision: 18, scale: 2, mode: "string" }),
    currency: text("currency").notNull().default("CNY"),
    effectiveOn: date("effective_on", { mode: "string" }),
    endOn: date("end_on", { mode: "string" }),
    signedOn: date("signed_on", { mode: "string" }),
    /** { ownership, confidentiality, licenceScope, warranties, publication } */
    ipTerms: jsonb("ip_terms").notNull(),
    notes: text("notes"),
    status: text("status").notNull(),
    draftSha256: text("draft_sha256").references(() => blobs.sha256),
    draftFilename: text("draft_filename"),
    draftMediaType: text("draft_media_type"),
    signingMethod: text("signing_method"),
    signatureRequestId: text("signature_request_id").references(() => signatureRequests.id),
    signedSha256: text("signed_sha256").references(() => blobs.sha256),
    signedRecordId: text("signed_record_id").references(() => records.id),
    terminatedOn: date("terminated_on", { mode: "string" }),
    terminationReason: text("termination_reason"),
    searchText: text("search_text").notNull(),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    ...timestamps,
  },
  (t) => [
    check(
      "contracts_type",
      sql`${t.type} in ('joint-development','commissioned-development','licence-in','licence-out','ip-transfer','merger-acquisition','employment','confidentiality','service-agency','alliance','other')`,
    ),
    check("contracts_status", sql`${t.status} in ('draft','ip-review','approved','signed','in-force','expired','terminated')`),
    check("contracts_classification", sql`${t.classification} in ('public','internal','secret','confidential','top-secret')`),
    check("contracts_signing_method_known", sql`${t.signingMethod} is null or ${t.signingMethod} in ('e-sign','wet-ink','legacy')`),
    check("contracts_dates", sql`${t.endOn} is null or ${t.effectiveOn} is null or ${t.endOn} >= ${t.effectiveOn}`),
    check(
      "contracts_signed_is_filed",
      sql`${t.status} in ('draft','ip-review','approved') or (${t.signedRecordId} is not null and (${t.signedSha256} is not null or ${t.signingMethod} = 'legacy'))`,
    ),
    index("contracts_status_idx").on(t.status),
    index("contracts_search_trgm").using("gin", sql`${t.searchText} gin_trgm_ops`),
  ],
);

/**
 * An IP review of a contract: the reviewer, the checklist for the contract's type, findings and
 * decision. The review report is signed by the reviewer through the signing service and kept as
 * a record; only a signed review counts.
 */
export const contractReviews = pgTable(
  "contract_reviews",
  {
    id: text("id").primaryKey(),
    contractId: text("contract_id")
      .notNull()
      .references(() => contracts.id),
    reviewerId: text("reviewer_id")
      .notNull()
      .references(() => users.id),
    /** [{ item, result: ok | issue | not-applicable, note }] */
    checklist: jsonb("checklist").notNull(),
    findings: text("findings").notNull(),
    decision: text("decision").notNull(),
    conditions: text("conditions"),
    status: text("status").notNull(),
    reportSha256: text("report_sha256")
      .notNull()
      .references(() => blobs.sha256),
    signatureRequestId: text("signature_request_id").references(() => signatureRequests.id),
    recordId: text("record_id").references(() => records.id),
    createdAt: tstz("created_at").notNull(),
    signedAt: tstz("signed_at"),
  },
  (t) => [
    check("contract_reviews_decision", sql`${t.decision} in ('approve','approve-with-conditions','reject')`),
    check("contract_reviews_status", sql`${t.status} in ('awaiting-signature','signed','withdrawn')`),
    index("contract_reviews_contract_idx").on(t.contractId),
  ],
);

export type ContractRow = typeof contracts.$inferSelect;
export type ContractReviewRow = typeof contractReviews.$inferSelect;
