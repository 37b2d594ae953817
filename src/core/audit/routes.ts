import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { listAuditEvents, verifyAuditChainFor } from "./access";

const ChainReport = z
  .object({
    ok: z.boolean(),
    checked: z.number(),
    headSeq: z.number(),
    headHash: z.string(),
    firstBroken: z.strictObject({ seq: z.number(), reason: z.string(), message: z.string() }).optional(),
    durationMs: z.number(),
  })
  .strict().openapi("AuditChainReport");

export const AuditEvent = z
  .object({
    seq: z.number(),
    occurredAt: z.string(),
    actorId: z.string().nullable(),
    actorLabel: z.string(),
    action: z.string(),
    objectType: z.string(),
    objectId: z.string(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    requestId: z.string().nullable(),
    data: z.unknown(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .strict().openapi("AuditEvent");

/** The audit trail: listing and whole-chain verification. */
export function auditRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/audit/verify",
      tags: ["audit"],
      summary: "Recompute the whole hash chain and name the first broken event (admins, auditors)",
      responses: { 200: json(ChainReport, "Report (ok=false names the first broken event)"), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json((await verifyAuditChainFor(ctxOf(c))), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/audit/events",
      tags: ["audit"],
      summary: "Audit events, newest first, filtered by object, actor or action (admins)",
      request: {
        query: z.object({
          objectType: z.string().optional(),
          objectId: z.string().optional(),
          actorId: z.string().optional(),
          action: z.string().optional(),
          beforeSeq: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      },
      responses: { 200: json(z.strictObject({ events: z.array(AuditEvent) }), "Events"), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ events: await listAuditEvents(ctxOf(c), c.req.valid("query")) }, 200),
  );

  return app;
}
