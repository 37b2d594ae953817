import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody, Ok } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { requirePrincipal } from "../auth/guard";
import { CLASSIFICATIONS, type Classification } from "../auth/permissions";
import type { AuditorGrantRow } from "../../db/schema/evidence";
import { contentDisposition } from "../files/routes";
import { getOrganisationProfile } from "../organisation/service";
import { AuditEvent } from "../audit/routes";
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

const iso = z.string().openapi({ format: "date-time" });
const day = z.string().openapi({ format: "date" });

const Clause = z
  .strictObject({ id: z.string(), ordinal: z.number().int(), groupId: z.string(), titleZh: z.string(), requirement: z.string(), evidence: z.string() })
  .openapi("Clause");
const Hit = z
  .strictObject({
    kind: z.string(),
    id: z.string(),
    reference: z.string().nullable(),
    title: z.string(),
    clauses: z.array(z.string()),
    classification: z.enum(CLASSIFICATIONS),
    date: day,
    state: z.string(),
    departmentId: z.string().nullable(),
  })
  .openapi("EvidenceHit");
const Item = z
  .strictObject({
    kind: z.string(),
    id: z.string(),
    reference: z.string().nullable(),
    title: z.string(),
    clauses: z.array(z.string()),
    classification: z.enum(CLASSIFICATIONS),
    date: day,
    state: z.string(),
    people: z.array(z.strictObject({ id: z.string(), displayName: z.string() })),
    departmentIds: z.array(z.string()),
    files: z.array(z.strictObject({ role: z.string(), sha256: z.string(), size: z.number().nullable(), filename: z.string(), mediaType: z.string() })),
    metadata: z.record(z.string(), z.unknown()).openapi({ description: "Everything else about the item, by its kind (record class, custody, natures …)" }),
    auditObjects: z.array(z.strictObject({ type: z.string(), id: z.string() })),
  })
  .openapi("EvidenceItem");
const MatrixRow = z.strictObject({
  clause: z.string(),
  group: z.string(),
  titleZh: z.string(),
  requirement: z.string(),
  count: z.number().int(),
  byKind: z.record(z.string(), z.number()),
  latest: day.nullable(),
  people: z.number().int(),
  departments: z.number().int(),
  peopleNames: z.array(z.string()),
  departmentNames: z.array(z.string()),
  gaps: z.array(z.strictObject({ kind: z.string(), message: z.string(), count: z.number().int(), refs: z.array(z.strictObject({ type: z.string(), id: z.string(), label: z.string() })) })),
});
const Matrix = z
  .strictObject({
    period: z.strictObject({ from: day.optional(), to: day.optional() }),
    generatedAt: iso,
    rows: z.array(MatrixRow),
    summary: z.strictObject({ clauses: z.number().int(), covered: z.number().int(), gaps: z.number().int() }),
  })
  .openapi("EvidenceMatrix");
const Grant = z
  .strictObject({
    id: z.string(),
    auditorId: z.string(),
    grantedBy: z.string(),
    purpose: z.string(),
    startsAt: iso,
    endsAt: iso,
    clauseIds: z.array(z.string()),
    categoryIds: z.array(z.string()),
    periodFrom: day.nullable(),
    periodTo: day.nullable(),
    maxClassification: z.enum(CLASSIFICATIONS),
    revokedAt: iso.nullable(),
    revokedReason: z.string().nullable(),
    createdAt: iso,
  })
  .openapi("AuditorGrant");

/** An auditor grant as the API shows it. */
function presentGrant(g: AuditorGrantRow) {
  return {
    id: g.id,
    auditorId: g.auditorId,
    grantedBy: g.grantedBy,
    purpose: g.purpose,
    startsAt: g.startsAt.toISOString(),
    endsAt: g.endsAt.toISOString(),
    clauseIds: g.clauseIds,
    categoryIds: g.categoryIds,
    periodFrom: g.periodFrom,
    periodTo: g.periodTo,
    maxClassification: g.maxClassification as Classification,
    revokedAt: g.revokedAt?.toISOString() ?? null,
    revokedReason: g.revokedReason,
    createdAt: g.createdAt.toISOString(),
  };
}

