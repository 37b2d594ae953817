import { z } from "@hono/zod-openapi";
import { CLASSIFICATIONS } from "../auth/permissions";
import { text } from "../text";
import { MEANINGS } from "./sign-pdf";

export const MeaningSchema = z.enum(Object.keys(MEANINGS) as [keyof typeof MEANINGS, ...(keyof typeof MEANINGS)[]]).openapi("SignatureMeaning", {
  description: "authored 起草 · reviewed 审核 · approved 批准 · signed 签署 · acknowledged 确认",
});

export const SignerInput = z.object({
  userId: z.string().min(1),
  meaning: MeaningSchema,
  visibleStamp: z.boolean().default(true),
  step: z.number().int().min(1).max(20).optional().openapi({ description: "Signers with the same step sign in parallel; default: one after another" }),
});

export const CreateSignatureRequestInput = z
  .object({
    title: text(200),
    classification: z.enum(CLASSIFICATIONS).default("internal"),
    dueAt: z.iso.datetime({ offset: true }).optional(),
    subjectUserId: z.string().optional().openapi({ description: "The person the document is about (e.g. the employee of an IP declaration)" }),
    source: z.discriminatedUnion("kind", [
      z.object({
        kind: z.literal("template"),
        templateId: z.string().min(1),
        templateRevision: z.string().optional(),
        values: z.record(z.string(), z.unknown()),
      }),
      z.object({ kind: z.literal("file"), fileId: z.string().min(1) }),
    ]),
    signers: z.array(SignerInput).min(1, "at least one signer").max(20),
  })
  .openapi("CreateSignatureRequestInput");
export type CreateSignatureRequestInput = z.infer<typeof CreateSignatureRequestInput>;

export const SignInput = z
  .object({
    pin: z.string().min(1, "enter your signing PIN to sign").openapi({ description: "your signing PIN (set with PUT /api/v1/me/signing-pin), not your login password" }),
    consent: z.literal(true, { message: "you must agree to sign electronically" }),
  })
  .openapi("SignInput");

/** What a reader reports once every page of the version it was given has been displayed. */
export const ReadInput = z
  .strictObject({
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "the SHA-256 of the version shown (x-content-sha256 of the download)"),
    pages: z.number().int().min(1).max(100_000),
  })
  .openapi("DocumentReadInput");

export const DocumentRead = z
  .strictObject({ requestId: z.string(), signerId: z.string(), sha256: z.string(), pages: z.number().int(), readAt: z.string() })
  .openapi("DocumentRead");

export const SigningPinInput = z
  .strictObject({
    currentPassword: z.string().optional().openapi({ description: "your login password: to set your first signing PIN" }),
    currentPin: z.string().optional().openapi({ description: "your current signing PIN: to change it" }),
    pin: z.string().min(1, "enter the new signing PIN").max(128),
  })
  .openapi("SigningPinInput");

export const SigningPinStatus = z.strictObject({ set: z.boolean(), setAt: z.iso.datetime({ offset: true }).nullable() }).openapi("SigningPinStatus");

export const DeclineInput = z.object({ reason: z.string().trim().min(1, "say why you decline").max(2000) }).openapi("DeclineInput");

export const SignerView = z.strictObject({
  id: z.string(),
  position: z.number(),
  step: z.number(),
  user: z.strictObject({ id: z.string(), username: z.string().optional(), displayName: z.string(), departmentId: z.string().nullable().optional() }),
  meaning: MeaningSchema,
  status: z.enum(["waiting", "ready", "signed", "declined", "cancelled"]),
  viewedAt: z.string().nullable(),
  signedAt: z.string().nullable(),
  declinedAt: z.string().nullable(),
  declineReason: z.string().nullable(),
  reminderCount: z.number(),
});

export const SignatureRequestView = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(["pending", "completed", "declined", "cancelled"]),
    classification: z.enum(CLASSIFICATIONS),
    source: z.strictObject({ kind: z.string(), id: z.string().nullable(), templateId: z.string().nullable(), templateRevision: z.string().nullable() }),
    requestedBy: z.string(),
    subjectUserId: z.string().nullable(),
    dueAt: z.string().nullable(),
    overdue: z.boolean(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    originalSha256: z.string(),
    finalSha256: z.string().nullable(),
    signers: z.array(SignerView),
    mySignerId: z.string().nullable(),
    myTurn: z.boolean(),
  })
  .strict().openapi("SignatureRequest");
