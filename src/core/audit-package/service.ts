import { z } from "zod";
import type { AuditPackageRow } from "../../db/schema/audit-packages";
import { newId } from "../../lib/ids";
import { GENESIS_HASH } from "../audit/chain";
import { eventClassifiedWithin, findHead } from "../audit/repo";
import { audit } from "../audit/service";
import { requirePrincipal } from "../auth/guard";
import { clearedFor, hasRole, isGrantBoundAuditor, readableClassifications, type Classification, type Principal } from "../auth/permissions";
import { inTransaction, type RequestMeta, type ServiceContext } from "../context";
import { DomainError, mapDatabaseError, notFound } from "../errors";
import { findActiveGrant, withAuditScope } from "../evidence/grants";
import { resolveEvidence } from "../evidence/resolve";
import type { EvidenceItem, EvidenceSelection } from "../evidence/types";
import { ensureBlob } from "../files/repo";
import { refusePurgedPackage } from "../records/disposal";
import { buildAuditPackage } from "./build";
import * as repo from "./repo";
import { auditPackageDownloaded, auditPackageExported, auditPackageFailed, auditPackageRequested } from "./events-catalog";
import { sql } from "drizzle-orm";
import { auditPackages } from "../../db/schema/audit-packages";
import { textArray } from "../../db/sql";
import { tablePolicy } from "../access/policy";
import { defineJob, enqueue, type JobContext } from "../jobs/define";

/** The job kind that builds a package. */

/**
 * Items resolved when a package was asked for, handed to its job when the job runs in this process
 * within a minute (the usual case: the request kicks the runner), so a large selection is not
 * resolved twice. A job that runs later or elsewhere resolves again. Bounded to a few entries.
 */
const resolvedAtRequest = new Map<string, { items: EvidenceItem[]; at: number }>();
const HANDOFF_MS = 60_000;
const HANDOFF_MAX = 8;

function handOver(packageId: string, items: EvidenceItem[]): void {
  const now = Date.now();
  for (const [id, entry] of resolvedAtRequest) if (now - entry.at > HANDOFF_MS || resolvedAtRequest.size >= HANDOFF_MAX) resolvedAtRequest.delete(id);
  resolvedAtRequest.set(packageId, { items, at: now });
}

function takeOver(packageId: string): EvidenceItem[] | undefined {
  const entry = resolvedAtRequest.get(packageId);
  resolvedAtRequest.delete(packageId);
  return entry && Date.now() - entry.at <= HANDOFF_MS ? entry.items : undefined;
}

/**
 * Who may export an audit package at all (what goes in is then limited by what they may see):
 * administrators, IP managers, and auditors while an audit grant is in force.
 */
async function assertMayExport(ctx: ServiceContext): Promise<{ p: Principal; grantId: string | null }> {
  const p = requirePrincipal(ctx);
  if (isGrantBoundAuditor(p)) {
    if (!p.auditScope) {
      throw new DomainError("AUDIT_GRANT_REQUIRED", "You have no audit grant in force (it may have ended), so you cannot export an audit package. Ask the IP manager for one.");
    }
    return { p, grantId: p.auditScope.grantId };
  }
  if (hasRole(p, "admin", "ip-manager")) return { p, grantId: null };
  if (hasRole(p, "auditor")) {
    const grant = await findActiveGrant(ctx.db, p.id, ctx.clock.now());
    if (grant) return { p, grantId: grant.id };
    throw new DomainError("AUDIT_GRANT_REQUIRED", "You have no audit grant in force, so you cannot export an audit package. Ask the IP manager for one.");
  }
  throw new DomainError("FORBIDDEN", "Audit packages are exported by administrators, IP managers and auditors with an audit grant.", {
    roles: ["admin", "ip-manager", "auditor"],
  });
}

/** The selection without empty parts, so what is stored and audited says exactly what was asked. */
function normaliseSelection(s: EvidenceSelection): EvidenceSelection {
  const out: EvidenceSelection = {};
  if (s.refs?.length) out.refs = s.refs.map((r) => ({ kind: r.kind, id: r.id }));
  const clauses = [...new Set((s.clauses ?? []).map((c) => c.trim()).filter(Boolean))];
  if (clauses.length) out.clauses = clauses;
  if (s.from) out.from = s.from;
  if (s.to) out.to = s.to;
  return out;
}

/**
 * Asks for an audit package: checks the caller may export, resolves the selection as they may see
 * it (an empty selection, or one that matches nothing, is VALIDATION_FAILED; a chosen item they may
 * not see is NOT_FOUND; outside an auditor's grant is OUTSIDE_GRANT), then records the request and
 * enqueues the job that builds it, with an audit event, in one transaction. The caller kicks the
 * job runner after commit.
 */
