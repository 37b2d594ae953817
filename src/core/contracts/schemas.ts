import { z } from "@hono/zod-openapi";
import { CLASSIFICATIONS } from "../auth/permissions";
import { text } from "../text";
import { MeaningSchema } from "../signatures/schemas";
import { CHECKLIST_ITEMS, CONTRACT_STATUSES, CONTRACT_TYPES, REVIEW_DECISIONS, REVIEW_RESULTS } from "./vocabulary";

const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const isoDate = z.iso.date({ message: "a date as YYYY-MM-DD" });
const termText = opt(z.string().trim().max(4000));

export const AMOUNT_MESSAGE = "an amount such as 1,200,000 or 1200000.50 (commas group thousands, a dot starts the cents)";

/**
 * An amount as people write it: "1200000", "1,200,000", "1，200，000", "1 200 000", "1,200,000.50"
 * become "1200000" / "1200000.50". A comma that does not group thousands ("1,20", "1200000,50")
 * is ambiguous (decimal comma or typo) and refused rather than guessed.
 */
export function normaliseAmount(v: unknown): unknown {
  if (typeof v !== "string") return v;
  const compact = v.replace(/[\s\u00a0\u2009\u202f]/g, "").replace(/，/g, ",");
  if (compact === "") return undefined;
  if (/^\d{1,3}(,\d{3})+(\.\d{1,2})?$/.test(compact)) return compact.replaceAll(",", "");
  return compact;
}

export const Counterparty = z.object({
  name: text(300),
  country: opt(z.string().trim().max(100)),
  contact: opt(z.string().trim().max(300)),
});

export const IpTermsInput = z
  .object({
    ownership: termText,
    confidentiality: termText,
    licenceScope: termText,
    warranties: termText,
    publication: termText,
  });

const contractFields = {
  title: text(300),
  type: z.enum(CONTRACT_TYPES),
  counterparties: z.array(Counterparty).min(1, "name at least one counterparty").max(20),
  departmentId: opt(z.string().min(1)),
  ownerId: opt(z.string().min(1)),
  classification: z.enum(CLASSIFICATIONS),
  valueAmount: z.preprocess(normaliseAmount, z.string().regex(/^\d{1,16}(\.\d{1,2})?$/, AMOUNT_MESSAGE).optional()),
  currency: z.preprocess(blankToUndefined, z.string().trim().regex(/^[A-Z]{3}$/, "a currency code such as CNY")),
  effectiveOn: opt(isoDate),
  endOn: opt(isoDate),
  ipTerms: IpTermsInput,
  notes: opt(z.string().trim().max(4000)),
};

/** What a new contract gets when the form leaves it out (a change never applies these: it names only what it changes). */
const creationDefaults = {
  classification: contractFields.classification.default("internal"),
  currency: z.preprocess(blankToUndefined, z.string().trim().regex(/^[A-Z]{3}$/, "a currency code such as CNY").default("CNY")),
  ipTerms: IpTermsInput.default({}),
};

export const CreateContractInput = z
  .object({ number: opt(z.string().trim().max(60)), ...contractFields, ...creationDefaults })
  .openapi("CreateContractInput");
export type CreateContractInput = z.infer<typeof CreateContractInput>;

export const UpdateContractInput = z
  .object({
    ...Object.fromEntries(Object.entries(contractFields).map(([k, v]) => [k, (v as z.ZodType).optional()])),
    reason: text(2000).openapi({ description: "Why the contract's register entry changes" }),
  })
  .openapi("UpdateContractInput");
export type UpdateContractInput = Partial<Omit<CreateContractInput, "number">> & { reason: string };

export const ContractQuery = z.object({
  q: opt(z.string().trim().max(200)),
  type: opt(z.enum(CONTRACT_TYPES)),
  status: opt(z.enum(CONTRACT_STATUSES)),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ContractQuery = z.infer<typeof ContractQuery>;

export const ReviewInput = z
  .object({
    checklist: z
      .array(
        z.object({
          item: z.enum(CHECKLIST_ITEMS),
          result: z.enum(REVIEW_RESULTS),
          note: opt(z.string().trim().max(2000)),
        }),
      )
      .min(1)
      .max(CHECKLIST_ITEMS.length),
    findings: text(8000),
    decision: z.enum(REVIEW_DECISIONS),
    conditions: opt(z.string().trim().max(4000)),
  })
  .openapi("ContractReviewInput");
export type ReviewInput = z.infer<typeof ReviewInput>;

export const SendForSigningInput = z
  .object({
    signers: z
      .array(z.object({ userId: z.string().min(1), meaning: MeaningSchema.default("signed"), visibleStamp: z.boolean().default(true) }))
      .min(1, "at least one signer")
      .max(10),
    dueAt: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi("SendContractForSigningInput");
export type SendForSigningInput = z.infer<typeof SendForSigningInput>;

export const SignedScanInput = z
  .object({ fileId: z.string().min(1), signedOn: isoDate })
  .openapi("SignedScanInput", { description: "A wet-signed scan (PDF or image) you uploaded with POST /files" });

export const StatusChangeInput = z
  .object({
    status: z.enum(["in-force", "expired", "terminated"]),
    on: isoDate,
    reason: opt(z.string().trim().max(4000)),
  })
  .openapi("ContractStatusChangeInput");
export type StatusChangeInput = z.infer<typeof StatusChangeInput>;

export const ReturnToDraftInput = z
  .object({ reason: text(2000).openapi({ description: "Why the contract goes back to draft (what must change)" }) })
  .strict()
  .openapi("ContractReturnToDraftInput");
