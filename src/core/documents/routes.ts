import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody, Ok } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { DomainError } from "../errors";
import { DocumentRead, ReadInput } from "../signatures/schemas";
import { contentDisposition } from "../files/routes";
import { fileName } from "../text";
import { CLASSIFICATIONS, ROLES } from "../auth/permissions";
import { presentCategory, presentDocument, presentRevision } from "./present";
import { acknowledgementStatus, requireAcknowledgement } from "./acknowledgements";
import { generateIpManual } from "./ip-manual";
import { issueMarkedCopy, openSignedOriginal } from "./marking";
import { recordPeriodicReview, reviewsDue } from "./periodic-review";
import { createCategory, createDocument, getCurrentByNumber, getDocumentDetail, grantDocumentAccess, listCategories, recordHandover, searchDocuments, updateCategory, updateDocument } from "./register";
import { attachRevisionFile, createRevision, decideRevision, discardDraft, openForDecision, recordRevisionRead, submitForReview, updateDraft, withdrawDocument } from "./revisions";
import {
  AcknowledgementInput,
  CreateCategoryInput,
  CreateDocumentInput,
  DecisionInput,
  GrantInput,
  HandoverInput,
  NewRevisionInput,
  PeriodicReviewInput,
  SearchQuery,
  SubmitForReviewInput,
  UpdateCategoryInput,
  UpdateDocumentInput,
  UpdateDraftInput,
  WithdrawInput,
} from "./schemas";

const Id = z.object({ id: z.string() });
const pdfResponse = { description: "PDF", content: { "application/pdf": { schema: z.any() } } };
const conflict = json(z.any(), "Not possible in this state (INVALID_STATE, NOT_YOUR_TURN, CONFLICT)");

const iso = z.string().openapi({ format: "date-time" });
const day = z.string().openapi({ format: "date" });
const Roles = z.array(z.enum(ROLES));

