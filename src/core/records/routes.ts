import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody, Ok } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { requireRole } from "../auth/guard";
import { fileName } from "../text";
import { CLASSIFICATIONS } from "../auth/permissions";
import { DomainError } from "../errors";
import { contentDisposition } from "../files/routes";
import { closeCaseFile, getCaseFile, listCaseFiles, openCaseFile } from "./cases";
import { addRecordLink, correctRecord, removeRecordLink, retainRecord } from "./correct";
import { declareExternalDocument, declareRecord } from "./declare";
import { cancelDisposal, decideDisposal, disposalCertificateRecordId, getDisposal, listDisposals, listDueRecords, openTransferPackage, proposeDisposal } from "./disposal";
import { createRecordClass, deleteRecordClass, getRecordClass, listFilePlan, updateRecordClass } from "./file-plan";
import { listOpenIncidents, resolveIncident, runFixityCheck } from "./fixity";
import { addRecordsToHold, getHoldReport, listLegalHolds, placeLegalHold, releaseLegalHold } from "./holds";
import { getImportBatch, importReportCsv, startImport } from "./import/service";
import { recordRetentionEvent } from "./retention";
import { getRecordView, openRecordContent, searchRecordList } from "./retrieve";
import {
  CaseInput,
  CloseCaseInput,
  CorrectRecordInput,
  DecideDisposalInput,
  DeclareRecordInput,
  ExternalDocumentInput,
  HoldInput,
  LinkInput,
  Paging,
  ProposeDisposalInput,
  RecordClassInput,
  RecordClassPatch,
  RecordQuery,
  ReleaseHoldInput,
  RetainInput,
  RetentionEventInput,
} from "./schemas";
import { runRetentionSweep } from "./sweep";
import { presentHold, presentRecord, presentRecordClass, withRecord } from "./present";

const IdParam = z.object({ id: z.string() });
const Reason = z.object({ reason: z.string().trim().min(1, "say why").max(4000) });

const iso = z.string().openapi({ format: "date-time" });
const day = z.string().openapi({ format: "date" });

const RecordClass = z
  .strictObject({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    nameEn: z.string(),
    clause: z.string(),
    description: z.string().nullable(),
    retentionAmount: z.number().nullable(),
    retentionUnit: z.enum(["months", "years", "permanent"]),
    trigger: z.string(),
    disposition: z.string(),
    defaultClassification: z.enum(CLASSIFICATIONS),
    templateId: z.string().nullable(),
    builtIn: z.boolean(),
    createdAt: iso,
    updatedAt: iso,
    recordCount: z.number().int().optional().openapi({ description: "How many records of the class the reader may see (in the file plan)" }),
  })
  .openapi("RecordClass");

const RecordRow = z
  .strictObject({
    id: z.string(),
    number: z.string(),
    classId: z.string(),
    title: z.string(),
    description: z.string().nullable(),
    recordDate: day,
    author: z.string(),
    departmentId: z.string().nullable(),
    classification: z.enum(CLASSIFICATIONS),
    contentSha256: z.string().nullable(),
    contentFilename: z.string().nullable(),
    contentMediaType: z.string().nullable(),
    contentSize: z.number().nullable(),
    paperRoom: z.string().nullable(),
    paperCabinet: z.string().nullable(),
    paperBox: z.string().nullable(),
    sourceKind: z.string(),
    sourceId: z.string().nullable(),
    natures: z.record(z.string(), z.unknown()).openapi({ description: "The four natures (authenticity, integrity, usability, security) as checked at declaration" }),
    status: z.enum(["active", "destroyed", "transferred"]),
    triggerDate: day.nullable(),
    dueOn: day.nullable(),
    retainUntil: day.nullable(),
    retainReason: z.string().nullable(),
    declaredBy: z.string(),
    declaredAt: iso,
    updatedAt: iso,
    disposedAt: iso.nullable(),
  })
  .openapi("Record");

const RecordView = z
  .strictObject({
    record: RecordRow,
    recordClass: RecordClass,
    declaredByName: z.string().nullable(),
    paperLocation: z.string().nullable(),
    links: z.array(z.looseObject({ id: z.string(), kind: z.string(), targetId: z.string() })),
    external: z.looseObject({}).nullable(),
    underHold: z.boolean(),
    holds: z.array(z.looseObject({ id: z.string(), matter: z.string() })),
    linkKinds: z.array(z.strictObject({ kind: z.string(), label: z.strictObject({ zh: z.string(), en: z.string() }) })),
    destruction: z.looseObject({}).nullable(),
    disposal: z.looseObject({}).nullable(),
    history: z.array(z.looseObject({ seq: z.number(), at: iso, action: z.string() })),
    mayCorrect: z.boolean(),
  })
  .openapi("RecordView");

