import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody, Ok } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { CLASSIFICATIONS } from "../auth/permissions";
import { recordIpReview } from "./review";
import { ContractQuery, CreateContractInput, ReturnToDraftInput, ReviewInput, SendForSigningInput, SignedScanInput, StatusChangeInput, UpdateContractInput } from "./schemas";
import { attachContractDraft, changeContractStatus, createContract, getContractView, listContracts, returnContractToDraft, submitForIpReview, updateContract } from "./service";
import { getSignatureRequest } from "../signatures/requests/access";
import { SignatureRequestView } from "../signatures/schemas";
import { presentContract } from "./present";
import { sendContractForSigning, uploadSignedScan } from "./signing";
import { checklistForType, CONTRACT_TYPES } from "./vocabulary";

const IdParam = z.object({ id: z.string() });

const iso = z.string().openapi({ format: "date-time" });
const day = z.string().openapi({ format: "date" });

const Contract = z
  .strictObject({
    id: z.string(),
    number: z.string(),
    title: z.string(),
    type: z.enum(CONTRACT_TYPES),
    counterparties: z.array(z.strictObject({ name: z.string(), country: z.string().optional(), contact: z.string().optional() })),
    departmentId: z.string().nullable(),
    ownerId: z.string().nullable(),
    classification: z.enum(CLASSIFICATIONS),
    valueAmount: z.string().nullable(),
    currency: z.string(),
    effectiveOn: day.nullable(),
    endOn: day.nullable(),
    signedOn: day.nullable(),
    ipTerms: z.record(z.string(), z.string()),
    notes: z.string().nullable(),
    status: z.enum(["draft", "ip-review", "approved", "signed", "in-force", "expired", "terminated"]),
    draftSha256: z.string().nullable(),
    draftFilename: z.string().nullable(),
    draftMediaType: z.string().nullable(),
    signingMethod: z.string().nullable(),
    signatureRequestId: z.string().nullable(),
    signedSha256: z.string().nullable(),
    signedRecordId: z.string().nullable(),
    terminatedOn: day.nullable(),
    terminationReason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: iso,
    updatedAt: iso,
  })
  .openapi("Contract");

const ContractView = z
  .strictObject({
    contract: Contract,
    ownerName: z.string().nullable(),
    checklist: z.array(z.string()),
    reviews: z.array(z.looseObject({ id: z.string(), status: z.string(), decision: z.string() })),
    signing: z.looseObject({}).nullable(),
    history: z.array(z.looseObject({ seq: z.number(), at: iso, action: z.string() })),
    may: z.strictObject({ edit: z.boolean(), submit: z.boolean(), returnToDraft: z.boolean(), review: z.boolean(), sign: z.boolean(), advance: z.boolean() }),
    pendingReview: z.looseObject({}).nullable(),
  })
  .openapi("ContractView");

const ContractPage = z.strictObject({ total: z.number().int(), items: z.array(Contract) }).openapi("ContractPage");

