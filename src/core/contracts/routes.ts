import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody, Ok } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { CLASSIFICATIONS } from "../auth/permissions";
import { recordIpReview } from "./review";
import { ContractQuery, CreateContractInput, ReturnToDraftInput, ReviewInput, SendForSigningInput, SignedScanInput, StatusChangeInput, UpdateContractInput } from "./schemas";
import { attachContractDraft, changeContractStatus, createContract, getContractView, listContracts, returnContractToDraft, submitForIpReview, updateContract } from "./service";
import { sendContractForSigning, uploadSignedScan } from "./signing";
import { checklistForType, CONTRACT_TYPES } from "./vocabulary";

const IdParam = z.object({ id: z.string() });

const Contract = z
  .looseObject({
    id: z.string(),
    number: z.string(),
    title: z.string(),
    type: z.enum(CONTRACT_TYPES),
    status: z.enum(["draft", "ip-review", "approved", "signed", "in-force", "expired", "terminated"]),
    classification: z.enum(CLASSIFICATIONS),
    counterparties: z.array(z.looseObject({ name: z.string() })),
    ipTerms: z.record(z.string(), z.string()),
    signedRecordId: z.string().nullable(),
  })
  .openapi("Contract");

const ContractView = z.looseObject({ contract: Contract, checklist: z.array(z.string()), reviews: z.array(z.looseObject({})), history: z.array(z.looseObject({})) }).openapi("ContractView");

/** The contract register (4.3.3): entries, IP review gate, signing, status. */
export function contractRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({ method: "post", path: "/contracts", tags: ["contracts"], summary: "Enter a contract in the register (draft)", request: { body: jsonBody(CreateContractInput) }, responses: { 201: json(Contract, "Created"), 400: errors[400], 401: errors[401], 403: errors[403], 409: json(z.any(), "ALREADY_EXISTS") } }),
    async (c) => c.json((await createContract(ctxOf(c), c.req.valid("json"))) as never, 201),
  );
  app.openapi(
    createRoute({ method: "get", path: "/contracts", tags: ["contracts"], summary: "The register, by text, type and status", request: { query: ContractQuery }, responses: { 200: json(z.array(Contract), "Contracts"), 400: errors[400], 401: errors[401] } }),
    async (c) => c.json((await listContracts(ctxOf(c), c.req.valid("query"))) as never, 200),
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
    async (c) => c.json((await getContractView(ctxOf(c), c.req.valid("param").id)) as never, 200),
  );
  app.openapi(
    createRoute({ method: "patch", path: "/contracts/{id}", tags: ["contracts"], summary: "Edit the entry (terms only in draft; dates until it ends), with a reason", request: { params: IdParam, body: jsonBody(UpdateContractInput) }, responses: { 200: json(Contract, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => c.json((await updateContract(ctxOf(c), c.req.valid("param").id, c.req.valid("json") as never)) as never, 200),
  );
  app.openapi(
    createRoute({ method: "put", path: "/contracts/{id}/draft", tags: ["contracts"], summary: "Attach the contract text (a file you uploaded); draft only", request: { params: IdParam, body: jsonBody(z.object({ fileId: z.string().min(1) })) }, responses: { 200: json(Contract, "Attached"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => c.json((await attachContractDraft(ctxOf(c), c.req.valid("param").id, c.req.valid("json").fileId)) as never, 200),
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
    async (c) => c.json((await returnContractToDraft(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))) as never, 200),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/contracts/{id}/reviews",
      tags: ["contracts"],
      summary: "Record the IP review (legal or IP manager): checklist for the type, findings, decision; you then sign the review report",
      request: { params: IdParam, body: jsonBody(ReviewInput) },
      responses: { 201: json(z.looseObject({ review: z.looseObject({ id: z.string() }), signatureRequestId: z.string() }), "Recorded; sign it at /signatures/{signatureRequestId}/sign"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE, CONFLICT") },
    }),
    async (c) => c.json((await recordIpReview(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))) as never, 201),
  );
  app.openapi(
    createRoute({
      method: "post",
      path: "/contracts/{id}/signing",
      tags: ["contracts"],
      summary: "Send an approved contract (PDF) for e-signature; refused with IP_REVIEW_REQUIRED before a signed IP review",
      request: { params: IdParam, body: jsonBody(SendForSigningInput) },
      responses: { 201: json(z.looseObject({ id: z.string() }), "Signature request"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "IP_REVIEW_REQUIRED, CONFLICT") },
    }),
    async (c) => c.json((await sendContractForSigning(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))) as never, 201),
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
    async (c) => c.json((await uploadSignedScan(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))) as never, 200),
  );
  app.openapi(
    createRoute({ method: "post", path: "/contracts/{id}/status", tags: ["contracts"], summary: "In force, expired or terminated (the end starts the retention of its records)", request: { params: IdParam, body: jsonBody(StatusChangeInput) }, responses: { 200: json(Contract, "Changed"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") } }),
    async (c) => c.json((await changeContractStatus(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))) as never, 200),
  );

  return app;
}