/** A record in a list (search, due list, hold report, disposal): the record and what the list adds. */
const RecordEntry = z.strictObject({
  record: RecordRow,
  classCode: z.string(),
  className: z.string(),
  classNameEn: z.string(),
  clause: z.string(),
  disposition: z.string(),
  underHold: z.boolean().optional().openapi({ description: "In search results" }),
  holds: z.array(z.strictObject({ id: z.string(), matter: z.string() })).optional().openapi({ description: "In the due list: the holds that keep the record" }),
  inDisposal: z.string().nullable().optional().openapi({ description: "In the due list: the number of the open disposal the record is in" }),
});

const Case = z
  .strictObject({
    id: z.string(),
    number: z.string(),
    title: z.string(),
    kind: z.string(),
    counterparty: z.string().nullable(),
    forum: z.string().nullable(),
    ourRole: z.string().nullable(),
    status: z.string(),
    openedOn: day,
    closedOn: day.nullable(),
    outcome: z.string().nullable(),
    ownerId: z.string().nullable(),
    classification: z.string(),
    createdBy: z.string(),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi("CaseFile");
const DisposalRow = z.strictObject({
  id: z.string(),
  number: z.string(),
  action: z.string(),
  status: z.string(),
  reason: z.string(),
  recipient: z.string().nullable(),
  classification: z.string(),
  proposedBy: z.string(),
  proposedAt: iso,
  executedBy: z.string().nullable(),
  executedAt: iso.nullable(),
  completedAt: iso.nullable(),
  certificateRecordId: z.string().nullable(),
  exportSha256: z.string().nullable(),
  closedReason: z.string().nullable(),
  updatedAt: iso,
});
const BatchRow = z.strictObject({
  id: z.string(),
  kind: z.string(),
  mode: z.string(),
  status: z.string(),
  filename: z.string(),
  sourceSha256: z.string(),
  totalRows: z.number(),
  processedRows: z.number(),
  importedRows: z.number(),
  failedRows: z.number(),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: iso,
  finishedAt: iso.nullable(),
});

const Hold = z
  .strictObject({
    id: z.string(),
    matter: z.string(),
    reason: z.string(),
    ownerId: z.string().nullable(),
    scopeKind: z.enum(["list", "query"]),
    query: z.record(z.string(), z.unknown()).nullable(),
    caseId: z.string().nullable(),
    status: z.enum(["active", "released"]),
    placedBy: z.string(),
    placedAt: iso,
    releasedBy: z.string().nullable(),
    releasedAt: iso.nullable(),
    releaseReason: z.string().nullable(),
  })
  .openapi("LegalHold");
const Disposal = z
  .strictObject({
    disposal: DisposalRow,
    proposedByName: z.string().nullable(),
    records: z.array(RecordEntry),
    approvals: z.array(z.strictObject({ id: z.string(), disposalId: z.string(), role: z.string(), userId: z.string(), decision: z.string(), comment: z.string().nullable(), decidedAt: iso, name: z.string() })),
    destructions: z.array(
      z.strictObject({
        id: z.string(),
        disposalId: z.string(),
        recordId: z.string(),
        recordNumber: z.string(),
        title: z.string(),
        classCode: z.string(),
        clause: z.string(),
        classification: z.string(),
        contentSha256: z.string().nullable(),
        contentSize: z.number().nullable(),
        dueOn: day,
        approvals: z.array(z.strictObject({ name: z.string(), role: z.string(), userId: z.string(), decidedAt: iso })),
        metadata: z.record(z.string(), z.unknown()).openapi({ description: "The record's metadata as it was when destroyed (kept permanently)" }),
        storage: z.string(),
        destroyedBy: z.string(),
        destroyedAt: iso,
      }),
    ),
    purges: z.array(z.strictObject({ sha256: z.string(), disposalId: z.string(), requestedAt: iso, purgedAt: iso.nullable(), storageKind: z.string().nullable() })),
    mayDecide: z.boolean(),
    isProposer: z.boolean().openapi({ description: "The caller proposed it, so may not decide on it" }),
    otherApprovers: z
      .array(z.strictObject({ role: z.string(), people: z.array(z.strictObject({ id: z.string(), displayName: z.string() })) }))
      .openapi({ description: "For each approval still needed, who could give it (active, holding the role, cleared, not the proposer, not already decided)" }),
    mayCancel: z.boolean(),
  })
  .openapi("Disposal");
const ImportBatch = z
  .strictObject({
    batch: BatchRow,
    failedRows: z.array(z.strictObject({ line: z.number(), error: z.string().nullable(), data: z.record(z.string(), z.unknown()).openapi({ description: "The row as read from the file (the importer's own upload)" }) })),
    percent: z.number(),
    day: day.openapi({ description: "Today in the organisation's time zone" }),
  })
  .openapi("ImportBatch");

/** A disposal's view with its records presented and the destruction records' stored JSON typed. */
function presentDisposal(view: Awaited<ReturnType<typeof getDisposal>>) {
  return {
    ...view,
    records: view.records.map(withRecord),
    destructions: view.destructions.map((d) => ({
      ...d,
      approvals: d.approvals as { name: string; role: string; userId: string; decidedAt: string }[],
      metadata: d.metadata as Record<string, unknown>,
    })),
  };
}

/** Records, file plan, external documents, case files, legal holds, disposal, imports and fixity. */
export function recordRoutes() {
  const app = createRouter();

  // ── file plan ──
  app.openapi(
    createRoute({ method: "get", path: "/record-classes", tags: ["file plan"], summary: "The file plan: record classes by clause, with how many records use each", responses: { 200: json(z.array(RecordClass), "Classes"), 401: errors[401] } }),
    async (c) => c.json((await listFilePlan(ctxOf(c))).map(presentRecordClass), 200),
  );
  app.openapi(
    createRoute({ method: "post", path: "/record-classes", tags: ["file plan"], summary: "Add a record class (IP manager)", request: { body: jsonBody(RecordClassInput) }, responses: { 201: json(RecordClass, "Created"), 400: errors[400], 401: errors[401], 403: errors[403], 409: json(z.any(), "ALREADY_EXISTS") } }),
    async (c) => c.json(presentRecordClass(await createRecordClass(ctxOf(c), c.req.valid("json"))), 201),
  );
  app.openapi(
    createRoute({ method: "get", path: "/record-classes/{id}", tags: ["file plan"], summary: "One record class", request: { params: IdParam }, responses: { 200: json(RecordClass, "Class"), 401: errors[401], 404: errors[404] } }),
    async (c) => c.json(presentRecordClass(await getRecordClass(ctxOf(c), c.req.valid("param").id)), 200),
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/record-classes/{id}",
      tags: ["file plan"],
      summary: "Change a class (IP manager); a new period or trigger recomputes the due dates of its records, audited with old and new values",
      request: { params: IdParam, body: jsonBody(RecordClassPatch) },
      responses: { 200: json(z.strictObject({ recordClass: RecordClass, recomputed: z.number() }), "Changed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const changed = await updateRecordClass(ctxOf(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json({ recordClass: presentRecordClass(changed.recordClass), recomputed: changed.recomputed }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "delete", path: "/record-classes/{id}", tags: ["file plan"], summary: "Delete an unused class (IP manager); a class in use answers IN_USE", request: { params: IdParam }, responses: { 200: json(Ok, "Deleted"), 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "IN_USE") } }),
    async (c) => {
      await deleteRecordClass(ctxOf(c), c.req.valid("param").id);
      return c.json({ ok: true as const }, 200);
    },
  );

  // ── records ──
  app.openapi(
    createRoute({
      method: "post",
      path: "/records",
      tags: ["records"],
      summary: "Declare a record from an uploaded file (POST /files first) or a paper original; the four natures are checked and kept",
      request: { body: jsonBody(DeclareRecordInput) },
      responses: { 201: json(RecordRow, "Declared"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 422: json(z.any(), "UNREADABLE_CONTENT, INVALID_REFERENCE") },
    }),
    async (c) => c.json(presentRecord(await declareRecord(ctxOf(c), c.req.valid("json"))), 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/records",
      tags: ["records"],
      summary: "Retrieve records by text, class, clause, status, person, contract, case, document, record date, trigger date or due date",
      request: { query: RecordQuery.extend(Paging.shape) },
      responses: { 200: json(z.strictObject({ total: z.number(), items: z.array(RecordEntry) }), "Records"), 400: errors[400], 401: errors[401] },
    }),
    async (c) => {
      const { limit, offset, ...query } = c.req.valid("query");
      const found = await searchRecordList(ctxOf(c), query, { limit, offset });
      return c.json({ total: found.total, items: found.items.map(withRecord) }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "get", path: "/records/{id}", tags: ["records"], summary: "A record with class, custody, links, four natures, source, holds and history", request: { params: IdParam }, responses: { 200: json(RecordView, "Record"), 401: errors[401], 404: errors[404] } }),
    async (c) => {
      const view = withRecord(await getRecordView(ctxOf(c), c.req.valid("param").id));
      return c.json({ ...view, recordClass: presentRecordClass(view.recordClass) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "patch",
      path: "/records/{id}",
      tags: ["records"],
      summary: "Correct metadata (never content); old and new values and the reason are kept in the history",
      request: { params: IdParam, body: jsonBody(CorrectRecordInput) },
      responses: { 200: json(RecordRow, "Corrected"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") },
    }),
    async (c) => c.json(presentRecord(await correctRecord(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/records/{id}/content",
      tags: ["records"],
      summary: "Download the record's content (re-hashed first)",
      request: { params: IdParam },
      responses: { 200: { description: "The bytes", content: { "application/octet-stream": { schema: z.any() } } }, 401: errors[401], 404: errors[404], 409: json(z.any(), "INTEGRITY_FAILURE"), 410: json(z.any(), "CONTENT_DESTROYED") },
    }),
    async (c) => {
      const { record, sha256, stream } = await openRecordContent(ctxOf(c), c.req.valid("param").id);
      return c.body(stream, 200, {
        "content-type": record.contentMediaType ?? "application/octet-stream",
        "content-disposition": contentDisposition("attachment", record.contentFilename ?? `${record.number}`),
        "x-content-sha256": sha256,
      });
    },
  );
  app.openapi(
    createRoute({ method: "post", path: "/records/{id}/links", tags: ["records"], summary: "Link the record to a person, document, contract, case, IP asset or record", request: { params: IdParam, body: jsonBody(LinkInput) }, responses: { 201: json(z.strictObject({ id: z.string(), recordId: z.string(), kind: z.string(), targetId: z.string(), label: z.string().nullable(), createdBy: z.string().nullable(), createdAt: iso }), "Linked"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 422: json(z.any(), "INVALID_REFERENCE") } }),
    async (c) => c.json((await addRecordLink(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 201),
  );
  app.openapi(
    createRoute({ method: "post", path: "/records/{id}/links/{linkId}/remove", tags: ["records"], summary: "Remove a link, with a reason", request: { params: z.object({ id: z.string(), linkId: z.string() }), body: jsonBody(Reason) }, responses: { 200: json(Ok, "Removed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] } }),
    async (c) => {
      const { id, linkId } = c.req.valid("param");
      await removeRecordLink(ctxOf(c), id, linkId, c.req.valid("json").reason);
      return c.json({ ok: true as const }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "post", path: "/records/{id}/retain", tags: ["retention"], summary: "Review outcome: keep a record until a later date (IP manager)", request: { params: IdParam, body: jsonBody(RetainInput) }, responses: { 200: json(Ok, "Kept longer"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] } }),
    async (c) => {
      await retainRecord(ctxOf(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json({ ok: true as const }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "post", path: "/retention-events", tags: ["retention"], summary: "Record that a person's employment ended: their records' retention starts (IP manager)", request: { body: jsonBody(RetentionEventInput) }, responses: { 200: json(z.strictObject({ recomputed: z.number() }), "Recorded"), 400: errors[400], 401: errors[401], 403: errors[403], 422: json(z.any(), "INVALID_REFERENCE: no such person, or one you may not see") } }),
    async (c) => c.json(await recordRetentionEvent(ctxOf(c), c.req.valid("json")), 200),
  );

  // ── external documents and cases ──
  app.openapi(
    createRoute({
      method: "post",
      path: "/external-documents",
      tags: ["external documents"],
      summary: "File an external document (行政决定, 司法判决, 律师函 …) with issuer, reference number, date issued, date obtained, arrival and matter",
      request: { body: jsonBody(ExternalDocumentInput) },
      responses: { 201: json(RecordRow, "Filed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 422: json(z.any(), "UNREADABLE_CONTENT") },
    }),
    async (c) => c.json(presentRecord(await declareExternalDocument(ctxOf(c), c.req.valid("json"))), 201),
  );
  app.openapi(
    createRoute({ method: "post", path: "/cases", tags: ["cases"], summary: "Open a case file; a legal hold covers its records while it is open", request: { body: jsonBody(CaseInput) }, responses: { 201: json(Case, "Opened"), 400: errors[400], 401: errors[401], 403: errors[403] } }),
    async (c) => c.json((await openCaseFile(ctxOf(c), c.req.valid("json"))), 201),
  );
  app.openapi(
    createRoute({ method: "get", path: "/cases", tags: ["cases"], summary: "Case files you may see", responses: { 200: json(z.array(Case.extend({ ownerName: z.string().nullable() }).strict()), "Cases"), 401: errors[401], 403: errors[403] } }),
    async (c) => c.json((await listCaseFiles(ctxOf(c))), 200),
  );
  app.openapi(
    createRoute({ method: "get", path: "/cases/{id}", tags: ["cases"], summary: "A case with its hold and records", request: { params: IdParam }, responses: { 200: json(z.strictObject({ case: Case, ownerName: z.string().nullable(), hold: z.union([Hold, z.null()]), records: z.array(RecordEntry), mayClose: z.boolean() }), "Case"), 401: errors[401], 404: errors[404] } }),
    async (c) => {
      const view = await getCaseFile(ctxOf(c), c.req.valid("param").id);
      return c.json({ ...view, hold: view.hold ? presentHold(view.hold) : null, records: view.records.map(withRecord) }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "post", path: "/cases/{id}/close", tags: ["cases"], summary: "Close a case: its hold is released and its records' retention starts", request: { params: IdParam, body: jsonBody(CloseCaseInput) }, responses: { 200: json(Ok, "Closed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => {
      await closeCaseFile(ctxOf(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json({ ok: true as const }, 200);
    },
  );

  // ── legal holds ──
  app.openapi(
    createRoute({ method: "post", path: "/legal-holds", tags: ["legal holds"], summary: "Place a legal hold on records chosen by list or by query", request: { body: jsonBody(HoldInput) }, responses: { 201: json(Hold, "Placed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] } }),
    async (c) => c.json(presentHold(await placeLegalHold(ctxOf(c), c.req.valid("json"))), 201),
  );
  app.openapi(
    createRoute({ method: "get", path: "/legal-holds", tags: ["legal holds"], summary: "Every legal hold", responses: { 200: json(z.array(Hold), "Holds"), 401: errors[401], 403: errors[403] } }),
    async (c) => c.json((await listLegalHolds(ctxOf(c))).map(presentHold), 200),
  );
  app.openapi(
    createRoute({ method: "get", path: "/legal-holds/{id}", tags: ["legal holds"], summary: "Hold report: the hold and the records it covers that you may see", request: { params: IdParam }, responses: { 200: json(z.strictObject({ hold: Hold, records: z.array(RecordEntry), mayRelease: z.boolean() }), "Report"), 401: errors[401], 403: errors[403], 404: errors[404] } }),
    async (c) => {
      const report = await getHoldReport(ctxOf(c), c.req.valid("param").id);
      return c.json({ ...report, hold: presentHold(report.hold), records: report.records.map(withRecord) }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "post", path: "/legal-holds/{id}/records", tags: ["legal holds"], summary: "Add records to a list hold", request: { params: IdParam, body: jsonBody(z.object({ recordIds: z.array(z.string()).min(1).max(5000) })) }, responses: { 200: json(Ok, "Added"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] } }),
    async (c) => {
      await addRecordsToHold(ctxOf(c), c.req.valid("param").id, c.req.valid("json").recordIds);
      return c.json({ ok: true as const }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "post", path: "/legal-holds/{id}/release", tags: ["legal holds"], summary: "Release a hold; the reason is required", request: { params: IdParam, body: jsonBody(ReleaseHoldInput) }, responses: { 200: json(Ok, "Released"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => {
      await releaseLegalHold(ctxOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ ok: true as const }, 200);
    },
  );

  // ── retention and disposal ──
  app.openapi(
    createRoute({ method: "get", path: "/disposal/due", tags: ["disposal"], summary: "The disposal list: records whose due date has come, with holds", responses: { 200: json(z.array(RecordEntry), "Due records"), 401: errors[401], 403: errors[403] } }),
    async (c) => c.json((await listDueRecords(ctxOf(c))).map(withRecord), 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/disposals",
      tags: ["disposal"],
      summary: "Propose destroying or transferring due records (IP manager)",
      request: { body: jsonBody(ProposeDisposalInput) },
      responses: { 201: json(DisposalRow, "Proposed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "NOT_DUE, UNDER_LEGAL_HOLD, IN_USE, CONFLICT") },
    }),
    async (c) => c.json((await proposeDisposal(ctxOf(c), c.req.valid("json"))), 201),
  );
  app.openapi(
    createRoute({ method: "get", path: "/disposals", tags: ["disposal"], summary: "Disposals", responses: { 200: json(z.array(DisposalRow.extend({ proposedByName: z.string().nullable(), items: z.number().int() }).strict()), "Disposals"), 401: errors[401], 403: errors[403] } }),
    async (c) => c.json((await listDisposals(ctxOf(c))), 200),
  );
  app.openapi(
    createRoute({ method: "get", path: "/disposals/{id}", tags: ["disposal"], summary: "A disposal with records, approvals, destruction records and deletions", request: { params: IdParam }, responses: { 200: json(Disposal, "Disposal"), 401: errors[401], 403: errors[403], 404: errors[404] } }),
    async (c) => {
      return c.json(presentDisposal(await getDisposal(ctxOf(c), c.req.valid("param").id)), 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/disposals/{id}/decision",
      tags: ["disposal"],
      summary: "Approve or reject as IP manager or legal (with your password; never the disposal's proposer: OWN_PROPOSAL); the second approval destroys the bytes and makes the certificate",
      request: { params: IdParam, body: jsonBody(DecideDisposalInput) },
      responses: { 200: json(Disposal, "Decided"), 400: errors[400], 401: json(z.any(), "REAUTH_FAILED"), 403: errors[403], 404: errors[404], 409: json(z.any(), "CONFLICT, UNDER_LEGAL_HOLD, NOT_DUE") },
    }),
    async (c) => {
      return c.json(presentDisposal(await decideDisposal(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200);
    },
  );
  app.openapi(
    createRoute({ method: "post", path: "/disposals/{id}/cancel", tags: ["disposal"], summary: "Cancel a pending disposal, with a reason", request: { params: IdParam, body: jsonBody(Reason) }, responses: { 200: json(Ok, "Cancelled"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => {
      await cancelDisposal(ctxOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ ok: true as const }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "get", path: "/disposals/{id}/certificate", tags: ["disposal"], summary: "destruction-certificate.pdf (or the transfer list) of a completed disposal", request: { params: IdParam }, responses: { 200: { description: "PDF", content: { "application/pdf": { schema: z.any() } } }, 401: errors[401], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => {
      const ctx = ctxOf(c);
      const { record, sha256, stream } = await openRecordContent(ctx, await disposalCertificateRecordId(ctx, c.req.valid("param").id));
      return c.body(stream, 200, { "content-type": "application/pdf", "content-disposition": contentDisposition("attachment", record.contentFilename ?? "certificate.pdf"), "x-content-sha256": sha256 });
    },
  );
  app.openapi(
    createRoute({ method: "get", path: "/disposals/{id}/package", tags: ["disposal"], summary: "The transfer package (zip: content, metadata, list, manifest)", request: { params: IdParam }, responses: { 200: { description: "zip", content: { "application/zip": { schema: z.any() } } }, 401: errors[401], 404: errors[404], 409: json(z.any(), "INVALID_STATE"), 410: json(z.any(), "Deleted with content it held when that content was destroyed (CONTENT_DESTROYED)") } }),
    async (c) => {
      const { disposal, stream } = await openTransferPackage(ctxOf(c), c.req.valid("param").id);
      return c.body(stream, 200, { "content-type": "application/zip", "content-disposition": contentDisposition("attachment", `${disposal.number}-transfer.zip`), "x-content-sha256": disposal.exportSha256! });
    },
  );
  app.openapi(
    createRoute({ method: "post", path: "/retention/sweep", tags: ["retention"], summary: "Run the daily retention sweep now (IP manager, admin)", responses: { 200: json(z.strictObject({ day, due: z.number().int(), newlyDue: z.array(z.string()), dueButHeld: z.array(z.string()), activeHolds: z.number().int(), resumedDisposals: z.number().int() }), "Report"), 401: errors[401], 403: errors[403] } }),
    async (c) => {
      const ctx = ctxOf(c);
      requireRole(ctx, "ip-manager", "admin");
      return c.json((await runRetentionSweep(ctx, null)), 200);
    },
  );

  // ── fixity ──
  app.openapi(
    createRoute({ method: "post", path: "/fixity/run", tags: ["fixity"], summary: "Re-hash stored blobs now (admin); mismatches open incidents", responses: { 200: json(z.strictObject({ checked: z.number().int(), bytes: z.number(), ok: z.number().int(), failed: z.array(z.strictObject({ sha256: z.string(), problem: z.string() })), destroyed: z.number().int(), durationMs: z.number() }), "Report"), 401: errors[401], 403: errors[403] } }),
    async (c) => {
      const ctx = ctxOf(c);
      requireRole(ctx, "admin");
      return c.json((await runFixityCheck(ctx)), 200);
    },
  );
  app.openapi(
    createRoute({ method: "get", path: "/integrity-incidents", tags: ["fixity"], summary: "Open integrity incidents", responses: { 200: json(z.array(z.strictObject({ id: z.string(), sha256: z.string(), problem: z.string(), actualSha256: z.string().nullable(), detectedAt: iso, resolvedAt: iso.nullable(), resolvedBy: z.string().nullable(), resolution: z.string().nullable() })), "Incidents"), 401: errors[401], 403: errors[403] } }),
    async (c) => c.json((await listOpenIncidents(ctxOf(c))), 200),
  );
  app.openapi(
    createRoute({ method: "post", path: "/integrity-incidents/{id}/resolve", tags: ["fixity"], summary: "Resolve an incident with what was done (admin)", request: { params: IdParam, body: jsonBody(z.object({ resolution: z.string().trim().min(1).max(4000) })) }, responses: { 200: json(Ok, "Resolved"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] } }),
    async (c) => {
      await resolveIncident(ctxOf(c), c.req.valid("param").id, c.req.valid("json").resolution);
      return c.json({ ok: true as const }, 200);
    },
  );

  // ── CSV import ──
  app.openapi(
    createRoute({
      method: "post",
      path: "/imports",
      tags: ["import"],
      summary: "Import contracts or paper records from CSV (raw body, UTF-8, Chinese or English headers); checked up front, imported in the background",
      request: {
        query: z.object({
          kind: z.enum(["contracts", "records"]),
          mode: z.enum(["valid-rows", "all-or-nothing"]).default("valid-rows"),
          filename: fileName().default("import.csv"),
        }),
        body: { content: { "text/csv": { schema: z.any().openapi({ type: "string", format: "binary" }) } } },
      },
      responses: {
        202: json(z.strictObject({ batch: BatchRow, ignoredColumns: z.array(z.string()), queued: z.boolean() }), "Checked; importing (poll GET /imports/{id})"),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        413: json(z.any(), "PAYLOAD_TOO_LARGE"),
        422: json(z.any(), "BAD_ENCODING, MISSING_COLUMNS"),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const body = c.req.raw.body;
      if (!body) throw new DomainError("VALIDATION_FAILED", "Send the CSV file as the request body.");
      const q = c.req.valid("query");
      const started = await startImport(ctx, { ...q, body: body as unknown as AsyncIterable<Uint8Array> });
      return c.json(started, 202);
    },
  );
  app.openapi(
    createRoute({ method: "get", path: "/imports/{id}", tags: ["import"], summary: "An import's progress and its failed rows with reasons", request: { params: IdParam }, responses: { 200: json(ImportBatch, "Import"), 401: errors[401], 404: errors[404] } }),
    async (c) => {
      const batch = await getImportBatch(ctxOf(c), c.req.valid("param").id);
      return c.json({ ...batch, failedRows: batch.failedRows.map((r) => ({ ...r, data: r.data as Record<string, unknown> })) }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "get", path: "/imports/{id}/report.csv", tags: ["import"], summary: "Every row's outcome as CSV", request: { params: IdParam }, responses: { 200: { description: "CSV", content: { "text/csv": { schema: z.any() } } }, 401: errors[401], 404: errors[404] } }),
    async (c) => {
      const { filename, csv } = await importReportCsv(ctxOf(c), c.req.valid("param").id);
      return c.body(csv, 200, { "content-type": "text/csv; charset=utf-8", "content-disposition": contentDisposition("attachment", filename) });
    },
  );

  return app;
}
