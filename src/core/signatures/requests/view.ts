import type { SignatureRequestRow, SignatureRequestSignerRow } from "../../../db/schema/signatures";
import { clearedFor, hasRole, type Classification, type Principal } from "../../auth/permissions";
import { sql } from "drizzle-orm";
import { signatureRequests, signatureRequestSigners } from "../../../db/schema/signatures";
import { textArray } from "../../../db/sql";
import { tablePolicy } from "../../access/policy";
import { readableClassifications } from "../../auth/permissions";
import { requirePrincipal } from "../../auth/guard";
import type { ServiceContext } from "../../context";
import { subjectsWithCompletedTemplate } from "../repo";
import type { Meaning } from "../sign-pdf";

/** A signer row with the signer's display name. */
export interface SignerWithName {
  signer: SignatureRequestSignerRow;
  user: { id: string; displayName: string };
}

/** How the caller relates to a request; decides what they may see. */
export interface Relation {
  isRequester: boolean;
  signer: SignatureRequestSignerRow | undefined;
  isAdmin: boolean;
}

export function relationOf(p: Principal, request: SignatureRequestRow, signers: SignerWithName[]): Relation {
  return {
    isRequester: request.requestedBy === p.id,
    signer: signers.find((s) => s.signer.userId === p.id && s.signer.status !== "cancelled")?.signer ?? signers.find((s) => s.signer.userId === p.id)?.signer,
    isAdmin: hasRole(p, "admin"),
  };
}

/**
 * Requester, signers and admins may see a request, each within their clearance; for anyone else
 * it does not exist.
 */
export function maySee(p: Principal, request: SignatureRequestRow, rel: Relation): boolean {
  if (!clearedFor(p.clearance, request.classification as Classification)) return false;
  return rel.isRequester || rel.signer !== undefined || rel.isAdmin;
}

/** The JSON view of a request (no bytes; document access has its own rules). */
export function toView(request: SignatureRequestRow, signers: SignerWithName[], rel: Relation, now: Date) {
  return {
    id: request.id,
    title: request.title,
    status: request.status as "pending" | "completed" | "declined" | "cancelled",
    classification: request.classification as Classification,
    source: {
      kind: request.sourceKind,
      id: request.sourceId,
      templateId: request.templateId,
      templateRevision: request.templateRevision,
    },
    requestedBy: request.requestedBy,
    subjectUserId: request.subjectUserId,
    dueAt: request.dueAt,
    overdue: request.status === "pending" && request.dueAt !== null && request.dueAt < now,
    createdAt: request.createdAt,
    completedAt: request.completedAt,
    originalSha256: request.originalSha256,
    finalSha256: request.finalSha256,
    signers: signers.map(({ signer, user }) => ({
      id: signer.id,
      position: signer.position,
      step: signer.step,
      user,
      meaning: signer.meaning as Meaning,
      status: signer.status as "waiting" | "ready" | "signed" | "declined" | "cancelled",
      viewedAt: signer.viewedAt,
      signedAt: signer.signedAt,
      declinedAt: signer.declinedAt,
      declineReason: signer.declineReason,
      reminderCount: signer.reminderCount,
    })),
    mySignerId: rel.signer?.id ?? null,
    myTurn: request.status === "pending" && rel.signer?.status === "ready",
  };
}

export type SignatureRequestViewData = ReturnType<typeof toView>;

/**
 * Signature requests: their requester, their signers and admins, each within their clearance (and a
 * grant-bound auditor's ceiling); for anyone else a request does not exist.
 */
export const signatureRequestPolicy = tablePolicy({
  objectType: "signature_request",
  table: signatureRequests,
  id: signatureRequests.id,
  classification: signatureRequests.classification,
  rule: (p) => {
    const levels = readableClassifications(p);
    if (!levels.length) return sql`false`;
    const involved = hasRole(p, "admin")
      ? sql`true`
      : sql`(${signatureRequests.requestedBy} = ${p.id} or exists (select 1 from ${signatureRequestSigners} s where s.request_id = ${signatureRequests.id} and s.user_id = ${p.id}))`;
    return sql`${signatureRequests.classification} = any(${textArray(levels)}) and ${involved}`;
  },
});

/**
 * Of `userIds`, those who are the subject of a completed request made from template `templateId`
 * (e.g. their signed IP declaration): a fact for a module's figures, not the requests themselves.
 */
export async function subjectsWithSignedTemplate(ctx: ServiceContext, templateId: string, userIds: string[]): Promise<Set<string>> {
  requirePrincipal(ctx);
  return subjectsWithCompletedTemplate(ctx.db, templateId, userIds);
}
