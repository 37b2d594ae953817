import { createRoute, z } from "@hono/zod-openapi";
import { Hono } from "hono";
import { ctxOf, type AppEnv } from "../../http/env";
import { errors, json, jsonBody, Ok } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { requireRole } from "../auth/guard";
import { DomainError } from "../errors";
import { contentDisposition } from "../files/routes";
import { answerOcspRequest, currentCrl, rootCertificatePem, timestampDigest, tsaCertificateHistory, tsaCertificatePem } from "./authority";
import { buildTimeStampResp, parseTimeStampReq, TimestampError } from "./cms/index";
import { crlDerToPem } from "./pki/index";
import { getSignatureRequest, listMySignatureRequests, resolveDocument } from "./requests/access";
import { createSignatureRequest } from "./requests/create";
import { createSigningLink, openSigningLink } from "./requests/links";
import { recordDocumentRead } from "./requests/read";
import { remindOverdueSigners } from "./requests/reminders";
import { cancelSignatureRequest, declineAsSigner, openDocumentForSigning, signAsSigner } from "./requests/sign";
import { CreateSignatureRequestInput, DeclineInput, DocumentRead, ReadInput, SignatureRequestView, SigningPinInput, SigningPinStatus, SignInput } from "./schemas";
import { resetSigningPin, setSigningPin, signingPinStatus } from "./signer-keys";
import { verifyUploadedPdf } from "./verify";
import { SUB_INDICATIONS } from "./validation/vocabulary";

const IdParam = z.object({ id: z.string() });
const Inbox = z.strictObject({
  toSign: z.array(SignatureRequestView),
  waitingForOthers: z.array(SignatureRequestView),
  done: z.array(SignatureRequestView),
});

/** What POST /signatures/verify answers: one report per signature, and whether Custos holds the file. */
const VerificationReport = z
  .strictObject({
    sha256: z.string(),
    size: z.number().int(),
    ok: z.boolean(),
    signatures: z.array(
      z.strictObject({
        index: z.number().int(),
        fieldName: z.string().nullable(),
        subFilter: z.string().nullable(),
        signerName: z.string().nullable(),
        reason: z.string().nullable(),
        signingTime: z.string().nullable(),
        ok: z.boolean().openapi({ description: 'indication === "TOTAL-PASSED"' }),
        indication: z.enum(["TOTAL-PASSED", "TOTAL-FAILED", "INDETERMINATE"]).openapi({ description: "ETSI EN 319 102-1 main status indication" }),
        subIndication: z.enum(SUB_INDICATIONS).nullable().openapi({ description: "ETSI EN 319 102-1 sub-indication (null when TOTAL-PASSED), e.g. HASH_FAILURE, REVOKED_NO_POE, OUT_OF_BOUNDS_NO_POE, TRY_LATER" }),
        message: z.strictObject({ zh: z.string(), en: z.string() }).openapi({ description: "The verdict in words" }),
        bestSignatureTime: z.string().nullable().openapi({ description: "The proof of existence (earliest trusted time stamp) the certificate was judged at; null when none" }),
        proofOfExistence: z.enum(["signature-timestamp", "document-timestamp"]).nullable(),
        validationTime: z.string(),
        reasons: z.array(z.strictObject({ zh: z.string(), en: z.string() })).openapi({ description: "Notes: revocation or expiry after the proof of existence, validation data that was ignored" }),
        integrity: z.strictObject({ digestMatches: z.boolean(), signatureValid: z.boolean() }),
        certificate: z.strictObject({ subject: z.string().nullable(), serialNumber: z.string().nullable(), issuer: z.string().nullable(), notBefore: z.string().nullable(), notAfter: z.string().nullable() }),
        chain: z.enum(["trusted", "unknown", "broken"]),
        revocation: z.strictObject({
          status: z.enum(["good", "revoked", "unknown"]),
          revokedAt: z.string().nullable(),
          reason: z.string().nullable(),
          beforeSigning: z.boolean().nullable(),
          source: z.enum(["custos", "dss-ocsp", "dss-crl", "none"]).openapi({ description: "Where the status came from: the server's record, an OCSP response or CRL in the PDF's DSS (verified with the issuer's key), or none" }),
          issuedAt: z.string().nullable(),
          fresh: z.boolean().openapi({ description: "Issued at/after the best signature time (a document timestamp: current at its time)" }),
        }),
        signingCertificateBinding: z.enum(["match", "mismatch", "absent", "unknown"]),
        timestamp: z.strictObject({ present: z.boolean(), valid: z.boolean().nullable(), genTime: z.string().nullable(), tsa: z.string().nullable(), trusted: z.boolean().nullable() }).nullable(),
        coverage: z.strictObject({ wellFormed: z.boolean(), coversWholeFile: z.boolean(), coversRevision: z.boolean(), anomalies: z.array(z.string()) }),
        changesAfter: z.strictObject({
          kind: z.string(),
          details: z.array(z.string()),
          modifications: z.array(z.strictObject({ code: z.string(), objectNumber: z.number().int().nullable(), usedFor: z.string().nullable(), message: z.string() })),
        }),
        problems: z.array(z.strictObject({ code: z.string(), severity: z.string(), message: z.string() })),
      }),
    ),
    held: z.strictObject({
      held: z.boolean(),
      as: z.enum(["signed-result", "signing-step", "stored-file", "marked-copy"]).nullable(),
      requestId: z.string().nullable(),
      revision: z
        .strictObject({ id: z.string(), documentId: z.string(), number: z.string(), label: z.string(), signedSha256: z.string(), issuedByCustos: z.boolean() })
        .optional()
        .describe("marked-copy: the revision whose signed original the signatures cover (download it unmarked from /api/v1/revisions/{id}/signed-pdf)"),
    }),
    problems: z.array(z.strictObject({ code: z.string(), message: z.string() })),
  })
  .openapi("SignatureVerification");

