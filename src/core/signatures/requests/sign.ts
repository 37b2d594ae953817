import { formatTimeWithOffset } from "../../../lib/time";
import { createHash } from "node:crypto";
import type { SignatureRequestRow } from "../../../db/schema/signatures";
import { newId } from "../../../lib/ids";
import { queryEvents } from "../../audit/repo";
import { audit } from "../../audit/service";
import { inTransaction, type ServiceContext, type TxContext } from "../../context";
import { DomainError, notFound } from "../../errors";
import { ensureBlob } from "../../files/repo";
import { ensurePki, timestampDigest, type Pki } from "../authority";
import { verifyTimestampToken } from "../cms/index";
import { appendCompletionPage, inspectPdfSignatures } from "../pdf/index";
import { MEANINGS, signPdf, type Meaning } from "../sign-pdf";
import { extendToLta } from "../ltv";
import { openSigningIdentity, signerReady, type SigningIdentity } from "../signer-keys";
import * as repo from "../repo";
import { loadVisibleRequest, resolveDocument } from "./access";
import { readCoversCurrent } from "./read";
import { afterRequestClosed, afterRequestCompleted, afterSignature } from "./completion";
import { signatureDeclined, signatureDeclineRefused, signatureRequestCancelled, signatureRequestCompleted, signatureSigned, signatureSignRefused } from "../events";

/** Custos serves Chinese enterprises: stamps and /M are written in China Standard Time (UTC+8). */
export const SIGNING_TIME_ZONE_OFFSET = 480;

/** Runs `fn`; if it refuses with a domain error, records the refusal as an audit event, then rethrows. */
async function auditRefusal<T>(ctx: ServiceContext, requestId: string, refused: typeof signatureSignRefused, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError && err.code !== "NOT_FOUND" && err.code !== "UNAUTHENTICATED") {
      await inTransaction(ctx, async (t) => audit(t, refused, requestId, { code: err.code, message: err.message }));
    }
    throw err;
  }
}

/**
 * The document the signer is about to sign, as it stands now (its SHA-256 goes with it, so the
 * reader can name the exact version when it reports having shown every page: see
 * {@link recordDocumentRead}). Downloading it is not reading it: nothing is recorded here.
 */
export async function openDocumentForSigning(ctx: ServiceContext, requestId: string) {
  const resolved = await resolveDocument(ctx, requestId, "current");
  return { request: resolved.request, sha256: resolved.sha256, stream: await ctx.storage.get(resolved.sha256) };
}

/** What a completed signing step reports back. */
export interface SignOutcome {
  requestId: string;
  signatureId: string;
  sha256: string;
  completed: boolean;
  certificateSerial: string;
}

/** Signers of a request with their names, as the repo lists them. */
type Signers = Awaited<ReturnType<typeof repo.listSigners>>;

/** What signing needs, read without locks: the request as it stands, its signers, and which one signs. */
interface Prepared {
  request: SignatureRequestRow;
  signers: Signers;
  me: Signers[number];
  isLast: boolean;
}

/** The request changed between preparing and committing (another signer of the same step signed first). */
class RequestMoved extends Error {}

/** Reads the request and checks it is this signer's turn (no locks: the commit checks again). */
async function prepareSignature(ctx: ServiceContext, requestId: string): Promise<Prepared> {
  const request = await repo.findRequest(ctx.db, requestId);
  if (!request) throw notFound("The signature request");
  if (request.status !== "pending") {
    throw new DomainError("INVALID_STATE", `This request is ${request.status}; nothing more can be signed.`);
  }
  const signers = await repo.listSigners(ctx.db, requestId);
  const mine = signers.filter((s) => s.signer.userId === ctx.actor.userId);
  const me = mine.find((s) => s.signer.status === "ready") ?? mine.find((s) => s.signer.status === "waiting") ?? mine[0];
  if (!me) throw notFound("The signature request");
  if (me.signer.status === "signed") throw new DomainError("CONFLICT", "You have already signed this document.");
  if (me.signer.status !== "ready") {
    const current = signers.find((s) => s.signer.status === "ready");
    throw new DomainError("NOT_YOUR_TURN", `It is not your turn yet: ${current?.user.displayName ?? "an earlier signer"} must sign first.`);
  }
  if (!me.signer.readSha256) {
    throw new DomainError("DOCUMENT_NOT_READ", "Read the whole document before you sign it: it counts as read once every page has been shown to you.");
  }
  if (!readCoversCurrent(request, signers.map((s) => s.signer), await repo.listSignatures(ctx.db, requestId), me.signer, me.signer.readSha256)) {
    throw new DomainError("DOCUMENT_NOT_READ", "The document has changed since you read it (it was signed further meanwhile): read the current version before you sign it.");
  }
  const isLast = signers.every((s) => s.signer.id === me.signer.id || s.signer.status === "signed");
  return { request, signers, me, isLast };
}