export async function requestAuditPackage(ctx: ServiceContext, input: EvidenceSelection): Promise<AuditPackageRow> {
  const { p, grantId } = await assertMayExport(ctx);
  const selection = normaliseSelection(input);
  if (!selection.refs && !selection.clauses && !selection.from && !selection.to) {
    throw new DomainError("VALIDATION_FAILED", "The selection is empty: choose evidence items, or clauses and a period, to export.");
  }
  if (selection.from && selection.to && selection.from > selection.to) {
    throw new DomainError("VALIDATION_FAILED", "The period ends before it starts.", { field: "to" });
  }
  const items = await resolveEvidence(ctx, selection);
  const now = ctx.clock.now();
  const row: AuditPackageRow = {
    id: newId("apk"),
    requestedBy: p.id,
    selection,
    request: ctx.request,
    status: "queued",
    itemsTotal: items.length,
    itemsDone: 0,
    filesTotal: null,
    filesDone: 0,
    bytesTotal: null,
    bytesDone: 0,
    classification: null,
    packageSha256: null,
    packageSize: null,
    manifestSha256: null,
    chainHeadSeq: null,
    chainHeadHash: null,
    errorCode: null,
    error: null,
    createdAt: now,
    startedAt: null,
    updatedAt: now,
    finishedAt: null,
  };
  await inTransaction(ctx, async (t) => {
    await repo.insertPackage(t.db, row);
    await enqueue(t, auditPackageJob, { packageId: row.id }, { dedupeKey: `audit-package:${row.id}` });
    audit(t, auditPackageRequested, row.id, { selection, items: items.length, grantId });
  });
  handOver(row.id, items);
  return row;
}

/**
 * The job that builds a package, on behalf of its requester: their permissions (and an auditor's
 * grant) are checked again when it runs, the selection is resolved as they may see it, and the
 * package streams into storage with its progress recorded. A domain failure (grant ended, stored
 * bytes no longer matching their hash …) fails the package for good, with an audit event; anything
 * else is retried by the job runner.
 */
async function runAuditPackageJob({ ctx: system, payload, job, heartbeat }: JobContext<{ packageId: string }>): Promise<Record<string, unknown>> {
  const packageId = payload.packageId;
  const row = await repo.findPackage(system.db, packageId);
  if (!row) return { packageId, skipped: "no such package" };
  if (row.status === "done" || row.status === "failed") return { packageId, skipped: row.status };
  const requester = await repo.loadActivePrincipal(system.db, row.requestedBy);
  const ctx: ServiceContext = {
    ...system,
    principal: requester ? await withAuditScope(system.db, requester, system.clock.now()) : null,
    actor: { userId: row.requestedBy, label: requester?.username ?? row.requestedBy },
    request: row.request as RequestMeta,
  };

  const fail = async (err: DomainError) => {
    await inTransaction(ctx, async (t) => {
      await repo.updatePackage(t.db, packageId, { status: "failed", errorCode: err.code, error: err.message, finishedAt: t.clock.now(), updatedAt: t.clock.now() });
      audit(t, auditPackageFailed, packageId, { code: err.code, message: err.message });
    });
    return { packageId, failed: err.code };
  };

  try {
    if (!ctx.principal) throw new DomainError("FORBIDDEN", "The person who asked for this package is no longer an active user.");
    const { p, grantId } = await assertMayExport(ctx);
    await repo.updatePackage(ctx.db, packageId, { status: "running", startedAt: ctx.clock.now(), updatedAt: ctx.clock.now(), error: null, errorCode: null });
    const selection = row.selection as EvidenceSelection;
    const items = takeOver(packageId) ?? (await resolveEvidence(ctx, selection));
    const head = (await findHead(ctx.db)) ?? { seq: 0, hash: GENESIS_HASH };
    const built = await buildAuditPackage(ctx, {
      packageId,
      createdAt: ctx.clock.now(),
      requestedBy: { id: p.id, username: p.username, displayName: p.displayName, roles: p.roles, grantId },
      selection,
      items,
      chainHead: { seq: head.seq, hash: head.hash },
      // the items were chosen among what the requester may see; their objects' events are kept to the requester's levels
      visibleEvents: eventClassifiedWithin(ctx.registry, readableClassifications(p)),
      onProgress: async (progress) => {
        await repo.updatePackage(ctx.db, packageId, { ...progress, updatedAt: ctx.clock.now() });
        await heartbeat();
      },
    });
    await inTransaction(ctx, async (t) => {
      const now = t.clock.now();
      await ensureBlob(t.db, built.sha256, built.size, now);
      await repo.updatePackage(t.db, packageId, {
        status: "done",
        packageSha256: built.sha256,
        packageSize: built.size,
        manifestSha256: built.manifestSha256,
        classification: built.classification,
        chainHeadSeq: head.seq,
        chainHeadHash: head.hash,
        finishedAt: now,
        updatedAt: now,
      });
      audit(t, auditPackageExported, packageId, {
          selection,
          grantId,
          items: built.totals.items,
          files: built.totals.evidenceFiles,
          bytes: built.totals.evidenceBytes,
          signedPdfs: built.totals.signedPdfs,
          auditEvents: built.auditEvents,
          classification: built.classification,
          packageSha256: built.sha256,
          packageSize: built.size,
          manifestSha256: built.manifestSha256,
          chainHead: { seq: head.seq, hash: head.hash },
        });
    });
    return { packageId, sha256: built.sha256, size: built.size, items: built.totals.items };
  } catch (err) {
    const mapped = mapDatabaseError(err);
    if (mapped instanceof DomainError) return fail(mapped);
    const message = err instanceof Error ? err.message : String(err);
    if (job.attempts >= job.maxAttempts) {
      await fail(new DomainError("INTERNAL", `The package could not be made: ${message}`));
    } else {
      await repo.updatePackage(system.db, packageId, { status: "queued", error: message, updatedAt: system.clock.now() });
    }
    throw err;
  }
}

