import { createRoute, z } from "@hono/zod-openapi";
import type { AuditPackageRow } from "../../db/schema/audit-packages";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { contentDisposition } from "../files/routes";
import { Kind } from "../evidence/routes";
import { getAuditPackage, listAuditPackages, openAuditPackage, requestAuditPackage } from "./service";

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "YYYY-MM-DD");

/** What to export: chosen evidence items, or clauses (registry rows) within a period. */
export const EvidenceSelectionSchema = z
  .object({
    refs: z.array(z.strictObject({ kind: Kind, id: z.string().min(1).max(100) })).max(20_000).optional(),
    clauses: z.array(z.string().min(1).max(40)).max(200).optional(),
    from: Day.optional(),
    to: Day.optional(),
  })
  .strict().openapi("EvidenceSelection");

const AuditPackage = z
  .object({
    id: z.string(),
    status: z.enum(["queued", "running", "done", "failed"]),
    selection: EvidenceSelectionSchema,
    requestedBy: z.string(),
    progress: z.strictObject({
      itemsDone: z.number(),
      itemsTotal: z.number().nullable(),
      filesDone: z.number(),
      filesTotal: z.number().nullable(),
      bytesDone: z.number(),
      bytesTotal: z.number().nullable(),
      /** 0…1, by bytes once they are known, else by items. */
      fraction: z.number(),
    }),
    classification: z.string().nullable(),
    sha256: z.string().nullable().openapi({ description: "SHA-256 of the ZIP (also in the export's audit event)" }),
    size: z.number().nullable(),
    manifestSha256: z.string().nullable(),
    chainHead: z.strictObject({ seq: z.number(), hash: z.string() }).nullable(),
    error: z.strictObject({ code: z.string().nullable(), message: z.string() }).nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    downloadUrl: z.string().nullable(),
  })
  .strict().openapi("AuditPackage");

/** The fraction of the work done, for a progress bar: bytes once known (the bulk of the time), else items. */
export function progressFraction(row: AuditPackageRow): number {
  if (row.status === "done") return 1;
  if (row.bytesTotal) return Math.min(1, row.bytesDone / row.bytesTotal);
  if (row.itemsTotal) return Math.min(1, row.itemsDone / row.itemsTotal);
  return 0;
}

/** A package as the API presents it. */
export function presentPackage(row: AuditPackageRow) {
  return {
    id: row.id,
    status: row.status as "queued" | "running" | "done" | "failed",
    selection: row.selection as z.infer<typeof EvidenceSelectionSchema>,
    requestedBy: row.requestedBy,
    progress: {
      itemsDone: row.itemsDone,
      itemsTotal: row.itemsTotal,
      filesDone: row.filesDone,
      filesTotal: row.filesTotal,
      bytesDone: row.bytesDone,
      bytesTotal: row.bytesTotal,
      fraction: progressFraction(row),
    },
    classification: row.classification,
    sha256: row.packageSha256,
    size: row.packageSize,
    manifestSha256: row.manifestSha256,
    chainHead: row.chainHeadSeq !== null && row.chainHeadHash ? { seq: row.chainHeadSeq, hash: row.chainHeadHash } : null,
    error: row.error && row.status !== "done" ? { code: row.errorCode, message: row.error } : null,
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    downloadUrl: row.status === "done" ? `/api/v1/audit/packages/${row.id}/download` : null,
  };
}

const IdParam = z.object({ id: z.string() });

/** Audit packages: ask for one, follow its progress, download it. */
export function auditPackageRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: "post",
      path: "/audit/packages",
      tags: ["audit"],
      summary: "Export an audit package (admins, IP managers, auditors with a grant in force); built in the background",
      description:
        "Resolves the selection as the caller may see it (a chosen item they may not see is 404; outside an auditor's grant is OUTSIDE_GRANT; an empty selection is VALIDATION_FAILED), then builds the signed ZIP in a job. Follow it with GET /audit/packages/{id}.",
      request: { body: jsonBody(EvidenceSelectionSchema) },
      responses: { 202: json(AuditPackage, "Accepted: the package is being built"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const row = await requestAuditPackage(ctxOf(c), c.req.valid("json"));
      return c.json(presentPackage(row), 202, { location: `/api/v1/audit/packages/${row.id}` });
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/audit/packages",
      tags: ["audit"],
      summary: "Your audit packages, newest first (administrators see everyone's)",
      responses: { 200: json(z.strictObject({ packages: z.array(AuditPackage) }), "Packages"), 401: errors[401] },
    }),
    async (c) => c.json({ packages: (await listAuditPackages(ctxOf(c))).map(presentPackage) }, 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/audit/packages/{id}",
      tags: ["audit"],
      summary: "An audit package's status and progress (items, files and bytes done of their totals)",
      request: { params: IdParam },
      responses: { 200: json(AuditPackage, "The package"), 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const row = await getAuditPackage(ctxOf(c), c.req.valid("param").id);
      return c.json(presentPackage(row), 200, { "cache-control": "no-store" });
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/audit/packages/{id}/download",
      tags: ["audit"],
      summary: "Download a finished package (streamed; by the person who exported it, while they may still export)",
      request: { params: IdParam },
      responses: {
        200: { description: "The ZIP", content: { "application/zip": { schema: z.any().openapi({ type: "string", format: "binary" }) } } },
        401: errors[401],
        403: errors[403],
        404: errors[404],
        409: json(z.any(), "Not ready yet, or failed (INVALID_STATE)"),
        410: json(z.any(), "Deleted with content it held when that content was destroyed (CONTENT_DESTROYED)"),
      },
    }),
    async (c) => {
      const { row, stream, filename } = await openAuditPackage(ctxOf(c), c.req.valid("param").id);
      return c.body(stream, 200, {
        "content-type": "application/zip",
        "content-disposition": contentDisposition("attachment", filename),
        "content-length": String(row.packageSize),
        "x-content-sha256": row.packageSha256!,
      });
    },
  );

  return app;
}
