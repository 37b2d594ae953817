import type { ExternalDocumentRow, RecordRow } from "../../db/schema/records";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { clearedFor } from "../auth/permissions";
import { inTransaction, type ServiceContext } from "../context";
import { DomainError, notFound } from "../errors";
import { findDepartment } from "../organisation/repo";
import { loadVisibleRecord } from "./access";
import { paperLocation, validateLinks } from "./declare";
import * as repo from "./repo";
import { recomputeRetention, summariseChanges } from "./retention";
import type { CorrectRecordInput, LinkInput } from "./schemas";
import { RECORD_WRITE_ROLES } from "./vocabulary";
import { recordCorrected, recordLinked, recordRetentionExtended, recordUnlinked } from "./events";

const RECORD_FIELDS = ["classId", "title", "description", "recordDate", "author", "departmentId", "classification", "paperRoom", "paperCabinet", "paperBox"] as const;
const EXTERNAL_FIELDS = ["issuer", "referenceNumber", "issuedOn", "obtainedOn", "arrivalMethod", "arrivalDetail"] as const;

function requireActive(record: RecordRow): void {
  if (record.status !== "active") throw new DomainError("INVALID_STATE", `Record ${record.number} is ${record.status}; its metadata are kept as they were.`);
}

/**
 * Corrects a record's metadata (never its content). The old and new values and the reason go
 * into the audit event, which the record's history shows; a change of class or date recomputes
 * the due date in the same transaction.
 */
export async function correctRecord(ctx: ServiceContext, id: string, input: CorrectRecordInput): Promise<RecordRow> {
  const p = requireRole(ctx, ...RECORD_WRITE_ROLES);
  await loadVisibleRecord(ctx, id);
  if (input.classification && !clearedFor(p.clearance, input.classification)) throw notFound("A classification level you may use");
  return inTransaction(ctx, async (t) => {
    const record = (await repo.findRecord(t.db, id, true))!;
    requireActive(record);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const patch: Partial<RecordRow> = {};
    for (const key of RECORD_FIELDS) {
      const value = input[key];
      if (value === undefined || value === record[key]) continue;
      before[key] = record[key];
      after[key] = value;
      (patch as Record<string, unknown>)[key] = value;
    }
    const externalBefore: Record<string, unknown> = {};
    const externalAfter: Record<string, unknown> = {};
    const external = input.external ? await repo.findExternalDocument(t.db, id) : undefined;
    if (input.external && !external) throw new DomainError("VALIDATION_FAILED", "This record is not an external document; it has no source to correct.", { field: "external" });
    if (external && input.external) {
      for (const key of EXTERNAL_FIELDS) {
        const value = input.external[key];
        if (value === undefined || value === external[key]) continue;
        externalBefore[key] = external[key];
        externalAfter[key] = value;
      }
      const next = { ...external, ...externalAfter } as ExternalDocumentRow;
      if (next.obtainedOn < next.issuedOn) throw new DomainError("VALIDATION_FAILED", "The date obtained cannot be before the date issued.", { field: "external.obtainedOn" });
    }
    if (Object.keys(after).length === 0 && Object.keys(externalAfter).length === 0) {
      throw new DomainError("VALIDATION_FAILED", "Nothing changes; edit at least one field.");
    }
    if (patch.classId && !(await repo.findClass(t.db, patch.classId))) {
      throw new DomainError("INVALID_REFERENCE", "The record class does not exist; choose one from the file plan.", { field: "classId" });
    }
    if (patch.departmentId && !(await findDepartment(t.db, patch.departmentId))) {
      throw new DomainError("INVALID_REFERENCE", "The department does not exist.", { field: "departmentId" });
    }
    const merged = { ...record, ...patch };
    if (!merged.contentSha256 && !paperLocation({ room: merged.paperRoom, cabinet: merged.paperCabinet, box: merged.paperBox })) {
      throw new DomainError("VALIDATION_FAILED", "A paper-only record must keep a paper location.");
    }
    const now = t.clock.now();
    if (Object.keys(externalAfter).length) await repo.updateExternalDocument(t.db, id, externalAfter as Partial<ExternalDocumentRow>);
    const ext = external ? { ...external, ...externalAfter } : undefined;
    patch.searchText = [merged.number, merged.title, merged.author, merged.description, ext?.issuer, ext?.referenceNumber, ext?.ipAsset].filter(Boolean).join(" ");
    await repo.updateRecord(t.db, id, { ...patch, updatedAt: now });
    const changes = await recomputeRetention(t.db, [id], now);
    audit(t, recordCorrected, id, {
        reason: input.reason,
        before,
        after,
        ...(Object.keys(externalAfter).length ? { external: { before: externalBefore, after: externalAfter } } : {}),
        ...(changes.length ? { retention: { before: changes[0]!.before, after: changes[0]!.after } } : {}),
      });
    return (await repo.findRecord(t.db, id))!;
  });
}