/** A package the caller may look at: their own, or any for an administrator cleared for its classification. */
export async function getAuditPackage(ctx: ServiceContext, id: string): Promise<AuditPackageRow> {
  const p = requirePrincipal(ctx);
  const row = await repo.findPackage(ctx.db, id);
  if (!row) throw notFound("The audit package");
  const own = row.requestedBy === p.id;
  const adminMaySee = hasRole(p, "admin") && (!row.classification || clearedFor(p.clearance, row.classification as Classification));
  if (!own && !adminMaySee) throw notFound("The audit package");
  return row;
}

/** The caller's packages (an administrator's list shows everyone's), newest first. */
export async function listAuditPackages(ctx: ServiceContext, limit = 50) {
  const p = requirePrincipal(ctx);
  const rows = await repo.listPackages(ctx.db, hasRole(p, "admin") ? null : p.id, limit);
  return rows.filter((r) => r.requestedBy === p.id || !r.classification || clearedFor(p.clearance, r.classification as Classification));
}

/**
 * Opens a finished package for download: only by the person who exported it, while they still
 * may export (an auditor's grant must still be in force) and are cleared for its classification.
 * Every download is an audit event.
 */
export async function openAuditPackage(ctx: ServiceContext, id: string) {
  const p = requirePrincipal(ctx);
  const row = await repo.findPackage(ctx.db, id);
  if (!row || row.requestedBy !== p.id) throw notFound("The audit package");
  await assertMayExport(ctx);
  if (row.classification && !clearedFor(p.clearance, row.classification as Classification)) throw notFound("The audit package");
  if (row.status !== "done" || !row.packageSha256) {
    throw new DomainError("INVALID_STATE", row.status === "failed" ? "The package could not be made; see its error." : "The package is not ready yet.", { status: row.status });
  }
  await refusePurgedPackage(ctx, row.packageSha256, "audit package");
  const stream = await ctx.storage.get(row.packageSha256);
  await inTransaction(ctx, async (t) =>
    audit(t, auditPackageDownloaded, row.id, { packageSha256: row.packageSha256 }),
  );
  return { row, stream, filename: `audit-package-${row.id}.zip` };
}

/** Audit packages: the person who asked for one, and administrators cleared for its classification. */
export const auditPackagePolicy = tablePolicy({
  objectType: "audit_package",
  table: auditPackages,
  id: auditPackages.id,
  classification: auditPackages.classification,
  rule: (p) => {
    const cleared = sql`(${auditPackages.classification} is null or ${auditPackages.classification} = any(${textArray(readableClassifications(p))}))`;
    return hasRole(p, "admin") ? sql`(${auditPackages.requestedBy} = ${p.id} or ${cleared})` : sql`${auditPackages.requestedBy} = ${p.id}`;
  },
});

/** Builds an audit package in the background (streamed into blob storage, with progress). */
export const auditPackageJob = defineJob({
  kind: "audit-package",
  payload: z.object({ packageId: z.string() }),
  maxAttempts: 3,
  run: runAuditPackageJob,
});
