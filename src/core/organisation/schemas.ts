import { z } from "@hono/zod-openapi";

export const Department = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string().nullable(),
    parentId: z.string().nullable(),
    ipDuties: z.string().nullable(),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
  })
  .strict()
  .openapi("Department");

export const CreateDepartmentInput = z
  .object({
    code: z.string().trim().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/, "letters, digits, dash and underscore"),
    name: z.string().trim().min(1).max(100),
    nameEn: z.string().trim().max(100).optional(),
    parentId: z.string().optional(),
    ipDuties: z.string().trim().max(4000).optional(),
  })
  .openapi("CreateDepartmentInput");
export type CreateDepartmentInput = z.infer<typeof CreateDepartmentInput>;

// bidirectional-text controls would let a name show as something else than it is
const NO_BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const OrgName = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !NO_BIDI.test(v), "direction-control characters are not allowed");

export const OrganisationProfile = z.strictObject({ name: z.string(), nameEn: z.string().nullable(), named: z.boolean() }).openapi("OrganisationProfile");

export const UpdateOrganisationInput = z
  .object({ name: OrgName(200), nameEn: OrgName(200).nullable().optional() })
  .strict()
  .openapi("UpdateOrganisationInput");
