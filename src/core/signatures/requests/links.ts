import { newId } from "../../../lib/ids";
import { audit } from "../../audit/service";
import { requirePrincipal } from "../../auth/guard";
import { hashToken, newSecretToken } from "../../auth/tokens";
import { inTransaction, type ServiceContext } from "../../context";
import { DomainError, notFound } from "../../errors";
import * as repo from "../repo";
import { loadVisibleRequest } from "./access";
import { signatureLinkCreated, signatureLinkOpened, signatureLinkRefused } from "../events";

const LINK_LIFETIME_MS = 7 * 86_400_000;

/**
 * A single-use link that takes one signer to their ceremony (the requester sends it). The link is
 * bound to that signer: whoever opens it must be signed in as them, and must still sign with their
 * own password, so the requester can never sign in their place.
 */
export async function createSigningLink(ctx: ServiceContext, requestId: string, signerId: string) {
  const { request, signers, rel } = await loadVisibleRequest(ctx, requestId);
  if (!rel.isRequester && !rel.isAdmin) throw new DomainError("FORBIDDEN", "Only the requester can send signing links.");
  const signer = signers.find((s) => s.signer.id === signerId);
  if (!signer) throw notFound("The signer");
  if (request.status !== "pending" || (signer.signer.status !== "ready" && signer.signer.status !== "waiting")) {
    throw new DomainError("INVALID_STATE", "This signer has nothing left to sign.");
  }
  const token = newSecretToken("csl");
  const now = ctx.clock.now();
  const expiresAt = new Date(Math.min(now.getTime() + LINK_LIFETIME_MS, request.dueAt?.getTime() ?? Infinity));
  const id = newId("lnk");
  await inTransaction(ctx, async (t) => {
    await repo.insertLink(t.db, { id, signerId, tokenHash: hashToken(token), createdBy: t.actor.userId!, createdAt: now, expiresAt, usedAt: null });
    audit(t, signatureLinkCreated, requestId, { signerId, linkId: id, expiresAt });
  });
  return { token, path: `/sign/${token}`, expiresAt, signer: { id: signerId, displayName: signer.user.displayName } };
}

/** Why a signing link was refused, as recorded in the `signature.link_refused` audit event. */
export type LinkRefusalReason = "used" | "expired" | "other_person";

/**
 * Uses a signing link: it must exist, not be expired or used, and belong to the signed-in person.
 * Returns the request to open; the link cannot be used again. A refusal of an existing link is
 * recorded as `signature.link_refused` (reason and link id, never the token) in its own
 * transaction, since the failing one rolls back; an unknown token is simply NOT_FOUND.
 */
export async function openSigningLink(ctx: ServiceContext, token: string): Promise<{ requestId: string }> {
  const p = requirePrincipal(ctx);
  let refusal: { reason: LinkRefusalReason; linkId: string; signerId: string; requestId: string } | undefined;
  try {
    return await inTransaction(ctx, async (t) => {
      const link = await repo.findLinkByHash(t.db, hashToken(token));
      if (!link) throw notFound("The signing link");
      const signer = await repo.findSigner(t.db, link.signerId);
      if (!signer) throw notFound("The signing link");
      const refuse = (reason: LinkRefusalReason, error: DomainError) => {
        refusal = { reason, linkId: link.id, signerId: signer.id, requestId: signer.requestId };
        return error;
      };
      if (signer.userId !== p.id) throw refuse("other_person", notFound("The signing link"));
      if (link.usedAt) {
        throw refuse("used", new DomainError("LINK_USED", "This signing link was already used. Open the request from your signature inbox instead."));
      }
      if (link.expiresAt <= t.clock.now()) {
        throw refuse(
          "expired",
          new DomainError("LINK_EXPIRED", "This signing link has expired. Ask the requester for a new one, or open your signature inbox."),
        );
      }
      await repo.markLinkUsed(t.db, link.id, t.clock.now());
      audit(t, signatureLinkOpened, signer.requestId, { signerId: signer.id, linkId: link.id });
      return { requestId: signer.requestId };
    });
  } catch (err) {
    if (refusal && err instanceof DomainError) {
      const { reason, linkId, signerId, requestId } = refusal;
      await inTransaction(ctx, async (t) =>
        audit(t, signatureLinkRefused, requestId, { reason, code: err.code, linkId, signerId }),
      );
    }
    throw err;
  }
}