/**
 * The signing ceremony's last step: check it is the signer's turn and that they read the version
 * they sign (every page displayed); open their key with their signing PIN (throttled like
 * re-authentication; refused while they must change a password an administrator set, or have no
 * PIN yet); then, outside any transaction,
 * (for the last signer) append the completion page, add the PAdES signature with a time stamp and
 * store the result; and finally, in one short transaction that locks the request, check that
 * nothing moved meanwhile, write the evidence row and hand over to the next signer. If another
 * signer of the same step signed first, the signature is made again on top of theirs. Any refusal
 * is a clear error and an audit event; nothing is half-written (a PDF stored for a signature that
 * did not commit is an unreferenced, content-addressed blob).
 */
export async function signAsSigner(
  ctx: ServiceContext,
  requestId: string,
  input: { pin: string; consent: true },
  hooks: {
    /** Runs in the signing transaction after this signature (e.g. to keep the signer's comments with it). */
    onSigned?: (t: TxContext, request: SignatureRequestRow) => Promise<void>;
    onCompleted?: (t: TxContext, request: SignatureRequestRow) => Promise<void>;
  } = {},
): Promise<SignOutcome> {
  await loadVisibleRequest(ctx, requestId);
  return auditRefusal(ctx, requestId, signatureSignRefused, async () => {
    if (input.consent !== true) throw new DomainError("VALIDATION_FAILED", "You must agree to sign electronically.");
    // first: may this person sign at all (their own password, a signing PIN)?
    await signerReady(ctx, ctx.actor.userId!);
    const pki = await ensurePki(ctx);
    await prepareSignature(ctx, requestId);
    // the signer's key: opened (or issued, the first time, outside any transaction but a short one to record it)
    const identity = await openSigningIdentity(ctx, pki, ctx.actor.userId!, input.pin);
    for (let attempt = 1; ; attempt++) {
      const prepared = await prepareSignature(ctx, requestId);
      const produced = await produceSignedPdf(ctx, prepared, identity, pki);
      try {
        return await commitSignature(ctx, prepared, produced, identity, hooks);
      } catch (err) {
        if (!(err instanceof RequestMoved)) throw err;
        if (attempt >= 3) throw new DomainError("CONFLICT", "Others signed this document at the same moment; try again.");
      }
    }
  });
}

/** The signed PDF, stored (no transaction, no locks: rendering, signing, time-stamping and storage take their time here). */
async function produceSignedPdf(ctx: ServiceContext, { request, signers, me, isLast }: Prepared, identity: SigningIdentity, pki: Pki) {
  const now = ctx.clock.now();
  let pdf = await ctx.storage.getBytes(request.currentSha256);
  // a certified PDF (DocMDP) allows further signatures but no new page: it goes without the completion page
  if (isLast && !isCertified(pdf)) pdf = await withCompletionPage(ctx, request, signers, me.signer.id, identity.serialNumber, pdf, now);
  let token: Buffer | undefined;
  const signed = await signPdf(
    {
      pdf,
      fieldName: `Custos_${me.signer.id}`,
      signerName: me.user.displayName,
      meaning: me.signer.meaning as Meaning,
      signingTime: now,
      timeZoneOffsetMinutes: SIGNING_TIME_ZONE_OFFSET,
      certificate: identity.certificate,
      chain: identity.chain,
      privateKey: identity.privateKey,
      ...(me.signer.visibleStamp ? { stampPage: request.stampPage } : {}),
      timestamp: async (digest) => (token = await timestampDigest(ctx, digest, { via: "internal", pki })),
    },
    identity.serialNumber,
  );
  // after the last signature: the validation data of every signature and a document timestamp
  // over the whole file (PAdES B-LTA), so the signatures can still be validated when the
  // certificates have expired; every signature keeps covering exactly the bytes it signed
  const final = isLast ? await extendToLta(ctx, signed.pdf, pki, `Custos_DocTimeStamp_${now.getTime()}`) : signed.pdf;
  const put = await ctx.storage.put(final);
  return { now, signed, put, token };
}