/** The contract register (4.3.3): entries, IP review gate, signing, status. */
export function contractRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({ method: "post", path: "/contracts", tags: ["contracts"], summary: "Enter a contract in the register (draft)", request: { body: jsonBody(CreateContractInput) }, responses: { 201: json(Contract, "Created"), 400: errors[400], 401: errors[401], 403: errors[403], 409: json(z.any(), "ALREADY_EXISTS") } }),
    async (c) => c.json(presentContract(await createContract(ctxOf(c), c.req.valid("json"))), 201),
  );
  app.openapi(
    createRoute({ method: "get", path: "/contracts", tags: ["contracts"], summary: "The register, by text, type and status", request: { query: ContractQuery }, responses: { 200: json(ContractPage, "One page of the register (limit, offset; newest first) and how many entries match"), 400: errors[400], 401: errors[401] } }),
    async (c) => {
      const found = await listContracts(ctxOf(c), c.req.valid("query"));
      return c.json({ total: found.total, items: found.items.map(presentContract) }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/contract-checklists",
      tags: ["contracts"],
      summary: "The IP review checklist items for each contract type",
      responses: { 200: json(z.record(z.string(), z.array(z.string())), "Checklists") },
    }),
    (c) => c.json(checklistForType, 200),
  );
  app.openapi(
    createRoute({ method: "get", path: "/contracts/{id}", tags: ["contracts"], summary: "A contract with its reviews, signing and history", request: { params: IdParam }, responses: { 200: json(ContractView, "Contract"), 401: errors[401], 404: errors[404] } }),
    async (c) => {
      const view = await getContractView(ctxOf(c), c.req.valid("param").id);
      return c.json({ ...view, contract: presentContract(view.contract) }, 200);
    },
  );
  app.openapi(
    createRoute({ method: "patch", path: "/contracts/{id}", tags: ["contracts"], summary: "Edit the entry (terms only in draft; dates until it ends), with a reason", request: { params: IdParam, body: jsonBody(UpdateContractInput) }, responses: { 200: json(Contract, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => c.json(presentContract(await updateContract(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );
  app.openapi(
    createRoute({ method: "put", path: "/contracts/{id}/draft", tags: ["contracts"], summary: "Attach the contract text (a file you uploaded); draft only", request: { params: IdParam, body: jsonBody(z.object({ fileId: z.string().min(1) })) }, responses: { 200: json(Contract, "Attached"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => c.json(presentContract(await attachContractDraft(ctxOf(c), c.req.valid("param").id, c.req.valid("json").fileId)), 200),
  );
  app.openapi(
    createRoute({ method: "post", path: "/contracts/{id}/submit", tags: ["contracts"], summary: "Send the draft to IP review", request: { params: IdParam }, responses: { 200: json(Ok, "Submitted"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => {
      await submitForIpReview(ctxOf(c), c.req.valid("param").id);
      return c.json({ ok: true as const }, 200);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/contracts/{id}/return-to-draft",
      tags: ["contracts"],
      summary: "Take a contract in IP review, or approved and not out for signing, back to draft with a reason (a review awaiting signature is withdrawn)",
      request: { params: IdParam, body: jsonBody(ReturnToDraftInput) },
      responses: { 200: json(Contract, "Returned to draft"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE or CONFLICT") },
    }),
    async (c) => c.json(presentContract(await returnContractToDraft(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/contracts/{id}/reviews",
      tags: ["contracts"],
      summary: "Record the IP review (legal or IP manager): checklist for the type, findings, decision; you then sign the review report",
      request: { params: IdParam, body: jsonBody(ReviewInput) },
      responses: { 201: json(
          z.strictObject({
            review: z.strictObject({
              id: z.string(),
              contractId: z.string(),
              reviewerId: z.string(),
              checklist: z.array(z.strictObject({ item: z.string(), result: z.string(), note: z.string().optional() })),
              findings: z.string(),
              decision: z.string(),
              conditions: z.string().nullable(),
              status: z.string(),
              reportSha256: z.string().nullable(),
              signatureRequestId: z.string().nullable(),
              recordId: z.string().nullable(),
              createdAt: iso,
              signedAt: iso.nullable(),
            }),
            signatureRequestId: z.string(),
          }), "Recorded; sign it at /signatures/{signatureRequestId}/sign"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE, CONFLICT") },
    }),
    async (c) => {
      const recorded = await recordIpReview(ctxOf(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json({ ...recorded, review: { ...recorded.review, checklist: recorded.review.checklist as { item: string; result: string; note?: string }[] } }, 201);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/contracts/{id}/signing",
      tags: ["contracts"],
      summary: "Send an approved contract (PDF) for e-signature; refused with IP_REVIEW_REQUIRED before a signed IP review",
      request: { params: IdParam, body: jsonBody(SendForSigningInput) },
      responses: { 201: json(SignatureRequestView, "Signature request (as GET /signature-requests/{id} shows it)"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "IP_REVIEW_REQUIRED, CONFLICT") },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const request = await sendContractForSigning(ctx, c.req.valid("param").id, c.req.valid("json"));
      return c.json(await getSignatureRequest(ctx, request.id), 201);
    },
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/contracts/{id}/signed-scan",
      tags: ["contracts"],
      summary: "File a wet-signed scan of an approved contract (it becomes the signed contract's record)",
      request: { params: IdParam, body: jsonBody(SignedScanInput) },
      responses: { 200: json(Contract, "Signed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "IP_REVIEW_REQUIRED, CONFLICT"), 422: json(z.any(), "UNREADABLE_CONTENT") },
    }),
    async (c) => c.json(presentContract(await uploadSignedScan(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );
  app.openapi(
    createRoute({ method: "post", path: "/contracts/{id}/status", tags: ["contracts"], summary: "In force, expired or terminated (the end starts the retention of its records)", request: { params: IdParam, body: jsonBody(StatusChangeInput) }, responses: { 200: json(Contract, "Changed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => c.json(presentContract(await changeContractStatus(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );

  return app;
}