const Category = z
  .strictObject({
    id: z.string(),
    name: z.string(),
    nameEn: z.string(),
    numberPattern: z.string(),
    nextSeq: z.number().int(),
    labelScheme: z.enum(["alpha", "numeric"]),
    clauses: z.array(z.string()),
    draftRoles: Roles,
    reviewRoles: Roles,
    approveRoles: Roles,
    allowSelfApproval: z.boolean(),
    acknowledgeable: z.boolean(),
    defaultReviewMonths: z.number().int(),
    builtIn: z.boolean(),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi("DocumentCategory");

const Document = z
  .strictObject({
    id: z.string(),
    number: z.string(),
    categoryId: z.string(),
    title: z.string(),
    titleEn: z.string().nullable(),
    ownerDepartmentId: z.string().nullable(),
    classification: z.enum(CLASSIFICATIONS),
    reviewIntervalMonths: z.number().int(),
    keywords: z.array(z.string()),
    effectiveRevisionId: z.string().nullable(),
    nextReviewDue: day.nullable(),
    status: z.enum(["active", "withdrawn"]),
    createdBy: z.string(),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi("Document");

const Revision = z
  .strictObject({
    id: z.string(),
    documentId: z.string(),
    seq: z.number().int(),
    label: z.string(),
    state: z.string(),
    changeSummary: z.string().nullable(),
    sourceSha256: z.string().nullable(),
    sourceFilename: z.string().nullable(),
    sourceMediaType: z.string().nullable(),
    releaseSha256: z.string().nullable(),
    releaseFilename: z.string().nullable(),
    signedSha256: z.string().nullable(),
    effectiveDate: day.nullable(),
    reviewerIds: z.array(z.string()),
    approverId: z.string().nullable(),
    signatureRequestId: z.string().nullable(),
    rejection: z.record(z.string(), z.unknown()).nullable(),
    draftedBy: z.string(),
    submittedAt: iso.nullable(),
    approvedAt: iso.nullable(),
    effectiveAt: iso.nullable(),
    supersededAt: iso.nullable(),
    supersededByRevisionId: z.string().nullable(),
    obsoletedAt: iso.nullable(),
    obsoleteReason: z.string().nullable(),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi("DocumentRevision");

const DocumentDetail = z
  .strictObject({
    document: Document,
    category: Category,
    revisions: z.array(Revision),
    comments: z.array(z.strictObject({ id: z.string(), revisionId: z.string(), userId: z.string(), role: z.string(), outcome: z.string(), comments: z.string().nullable(), createdAt: iso, displayName: z.string() })),
    effective: z.union([Revision, z.null()]),
    open: z.union([Revision, z.null()]),
    reviewSigners: z.array(z.strictObject({ displayName: z.string(), meaning: z.string(), status: z.string(), signedAt: iso.nullable(), isMe: z.boolean() })),
    signatures: z.array(z.strictObject({ revisionId: z.string(), label: z.string(), displayName: z.string(), meaning: z.string(), signedAt: iso, certificateSerial: z.string() })),
    grants: z.array(z.strictObject({ grant: z.strictObject({ documentId: z.string(), userId: z.string(), grantedBy: z.string(), reason: z.string(), createdAt: iso }), displayName: z.string() })),
    periodicReviews: z.array(
      z.strictObject({
        review: z.strictObject({ id: z.string(), documentId: z.string(), revisionId: z.string(), outcome: z.string(), comments: z.string(), reviewedBy: z.string(), signatureRequestId: z.string().nullable(), nextReviewDue: day.nullable(), createdAt: iso }),
        displayName: z.string(),
      }),
    ),
    may: z.strictObject({ draft: z.boolean(), review: z.boolean(), approve: z.boolean() }),
  })
  .openapi("DocumentDetail");

const SearchResult = z.strictObject({
  total: z.number().int(),
  rows: z.array(z.strictObject({ document: Document, effectiveLabel: z.string().nullable(), effectiveDate: day.nullable(), openState: z.string().nullable() })),
});
const DocumentWithRevision = z.strictObject({ document: Document, revision: Revision });
const Signed = z.strictObject({ requestId: z.string(), signatureId: z.string(), sha256: z.string(), completed: z.boolean(), certificateSerial: z.string() });
const Attached = z.strictObject({
  kind: z.enum(["source", "release"]),
  sha256: z.string(),
  releaseSha256: z.string().nullable().optional(),
  sourceSha256: z.string().nullable().optional(),
  conversion: z.enum(["converted", "unavailable", "not-needed"]),
});
const Acknowledgement = z.strictObject({
  userId: z.string(),
  displayName: z.string(),
  department: z.string().nullable(),
  requestedAt: iso,
  acknowledgedAt: iso.nullable(),
  signatureRequestId: z.string().nullable(),
});

/** The controlled-documents API (clause 4.3.2.1): register, revisions, review and approval, copies, periodic review, distribution. */
export function documentRoutes() {
  const app = createRouter();
  const ok = { ok: true as const };

  app.openapi(createRoute({ method: "get", path: "/document-categories", tags: ["documents"], summary: "Document categories with numbering, label scheme and roles", responses: { 200: json(z.strictObject({ categories: z.array(Category) }), "Categories"), 401: errors[401] } }), async (c) =>
    c.json({ categories: (await listCategories(ctxOf(c))).map(presentCategory) }, 200),
  );
  app.openapi(createRoute({ method: "post", path: "/document-categories", tags: ["documents"], summary: "Add a category (admins)", request: { body: jsonBody(CreateCategoryInput) }, responses: { 201: json(Category, "Created"), 400: errors[400], 403: errors[403], 409: conflict } }), async (c) =>
    c.json(presentCategory(await createCategory(ctxOf(c), c.req.valid("json"))), 201),
  );
  app.openapi(createRoute({ method: "patch", path: "/document-categories/{id}", tags: ["documents"], summary: "Change a category's roles, number pattern, clauses or review interval (admins; audited)", request: { params: Id, body: jsonBody(UpdateCategoryInput) }, responses: { 200: json(Category, "Updated"), 400: errors[400], 403: errors[403], 404: errors[404], 409: conflict } }), async (c) =>
    c.json(presentCategory(await updateCategory(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );

  app.openapi(createRoute({ method: "get", path: "/documents", tags: ["documents"], summary: "Search the register: number, title, keywords and the effective text (Chinese substrings too); filters", request: { query: SearchQuery }, responses: { 200: json(SearchResult, "Results (only what you may see, counted the same way)"), 401: errors[401] } }), async (c) =>
    {
    const found = await searchDocuments(ctxOf(c), c.req.valid("query"));
    return c.json({ total: found.total, rows: found.rows.map((r) => ({ ...r, document: presentDocument(r.document) })) }, 200);
  },
  );
  app.openapi(createRoute({ method: "post", path: "/documents", tags: ["documents"], summary: "Register a document (its number is generated) with a first draft revision", request: { body: jsonBody(CreateDocumentInput) }, responses: { 201: json(DocumentWithRevision, "Created"), 400: errors[400], 403: errors[403], 422: json(z.any(), "INVALID_REFERENCE") } }), async (c) => {
    const created = await createDocument(ctxOf(c), c.req.valid("json"));
    return c.json({ document: presentDocument(created.document), revision: presentRevision(created.revision) }, 201);
  },
  );
  app.openapi(createRoute({ method: "get", path: "/documents/reviews-due", tags: ["documents"], summary: "Documents whose periodic review is due within 30 days or overdue", responses: { 200: json(z.strictObject({ documents: z.array(Document.extend({ overdue: z.boolean() }).strict()) }), "Due"), 401: errors[401] } }), async (c) =>
    c.json({ documents: (await reviewsDue(ctxOf(c))).map((d) => ({ ...presentDocument(d), overdue: d.overdue })) }, 200),
  );
  app.openapi(createRoute({ method: "get", path: "/documents/by-number/{number}/current", tags: ["documents"], summary: "The revision in force for a document number", request: { params: z.object({ number: z.string() }) }, responses: { 200: json(DocumentWithRevision, "Current revision"), 404: errors[404] } }), async (c) =>
    {
    const current = await getCurrentByNumber(ctxOf(c), c.req.valid("param").number);
    return c.json({ document: presentDocument(current.document), revision: presentRevision(current.revision) }, 200);
  },
  );
  app.openapi(createRoute({ method: "get", path: "/documents/by-number/{number}/current/pdf", tags: ["documents"], summary: "A controlled copy of the revision in force", request: { params: z.object({ number: z.string() }) }, responses: { 200: pdfResponse, 404: errors[404] } }), async (c) => {
    const ctx = ctxOf(c);
    const current = await getCurrentByNumber(ctx, c.req.valid("param").number);
    const copy = await issueMarkedCopy(ctx, current.revision.id);
    return c.body(new Uint8Array(copy.bytes), 200, { "content-type": "application/pdf", "content-disposition": contentDisposition("inline", copy.filename) });
  });
  app.openapi(createRoute({ method: "get", path: "/documents/{id}", tags: ["documents"], summary: "A document with its revisions, comments and periodic reviews", request: { params: Id }, responses: { 200: json(DocumentDetail, "Document"), 404: errors[404] } }), async (c) =>
    {
    const d = await getDocumentDetail(ctxOf(c), c.req.valid("param").id);
    const rev = (r: typeof d.effective) => (r ? presentRevision(r) : null);
    return c.json({ ...d, document: presentDocument(d.document), category: presentCategory(d.category), revisions: d.revisions.map(presentRevision), effective: rev(d.effective), open: rev(d.open) }, 200);
  },
  );
  app.openapi(createRoute({ method: "patch", path: "/documents/{id}", tags: ["documents"], summary: "Change the register entry", request: { params: Id, body: jsonBody(UpdateDocumentInput) }, responses: { 200: json(Document, "Updated"), 400: errors[400], 403: errors[403], 404: errors[404] } }), async (c) =>
    c.json(presentDocument(await updateDocument(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );
  app.openapi(createRoute({ method: "post", path: "/documents/{id}/revisions", tags: ["documents"], summary: "Start the next revision (a draft)", request: { params: Id, body: jsonBody(NewRevisionInput) }, responses: { 201: json(Revision, "Draft"), 403: errors[403], 404: errors[404], 409: conflict } }), async (c) =>
    c.json(presentRevision(await createRevision(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 201),
  );
  app.openapi(createRoute({ method: "post", path: "/documents/{id}/withdraw", tags: ["documents"], summary: "Withdraw the document: its effective revision becomes obsolete", request: { params: Id, body: jsonBody(WithdrawInput) }, responses: { 200: json(Ok, "Withdrawn"), 403: errors[403], 404: errors[404], 409: conflict } }), async (c) => {
    await withdrawDocument(ctxOf(c), c.req.valid("param").id, c.req.valid("json").reason);
    return c.json(ok, 200);
  });
  app.openapi(createRoute({ method: "post", path: "/documents/{id}/periodic-review", tags: ["documents"], summary: "Record a periodic review (signed record; resets the due date)", request: { params: Id, body: jsonBody(PeriodicReviewInput) }, responses: { 201: json(z.strictObject({ reviewId: z.string(), signatureRequestId: z.string(), nextReviewDue: day.nullable() }), "Recorded"), 401: errors[401], 403: errors[403], 404: errors[404], 409: conflict } }), async (c) =>
    c.json((await recordPeriodicReview(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 201),
  );
  app.openapi(createRoute({ method: "post", path: "/documents/{id}/acknowledgements", tags: ["documents"], summary: "Require departments to acknowledge the effective revision (a 确认 signature each)", request: { params: Id, body: jsonBody(AcknowledgementInput) }, responses: { 201: json(z.strictObject({ revisionId: z.string(), requested: z.number().int(), alreadyAsked: z.number().int(), notCleared: z.array(z.string()).openapi({ description: "Names of people in those departments not cleared for the document (not asked)" }) }), "Requested"), 403: errors[403], 404: errors[404], 409: conflict } }), async (c) =>
    c.json((await requireAcknowledgement(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 201),
  );
  app.openapi(createRoute({ method: "get", path: "/documents/{id}/acknowledgements", tags: ["documents"], summary: "Who has and has not acknowledged the effective revision", request: { params: Id }, responses: { 200: json(z.strictObject({ revisionId: z.string().nullable(), acknowledged: z.array(Acknowledgement), pending: z.array(Acknowledgement) }), "Status"), 404: errors[404] } }), async (c) =>
    c.json((await acknowledgementStatus(ctxOf(c), c.req.valid("param").id)), 200),
  );
  app.openapi(createRoute({ method: "post", path: "/documents/{id}/grants", tags: ["documents"], summary: "Grant one person access above their clearance, by name", request: { params: Id, body: jsonBody(GrantInput) }, responses: { 200: json(Ok, "Granted"), 403: errors[403], 404: errors[404] } }), async (c) => {
    await grantDocumentAccess(ctxOf(c), c.req.valid("param").id, c.req.valid("json"));
    return c.json(ok, 200);
  });
  app.openapi(createRoute({ method: "post", path: "/documents/{id}/handovers", tags: ["documents"], summary: "Record that this procedure hands over to another", request: { params: Id, body: jsonBody(HandoverInput) }, responses: { 200: json(Ok, "Recorded"), 403: errors[403], 404: errors[404] } }), async (c) => {
    await recordHandover(ctxOf(c), c.req.valid("param").id, c.req.valid("json"));
    return c.json(ok, 200);
  });
  app.openapi(createRoute({ method: "post", path: "/documents/{id}/ip-manual", tags: ["documents"], summary: "Generate the IP manual draft (DOCX) from live data; it becomes the manual's draft revision", request: { params: Id }, responses: { 200: { description: "DOCX", content: { "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { schema: z.any() } } }, 403: errors[403], 404: errors[404], 409: conflict } }), async (c) => {
    const result = await generateIpManual(ctxOf(c), c.req.valid("param").id);
    return c.body(new Uint8Array(result.docx), 200, {
      "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "content-disposition": contentDisposition("attachment", result.filename),
      "x-revision-id": result.revisionId,
      "x-conversion": result.conversion,
    });
  });

  app.openapi(createRoute({ method: "patch", path: "/revisions/{id}", tags: ["documents"], summary: "Edit a draft (change summary, effective date)", request: { params: Id, body: jsonBody(UpdateDraftInput) }, responses: { 200: json(Ok, "Saved"), 403: errors[403], 404: errors[404], 409: conflict } }), async (c) => {
    await updateDraft(ctxOf(c), c.req.valid("param").id, c.req.valid("json"));
    return c.json(ok, 200);
  });
  app.openapi(createRoute({ method: "delete", path: "/revisions/{id}", tags: ["documents"], summary: "Discard a draft (not the first revision)", request: { params: Id }, responses: { 200: json(Ok, "Discarded"), 403: errors[403], 404: errors[404], 409: conflict } }), async (c) => {
    await discardDraft(ctxOf(c), c.req.valid("param").id);
    return c.json(ok, 200);
  });
  app.openapi(
    createRoute({
      method: "put",
      path: "/revisions/{id}/files/{kind}",
      tags: ["documents"],
      summary: "Attach the source (DOCX …) or the release PDF to a draft; the body is the file (streamed)",
      request: { params: z.object({ id: z.string(), kind: z.enum(["source", "release"]) }), query: z.object({ filename: fileName() }), body: { content: { "application/octet-stream": { schema: z.any() } } } },
      responses: { 200: json(Attached, "Attached (conversion: converted | unavailable | not-needed)"), 403: errors[403], 404: errors[404], 409: conflict, 422: json(z.any(), "NOT_A_PDF, PDF_ENCRYPTED …") },
    }),
    async (c) => {
      const { id, kind } = c.req.valid("param");
      if (!c.req.raw.body) throw new DomainError("VALIDATION_FAILED", "Send the file as the request body.");
      const result = await attachRevisionFile(ctxOf(c), id, {
        kind,
        body: c.req.raw.body as unknown as AsyncIterable<Uint8Array>,
        filename: c.req.valid("query").filename,
        mediaType: (c.req.header("content-type") ?? "application/octet-stream").split(";")[0]!.trim(),
      });
      return c.json(result, 200);
    },
  );
  app.openapi(createRoute({ method: "post", path: "/revisions/{id}/submit", tags: ["documents"], summary: "Send a draft for review (reviewers in parallel) and approval", request: { params: Id, body: jsonBody(SubmitForReviewInput) }, responses: { 200: json(z.strictObject({ signatureRequestId: z.string(), certified: z.boolean().describe("whether the release PDF was certified with the organisation seal (DocMDP P=2) before signing"), notCertifiedReason: z.string().optional().describe("why not: the release PDF already carries signatures") }), "In review"), 400: errors[400], 403: errors[403], 404: errors[404], 409: conflict } }), async (c) =>
    c.json((await submitForReview(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );
  app.openapi(createRoute({ method: "get", path: "/revisions/{id}/review-copy", tags: ["documents"], summary: "The PDF exactly as you are about to sign it (reviewers, approver); its SHA-256 is in x-content-sha256, to name when reporting it read", request: { params: Id }, responses: { 200: pdfResponse, 404: errors[404], 409: conflict } }), async (c) => {
    const doc = await openForDecision(ctxOf(c), c.req.valid("param").id);
    return c.body(doc.stream, 200, { "content-type": "application/pdf", "content-disposition": contentDisposition("inline", `${doc.request.title}.pdf`), "x-content-sha256": doc.sha256 });
  });
  app.openapi(createRoute({ method: "post", path: "/revisions/{id}/read", tags: ["documents"], summary: "Record that every page of the review copy was shown to you (its SHA-256 and number of pages); approving is refused until then", request: { params: Id, body: jsonBody(ReadInput) }, responses: { 200: json(DocumentRead, "Recorded"), 400: errors[400], 404: errors[404], 409: conflict } }), async (c) => {
    const read = await recordRevisionRead(ctxOf(c), c.req.valid("param").id, c.req.valid("json"));
    return c.json({ ...read, readAt: read.readAt.toISOString() }, 200);
  });
  app.openapi(createRoute({ method: "post", path: "/revisions/{id}/decision", tags: ["documents"], summary: "Review or approve (an electronic signature: password) or reject with reasons", request: { params: Id, body: jsonBody(DecisionInput) }, responses: { 200: json(z.strictObject({ decision: z.enum(["approve", "reject"]), state: z.string(), signature: Signed.optional() }), "Decided"), 400: errors[400], 401: json(z.any(), "REAUTH_FAILED"), 403: errors[403], 404: errors[404], 409: conflict } }), async (c) =>
    c.json((await decideRevision(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );
  app.openapi(createRoute({ method: "get", path: "/revisions/{id}/pdf", tags: ["documents"], summary: "A copy of the revision, marked on every page by its state now", request: { params: Id }, responses: { 200: pdfResponse, 404: errors[404], 409: conflict } }), async (c) => {
    const copy = await issueMarkedCopy(ctxOf(c), c.req.valid("param").id);
    return c.body(new Uint8Array(copy.bytes), 200, { "content-type": "application/pdf", "content-disposition": contentDisposition("inline", copy.filename) });
  });

  app.openapi(createRoute({ method: "get", path: "/revisions/{id}/signed-pdf", tags: ["documents"], summary: "The signed original of the revision, unmarked (certified, signed, with validation data and a document timestamp); its SHA-256 is in x-content-sha256", request: { params: Id }, responses: { 200: pdfResponse, 404: errors[404], 409: conflict } }), async (c) => {
    const original = await openSignedOriginal(ctxOf(c), c.req.valid("param").id);
    return c.body(new Uint8Array(original.bytes), 200, { "content-type": "application/pdf", "x-content-sha256": original.sha256, "content-disposition": contentDisposition("attachment", original.filename) });
  });

  return app;
}