/** Links a record to a person, document, contract, case, IP asset or other record (audited; retention follows). */
export async function addRecordLink(ctx: ServiceContext, id: string, link: LinkInput) {
  requireRole(ctx, ...RECORD_WRITE_ROLES);
  await loadVisibleRecord(ctx, id);
  return inTransaction(ctx, async (t) => {
    const record = (await repo.findRecord(t.db, id, true))!;
    requireActive(record);
    await validateLinks(t, [link]);
    if ((await repo.listLinks(t.db, [id])).some((l) => l.kind === link.kind && l.targetId === link.targetId)) {
      throw new DomainError("ALREADY_EXISTS", "The record is already linked to it.");
    }
    const now = t.clock.now();
    const row = { id: newId("rln"), recordId: id, kind: link.kind, targetId: link.targetId, label: link.label ?? null, createdBy: t.actor.userId, createdAt: now };
    await repo.insertLinks(t.db, [row]);
    const changes = await recomputeRetention(t.db, [id], now);
    audit(t, recordLinked, id, { link: { id: row.id, kind: row.kind, targetId: row.targetId, label: row.label }, ...summariseChanges(changes) });
    return row;
  });
}

/** Removes a link (audited with what it was; retention follows). */
export async function removeRecordLink(ctx: ServiceContext, id: string, linkId: string, reason: string): Promise<void> {
  requireRole(ctx, ...RECORD_WRITE_ROLES);
  await loadVisibleRecord(ctx, id);
  if (!reason.trim()) throw new DomainError("VALIDATION_FAILED", "Say why the link is removed.", { field: "reason" });
  await inTransaction(ctx, async (t) => {
    const record = (await repo.findRecord(t.db, id, true))!;
    requireActive(record);
    const link = await repo.findLink(t.db, id, linkId);
    if (!link) throw notFound("The link");
    await repo.deleteLink(t.db, linkId);
    const changes = await recomputeRetention(t.db, [id], t.clock.now());
    audit(t, recordUnlinked, id, { reason, link: { id: link.id, kind: link.kind, targetId: link.targetId, label: link.label }, ...summariseChanges(changes) });
  });
}

/**
 * The outcome of reviewing a due record whose class says "review": keep it until a later date.
 * The due date moves; the reason is kept.
 */
export async function retainRecord(ctx: ServiceContext, id: string, input: { until: string; reason: string }) {
  requireRole(ctx, "ip-manager");
  await loadVisibleRecord(ctx, id);
  return inTransaction(ctx, async (t) => {
    const record = (await repo.findRecord(t.db, id, true))!;
    requireActive(record);
    const cls = (await repo.findClass(t.db, record.classId))!;
    if (cls.retentionUnit === "permanent") throw new DomainError("INVALID_STATE", "The record is kept permanently already.");
    if (record.dueOn && input.until <= record.dueOn) {
      throw new DomainError("VALIDATION_FAILED", `Keep it until a date after its current due date ${record.dueOn}.`, { field: "until" });
    }
    const now = t.clock.now();
    await repo.updateRecord(t.db, id, { retainUntil: input.until, retainReason: input.reason, updatedAt: now });
    const changes = await recomputeRetention(t.db, [id], now);
    audit(t, recordRetentionExtended, id, { reason: input.reason, before: { dueOn: record.dueOn, retainUntil: record.retainUntil }, after: { dueOn: changes[0]?.after.dueOn ?? record.dueOn, retainUntil: input.until } });
  });
}
