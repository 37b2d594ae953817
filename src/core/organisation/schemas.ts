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
