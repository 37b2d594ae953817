import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { tstz } from "../columns";
import { users } from "./users";

/**
 * A document to be signed by named people in a fixed order. The PDF's successive states are
 * blobs: `original_sha256` (unsigned), `current_sha256` (with the signatures so far),
 * `final_sha256` once everyone has signed.
 */
export const signatureRequests = pgTable(
  "signature_requests",
  {
    id: text("id").primaryKey(),
    title: text("title").notNull(),
    sourceKind: text("source_kind").notNull(),
    sourceId: text("source_id"),
    templateId: text("template_id"),
    templateRevision: text("template_revision"),
    fieldValues: jsonb("field_values"),
    classification: text("classification").notNull(),
    status: text("status").notNull(),
    originalSha256: text("original_sha256").notNull(),
    /** 0-based page of the original where visible stamps go (its last page). */
    stampPage: integer("stamp_page").notNull(),
    currentSha256: text("current_sha256").notNull(),
    finalSha256: text("final_sha256"),
    requestedBy: text("requested_by")
      .notNull()
      .references(() => users.id),
    subjectUserId: text("subject_user_id").references(() => users.id),
    dueAt: tstz("due_at"),
    createdAt: tstz("created_at").notNull(),
    completedAt: tstz("completed_at"),
    closedReason: text("closed_reason"),
  },
  (t) => [
    check("signature_requests_status", sql`${t.status} in ('pending','completed','declined','cancelled')`),
    index("signature_requests_requested_by_idx").on(t.requestedBy),
    index("signature_requests_source_idx").on(t.sourceKind, t.sourceId),
  ],
);

/** One signer of a request, in order, with what their signature means. */
export const signatureRequestSigners = pgTable(
  "signature_request_signers",
  {
    id: text("id").primaryKey(),
    requestId: text("request_id")
      .notNull()
      .references(() => signatureRequests.id),
    position: integer("position").notNull(),
    /** Signers of the same step sign in parallel (any order); the next step starts when a step is done. */
    step: integer("step").notNull().default(0),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    meaning: text("meaning").notNull(),
    visibleStamp: boolean("visible_stamp").notNull(),
    status: text("status").notNull(),
    /** When the signer's browser reported every page of the document displayed (the "read the whole document" step). */
    viewedAt: tstz("viewed_at"),
    /** The SHA-256 of the exact version they read: signing needs it to be the current one (or one it extends only by others' signatures of the same step). */
    readSha256: text("read_sha256"),
    signedAt: tstz("signed_at"),
    declinedAt: tstz("declined_at"),
    declineReason: text("decline_reason"),
    lastRemindedAt: tstz("last_reminded_at"),
    reminderCount: integer("reminder_count").notNull().default(0),
  },
  (t) => [
    uniqueIndex("signature_request_signers_position").on(t.requestId, t.position),
    index("signature_request_signers_user_idx").on(t.userId, t.status),
    check("signature_request_signers_status", sql`${t.status} in ('waiting','ready','signed','declined','cancelled')`),
    check(
      "signature_request_signers_meaning",
      sql`${t.meaning} in ('authored','reviewed','approved','signed','acknowledged')`,
    ),
  ],
);

/** Single-use links that take one signer to their signing ceremony; only the token's hash is kept. */
export const signingLinks = pgTable(
  "signing_links",
  {
    id: text("id").primaryKey(),
    signerId: text("signer_id")
      .notNull()
      .references(() => signatureRequestSigners.id),
    tokenHash: text("token_hash").notNull().unique(),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: tstz("created_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    usedAt: tstz("used_at"),
  },
  (t) => [index("signing_links_signer_idx").on(t.signerId)],
);

/**
 * The evidence of every signature made (append-only; the database refuses UPDATE and DELETE):
 * who, as what, when, with which certificate, over which bytes.
 */
export const signatures = pgTable(
  "signatures",
  {
    id: text("id").primaryKey(),
    requestId: text("request_id")
      .notNull()
      .references(() => signatureRequests.id),
    signerId: text("signer_id")
      .notNull()
      .references(() => signatureRequestSigners.id)
      .unique(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    meaning: text("meaning").notNull(),
    certificateSerial: text("certificate_serial").notNull(),
    signedAt: tstz("signed_at").notNull(),
    timestampGenTime: tstz("timestamp_gen_time"),
    fieldName: text("field_name").notNull(),
    sha256Before: text("sha256_before").notNull(),
    sha256After: text("sha256_after").notNull(),
    byteRange: jsonb("byte_range").notNull(),
    cmsSha256: text("cms_sha256").notNull(),
  },
  (t) => [index("signatures_request_idx").on(t.requestId), index("signatures_after_idx").on(t.sha256After)],
);

/**
 * The archive time-stamp chain of a signed result (PAdES B-LTA kept for decades): sequence 0 is the
 * result as completed (`sha256 = original_sha256`), each later one the previous version plus a DSS
 * with the validation data of its newest time stamp and a new document timestamp, an incremental
 * update (the previous bytes are its exact prefix). `original_sha256` stays the identity everywhere
 * else (the request, the revision, the record, the audit trail); downloads serve the newest version.
 * Each row notes the newest time stamp of its version: its TSA certificate (serial, notAfter), its
 * genTime and the weakest digest algorithm and key size it uses, which tell the job when to renew.
 * The primary key (original, sequence) lets only one instance add a given version.
 */
export const archiveTimestamps = pgTable(
  "archive_timestamps",
  {
    originalSha256: text("original_sha256").notNull(),
    sequence: integer("sequence").notNull(),
    requestId: text("request_id")
      .notNull()
      .references(() => signatureRequests.id),
    sha256: text("sha256").notNull().unique(),
    previousSha256: text("previous_sha256"),
    tsaSerial: text("tsa_serial").notNull(),
    tsaSubject: text("tsa_subject").notNull(),
    tsaNotAfter: tstz("tsa_not_after").notNull(),
    genTime: tstz("gen_time").notNull(),
    /** The weakest digest the time stamp uses (message imprint or its signature), e.g. sha256, sha1, md5. */
    digestAlgorithm: text("digest_algorithm").notNull(),
    /** RSA modulus length of the TSA key (null when not RSA). */
    keyBits: integer("key_bits"),
    /** Why this version was made: the completed result itself, or a renewal. */
    reason: text("reason").notNull(),
    createdAt: tstz("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.originalSha256, t.sequence] }),
    index("archive_timestamps_request_idx").on(t.requestId),
    check("archive_timestamps_reason", sql`${t.reason} in ('original','tsa-expiring','weak-algorithm')`),
    check("archive_timestamps_sequence", sql`(${t.sequence} = 0) = (${t.previousSha256} is null and ${t.sha256} = ${t.originalSha256} and ${t.reason} = 'original')`),
  ],
);

export type ArchiveTimestampRow = typeof archiveTimestamps.$inferSelect;
export type SignatureRequestRow = typeof signatureRequests.$inferSelect;
export type SignatureRequestSignerRow = typeof signatureRequestSigners.$inferSelect;
export type SignatureRow = typeof signatures.$inferSelect;
