import { and, eq, inArray } from "drizzle-orm";
import { contracts } from "../../db/schema/contracts";
import { documentRevisions, documents } from "../../db/schema/documents";
import { caseFiles, destructionRecords, disposalItems, disposals, recordClasses } from "../../db/schema/records";
import { users } from "../../db/schema/users";
import { queryEvents } from "../audit/repo";
import { appendAuditEvent } from "../audit/service";
import { requirePrincipal } from "../auth/guard";
import { clearedFor, hasRole, type Classification } from "../auth/permissions";
import type { ServiceContext } from "../context";
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

/** Records the caller may see that match `query`, newest first, with the total. */
export async function searchRecordList(ctx: ServiceContext, query: RecordQuery, page: { limit: number; offset: number }) {
  const p = requirePrincipal(ctx);
  const { rows, total } = await repo.searchRecords(ctx.db, [...repo.recordQueryConditions(query), ...recordVisibility(p)], page);
  const holds = await holdsCovering(ctx.db, rows.map((r) => r.record.id));
  await auditGrantRead(ctx, "record.searched", { query: { ...query }, total });
  return {
    total,
    items: rows.map((r) => ({ ...r, underHold: (holds.get(r.record.id)?.length ?? 0) > 0 })),
  };
}

/** Names for what links point at (people, contracts, cases, documents, records) that the caller may see. */
async function describeLinks(ctx: ServiceContext, links: Awaited<ReturnType<typeof repo.listLinks>>) {
  const p = ctx.principal!;
  const ids = (kind: string) => links.filter((l) => l.kind === kind).map((l) => l.targetId);
  const names = new Map<string, string>();
  const people = ids("user");
  if (people.length) for (const u of await ctx.db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, people))) names.set(`user:${u.id}`, u.name);
  const ctr = ids("contract");
  if (ctr.length) {
    for (const c of await ctx.db.select().from(contracts).where(inArray(contracts.id, ctr))) {
      if (clearedFor(p.clearance, c.classification as Classification)) names.set(`contract:${c.id}`, `${c.number} ${c.title}`);
    }
  }
  const cases = ids("case");
  if (cases.length) {
    for (const c of await ctx.db.select().from(caseFiles).where(inArray(caseFiles.id, cases))) {
      if (clearedFor(p.clearance, c.classification as Classification)) names.set(`case:${c.id}`, `${c.number} ${c.title}`);
    }
  }
  const docs = ids("document");
  if (docs.length) {
    for (const d of await ctx.db.select().from(documents).where(inArray(documents.id, docs))) {
      if (clearedFor(p.clearance, d.classification as Classification)) names.set(`document:${d.id}`, `${d.number} ${d.title}`);
    }
    // a link to one revision of a document
    const revisions = await ctx.db
      .select({ id: documentRevisions.id, label: documentRevisions.label, number: documents.number, title: documents.title, classification: documents.classification })
      .from(documentRevisions)
      .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
      .where(inArray(documentRevisions.id, docs));
    for (const r of revisions) {
      if (clearedFor(p.clearance, r.classification as Classification)) names.set(`document:${r.id}`, `${r.number} ${r.title} ${r.label}`);
    }
  }
  const recs = ids("record");
  if (recs.length) {
    const visible = await repo.filterRecordIds(ctx.db, recordVisibility(p), recs);
    for (const r of await repo.findRecordsByIds(ctx.db, visible)) names.set(`record:${r.id}`, `${r.number} ${r.title}`);
  }
  return links.map((l) => ({ ...l, display: l.kind === "ip-asset" ? (l.label ?? l.targetId) : (names.get(`${l.kind}:${l.targetId}`) ?? null) }));
}

/**
 * One record as the caller may see it: metadata, class and retention, custody, links, the four
 * natures, external-document source, legal holds, disposal, and its history (every correction with
 * the old and new values).
 */
export async function getRecordView(ctx: ServiceContext, id: string) {
  const { p, record } = await loadVisibleRecord(ctx, id);
  await auditGrantRead(ctx, "record.opened", { recordId: id, number: record.number });
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
  const seesHolds = hasRole(p, ...HOLD_READ_ROLES);
  return {
    record,
    recordClass: cls!,
    declaredByName: declarer?.name ?? record.declaredBy,
    paperLocation: paperLocation({ room: record.paperRoom, cabinet: record.paperCabinet, box: record.paperBox }),
    links,
    external: external ? { ...external, receivedByName: receiver[0]?.name ?? external.receivedBy } : null,
    underHold: holds.length > 0,
    holds: seesHolds ? holds.map((h) => ({ id: h.id, matter: h.matter, caseId: h.caseId })) : [],
    destruction: destruction ?? null,
    disposal: disposal ?? null,
    history: history.map((e) => ({ seq: e.seq, at: e.occurredAt, actor: e.actorLabel, action: e.action, data: e.data })),
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
  const fixity = await ctx.storage.verify(record.contentSha256);
  if (!fixity.ok) {
    await recordIntegrityIncident(ctx, record.contentSha256, fixity.missing ? "missing" : "hash-mismatch", fixity.actualSha256);
    throw integrityFailure(record.contentSha256, fixity.actualSha256);
  }
  await markBlobVerified(ctx.db, record.contentSha256, ctx.clock.now());
  await ctx.db.transaction((tx) => appendAuditEvent(tx, ctx, { action: "record.content_downloaded", objectType: "record", objectId: id, data: { sha256: record.contentSha256 } }));
  return { record, stream: await ctx.storage.get(record.contentSha256) };
}
