import { createHash } from "node:crypto";
import type { SignatureRequestRow } from "../../../db/schema/signatures";
import { newId } from "../../../lib/ids";
import { queryEvents } from "../../audit/repo";
import { appendAuditEvent } from "../../audit/service";
import { requireReauth } from "../../auth/service";
import { inTransaction, type ServiceContext, type TxContext } from "../../context";
import { DomainError, notFound } from "../../errors";
import { ensureBlob } from "../../files/repo";
import { ensurePki, timestampDigest } from "../authority";
import { verifyTimestampToken } from "../cms/index";
import { appendCompletionPage } from "../pdf/index";
import { formatSigningTime, MEANINGS, signPdf, type Meaning } from "../sign-pdf";
import { openSigningIdentity } from "../signer-keys";
import * as repo from "../repo";
import { loadVisibleRequest, resolveDocument } from "./access";
import { afterRequestClosed, afterRequestCompleted, afterSignature } from "./completion";

/** Custos serves Chinese enterprises: stamps and /M are written in China Standard Time (UTC+8). */
export const SIGNING_TIME_ZONE_OFFSET = 480;

/** Runs `fn`; if it refuses with a domain error, records the refusal as an audit event, then rethrows. */
async function auditRefusal<T>(ctx: ServiceContext, requestId: string, action: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DomainError && err.code !== "NOT_FOUND" && err.code !== "UNAUTHENTICATED") {
      await ctx.db.transaction((tx) =>
        appendAuditEvent(tx, ctx, {
          action: `${action}_refused`,
          objectType: "signature_request",
          objectId: requestId,
          data: { code: err.code, message: err.message },
        }),
      );
    }
    throw err;
  }
}

/**
 * The document the signer is about to sign. Opening it is the "read the whole document" step of
 * the ceremony: it is recorded (viewed_at and an audit event) and signing is refused before it.
 */
