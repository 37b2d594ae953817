import type { SignatureRequestRow } from "../../../db/schema/signatures";
import { requirePrincipal } from "../../auth/guard";
import type { Principal } from "../../auth/permissions";
import type { ServiceContext } from "../../context";
import { DomainError, notFound } from "../../errors";
import * as repo from "../repo";
import { latestArchivedVersion } from "../archive-chain";
import { maySee, relationOf, toView, type Relation, type SignerWithName } from "./view";

/** A request with its signers and the caller's relation to it; NOT_FOUND when they may not see it. */
export async function loadVisibleRequest(
  ctx: ServiceContext,
  id: string,
): Promise<{ p: Principal; request: SignatureRequestRow; signers: SignerWithName[]; rel: Relation }> {
  const p = requirePrincipal(ctx);
  const request = await repo.findRequest(ctx.db, id);
  if (!request) throw notFound("The signature request");
  const signers = await repo.listSigners(ctx.db, id);
  const rel = relationOf(p, request, signers);
  if (!maySee(p, request, rel)) throw notFound("The signature request");
  return { p, request, signers, rel };
}

/** One request as the caller may see it. */
export async function getSignatureRequest(ctx: ServiceContext, id: string) {
  const { request, signers, rel } = await loadVisibleRequest(ctx, id);
  return toView(request, signers, rel, ctx.clock.now());
}

/** The caller's requests: to sign (their turn first), sent by them, and done. */
export async function listMySignatureRequests(ctx: ServiceContext) {
  const p = requirePrincipal(ctx);
  const requests = await repo.listRequestsFor(ctx.db, p.id);
  const signerRows = await repo.listSignersOfRequests(
    ctx.db,
    requests.map((r) => r.id),
  );
  const now = ctx.clock.now();
  const views = requests.map((request) => {
    const signers = signerRows
      .filter((s) => s.signer.requestId === request.id)
      .map((s) => ({ signer: s.signer, user: { id: s.signer.userId, displayName: s.displayName } }));
    return toView(request, signers, relationOf(p, request, signers), now);
  });
  return {
    toSign: views.filter((v) => v.myTurn),
    waitingForOthers: views.filter((v) => !v.myTurn && v.status === "pending"),
    done: views.filter((v) => v.status !== "pending"),
  };
}

/**
 * Which bytes of a request the caller may download, and which version that is:
 * - the signer whose turn it is: the current state (what they are about to sign);
 * - a signer who has signed: their own signed copy until everyone has signed;
 * - once completed: the final document, for the requester, signers and admins;
 * - the requester: the original (unsigned) document.
 * A half-signed document is never shown to anyone else.
 */
export async function resolveDocument(
  ctx: ServiceContext,
  id: string,
  version: "current" | "final" | "original" | "my-copy",
): Promise<{ request: SignatureRequestRow; sha256: string; rel: Relation }> {
  const { request, rel } = await loadVisibleRequest(ctx, id);
  switch (version) {
    case "original":
      if (!rel.isRequester && !rel.isAdmin) throw notFound("The original document");
      return { request, sha256: request.originalSha256, rel };
    case "final":
      if (request.status !== "completed" || !request.finalSha256) {
        throw new DomainError("INVALID_STATE", "The signed document is available once everyone has signed.");
      }
      // the newest version of its archive time-stamp chain (the same signatures, time stamps renewed)
      return { request, sha256: await latestArchivedVersion(ctx.db, request.finalSha256), rel };
    case "my-copy": {
      const mine = rel.signer ? (await repo.listSignatures(ctx.db, id)).find((s) => s.signerId === rel.signer!.id) : undefined;
      if (!mine) throw notFound("Your signed copy");
      return { request, sha256: mine.sha256After, rel };
    }
    case "current":
      if (request.status !== "pending" || rel.signer?.status !== "ready") {
        throw new DomainError("NOT_YOUR_TURN", "This document is not waiting for your signature.");
      }
      return { request, sha256: request.currentSha256, rel };
  }
}
