import { z } from "@hono/zod-openapi";
import { CLASSIFICATIONS, ROLES } from "../auth/permissions";
import { optionalText, text } from "../text";

const isoDate = z.iso.date({ message: "a date as YYYY-MM-DD" });

export const CreateDocumentInput = z
  .object({
    categoryId: z.string().min(1),
    title: text(200),
    titleEn: optionalText(200).optional(),
    ownerDepartmentId: z.string().optional(),
    classification: z.enum(CLASSIFICATIONS).default("internal"),
    reviewIntervalMonths: z.number().int().min(1).max(120).optional(),
    keywords: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
  })
  .openapi("CreateDocumentInput");
export type CreateDocumentInput = z.infer<typeof CreateDocumentInput>;

export const UpdateDocumentInput = z
  .object({
    title: text(200).optional(),
    titleEn: optionalText(200).nullable().optional(),
    ownerDepartmentId: z.string().nullable().optional(),
    classification: z.enum(CLASSIFICATIONS).optional(),
    reviewIntervalMonths: z.number().int().min(1).max(120).optional(),
    keywords: z.array(z.string().trim().min(1).max(50)).max(30).optional(),
  })
  .openapi("UpdateDocumentInput");
export type UpdateDocumentInput = z.infer<typeof UpdateDocumentInput>;

/** A category's settings, as given (no defaults: a change names only what it changes). */
const CategorySettings = z.object({
  name: text(50),
  nameEn: text(80),
  numberPattern: z
    .string()
    .trim()
    .regex(/\{seq(:\d)?\}/, "must contain {seq} or {seq:N}")
    .max(40),
  labelScheme: z.enum(["alpha", "numeric"]),
  clauses: z.array(z.string().regex(/^\d+(\.\d+)*$/)).min(1),
  draftRoles: z.array(z.enum(ROLES)).min(1),
  reviewRoles: z.array(z.enum(ROLES)).min(1),
  approveRoles: z.array(z.enum(ROLES)).min(1),
  allowSelfApproval: z.boolean(),
  acknowledgeable: z.boolean(),
  defaultReviewMonths: z.number().int().min(1).max(120),
});

export const CreateCategoryInput = CategorySettings.extend({
  id: z.string().trim().regex(/^[a-z][a-z0-9-]{1,31}$/, "lower-case letters, digits and dashes"),
  allowSelfApproval: CategorySettings.shape.allowSelfApproval.default(false),
  acknowledgeable: CategorySettings.shape.acknowledgeable.default(false),
  defaultReviewMonths: CategorySettings.shape.defaultReviewMonths.default(12),
}).openapi("CreateCategoryInput");
export type CreateCategoryInput = z.infer<typeof CreateCategoryInput>;

export const UpdateCategoryInput = CategorySettings.partial()
  .refine((v) => Object.values(v).some((x) => x !== undefined), "change at least one setting")
  .openapi("UpdateCategoryInput");
export type UpdateCategoryInput = z.infer<typeof UpdateCategoryInput>;

export const NewRevisionInput = z
  .object({ major: z.boolean().default(false).openapi({ description: "numeric labels: 1.1 → 2.0 instead of 1.2" }) })
  .openapi("NewRevisionInput");

export const UpdateDraftInput = z
  .object({
    changeSummary: z.string().trim().max(4000).nullable().optional(),
    effectiveDate: isoDate.nullable().optional(),
  })
  .openapi("UpdateDraftInput");
export type UpdateDraftInput = z.infer<typeof UpdateDraftInput>;

export const SubmitForReviewInput = z
  .object({
    reviewerIds: z.array(z.string().min(1)).min(1, "at least one reviewer").max(10),
    approverId: z.string().min(1),
    effectiveDate: isoDate.optional(),
    changeSummary: z.string().trim().max(4000).optional(),
  })
  .openapi("SubmitForReviewInput");
export type SubmitForReviewInput = z.infer<typeof SubmitForReviewInput>;

export const DecisionInput = z
  .object({
    decision: z.enum(["approve", "reject"]),
    comments: z.string().trim().max(4000).optional(),
    pin: z.string().optional().openapi({ description: "your signing PIN; required to approve (it is an electronic signature)" }),
    consent: z.boolean().optional(),
  })
  .openapi("ReviewDecisionInput");
export type DecisionInput = z.infer<typeof DecisionInput>;

export const WithdrawInput = z.object({ reason: z.string().trim().min(1, "say why the document is withdrawn").max(2000) });

export const PeriodicReviewInput = z
  .object({
    outcome: z.enum(["no-change", "revise", "withdraw"]),
    comments: z.string().trim().min(1, "record what was reviewed").max(4000),
    pin: z.string().min(1, "enter your signing PIN: the review record is signed"),
  })
  .openapi("PeriodicReviewInput");
export type PeriodicReviewInput = z.infer<typeof PeriodicReviewInput>;

export const AcknowledgementInput = z
  .object({ departmentIds: z.array(z.string().min(1)).min(1).max(50), dueAt: z.iso.datetime({ offset: true }).optional() })
  .openapi("RequireAcknowledgementInput");

export const GrantInput = z.object({ userId: z.string().min(1), reason: z.string().trim().min(1).max(500) }).openapi("DocumentGrantInput");

export const HandoverInput = z
  .object({ toDocumentId: z.string().min(1), description: z.string().trim().min(1).max(500) })
  .openapi("DocumentHandoverInput");

export const SearchQuery = z.object({
  q: z.string().trim().max(200).optional(),
  category: z.string().optional(),
  state: z.enum(["effective", "draft", "in_review", "in_approval", "approved", "withdrawn", "no-effective"]).optional(),
  department: z.string().optional(),
  classification: z.enum(CLASSIFICATIONS).optional(),
  effectiveFrom: isoDate.optional(),
  effectiveTo: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type SearchQuery = z.infer<typeof SearchQuery>;