export async function openDocumentForSigning(ctx: ServiceContext, requestId: string) {
  const resolved = await resolveDocument(ctx, requestId, "current");
  const signer = resolved.rel.signer!;
  if (!signer.viewedAt) {
    await inTransaction(ctx, async (t) => {
      await repo.updateSigner(t.db, signer.id, { viewedAt: t.clock.now() });
      await appendAuditEvent(t.db, t, {
        action: "signature.document_viewed",
        objectType: "signature_request",
        objectId: requestId,
        data: { signerId: signer.id, sha256: resolved.sha256 },
      });
    });
  }
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

/**
 * The signing ceremony's last step: re-authenticate with the signer's own password, then, in one
 * transaction that locks the request, check it is this signer's turn and that they opened the
 * document, open their key, (for the last signer) append the completion page, add the PAdES
 * signature with a time stamp, store the result and the evidence row, and hand over to the next
 * signer. Any refusal is a clear error and an audit event; nothing is half-written.
 */
export async function signAsSigner(
  ctx: ServiceContext,
  requestId: string,
  input: { password: string; consent: true },
  hooks: {
    /** Runs in the signing transaction after this signature (e.g. to keep the signer's comments with it). */
    onSigned?: (t: TxContext, request: SignatureRequestRow) => Promise<void>;
    onCompleted?: (t: TxContext, request: SignatureRequestRow) => Promise<void>;
  } = {},
): Promise<SignOutcome> {
  await loadVisibleRequest(ctx, requestId);
  return auditRefusal(ctx, requestId, "signature.sign", async () => {
    if (input.consent !== true) throw new DomainError("VALIDATION_FAILED", "You must agree to sign electronically.");
    await requireReauth(ctx, input.password);
    const pki = await ensurePki(ctx);
    return inTransaction(ctx, async (t) => {
      const request = await repo.findRequest(t.db, requestId, true);
      if (!request) throw notFound("The signature request");
      if (request.status !== "pending") {
        throw new DomainError("INVALID_STATE", `This request is ${request.status}; nothing more can be signed.`);
      }
      const signers = await repo.listSigners(t.db, requestId);
      const mine = signers.filter((s) => s.signer.userId === t.actor.userId);
      const me = mine.find((s) => s.signer.status === "ready") ?? mine.find((s) => s.signer.status === "waiting") ?? mine[0];
      if (!me) throw notFound("The signature request");
      if (me.signer.status === "signed") throw new DomainError("CONFLICT", "You have already signed this document.");
      if (me.signer.status !== "ready") {
        const current = signers.find((s) => s.signer.status === "ready");
        throw new DomainError(
          "NOT_YOUR_TURN",
          `It is not your turn yet: ${current?.user.displayName ?? "an earlier signer"} must sign first.`,
        );
      }
      if (!me.signer.viewedAt) {
        throw new DomainError("DOCUMENT_NOT_READ", "Open and read the whole document before you sign it.");
      }
      const identity = await openSigningIdentity(t, pki, me.signer.userId, input.password);
      const now = t.clock.now();
      const isLast = signers.every((s) => s.signer.id === me.signer.id || s.signer.status === "signed");
      let pdf = await t.storage.getBytes(request.currentSha256);
      const sha256Before = request.currentSha256;
      if (isLast) pdf = await withCompletionPage(t, request, signers, me.signer.id, identity.serialNumber, pdf, now);
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
          timestamp: async (digest) => (token = await timestampDigest(t, digest, { via: "internal", pki })),
        },
        identity.serialNumber,
      );
      const put = await t.storage.put(signed.pdf);
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
      await appendAuditEvent(t.db, t, {
        action: "signature.signed",
        objectType: "signature_request",
        objectId: requestId,
        data: {
          signerId: me.signer.id,
          signatureId,
          meaning: me.signer.meaning,
          certificateSerial: identity.serialNumber,
          sha256Before,
          sha256After: put.sha256,
        },
      });
      const updated = { ...request, currentSha256: put.sha256 };
      await hooks.onSigned?.(t, updated);
      await afterSignature(t, updated, stepDone);
      if (isLast) {
        await appendAuditEvent(t.db, t, {
          action: "signature_request.completed",
          objectType: "signature_request",
          objectId: requestId,
          data: { finalSha256: put.sha256 },
        });
        const completed = { ...request, status: "completed", finalSha256: put.sha256, completedAt: now, currentSha256: put.sha256 };
        await afterRequestCompleted(t, completed);
        await hooks.onCompleted?.(t, completed);
      }
      return { requestId, signatureId, sha256: put.sha256, completed: isLast, certificateSerial: identity.serialNumber };
    });
  });
}

/** Appends the completion page (document hash, every signer, the request's audit events) before the last signature. */
async function withCompletionPage(
  t: TxContext,
  request: SignatureRequestRow,
  signers: Awaited<ReturnType<typeof repo.listSigners>>,
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
        signedAt: formatSigningTime(sig?.signedAt ?? now, SIGNING_TIME_ZONE_OFFSET),
        certificateSerial: signer.id === lastSignerId ? lastSerial : (sig?.certificateSerial ?? ""),
      };
    }),
    events: events.map((e) => ({
      at: formatSigningTime(e.occurredAt, SIGNING_TIME_ZONE_OFFSET),
      actor: e.actorLabel,
      action: e.action,
    })),
  });
}

/** The signer declines with a reason: the request ends as declined and nobody else is asked. */
export async function declineAsSigner(ctx: ServiceContext, requestId: string, reason: string): Promise<void> {
  await loadVisibleRequest(ctx, requestId);
  await auditRefusal(ctx, requestId, "signature.decline", () =>
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
      await appendAuditEvent(t.db, t, {
        action: "signature.declined",
        objectType: "signature_request",
        objectId: requestId,
        data: { signerId: me.signer.id, reason },
      });
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
  await appendAuditEvent(t.db, t, { action: "signature_request.cancelled", objectType: "signature_request", objectId: requestId, data: { reason } });
  await afterRequestClosed(t, { ...request, status: "cancelled", closedReason: reason });
}
