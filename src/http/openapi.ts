import { z, type RouteConfig } from "@hono/zod-openapi";
import type { ZodType } from "zod";

/** The one error shape of the JSON API. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "NOT_FOUND" }),
      message: z.string(),
      requestId: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi("Error");

/** A required JSON request body validated by `schema`. */
export function jsonBody<T extends ZodType>(schema: T, description?: string) {
  return { required: true, description, content: { "application/json": { schema } } } as const;
}

/** A JSON response described by `schema`. */
export function json<T extends ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } } as const;
}

/** Error responses shared by most routes. */
export const errors = {
  400: json(ErrorBody, "Invalid input (VALIDATION_FAILED, MALFORMED_JSON)"),
  401: json(ErrorBody, "Not signed in (UNAUTHENTICATED)"),
  403: json(ErrorBody, "Not allowed (FORBIDDEN, CSRF_FAILED)"),
  404: json(ErrorBody, "Not found, or not visible to you (NOT_FOUND)"),
} satisfies RouteConfig["responses"];

export const Ok = z.object({ ok: z.literal(true) }).strict().openapi("Ok");
