import { and, eq, inArray } from "drizzle-orm";
import { contracts } from "../../db/schema/contracts";
import { documentRevisions, documents } from "../../db/schema/documents";
import { caseFiles, destructionRecords, disposalItems, disposals, recordClasses } from "../../db/schema/records";
import { users } from "../../db/schema/users";
import { queryEvents } from "../audit/repo";
import { audit } from "../audit/service";
import { requirePrincipal } from "../auth/guard";
import { clearedFor, hasRole, type Classification } from "../auth/permissions";
import { inTransaction, type ServiceContext } from "../context";
import { DomainError } from "../errors";
import { auditGrantRead } from "../evidence/grants";
import { markBlobVerified } from "../files/repo";
import { recordIntegrityIncident } from "../files/service";
import { integrityFailure } from "../storage/hashing";
import { loadVisibleRecord, recordVisibility } from "./access";
import { paperLocation } from "./declare";
import { holdsCovering } from "./holds";
import * as repo from "./repo";
import type { RecordQuery } from "./schemas";
import { HOLD_READ_ROLES, RECORD_WRITE_ROLES } from "./vocabulary";
import { recordOpened, recordSearched } from "../evidence/events";
import { recordContentDownloaded } from "./events";
import { filterVisibleIds } from "../access/policy";
import { latestArchivedVersion } from "../signatures/archive-chain";
import { legalHoldPolicy } from "./access";

/** Records the caller may see that match `query`, newest first, with the total. */
export async function searchRecordList(ctx: ServiceContext, query: RecordQuery, page: { limit: number; offset: number }) {
  const p = requirePrincipal(ctx);
  const { rows, total } = await repo.searchRecords(ctx.db, [...repo.recordQueryConditions(query), ...recordVisibility(p)], page);
  const holds = await holdsCovering(ctx.db, rows.map((r) => r.record.id));
  await auditGrantRead(ctx, recordSearched, { query: { ...query }, total });
  return {
    total,
    items: rows.map((r) => ({ ...r, underHold: (holds.get(r.record.id)?.length ?? 0) > 0 })),
  };
}

/** Names for what links point at (people, contracts, cases, documents, records) that the caller may see. */
/** Each link with how its target is named to the reader (by its kind's rule; null: not theirs to know). */
async function describeLinks(ctx: ServiceContext, links: Awaited<ReturnType<typeof repo.listLinks>>) {
  const p = ctx.principal!;
  const names = new Map<string, string>();
  for (const kind of new Set(links.map((l) => l.kind))) {
    const linkKind = ctx.registry.linkKind(kind);
    if (!linkKind?.describe) continue;
    const described = await linkKind.describe(ctx.db, p, links.filter((l) => l.kind === kind).map((l) => l.targetId));
    for (const [id, name] of described) names.set(`${kind}:${id}`, name);
  }
  return links.map((l) => {
    const describes = !!ctx.registry.linkKind(l.kind)?.describe;
    return { ...l, display: describes ? (names.get(`${l.kind}:${l.targetId}`) ?? null) : (l.label ?? l.targetId) };
  });
}

/**
 * One record as the caller may see it: metadata, class and retention, custody, links, the four
 * natures, external-document source, legal holds, disposal, and its history (every correction with
 * the old and new values).
 */
export async function getRecordView(ctx: ServiceContext, id: string) {
  const { p, record } = await loadVisibleRecord(ctx, id);
  await auditGrantRead(ctx, recordOpened, { recordId: id, number: record.number });
  const [cls] = await ctx.db.select().from(recordClasses).where(eq(recordClasses.id, record.classId));
  const links = await describeLinks(ctx, await repo.listLinks(ctx.db, [id]));
  const external = await repo.findExternalDocument(ctx.db, id);
  const receiver = external ? await ctx.db.select({ name: users.displayName }).from(users).where(eq(users.id, external.receivedBy)) : [];
  const holds = (await holdsCovering(ctx.db, [id])).get(id) ?? [];
  const [destruction] = await ctx.db.select().from(destructionRecords).where(eq(destructionRecords.recordId, id));
  const [disposal] = await ctx.db
    .select({ id: disposals.id, number: disposals.number, status: disposals.status, action: disposals.action })
    .from(disposalItems)
    .innerJoin(disposals, eq(disposals.id, disposalItems.disposalId))
    .where(and(eq(disposalItems.recordId, id), inArray(disposals.status, ["pending", "executing", "completed"])));
  const history = await queryEvents(ctx.db, { objectType: "record", objectId: id, limit: 500 });
  const [declarer] = await ctx.db.select({ name: users.displayName }).from(users).where(eq(users.id, record.declaredBy));
  // a hold the reader may not see (a case's, named after it) still keeps the record, but is not named
  const visibleHolds = new Set(await filterVisibleIds(ctx.db, legalHoldPolicy, p, holds.map((h) => h.id)));
  return {
    record,
    recordClass: cls!,
    declaredByName: declarer?.name ?? record.declaredBy,
    paperLocation: paperLocation({ room: record.paperRoom, cabinet: record.paperCabinet, box: record.paperBox }),
    links,
    external: external ? { ...external, receivedByName: receiver[0]?.name ?? external.receivedBy } : null,
    underHold: holds.length > 0,
    holds: holds.filter((h) => visibleHolds.has(h.id)).map((h) => ({ id: h.id, matter: h.matter, caseId: h.caseId })),
    /** The kinds of link a record may carry (for the form that adds one), with their names. */
    linkKinds: ctx.registry.linkKinds.map((k) => ({ kind: k.kind, label: k.label })),
    destruction: destruction ?? null,
    disposal: disposal ?? null,
    history: history.map((e) => ({ seq: e.seq, at: e.occurredAt, actor: e.actorLabel, actorId: e.actorId, action: e.action, data: e.data })),
    mayCorrect: hasRole(p, ...RECORD_WRITE_ROLES) && record.status === "active",
  };
}

/**
 * The record's bytes, re-hashed before they are served (a mismatch is an integrity incident and
 * INTEGRITY_FAILURE). A destroyed record answers CONTENT_DESTROYED; a paper-only record NOT_FOUND.
 */
export async function openRecordContent(ctx: ServiceContext, id: string) {
  const { record } = await loadVisibleRecord(ctx, id);
  if (record.status === "destroyed") {
    throw new DomainError("CONTENT_DESTROYED", `The content of record ${record.number} was destroyed on ${record.disposedAt?.toISOString().slice(0, 10)} under an approved disposal; its metadata and destruction record remain.`);
  }
  if (!record.contentSha256) {
    throw new DomainError("NOT_FOUND", `Record ${record.number} has no electronic content; the paper original is kept at ${paperLocation({ room: record.paperRoom, cabinet: record.paperCabinet, box: record.paperBox })}.`);
  }
  // a signed result: the newest version of its archive time-stamp chain (the record keeps the original's hash)
  const sha256 = await latestArchivedVersion(ctx.db, record.contentSha256);
  const fixity = await ctx.storage.verify(sha256);
  if (!fixity.ok) {
    await recordIntegrityIncident(ctx, sha256, fixity.missing ? "missing" : "hash-mismatch", fixity.actualSha256);
    throw integrityFailure(sha256, fixity.actualSha256);
  }
  await markBlobVerified(ctx.db, sha256, ctx.clock.now());
  await inTransaction(ctx, async (t) => audit(t, recordContentDownloaded, id, { sha256: record.contentSha256 }));
  return { record, sha256, stream: await ctx.storage.get(sha256) };
}
