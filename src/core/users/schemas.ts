import { z } from "@hono/zod-openapi";
import { CLASSIFICATIONS, ROLES } from "../auth/permissions";

export const RoleSchema = z.enum(ROLES).openapi("Role");
export const ClassificationSchema = z.enum(CLASSIFICATIONS).openapi("Classification");

const username = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, "at least 2 characters")
  .max(64, "at most 64 characters")
  .regex(/^[a-z0-9][a-z0-9._-]*$/, "letters, digits, dot, dash and underscore only, starting with a letter or digit");

export const CreateUserInput = z
  .object({
    username,
    displayName: z.string().trim().min(1, "required").max(100),
    email: z.email().optional(),
    password: z.string().optional().openapi({ description: "Leave out to generate one (returned once)." }),
    roles: z.array(RoleSchema).min(1, "at least one role").max(ROLES.length),
    departmentId: z.string().optional(),
    position: z.string().trim().max(100).optional().openapi({ description: "job title (岗位)" }),
    clearance: ClassificationSchema.default("internal"),
    locale: z.enum(["zh-CN", "en"]).default("zh-CN"),
  })
  .openapi("CreateUserInput");
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const UpdateUserInput = z
  .object({
    displayName: z.string().trim().min(1).max(100).optional(),
    email: z.email().nullable().optional(),
    roles: z.array(RoleSchema).min(1).max(ROLES.length).optional(),
    departmentId: z.string().nullable().optional(),
    position: z.string().trim().max(100).nullable().optional(),
    clearance: ClassificationSchema.optional(),
    locale: z.enum(["zh-CN", "en"]).optional(),
    active: z.boolean().optional(),
  })
  .openapi("UpdateUserInput");
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

export const User = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    email: z.string().nullable(),
    roles: z.array(RoleSchema),
    departmentId: z.string().nullable(),
    position: z.string().nullable(),
    clearance: ClassificationSchema,
    locale: z.string(),
    active: z.boolean(),
    mustChangePassword: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .strict().openapi("User");

export const ChangePasswordInput = z
  .object({ currentPassword: z.string().min(1), newPassword: z.string().min(1) })
  .openapi("ChangePasswordInput");

