import type { SignatureRequestRow, SignatureRequestSignerRow, SignatureRow } from "../../../db/schema/signatures";
import { audit } from "../../audit/service";
import { inTransaction, type ServiceContext } from "../../context";
import { DomainError } from "../../errors";
import { signatureDocumentRead } from "../events";
import * as repo from "../repo";
import { resolveDocument } from "./access";
import { signablePageCount } from "./create";

/**
 * Whether `readSha256` is the request's current version, or a version the current one extends only
 * with signatures by other signers of the reader's own step (parallel signers: what they read is
 * the same document, with a co-signer's signature added on top). A version from before an earlier
 * step's signature, or any other file, is not.
 */
export function readCoversCurrent(
  request: Pick<SignatureRequestRow, "currentSha256">,
  signers: Pick<SignatureRequestSignerRow, "id" | "step">[],
  signatures: Pick<SignatureRow, "signerId" | "sha256Before" | "sha256After">[],
  reader: Pick<SignatureRequestSignerRow, "id" | "step">,
  readSha256: string | null,
): boolean {
  if (!readSha256) return false;
  const stepOf = new Map(signers.map((s) => [s.id, s.step]));
  const byAfter = new Map(signatures.map((s) => [s.sha256After, s]));
  let sha = request.currentSha256;
  for (let hops = 0; hops <= signatures.length; hops++) {
    if (sha === readSha256) return true;
    const sig = byAfter.get(sha);
    if (!sig || sig.signerId === reader.id || stepOf.get(sig.signerId) !== reader.step) return false;
    sha = sig.sha256Before;
  }
  return false;
}

/**
 * When the signer whose turn it is read the version they would sign now (null if they have not, or
 * read one that has since changed), for the ceremony page.
 */
export async function myReadOfCurrent(ctx: ServiceContext, requestId: string): Promise<Date | null> {
  const { request, rel } = await resolveDocument(ctx, requestId, "current");
  const signer = rel.signer!;
  const [signers, signatures] = await Promise.all([repo.listSigners(ctx.db, requestId), repo.listSignatures(ctx.db, requestId)]);
  return readCoversCurrent(request, signers.map((s) => s.signer), signatures, signer, signer.readSha256) ? signer.viewedAt : null;
}

/**
 * The "read the whole document" step of the ceremony: the reader's browser reports that it displayed
 * every page of the version it was given (named by its SHA-256, which the document download sends
 * as x-content-sha256). Only the signer whose turn it is may record it, only for the current version
 * (or one the current extends only by a co-signer's signature of the same step), and only with the
 * real number of pages of that version. The read is kept on the signer (viewed_at, read_sha256) and
 * as an audit event; signing is refused until it covers the version being signed.
 */
export async function recordDocumentRead(ctx: ServiceContext, requestId: string, input: { sha256: string; pages: number }) {
  const resolved = await resolveDocument(ctx, requestId, "current");
  const signer = resolved.rel.signer!;
  const [signers, signatures] = await Promise.all([repo.listSigners(ctx.db, requestId), repo.listSignatures(ctx.db, requestId)]);
  if (!readCoversCurrent(resolved.request, signers.map((s) => s.signer), signatures, signer, input.sha256)) {
    throw new DomainError(
      "CONFLICT",
      "The version you read is not the one waiting for your signature (it was signed further meanwhile, or it is another file). Reload the page and read the current version.",
      { field: "sha256" },
    );
  }
  const pages = signablePageCount(await ctx.storage.getBytes(input.sha256));
  if (input.pages !== pages) {
    throw new DomainError("DOCUMENT_NOT_READ", `The document has ${pages} page(s) and ${input.pages} were shown: scroll through every page before it counts as read.`, { field: "pages" });
  }
  const readAt = ctx.clock.now();
  await inTransaction(ctx, async (t) => {
    await repo.updateSigner(t.db, signer.id, { viewedAt: readAt, readSha256: input.sha256 });
    audit(t, signatureDocumentRead, requestId, { signerId: signer.id, sha256: input.sha256, pages });
  });
  return { requestId, signerId: signer.id, sha256: input.sha256, pages, readAt };
}
