import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import { blobPurges } from "../../db/schema/records";
import { archiveTimestamps, signatureRequests, type ArchiveTimestampRow } from "../../db/schema/signatures";
import { audit } from "../audit/service";
import { inTransaction, type ServiceContext } from "../context";
import { ensureBlob } from "../files/repo";
import { defineJob } from "../jobs/define";
import { ensurePki, expiresWithinRenewalWindow, timestampDigest } from "./authority";
import { isWeak, newestTimestampOf, timestampFactsOf, UnreadableArchiveError, type TimestampFacts } from "./archive-chain";
import { archiveTimestampAdded } from "./events";
import { validationDataOf } from "./ltv";
import { addDss } from "./pdf/index";
import { readCertificate } from "./pki/read-certificate";
import { addDocumentTimestamp } from "./sign-pdf";

/** How many signed results one run looks at for the first time, and how many it renews, at most. */
export const ARCHIVE_BATCH = 50;

/** What one run of the archive job did. */
export interface ArchiveRenewalReport {
  /** Signed results whose chain it started (their newest time stamp read and noted as sequence 0). */
  noted: number;
  renewed: { originalSha256: string; sha256: string; sequence: number; reason: RenewalReason }[];
  /** Versions another run renewed first (their work is dropped). */
  lost: number;
  skipped: { sha256: string; problem: string }[];
}

export type RenewalReason = "tsa-expiring" | "weak-algorithm";

/** Why a version's newest time stamp needs a new one, or null while it is sound. */
export function renewalReasonOf(ctx: Pick<ServiceContext, "clock" | "config">, facts: Pick<TimestampFacts, "digestAlgorithm" | "keyBits" | "tsaNotAfter">): RenewalReason | null {
  if (isWeak(facts)) return "weak-algorithm";
  if (expiresWithinRenewalWindow(ctx, facts.tsaNotAfter)) return "tsa-expiring";
  return null;
}

/**
 * The archive time-stamp chain (PAdES B-LTA kept for 10, 30 years or for good): every signed result
 * whose newest time stamp's TSA certificate expires within CUSTOS_ARCHIVE_RENEWAL_DAYS, or whose
 * time stamp uses SHA-1/MD5 or an RSA key under 2048 bits, gets an incremental update with the
 * validation data of that time stamp (its TSA's chain, OCSP responses, the CRL: a DSS) and a new
 * document timestamp from the current TSA (the built-in one renews its own certificate first, see
 * ensurePki). The new file is stored and its chain row and audit event written in one transaction;
 * the time stamp is never taken inside it. Idempotent, bounded per run ({@link ARCHIVE_BATCH}), safe
 * from several instances (the chain's primary key lets one add a version). A stored result that
 * cannot be read is logged and skipped; it never stops the run.
 */
export async function renewArchiveTimestamps(ctx: ServiceContext, options: { batch?: number; heartbeat?: () => Promise<void> } = {}): Promise<ArchiveRenewalReport> {
  const batch = options.batch ?? ARCHIVE_BATCH;
  const report: ArchiveRenewalReport = { noted: 0, renewed: [], lost: 0, skipped: [] };
  const skip = (sha256: string, problem: string) => {
    report.skipped.push({ sha256, problem });
    ctx.logger.warn("archive time stamp: signed result skipped", { sha256, problem });
  };

  // 1. results not looked at yet: note their newest time stamp as sequence 0 of their chain
  const unnoted = await ctx.db
    .select({ id: signatureRequests.id, sha256: signatureRequests.finalSha256 })
    .from(signatureRequests)
    .where(
      and(
        eq(signatureRequests.status, "completed"),
        isNotNull(signatureRequests.finalSha256),
        sql`not exists (select 1 from ${archiveTimestamps} where ${archiveTimestamps.originalSha256} = ${signatureRequests.finalSha256})`,
        // destroyed under an approved disposal: nothing left to keep
        sql`not exists (select 1 from ${blobPurges} where ${blobPurges.sha256} = ${signatureRequests.finalSha256})`,
      ),
    )
    .orderBy(asc(signatureRequests.completedAt), asc(signatureRequests.id))
    // room for a few unreadable ones (tried again every run) before the batch is full
    .limit(batch * 4);
  for (const request of unnoted) {
    if (report.noted >= batch) break;
    const sha256 = request.sha256!;
    try {
      const { facts } = newestTimestampOf(await ctx.storage.getBytes(sha256));
      // what the stored file says about itself (recomputable from its bytes): no state of anything changes
      const noted = await ctx.db
        .insert(archiveTimestamps)
        .values({ originalSha256: sha256, sequence: 0, requestId: request.id, sha256, previousSha256: null, ...facts, reason: "original", createdAt: ctx.clock.now() })
        .onConflictDoNothing()
        .returning({ sha256: archiveTimestamps.sha256 });
      report.noted += noted.length;
    } catch (error) {
      skip(sha256, problemOf(error));
    }
  }

  // 2. the newest version of every chain whose time stamp needs renewing, soonest expiring first
  const horizon = new Date(ctx.clock.now().getTime() + ctx.config.archiveRenewalDays * 86_400_000);
  const due = await ctx.db
    .select()
    .from(archiveTimestamps)
    .where(
      and(
        sql`not exists (select 1 from ${archiveTimestamps} later where later.original_sha256 = ${archiveTimestamps.originalSha256} and later.sequence > ${archiveTimestamps.sequence})`,
        sql`(${archiveTimestamps.tsaNotAfter} <= ${horizon.toISOString()}::timestamptz or ${archiveTimestamps.digestAlgorithm} in ('sha1','md5') or ${archiveTimestamps.keyBits} < 2048)`,
        sql`not exists (select 1 from ${blobPurges} where ${blobPurges.sha256} = ${archiveTimestamps.sha256})`,
      ),
    )
    .orderBy(asc(archiveTimestamps.tsaNotAfter))
    .limit(batch);
  if (due.length > 0 && !ctx.config.tsaUrl) {
    const { tsa } = await ensurePki(ctx);
    const notAfter = readCertificate(tsa.certificate).notAfter;
    if (expiresWithinRenewalWindow(ctx, notAfter)) {
      // ensurePki could not renew it (the root CA ends too soon): a new time stamp would not last
      ctx.logger.error("archive time stamps not renewed: the built-in TSA certificate itself expires within the renewal window", { tsaNotAfter: notAfter, due: due.length });
      for (const latest of due) report.skipped.push({ sha256: latest.sha256, problem: "the built-in TSA certificate expires within the renewal window" });
      return report;
    }
  }
  for (const latest of due) {
    const reason = renewalReasonOf(ctx, latest);
    if (!reason) continue;
    try {
      const outcome = await renewOne(ctx, latest, reason);
      if (outcome === "lost") report.lost++;
      else report.renewed.push({ originalSha256: latest.originalSha256, sha256: outcome.sha256, sequence: outcome.sequence, reason });
    } catch (error) {
      if (error instanceof UnreadableArchiveError || error instanceof RenewalRefused) skip(latest.sha256, error.message);
      else {
        // the TSA is down, storage failed …: the next run tries again
        ctx.logger.error("archive time stamp: renewal failed", { sha256: latest.sha256, error: problemOf(error) });
        report.skipped.push({ sha256: latest.sha256, problem: problemOf(error) });
        if ((error as { code?: string }).code === "TSA_UNAVAILABLE") break;
      }
    }
    await options.heartbeat?.();
  }
  return report;
}