/** Audit retrieval: the clause registry, search across everything, evidence items, the evidence matrix, auditor grants. */
export function evidenceRoutes() {
  const app = createRouter();

  app.openapi(createRoute({ method: "get", path: "/clauses", tags: ["audit retrieval"], summary: "The clauses of the standard and the evidence Custos holds for each", responses: { 200: json(z.strictObject({ clauses: z.array(Clause) }), "Clauses"), 401: errors[401] } }), async (c) => {
    const ctx = ctxOf(c);
    requirePrincipal(ctx);
    return c.json({ clauses: await listClauses(ctx.db) }, 200);
  });

  app.openapi(createRoute({ method: "get", path: "/evidence/search", tags: ["audit retrieval"], summary: "Search everything you may see: documents, records, external documents, contracts, signature requests (audit events for admins)", request: { query: EvidenceSearchQuery }, responses: { 200: json(z.strictObject({ total: z.number().int(), capped: z.boolean(), hits: z.array(Hit) }), "Hits (total capped at 1 000)"), 401: errors[401], 403: json(z.any(), "AUDIT_GRANT_REQUIRED, OUTSIDE_GRANT") } }), async (c) =>
    c.json((await searchEvidence(ctxOf(c), c.req.valid("query"))), 200),
  );

  app.openapi(createRoute({ method: "post", path: "/evidence/resolve", tags: ["audit retrieval"], summary: "The evidence items of a selection (chosen items, or clauses and a period), with files and metadata", request: { body: jsonBody(SelectionSchema) }, responses: { 200: json(z.strictObject({ items: z.array(Item) }), "Items"), 400: errors[400], 403: json(z.any(), "AUDIT_GRANT_REQUIRED, OUTSIDE_GRANT"), 404: errors[404] } }), async (c) =>
    c.json({ items: await resolveEvidence(ctxOf(c), c.req.valid("json")) }, 200),
  );

  app.openapi(createRoute({ method: "get", path: "/evidence/matrix", tags: ["audit retrieval"], summary: "The evidence matrix for a period (JSON, or evidence-matrix.pdf with format=pdf)", request: { query: z.object({ from: z.iso.date().optional(), to: z.iso.date().optional(), format: z.enum(["json", "pdf"]).default("json") }) }, responses: { 200: { description: "The matrix (JSON, or the PDF with format=pdf)", content: { "application/json": { schema: Matrix }, "application/pdf": { schema: z.any().openapi({ type: "string", format: "binary" }) } } }, 401: errors[401], 403: json(z.any(), "AUDIT_GRANT_REQUIRED, OUTSIDE_GRANT") } }), async (c) => {
    const ctx = ctxOf(c);
    const { format, ...period } = c.req.valid("query");
    const matrix = await evidenceMatrix(ctx, period);
    if (format === "json") return c.json(matrix, 200);
    const pdf = await renderMatrixPdf({ organisation: (await getOrganisationProfile(ctx.db)).name, period, generatedAt: matrix.generatedAt, rows: matrix.rows });
    return c.body(new Uint8Array(pdf), 200, { "content-type": "application/pdf", "content-disposition": contentDisposition("attachment", "evidence-matrix.pdf") });
  });

  app.openapi(createRoute({ method: "get", path: "/evidence/{kind}/{id}", tags: ["audit retrieval"], summary: "One evidence item with the full history of its objects (opening it is audited)", request: { params: z.object({ kind: Kind, id: z.string() }) }, responses: { 200: json(z.strictObject({ item: Item, events: z.array(AuditEvent) }), "Item and events"), 401: errors[401], 404: errors[404] } }), async (c) => {
    const { kind, id } = c.req.valid("param");
    return c.json((await getEvidenceItem(ctxOf(c), kind, id)), 200);
  });

  app.openapi(createRoute({ method: "get", path: "/evidence/{kind}/{id}/files/{sha256}", tags: ["audit retrieval"], summary: "A file of an evidence item exactly as stored (audited)", request: { params: z.object({ kind: Kind, id: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }) }, responses: { 200: { description: "The bytes", content: { "application/octet-stream": { schema: z.any() } } }, 401: errors[401], 404: errors[404] } }), async (c) => {
    const { kind, id, sha256 } = c.req.valid("param");
    const { file, stream } = await openEvidenceFile(ctxOf(c), kind, id, sha256);
    return c.body(stream, 200, { "content-type": file.mediaType, "content-disposition": contentDisposition("attachment", file.filename), "x-content-sha256": file.sha256 });
  });

  app.openapi(createRoute({ method: "get", path: "/audit/grants", tags: ["audit retrieval"], summary: "Auditor grants (all for admins and IP managers, your own for an auditor)", responses: { 200: json(z.strictObject({ grants: z.array(z.strictObject({ grant: Grant, auditorName: z.string() })) }), "Grants"), 401: errors[401] } }), async (c) =>
    c.json({ grants: (await listAuditorGrants(ctxOf(c))).map((g) => ({ grant: presentGrant(g.grant), auditorName: g.auditorName })) }, 200),
  );
  app.openapi(createRoute({ method: "post", path: "/audit/grants", tags: ["audit retrieval"], summary: "Give an auditor time-limited read access to clauses, categories and a period (admins, IP managers)", request: { body: jsonBody(GrantSchema) }, responses: { 201: json(Grant, "Granted"), 400: errors[400], 403: errors[403], 422: json(z.any(), "INVALID_REFERENCE") } }), async (c) =>
    c.json(presentGrant(await grantAuditorAccess(ctxOf(c), c.req.valid("json"))), 201),
  );
  app.openapi(createRoute({ method: "post", path: "/audit/grants/{id}/revoke", tags: ["audit retrieval"], summary: "End a grant early, with a reason", request: { params: z.object({ id: z.string() }), body: jsonBody(z.object({ reason: z.string().trim().min(1).max(500) })) }, responses: { 200: json(Ok, "Revoked"), 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }), async (c) => {
    await revokeAuditorGrant(ctxOf(c), c.req.valid("param").id, c.req.valid("json").reason);
    return c.json({ ok: true as const }, 200);
  });

  return app;
}
