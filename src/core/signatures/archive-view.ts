import { hasRole } from "../auth/permissions";
import { requirePrincipal } from "../auth/guard";
import type { ServiceContext } from "../context";
import { listArchiveChain } from "./archive-chain";
import { loadVisibleRequest } from "./requests/access";

/** One version of a signed result's archive time-stamp chain, as an administrator sees it. */
export interface ArchiveVersionView {
  sequence: number;
  sha256: string;
  reason: "original" | "tsa-expiring" | "weak-algorithm";
  /** When the version's newest time stamp was made, and by which TSA certificate (valid until when). */
  genTime: Date;
  tsaSubject: string;
  tsaSerial: string;
  tsaNotAfter: Date;
  digestAlgorithm: string;
  keyBits: number | null;
  createdAt: Date;
}

/**
 * The archive time-stamp chain of a completed request's signed result, oldest first, for
 * administrators (null for anyone else, and while the request has no result). Empty until the
 * hourly archive job has first read the result.
 */
export async function archiveChainOfRequest(ctx: ServiceContext, requestId: string): Promise<ArchiveVersionView[] | null> {
  const p = requirePrincipal(ctx);
  if (!hasRole(p, "admin")) return null;
  const { request } = await loadVisibleRequest(ctx, requestId);
  if (!request.finalSha256) return null;
  return (await listArchiveChain(ctx.db, request.finalSha256)).map((r) => ({
    sequence: r.sequence,
    sha256: r.sha256,
    reason: r.reason as ArchiveVersionView["reason"],
    genTime: r.genTime,
    tsaSubject: r.tsaSubject,
    tsaSerial: r.tsaSerial,
    tsaNotAfter: r.tsaNotAfter,
    digestAlgorithm: r.digestAlgorithm,
    keyBits: r.keyBits,
    createdAt: r.createdAt,
  }));
}