/** A renewal that would not help (the new time stamp would itself need renewing at once). */
class RenewalRefused extends Error {
  override name = "RenewalRefused";
}

function problemOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Adds one version to a chain: DSS + document timestamp over the newest version, stored, noted and audited. */
async function renewOne(ctx: ServiceContext, latest: ArchiveTimestampRow, reason: RenewalReason): Promise<"lost" | { sha256: string; sequence: number }> {
  const previous = await ctx.storage.getBytes(latest.sha256);
  // the stored bytes still hold the time stamp the row describes
  const found = newestTimestampOf(previous);
  if (found.facts.tsaSerial !== latest.tsaSerial) throw new UnreadableArchiveError("the stored file's newest time stamp is not the one its chain notes");
  const pki = await ensurePki(ctx);
  const sequence = latest.sequence + 1;
  const withDss = addDss(previous, await validationDataOf(ctx, previous, pki));
  const stamped = await addDocumentTimestamp(withDss, `Custos_DocTimeStamp_archive${sequence}_${ctx.clock.now().getTime()}`, (digest) =>
    timestampDigest(ctx, digest, { via: "internal", pki }),
  );
  const facts = timestampFactsOf(stamped.token);
  if (renewalReasonOf(ctx, facts)) {
    throw new RenewalRefused(
      `the new time stamp would need renewing at once (TSA certificate ${facts.tsaSerial} valid until ${facts.tsaNotAfter.toISOString()}, ${facts.digestAlgorithm}, ${facts.keyBits ?? "?"} bits); check the TSA`,
    );
  }
  // an incremental update: every byte of the previous version stays where it was
  if (!Buffer.from(stamped.pdf.subarray(0, previous.length)).equals(Buffer.from(previous))) throw new Error("the renewed file does not extend the previous version");
  const put = await ctx.storage.put(stamped.pdf);
  return inTransaction(
    ctx,
    async (t) => {
      const now = t.clock.now();
      const inserted = await t.db
        .insert(archiveTimestamps)
        .values({ originalSha256: latest.originalSha256, sequence, requestId: latest.requestId, sha256: put.sha256, previousSha256: latest.sha256, ...facts, reason, createdAt: now })
        .onConflictDoNothing()
        .returning({ sha256: archiveTimestamps.sha256 });
      if (inserted.length === 0) return "lost" as const;
      await ensureBlob(t.db, put.sha256, put.size, now);
      audit(t, archiveTimestampAdded, latest.requestId, {
        originalSha256: latest.originalSha256,
        sequence,
        previousSha256: latest.sha256,
        sha256: put.sha256,
        tsaSerial: facts.tsaSerial,
        tsaNotAfter: facts.tsaNotAfter,
        previousTsaSerial: latest.tsaSerial,
        previousTsaNotAfter: latest.tsaNotAfter,
        reason,
      });
      return { sha256: put.sha256, sequence };
    },
    { mayWriteNothing: true },
  );
}

/** Hourly: archived signed results get a new time stamp before the newest one's TSA certificate expires or its algorithm weakens. */
export const archiveTimestampJob = defineJob({
  kind: "archive-timestamps",
  payload: z.object({}),
  hourly: true,
  run: async ({ ctx, heartbeat }) => {
    const report = await renewArchiveTimestamps(ctx, { heartbeat });
    return { noted: report.noted, renewed: report.renewed.length, lost: report.lost, skipped: report.skipped };
  },
});