/**
 * The short transaction: locks the request, checks that it is still pending, still this signer's
 * turn and still at the bytes that were signed (else RequestMoved), then writes the signature,
 * hands over to the next step, and lets the source of the request take over.
 */
async function commitSignature(
  ctx: ServiceContext,
  prepared: Prepared,
  { now, signed, put, token }: Awaited<ReturnType<typeof produceSignedPdf>>,
  identity: SigningIdentity,
  hooks: { onSigned?: (t: TxContext, request: SignatureRequestRow) => Promise<void>; onCompleted?: (t: TxContext, request: SignatureRequestRow) => Promise<void> },
): Promise<SignOutcome> {
  const requestId = prepared.request.id;
  const sha256Before = prepared.request.currentSha256;
  return inTransaction(ctx, async (t) => {
    const request = await repo.findRequest(t.db, requestId, true);
    if (!request) throw notFound("The signature request");
    if (request.status !== "pending") throw new DomainError("INVALID_STATE", `This request is ${request.status}; nothing more can be signed.`);
    const signers = await repo.listSigners(t.db, requestId);
    const me = signers.find((s) => s.signer.id === prepared.me.signer.id);
    if (me?.signer.status === "signed") throw new DomainError("CONFLICT", "You have already signed this document.");
    if (request.currentSha256 !== sha256Before || me?.signer.status !== "ready") throw new RequestMoved();
    const isLast = signers.every((s) => s.signer.id === me.signer.id || s.signer.status === "signed");
    if (isLast !== prepared.isLast) throw new RequestMoved();
    await ensureBlob(t.db, put.sha256, put.size, now);
    const signatureId = newId("sgt");
    await repo.insertSignature(t.db, {
      id: signatureId,
      requestId,
      signerId: me.signer.id,
      userId: me.signer.userId,
      meaning: me.signer.meaning,
      certificateSerial: identity.serialNumber,
      signedAt: now,
      // the time the TSA put in its token (an external TSA's clock, not ours)
      timestampGenTime: token ? (verifyTimestampToken({ token, trustAnchors: [] }).info?.genTime ?? null) : null,
      fieldName: `Custos_${me.signer.id}`,
      sha256Before,
      sha256After: put.sha256,
      byteRange: signed.byteRange,
      cmsSha256: createHash("sha256").update(signed.cms).digest("hex"),
    });
    await repo.updateSigner(t.db, me.signer.id, { status: "signed", signedAt: now });
    const stepDone = signers.every((s) => s.signer.step !== me.signer.step || s.signer.id === me.signer.id || s.signer.status === "signed");
    if (stepDone) {
      const nextStep = Math.min(...signers.filter((s) => s.signer.status === "waiting").map((s) => s.signer.step));
      for (const s of signers) {
        if (s.signer.status === "waiting" && s.signer.step === nextStep) await repo.updateSigner(t.db, s.signer.id, { status: "ready" });
      }
    }
    await repo.updateRequest(t.db, requestId, {
      currentSha256: put.sha256,
      ...(isLast ? { status: "completed", finalSha256: put.sha256, completedAt: now } : {}),
    });
    audit(t, signatureSigned, requestId, {
      signerId: me.signer.id,
      signatureId,
      meaning: me.signer.meaning,
      certificateSerial: identity.serialNumber,
      sha256Before,
      sha256After: put.sha256,
    });
    const updated = { ...request, currentSha256: put.sha256 };
    await hooks.onSigned?.(t, updated);
    await afterSignature(t, updated, stepDone);
    if (isLast) {
      audit(t, signatureRequestCompleted, requestId, { finalSha256: put.sha256 });
      const completed = { ...request, status: "completed", finalSha256: put.sha256, completedAt: now, currentSha256: put.sha256 };
      await afterRequestCompleted(t, completed);
      await hooks.onCompleted?.(t, completed);
    }
    return { requestId, signatureId, sha256: put.sha256, completed: isLast, certificateSerial: identity.serialNumber };
  });
}

