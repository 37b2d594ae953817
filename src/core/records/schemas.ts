import { z } from "@hono/zod-openapi";
import { CLASSIFICATIONS } from "../auth/permissions";
import { text } from "../text";
import {
  ARRIVAL_METHODS,
  CASE_KINDS,
  DISPOSITIONS,
  EVENT_TRIGGERS,
  EXTERNAL_DOCUMENT_TYPES,
  RECORD_STATUSES,
  RETENTION_TRIGGERS,
  RETENTION_UNITS,
} from "./vocabulary";

/** An empty form or query field means "not given". */
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());

const isoDate = z.iso.date({ message: "a date as YYYY-MM-DD" });
const classification = z.enum(CLASSIFICATIONS);

/** A record class's settings as given (no defaults: a change names only what it changes). */
const RecordClassSettings = z.object({
  name: text(200),
  nameEn: text(200),
  clause: z.string().trim().regex(/^\d+(\.\d+)*$/, "a clause number such as 7.3.2.4"),
  description: opt(z.string().trim().max(2000)),
  retentionAmount: z.number().int().min(1).max(1200).nullable(),
  retentionUnit: z.enum(RETENTION_UNITS),
  trigger: z.enum(RETENTION_TRIGGERS),
  disposition: z.enum(DISPOSITIONS),
  defaultClassification: classification,
  templateId: opt(z.string().trim().max(100)),
});

export const RecordClassInput = RecordClassSettings.extend({
  code: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[A-Za-z0-9][A-Za-z0-9.\-_]*$/, "letters, digits, dots, dashes and underscores"),
  retentionAmount: RecordClassSettings.shape.retentionAmount.default(null),
  defaultClassification: classification.default("internal"),
}).openapi("RecordClassInput");
export type RecordClassInput = z.infer<typeof RecordClassInput>;

export const RecordClassPatch = RecordClassSettings.partial()
  .extend({ reason: text(2000).openapi({ description: "Why the class changes (kept in the audit trail)" }) })
  .openapi("RecordClassPatch");
export type RecordClassPatch = z.infer<typeof RecordClassPatch>;

export const LinkInput = z
  .object({
    kind: z.string().trim().min(1).max(40).openapi({ description: "user, document, contract, case, record, ip-asset, or a kind a module registered" }),
    targetId: text(200),
    label: opt(z.string().trim().max(300)),
  })
  .openapi("RecordLinkInput");
export type LinkInput = z.infer<typeof LinkInput>;

const paper = {
  paperRoom: opt(z.string().trim().max(100)),
  paperCabinet: opt(z.string().trim().max(100)),
  paperBox: opt(z.string().trim().max(100)),
};

/** Metadata every record carries. */
const recordMetadata = {
  classId: z.string().min(1),
  title: text(300),
  description: opt(z.string().trim().max(4000)),
  recordDate: isoDate,
  author: text(200),
  departmentId: opt(z.string().min(1)),
  classification: classification.optional(),
  ...paper,
  links: z.array(LinkInput).max(50).default([]),
};

export const DeclareRecordInput = z
  .object({
    fileId: opt(z.string().min(1)).openapi({ description: "A file you uploaded (POST /files); omit for a paper-only record" }),
    ...recordMetadata,
  })
  .openapi("DeclareRecordInput");
export type DeclareRecordInput = z.infer<typeof DeclareRecordInput>;

export const CorrectRecordInput = z
  .object({
    classId: opt(z.string().min(1)),
    title: opt(text(300)),
    description: z.preprocess(blankToUndefined, z.string().trim().max(4000).nullable().optional()),
    recordDate: opt(isoDate),
    author: opt(text(200)),
    departmentId: z.preprocess(blankToUndefined, z.string().min(1).nullable().optional()),
    classification: opt(classification),
    paperRoom: z.string().trim().max(100).nullable().optional(),
    paperCabinet: z.string().trim().max(100).nullable().optional(),
    paperBox: z.string().trim().max(100).nullable().optional(),
    external: z
      .object({
        issuer: opt(text(200)),
        referenceNumber: z.preprocess(blankToUndefined, z.string().trim().max(120).nullable().optional()),
        issuedOn: opt(isoDate),
        obtainedOn: opt(isoDate),
        arrivalMethod: opt(z.enum(ARRIVAL_METHODS)),
        arrivalDetail: z.preprocess(blankToUndefined, z.string().trim().max(300).nullable().optional()),
      })
      .optional()
      .openapi({ description: "Corrections of an external document's source" }),
    reason: text(2000).openapi({ description: "Why the metadata are corrected (kept with the old values)" }),
  })
  .openapi("CorrectRecordInput");
export type CorrectRecordInput = z.infer<typeof CorrectRecordInput>;

export const RecordQuery = z
  .object({
    q: opt(z.string().trim().max(200)),
    classId: opt(z.string()),
    clause: opt(z.string().trim().regex(/^\d+(\.\d+)*$/, "a clause number such as 7.3.2.4")),
    status: opt(z.enum(RECORD_STATUSES)),
    caseId: opt(z.string()),
    contractId: opt(z.string()),
    documentId: opt(z.string()),
    linkedUserId: opt(z.string()),
    ipAsset: opt(z.string()),
    externalType: opt(z.enum(EXTERNAL_DOCUMENT_TYPES)),
    sourceKind: opt(z.string().trim().max(60)).openapi({ description: "How records came in: upload, paper, external-document, signature-request, contract, contract-review, import, disposal" }),
    dateFrom: opt(isoDate),
    dateTo: opt(isoDate),
    triggerFrom: opt(isoDate).openapi({ description: "Retention trigger on or after (e.g. employment ended in 2025: 2025-01-01)" }),
    triggerTo: opt(isoDate),
    dueBefore: opt(isoDate),
  })
  .openapi("RecordQuery");
