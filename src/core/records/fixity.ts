import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { blobs } from "../../db/schema/files";
import { integrityIncidents, type IntegrityIncidentRow } from "../../db/schema/records";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { inTransaction, type ServiceContext } from "../context";
import { DomainError, notFound } from "../errors";
import { markBlobVerified } from "../files/repo";
import { recordIntegrityIncident } from "../files/service";
import { listPurgedShas } from "./disposal-repo";
import { blobIncidentResolved } from "./events";
import { z } from "zod";
import { defineJob } from "../jobs/define";

/** How much one fixity run re-reads at most; the least recently verified blobs go first, so every blob comes round. */
export const FIXITY_LIMITS = { maxBlobs: 10_000, maxBytes: 20 * 1024 ** 3 } as const;

export interface FixityReport {
  checked: number;
  bytes: number;
  ok: number;
  failed: { sha256: string; problem: "missing" | "hash-mismatch" }[];
  destroyed: number;
  durationMs: number;
}

/**
 * Re-hashes stored blobs, least recently verified first, within the run's limits. A blob whose
 * bytes no longer match its hash, or that is missing, opens an integrity incident (shown on the
 * dashboard until resolved) and writes an audit event, in one transaction. Blobs deleted by an
 * approved destruction are expected to be gone.
 */
export async function runFixityCheck(
  ctx: ServiceContext,
  options: { maxBlobs?: number; maxBytes?: number; heartbeat?: () => Promise<void> } = {},
): Promise<FixityReport> {
  const started = performance.now();
  const maxBlobs = options.maxBlobs ?? FIXITY_LIMITS.maxBlobs;
  const maxBytes = options.maxBytes ?? FIXITY_LIMITS.maxBytes;
  const candidates = await ctx.db
    .select({ sha256: blobs.sha256, size: blobs.size })
    .from(blobs)
    .orderBy(sql`${blobs.lastVerifiedAt} asc nulls first`, asc(blobs.createdAt))
    .limit(maxBlobs);
  const purged = await listPurgedShas(ctx.db, candidates.map((c) => c.sha256));
  const report: FixityReport = { checked: 0, bytes: 0, ok: 0, failed: [], destroyed: 0, durationMs: 0 };
  for (const blob of candidates) {
    if (report.bytes + blob.size > maxBytes && report.checked > 0) break;
    const result = await ctx.storage.verify(blob.sha256);
    report.checked++;
    report.bytes += result.size ?? 0;
    if (result.ok) {
      report.ok++;
      await markBlobVerified(ctx.db, blob.sha256, ctx.clock.now());
    } else if (result.missing && purged.has(blob.sha256)) {
      // gone on purpose (approved destruction); noting the check keeps the rotation moving
      report.destroyed++;
      await markBlobVerified(ctx.db, blob.sha256, ctx.clock.now());
    } else {
      const problem = result.missing ? "missing" : "hash-mismatch";
      report.failed.push({ sha256: blob.sha256, problem });
      await openIncident(ctx, blob.sha256, problem, result.actualSha256);
    }
    if (report.checked % 100 === 0) await options.heartbeat?.();
  }
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

async function openIncident(ctx: ServiceContext, sha256: string, problem: "missing" | "hash-mismatch", actualSha256?: string): Promise<void> {
  await inTransaction(ctx, async (t) => {
    const [open] = await t.db
      .select({ id: integrityIncidents.id })
      .from(integrityIncidents)
      .where(and(eq(integrityIncidents.sha256, sha256), isNull(integrityIncidents.resolvedAt)));
    if (open) return;
    await t.db.insert(integrityIncidents).values({
      id: newId("inc"),
      sha256,
      problem,
      actualSha256: actualSha256 ?? null,
      detectedAt: t.clock.now(),
      resolvedAt: null,
      resolvedBy: null,
      resolution: null,
    });
    await recordIntegrityIncident(t, sha256, problem, actualSha256);
  }, { mayWriteNothing: true });
}

/** Open integrity incidents (admins, IP managers, auditors). */
export async function listOpenIncidents(ctx: ServiceContext): Promise<IntegrityIncidentRow[]> {
  requireRole(ctx, "admin", "ip-manager", "auditor");
  return ctx.db.select().from(integrityIncidents).where(isNull(integrityIncidents.resolvedAt)).orderBy(asc(integrityIncidents.detectedAt));
}

/** Closes an incident once the bytes were restored or the loss explained (admins); audited. */
export async function resolveIncident(ctx: ServiceContext, id: string, resolution: string): Promise<void> {
  requireRole(ctx, "admin");
  if (!resolution.trim()) throw new DomainError("VALIDATION_FAILED", "Say how the incident was resolved.", { field: "resolution" });
  await inTransaction(ctx, async (t) => {
    const [row] = await t.db.select().from(integrityIncidents).where(eq(integrityIncidents.id, id)).for("update");
    if (!row) throw notFound("The incident");
    if (row.resolvedAt) throw new DomainError("INVALID_STATE", "The incident is resolved already.");
    await t.db.update(integrityIncidents).set({ resolvedAt: t.clock.now(), resolvedBy: t.actor.userId, resolution }).where(eq(integrityIncidents.id, id));
    audit(t, blobIncidentResolved, row.sha256, { incidentId: id, resolution });
  });
}

/** Daily at 02:00 China time: stored bytes re-hashed, least recently verified first. */
export const fixityCheckJob = defineJob({
  kind: "fixity-check",
  payload: z.object({}),
  dailyAtHourCst: 2,
  run: async ({ ctx, heartbeat }) => ({ ...(await runFixityCheck(ctx, { heartbeat })) }),
});