/** Whether the PDF's first signature certifies it (DocMDP): then no page may be added. */
function isCertified(pdf: Uint8Array): boolean {
  return inspectPdfSignatures(pdf).signatures.some((s) => s.docMdp !== undefined);
}

/** Appends the completion page (document hash, every signer, the request's audit events) before the last signature. */
async function withCompletionPage(
  t: ServiceContext,
  request: SignatureRequestRow,
  signers: Signers,
  lastSignerId: string,
  lastSerial: string,
  pdf: Uint8Array,
  now: Date,
): Promise<Uint8Array> {
  const done = await repo.listSignatures(t.db, request.id);
  const events = (await queryEvents(t.db, { objectType: "signature_request", objectId: request.id, limit: 500 })).reverse();
  return appendCompletionPage(pdf, {
    title: request.title,
    documentSha256: request.originalSha256,
    signers: signers.map(({ signer, user }) => {
      const sig = done.find((d) => d.signerId === signer.id);
      const meaning = MEANINGS[signer.meaning as Meaning];
      return {
        name: user.displayName,
        meaningZh: meaning.zh,
        meaningEn: meaning.en,
        signedAt: formatTimeWithOffset(sig?.signedAt ?? now),
        certificateSerial: signer.id === lastSignerId ? lastSerial : (sig?.certificateSerial ?? ""),
      };
    }),
    events: events.map((e) => ({
      at: formatTimeWithOffset(e.occurredAt),
      actor: e.actorLabel,
      action: e.action,
    })),
  });
}

/** The signer declines with a reason: the request ends as declined and nobody else is asked. */
export async function declineAsSigner(ctx: ServiceContext, requestId: string, reason: string): Promise<void> {
  await loadVisibleRequest(ctx, requestId);
  await auditRefusal(ctx, requestId, signatureDeclineRefused, () =>
    inTransaction(ctx, async (t) => {
      const request = await repo.findRequest(t.db, requestId, true);
      if (!request) throw notFound("The signature request");
      if (request.status !== "pending") throw new DomainError("INVALID_STATE", `This request is already ${request.status}.`);
      const signers = await repo.listSigners(t.db, requestId);
      const me = signers.find((s) => s.signer.userId === t.actor.userId && (s.signer.status === "ready" || s.signer.status === "waiting"));
      if (!me) throw new DomainError("INVALID_STATE", "You have nothing left to sign on this request.");
      const now = t.clock.now();
      await repo.updateSigner(t.db, me.signer.id, { status: "declined", declinedAt: now, declineReason: reason });
      for (const s of signers) {
        if (s.signer.id !== me.signer.id && (s.signer.status === "ready" || s.signer.status === "waiting")) {
          await repo.updateSigner(t.db, s.signer.id, { status: "cancelled" });
        }
      }
      await repo.updateRequest(t.db, requestId, { status: "declined", closedReason: reason });
      audit(t, signatureDeclined, requestId, { signerId: me.signer.id, reason });
      await afterRequestClosed(t, { ...request, status: "declined", closedReason: reason });
    }),
  );
}

/** The requester (or an admin) withdraws a pending request with a reason. */
export async function cancelSignatureRequest(ctx: ServiceContext, requestId: string, reason: string): Promise<void> {
  const { rel } = await loadVisibleRequest(ctx, requestId);
  if (!rel.isRequester && !rel.isAdmin) throw new DomainError("FORBIDDEN", "Only the requester or an admin can cancel a request.");
  await inTransaction(ctx, (t) => cancelRequestIn(t, requestId, reason));
}

/** Cancels a pending request in the caller's transaction (whether the actor may is the caller's to check). */
export async function cancelRequestIn(t: TxContext, requestId: string, reason: string): Promise<void> {
  const request = await repo.findRequest(t.db, requestId, true);
  if (!request || request.status !== "pending") throw new DomainError("INVALID_STATE", "Only a pending request can be cancelled.");
  for (const s of await repo.listSigners(t.db, requestId)) {
    if (s.signer.status === "ready" || s.signer.status === "waiting") await repo.updateSigner(t.db, s.signer.id, { status: "cancelled" });
  }
  await repo.updateRequest(t.db, requestId, { status: "cancelled", closedReason: reason });
  audit(t, signatureRequestCancelled, requestId, { reason });
  await afterRequestClosed(t, { ...request, status: "cancelled", closedReason: reason });
}