export type RecordQuery = z.infer<typeof RecordQuery>;

export const Paging = z.object({
  limit: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(500).default(50)),
  offset: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).default(0)),
});

export const ExternalDocumentInput = z
  .object({
    fileId: opt(z.string().min(1)),
    docType: z.enum(EXTERNAL_DOCUMENT_TYPES),
    classId: opt(z.string().min(1)).openapi({ description: "Defaults to the file plan's class for the type" }),
    title: text(300),
    description: opt(z.string().trim().max(4000)),
    issuer: text(200).openapi({ description: "Issuing body or sender (发文机关/来函单位)" }),
    referenceNumber: opt(z.string().trim().max(120)).openapi({ description: "Their reference number (文号/案号); required for decisions and judgments" }),
    issuedOn: isoDate,
    obtainedOn: isoDate.openapi({ description: "Date obtained (取得时间)" }),
    arrivalMethod: z.enum(ARRIVAL_METHODS),
    arrivalDetail: opt(z.string().trim().max(300)),
    receivedBy: opt(z.string().min(1)).openapi({ description: "Who received it; defaults to you" }),
    caseId: opt(z.string().min(1)),
    contractId: opt(z.string().min(1)),
    ipAsset: opt(z.string().trim().max(300)),
    classification: classification.optional(),
    departmentId: opt(z.string().min(1)),
    ...paper,
  })
  .openapi("ExternalDocumentInput");
export type ExternalDocumentInput = z.infer<typeof ExternalDocumentInput>;

export const CaseInput = z
  .object({
    number: opt(z.string().trim().max(60)),
    title: text(300),
    kind: z.enum(CASE_KINDS),
    counterparty: opt(z.string().trim().max(300)),
    forum: opt(z.string().trim().max(300)),
    ourRole: opt(z.string().trim().max(60)),
    openedOn: isoDate,
    ownerId: opt(z.string().min(1)),
    classification: classification.default("secret"),
  })
  .openapi("CaseInput");
export type CaseInput = z.infer<typeof CaseInput>;

export const CloseCaseInput = z.object({ closedOn: isoDate, outcome: text(4000) }).openapi("CloseCaseInput");

/** True when a record query names no condition at all: as a hold's scope it would cover every record. */
export function isEmptyRecordQuery(query: Record<string, unknown>): boolean {
  return Object.values(query).every((v) => v === undefined || v === null || (typeof v === "string" && v.trim() === ""));
}

/** Why a query hold needs a condition, and which ones there are (the API and the page say the same). */
export const EMPTY_HOLD_QUERY_MESSAGE =
  "a hold by query needs at least one condition (a search word q, a record class classId, a clause, a period dateFrom/dateTo, or a case, contract, document or person); an empty query would hold every record";

export const HoldScope = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("list"), recordIds: z.array(z.string().min(1)).min(1, "choose at least one record").max(5000) }),
  z.object({ kind: z.literal("query"), query: RecordQuery.refine((q) => !isEmptyRecordQuery(q), EMPTY_HOLD_QUERY_MESSAGE) }),
]);

export const HoldInput = z
  .object({
    matter: text(300),
    reason: text(4000),
    ownerId: opt(z.string().min(1)),
    scope: HoldScope,
  })
  .openapi("LegalHoldInput");
export type HoldInput = z.infer<typeof HoldInput>;

export const ReleaseHoldInput = z.object({ reason: text(4000).openapi({ description: "Why the hold ends (required)" }) }).openapi("ReleaseHoldInput");

export const RetentionEventInput = z
  .object({
    trigger: z.enum(EVENT_TRIGGERS),
    subjectId: z.string().min(1).openapi({ description: "The user, contract, case or document the event happened to" }),
    occurredOn: isoDate,
    note: opt(z.string().trim().max(2000)),
  })
  .openapi("RetentionEventInput");
export type RetentionEventInput = z.infer<typeof RetentionEventInput>;

export const ProposeDisposalInput = z
  .object({
    action: z.enum(["destroy", "transfer"]),
    recordIds: z.array(z.string().min(1)).min(1, "choose at least one due record").max(2000),
    reason: text(4000),
    recipient: opt(z.string().trim().max(300)).openapi({ description: "Transfer: the archive or organisation receiving the records" }),
  })
  .openapi("ProposeDisposalInput");
export type ProposeDisposalInput = z.infer<typeof ProposeDisposalInput>;

export const DecideDisposalInput = z
  .object({
    decision: z.enum(["approved", "rejected"]),
    comment: opt(z.string().trim().max(4000)),
    password: z.string().min(1, "enter your password to confirm the approval"),
  })
  .openapi("DecideDisposalInput");
export type DecideDisposalInput = z.infer<typeof DecideDisposalInput>;

export const RetainInput = z
  .object({ until: isoDate, reason: text(4000) })
  .openapi("RetainRecordInput", { description: "A review decided to keep a due record until a later date" });