/** Reads a request body fully (PDF verification), refusing more than `max` bytes. */
export async function readBodyBytes(request: Request, max: number): Promise<Uint8Array> {
  if (!request.body) throw new DomainError("VALIDATION_FAILED", "Send the PDF as the request body.");
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) throw new DomainError("PAYLOAD_TOO_LARGE", `The file is larger than ${Math.round(max / 1048576)} MB.`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Signature requests, the signing ceremony, verification. */
export function signatureRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: "post",
      path: "/signature-requests",
      tags: ["signatures"],
      summary: "Send a document (from a template, or an uploaded PDF) to named signers in a fixed order",
      request: { body: jsonBody(CreateSignatureRequestInput) },
      responses: { 201: json(SignatureRequestView, "Created"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const created = await createSignatureRequest(ctx, c.req.valid("json"));
      return c.json((await getSignatureRequest(ctx, created.id)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/signature-requests",
      tags: ["signatures"],
      summary: "Your signature inbox: to sign now, waiting for others, done",
      responses: { 200: json(Inbox, "Inbox"), 401: errors[401] },
    }),
    async (c) => c.json((await listMySignatureRequests(ctxOf(c))), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/signature-requests/remind",
      tags: ["signatures"],
      summary: "Remind signers of overdue requests now (also runs hourly)",
      responses: { 200: json(z.strictObject({ reminded: z.number() }), "Reminded"), 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      requireRole(ctxOf(c), "admin", "ip-manager");
      return c.json(await remindOverdueSigners(c.get("deps")), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/signature-requests/{id}",
      tags: ["signatures"],
      summary: "One request with its signers and their status",
      request: { params: IdParam },
      responses: { 200: json(SignatureRequestView, "Request"), 401: errors[401], 404: errors[404] },
    }),
    async (c) => c.json((await getSignatureRequest(ctxOf(c), c.req.valid("param").id)), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/signature-requests/{id}/document",
      tags: ["signatures"],
      summary: "Download the PDF: current (the signer whose turn it is; its SHA-256 is in x-content-sha256, to name when reporting it read), final, original (requester) or my-copy",
      request: {
        params: IdParam,
        query: z.object({ version: z.enum(["current", "final", "original", "my-copy"]).default("final") }),
      },
      responses: {
        200: { description: "PDF", content: { "application/pdf": { schema: z.any() } } },
        401: errors[401],
        404: errors[404],
        409: json(z.any(), "Not available in this state (NOT_YOUR_TURN, INVALID_STATE)"),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const { id } = c.req.valid("param");
      const { version } = c.req.valid("query");
      const doc =
        version === "current"
          ? await openDocumentForSigning(ctx, id)
          : await resolveDocument(ctx, id, version).then(async (r) => ({ ...r, stream: await ctx.storage.get(r.sha256) }));
      return c.body(doc.stream, 200, {
        "content-type": "application/pdf",
        "content-disposition": contentDisposition("inline", `${doc.request.title}${version === "final" ? "（已签署）" : ""}.pdf`),
        "x-content-sha256": doc.sha256,
      });
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/me/signing-pin",
      tags: ["signatures"],
      summary: "Whether you have set your signing PIN (never the PIN)",
      responses: { 200: json(SigningPinStatus, "Status"), 401: errors[401] },
    }),
    async (c) => {
      const status = await signingPinStatus(ctxOf(c));
      return c.json({ set: status.set, setAt: status.setAt?.toISOString() ?? null }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/me/signing-pin",
      tags: ["signatures"],
      summary: "Set your signing PIN ({currentPassword, pin}) or change it ({currentPin, pin}); your key is wrapped under it",
      request: { body: jsonBody(SigningPinInput) },
      responses: {
        200: json(Ok, "Set"),
        400: errors[400],
        401: json(z.any(), "Wrong current password or PIN (REAUTH_FAILED)"),
        403: json(z.any(), "PASSWORD_CHANGE_REQUIRED"),
        409: json(z.any(), "CONFLICT (changed meanwhile)"),
        429: json(z.any(), "Too many wrong PINs or passwords"),
      },
    }),
    async (c) => {
      await setSigningPin(ctxOf(c), c.req.valid("json"));
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/users/{id}/reset-signing-pin",
      tags: ["signatures"],
      summary: "Clear a person's lost signing PIN and revoke their certificate (admins); they set a new PIN",
      request: { params: IdParam },
      responses: { 200: json(Ok, "Reset"), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      await resetSigningPin(ctxOf(c), c.req.valid("param").id);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/signature-requests/{id}/read",
      tags: ["signatures"],
      summary:
        "Record that every page of the current version was shown to you (the signer whose turn it is): its SHA-256 (x-content-sha256 of the download) and its number of pages. Signing is refused until then",
      request: { params: IdParam, body: jsonBody(ReadInput) },
      responses: {
        200: json(DocumentRead, "Recorded"),
        400: errors[400],
        401: errors[401],
        404: errors[404],
        409: json(z.any(), "NOT_YOUR_TURN, CONFLICT (not the current version), DOCUMENT_NOT_READ (not every page shown)"),
      },
    }),
    async (c) => {
      const read = await recordDocumentRead(ctxOf(c), c.req.valid("param").id, c.req.valid("json"));
      return c.json({ ...read, readAt: read.readAt.toISOString() }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/signature-requests/{id}/sign",
      tags: ["signatures"],
      summary: "Sign (after reading the document: POST …/read): consent + your signing PIN",
      request: { params: IdParam, body: jsonBody(SignInput) },
      responses: {
        200: json(z.strictObject({ requestId: z.string(), signatureId: z.string(), sha256: z.string(), completed: z.boolean(), certificateSerial: z.string() }), "Signed"),
        400: errors[400],
        401: json(z.any(), "Wrong signing PIN (REAUTH_FAILED)"),
        403: json(z.any(), "PASSWORD_CHANGE_REQUIRED (an administrator's password must be replaced first)"),
        404: errors[404],
        409: json(z.any(), "SIGNING_PIN_REQUIRED (set it with PUT /api/v1/me/signing-pin), NOT_YOUR_TURN, DOCUMENT_NOT_READ, CONFLICT (already signed), INVALID_STATE"),
        429: json(z.any(), "Too many wrong PINs or passwords"),
      },
    }),
    async (c) => c.json(await signAsSigner(ctxOf(c), c.req.valid("param").id, c.req.valid("json")), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/signature-requests/{id}/decline",
      tags: ["signatures"],
      summary: "Decline to sign, with a reason; the request ends",
      request: { params: IdParam, body: jsonBody(DeclineInput) },
      responses: { 200: json(Ok, "Declined"), 400: errors[400], 401: errors[401], 404: errors[404], 409: json(z.any(), "INVALID_STATE") },
    }),
    async (c) => {
      await declineAsSigner(ctxOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/signature-requests/{id}/cancel",
      tags: ["signatures"],
      summary: "Withdraw a pending request (requester or admin)",
      request: { params: IdParam, body: jsonBody(DeclineInput) },
      responses: { 200: json(Ok, "Cancelled"), 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") },
    }),
    async (c) => {
      await cancelSignatureRequest(ctxOf(c), c.req.valid("param").id, c.req.valid("json").reason);
      return c.json({ ok: true as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/signature-requests/{id}/signers/{signerId}/link",
      tags: ["signatures"],
      summary: "A single-use signing link for one signer (expires after 7 days or at the due date)",
      request: { params: z.object({ id: z.string(), signerId: z.string() }) },
      responses: {
        201: json(z.strictObject({ token: z.string(), path: z.string(), expiresAt: z.string(), signer: z.strictObject({ id: z.string(), displayName: z.string() }) }), "Link"),
        401: errors[401],
        403: errors[403],
        404: errors[404],
      },
    }),
    async (c) => {
      const { id, signerId } = c.req.valid("param");
      return c.json((await createSigningLink(ctxOf(c), id, signerId)), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/signing-links/{token}/open",
      tags: ["signatures"],
      summary: "Use a signing link (must be signed in as its signer); it cannot be used again",
      request: { params: z.object({ token: z.string() }) },
      responses: {
        200: json(z.strictObject({ requestId: z.string() }), "The request to open"),
        401: errors[401],
        404: errors[404],
        410: json(z.any(), "LINK_USED or LINK_EXPIRED"),
      },
    }),
    async (c) => c.json(await openSigningLink(ctxOf(c), c.req.valid("param").token), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/signatures/verify",
      tags: ["signatures"],
      summary: "Verify every signature of a PDF (send the PDF as the body)",
      request: { body: { content: { "application/pdf": { schema: z.any().openapi({ type: "string", format: "binary" }) } } } },
      responses: {
        200: json(
          VerificationReport,
          "Report per signature and document timestamp: the ETSI EN 319 102-1 indication (TOTAL-PASSED / TOTAL-FAILED / INDETERMINATE) and sub-indication, judged at the best signature time (proof of existence); integrity, chain, revocation and its source (the server's record, else the PDF's DSS), ESS binding, timestamp, coverage, later changes; and whether Custos holds the file",
        ),
        401: errors[401],
        413: json(z.any(), "Too large"),
        422: json(z.any(), "NOT_A_PDF, PDF_ENCRYPTED or NO_SIGNATURES"),
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      const bytes = await readBodyBytes(c.req.raw, ctx.config.maxUploadBytes);
      return c.json((await verifyUploadedPdf(ctx, bytes)), 200);
    },
  );

  return app;
}

/**
 * The organisation PKI's public face: root and TSA certificates and the CRL (anyone may fetch them:
 * validators need them), and the RFC 3161 time-stamp service (signed-in callers or API tokens).
 */
export function pkiRoutes() {
  const app = new Hono<AppEnv>();
  app.get("/ca.pem", async (c) =>
    c.body(await rootCertificatePem(c.get("deps")), 200, { "content-type": "application/x-pem-file", "content-disposition": 'attachment; filename="custos-root-ca.pem"' }),
  );
  app.get("/tsa.pem", async (c) =>
    c.body(await tsaCertificatePem(c.get("deps")), 200, { "content-type": "application/x-pem-file", "content-disposition": 'attachment; filename="custos-tsa.pem"' }),
  );
  // every certificate the built-in TSA has had (renewed before each expires), newest first: for old time stamps
  app.get("/tsa-history.pem", async (c) =>
    c.body((await tsaCertificateHistory(c.get("deps"))).map((t) => t.pem.trimEnd() + "\n").join(""), 200, {
      "content-type": "application/x-pem-file",
      "content-disposition": 'attachment; filename="custos-tsa-history.pem"',
    }),
  );
  app.get("/crl", async (c) => {
    const der = await currentCrl(c.get("deps"));
    if (c.req.query("format") === "pem") return c.body(crlDerToPem(der), 200, { "content-type": "application/x-pem-file" });
    return c.body(new Uint8Array(der), 200, { "content-type": "application/pkix-crl", "cache-control": "max-age=300" });
  });
  // RFC 6960 OCSP responder: POST application/ocsp-request, or GET with the request in base64
  // (Appendix A.1). Anything that is not an OCSP request gets a malformedRequest answer.
  const ocspReply = (body: Buffer) => new Uint8Array(body);
  app.post("/ocsp", async (c) => {
    const body = await readBodyBytes(c.req.raw, 16 * 1024).catch(() => new Uint8Array());
    const reply = await answerOcspRequest(c.get("deps"), body);
    return c.body(ocspReply(reply), 200, { "content-type": "application/ocsp-response", "cache-control": "no-store" });
  });
  app.get("/ocsp/*", async (c) => {
    let encoded = "";
    try {
      encoded = decodeURIComponent(c.req.path.replace(/^.*?\/ocsp\//, ""));
    } catch {
      // not percent-encoding: answered as a malformed request below
    }
    const der = /^[A-Za-z0-9+/=_-]+$/.test(encoded) ? Buffer.from(encoded, "base64") : Buffer.alloc(0);
    const reply = await answerOcspRequest(c.get("deps"), der);
    return c.body(ocspReply(reply), 200, { "content-type": "application/ocsp-response", "cache-control": "max-age=300" });
  });
  app.post("/tsa", async (c) => {
    if (!c.get("principal")) throw new DomainError("UNAUTHENTICATED", "Use an API token (Authorization: Bearer …) to request time stamps.");
    if (!(c.req.header("content-type") ?? "").startsWith("application/timestamp-query")) {
      throw new DomainError("UNSUPPORTED_MEDIA_TYPE", "Send an RFC 3161 TimeStampReq as application/timestamp-query.");
    }
    const body = await readBodyBytes(c.req.raw, 64 * 1024);
    let reply: Buffer;
    try {
      const req = parseTimeStampReq(Buffer.from(body));
      if (req.hashAlgorithm !== "sha256") throw new TimestampError("only SHA-256 message imprints are accepted", "badAlg");
      const token = await timestampDigest(c.get("deps"), req.messageImprint, { via: "http", nonce: req.nonce, certReq: req.certReq });
      reply = buildTimeStampResp("granted", token);
    } catch (err) {
      if (!(err instanceof TimestampError)) throw err;
      reply = buildTimeStampResp({ status: "rejection", statusText: err.message, failInfo: err.failure });
    }
    return c.body(new Uint8Array(reply), 200, { "content-type": "application/timestamp-reply" });
  });
  return app;
}
