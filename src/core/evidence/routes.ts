import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody, Ok } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { requirePrincipal } from "../auth/guard";
import { CLASSIFICATIONS } from "../auth/permissions";
import { contentDisposition } from "../files/routes";
import { getOrganisationProfile } from "../organisation/service";
import { listClauses } from "./clauses";
import { grantAuditorAccess, listAuditorGrants, revokeAuditorGrant } from "./grants";
import { getEvidenceItem, openEvidenceFile } from "./items";
import { evidenceMatrix } from "./matrix";
import { renderMatrixPdf } from "./matrix-pdf";
import { resolveEvidence } from "./resolve";
import { EvidenceSearchQuery, searchEvidence } from "./search";

/** A kind of evidence (checked against the registered sources by the service). */
export const Kind = z.string().min(1).max(60);
export const SelectionSchema = z
  .object({
    refs: z.array(z.object({ kind: Kind, id: z.string().min(1) })).max(20_000).optional(),
    clauses: z.array(z.string().min(1).max(20)).max(40).optional(),
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  })
  .strict().openapi("EvidenceSelection");

const GrantSchema = z
  .object({
    auditorId: z.string().min(1),
    purpose: z.string().trim().min(1).max(500),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }),
    clauseIds: z.array(z.string().min(1)).max(40).default([]),
    categoryIds: z.array(z.string().min(1)).max(40).default([]),
    periodFrom: z.iso.date().optional(),
    periodTo: z.iso.date().optional(),
    maxClassification: z.enum(CLASSIFICATIONS),
  })
  .openapi("AuditorGrantInput");

/** Audit retrieval: the clause registry, search across everything, evidence items, the evidence matrix, auditor grants. */
export function evidenceRoutes() {
  const app = createRouter();

  app.openapi(createRoute({ method: "get", path: "/clauses", tags: ["audit retrieval"], summary: "The clauses of the standard and the evidence Custos holds for each", responses: { 200: json(z.any(), "Clauses"), 401: errors[401] } }), async (c) => {
    const ctx = ctxOf(c);
    requirePrincipal(ctx);
    return c.json({ clauses: await listClauses(ctx.db) } as never, 200);
  });

  app.openapi(createRoute({ method: "get", path: "/evidence/search", tags: ["audit retrieval"], summary: "Search everything you may see: documents, records, external documents, contracts, signature requests (audit events for admins)", request: { query: EvidenceSearchQuery }, responses: { 200: json(z.any(), "Hits (total capped at 1 000)"), 401: errors[401], 403: json(z.any(), "AUDIT_GRANT_REQUIRED, OUTSIDE_GRANT") } }), async (c) =>
    c.json((await searchEvidence(ctxOf(c), c.req.valid("query"))) as never, 200),
  );

  app.openapi(createRoute({ method: "post", path: "/evidence/resolve", tags: ["audit retrieval"], summary: "The evidence items of a selection (chosen items, or clauses and a period), with files and metadata", request: { body: jsonBody(SelectionSchema) }, responses: { 200: json(z.any(), "Items"), 400: errors[400], 403: json(z.any(), "AUDIT_GRANT_REQUIRED, OUTSIDE_GRANT"), 404: errors[404] } }), async (c) =>
    c.json({ items: await resolveEvidence(ctxOf(c), c.req.valid("json")) } as never, 200),
  );

  app.openapi(createRoute({ method: "get", path: "/evidence/matrix", tags: ["audit retrieval"], summary: "The evidence matrix for a period (JSON, or evidence-matrix.pdf with format=pdf)", request: { query: z.object({ from: z.iso.date().optional(), to: z.iso.date().optional(), format: z.enum(["json", "pdf"]).default("json") }) }, responses: { 200: json(z.any(), "Matrix"), 401: errors[401], 403: json(z.any(), "AUDIT_GRANT_REQUIRED, OUTSIDE_GRANT") } }), async (c) => {
    const ctx = ctxOf(c);
    const { format, ...period } = c.req.valid("query");
    const matrix = await evidenceMatrix(ctx, period);
    if (format === "json") return c.json(matrix as never, 200);
    const pdf = await renderMatrixPdf({ organisation: (await getOrganisationProfile(ctx.db)).name, period, generatedAt: matrix.generatedAt, rows: matrix.rows });
    return c.body(new Uint8Array(pdf), 200, { "content-type": "application/pdf", "content-disposition": contentDisposition("attachment", "evidence-matrix.pdf") }) as never;
  });

  app.openapi(createRoute({ method: "get", path: "/evidence/{kind}/{id}", tags: ["audit retrieval"], summary: "One evidence item with the full history of its objects (opening it is audited)", request: { params: z.object({ kind: Kind, id: z.string() }) }, responses: { 200: json(z.any(), "Item and events"), 401: errors[401], 404: errors[404] } }), async (c) => {
    const { kind, id } = c.req.valid("param");
    return c.json((await getEvidenceItem(ctxOf(c), kind, id)) as never, 200);
  });

  app.openapi(createRoute({ method: "get", path: "/evidence/{kind}/{id}/files/{sha256}", tags: ["audit retrieval"], summary: "A file of an evidence item exactly as stored (audited)", request: { params: z.object({ kind: Kind, id: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }) }, responses: { 200: { description: "The bytes", content: { "application/octet-stream": { schema: z.any() } } }, 401: errors[401], 404: errors[404] } }), async (c) => {
    const { kind, id, sha256 } = c.req.valid("param");
    const { file, stream } = await openEvidenceFile(ctxOf(c), kind, id, sha256);
    return c.body(stream, 200, { "content-type": file.mediaType, "content-disposition": contentDisposition("attachment", file.filename), "x-content-sha256": file.sha256 }) as never;
  });

  app.openapi(createRoute({ method: "get", path: "/audit/grants", tags: ["audit retrieval"], summary: "Auditor grants (all for admins and IP managers, your own for an auditor)", responses: { 200: json(z.any(), "Grants"), 401: errors[401] } }), async (c) =>
    c.json({ grants: await listAuditorGrants(ctxOf(c)) } as never, 200),
  );
  app.openapi(createRoute({ method: "post", path: "/audit/grants", tags: ["audit retrieval"], summary: "Give an auditor time-limited read access to clauses, categories and a period (admins, IP managers)", request: { body: jsonBody(GrantSchema) }, responses: { 201: json(z.any(), "Granted"), 400: errors[400], 403: errors[403], 422: json(z.any(), "INVALID_REFERENCE") } }), async (c) =>
    c.json((await grantAuditorAccess(ctxOf(c), c.req.valid("json"))) as never, 201),
  );
  app.openapi(createRoute({ method: "post", path: "/audit/grants/{id}/revoke", tags: ["audit retrieval"], summary: "End a grant early, with a reason", request: { params: z.object({ id: z.string() }), body: jsonBody(z.object({ reason: z.string().trim().min(1).max(500) })) }, responses: { 200: json(Ok, "Revoked"), 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }), async (c) => {
    await revokeAuditorGrant(ctxOf(c), c.req.valid("param").id, c.req.valid("json").reason);
    return c.json({ ok: true as const }, 200);
  });

  return app;
}
