import type { Db } from "../../db/client";
import type { RecordClassRow, RecordLinkRow, RecordRow } from "../../db/schema/records";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError } from "../errors";
import { addPeriod, chinaDay } from "./dates";
import * as repo from "./repo";
import type { RetentionEventInput } from "./schemas";
import { triggerLinkKind, type EventTrigger, type RetentionTrigger, type RetentionUnit } from "./vocabulary";
import { retentionEventRecorded } from "./events";
import { linkTargetVisible } from "./link-kinds";

/** A record's retention as derived from its class, its links and the retention events. */
export interface Retention {
  triggerDate: string | null;
  dueOn: string | null;
}

type RetentionRecord = Pick<RecordRow, "id" | "recordDate" | "declaredAt" | "retainUntil" | "classId">;
type RetentionClass = Pick<RecordClassRow, "id" | "trigger" | "retentionAmount" | "retentionUnit">;

/**
 * The day a record's retention starts and the day it is due:
 * - creation: the day it was declared; record-date: the date on the record;
 * - an event trigger: the day the event happened to what the record is linked to (employment end
 *   of the linked person, end of the linked contract …); with several linked subjects, the last
 *   of them, once all have happened; with none, not yet.
 * Due = trigger + period (none when permanent); a review's "retain until" replaces it.
 */
export function deriveRetention(
  record: RetentionRecord,
  cls: RetentionClass,
  links: Pick<RecordLinkRow, "kind" | "targetId">[],
  events: Map<string, string>,
): Retention {
  const trigger = cls.trigger as RetentionTrigger;
  let triggerDate: string | null = null;
  if (trigger === "creation") triggerDate = chinaDay(record.declaredAt);
  else if (trigger === "record-date") triggerDate = record.recordDate;
  else {
    const kind = triggerLinkKind[trigger as EventTrigger];
    const subjects = links.filter((l) => l.kind === kind).map((l) => l.targetId);
    const dates = subjects.map((s) => events.get(`${trigger}:${s}`));
    if (subjects.length > 0 && dates.every((d): d is string => d !== undefined)) triggerDate = dates.sort().at(-1)!;
  }
  const computed = triggerDate ? addPeriod(triggerDate, cls.retentionAmount, cls.retentionUnit as RetentionUnit) : null;
  return { triggerDate, dueOn: record.retainUntil && cls.retentionUnit !== "permanent" ? record.retainUntil : computed };
}

/** The retention of one record about to be written: looks up events only when its class waits for one. */
export async function retentionFor(
  db: Db,
  record: RetentionRecord,
  cls: RetentionClass,
  links: Pick<RecordLinkRow, "kind" | "targetId">[],
): Promise<Retention> {
  const events = new Map<string, string>();
  const trigger = cls.trigger as RetentionTrigger;
  if (trigger !== "creation" && trigger !== "record-date") {
    const kind = triggerLinkKind[trigger as EventTrigger];
    const subjects = links.filter((l) => l.kind === kind).map((l) => l.targetId);
    for (const e of await repo.findRetentionEvents(db, trigger, subjects)) events.set(`${trigger}:${e.subjectId}`, e.occurredOn);
  }
  return deriveRetention(record, cls, links, events);
}

/**
 * Recomputes trigger date and due date of the given records (in the caller's transaction) and
 * writes those that changed. Returns what changed, for the audit event of the change that caused it.
 */
export async function recomputeRetention(db: Db, recordIds: string[], at: Date): Promise<{ id: string; before: Retention; after: Retention }[]> {
  if (recordIds.length === 0) return [];
  const rows = await repo.findRecordsByIds(db, recordIds);
  const classes = new Map((await repo.listClasses(db)).map((c) => [c.id, c]));
  const links = await repo.listLinks(db, recordIds);
  const events = new Map<string, string>();
  const byTrigger = new Map<string, Set<string>>();
  for (const r of rows) {
    const trigger = classes.get(r.classId)!.trigger as RetentionTrigger;
    if (trigger === "creation" || trigger === "record-date") continue;
    const kind = triggerLinkKind[trigger as EventTrigger];
    const set = byTrigger.get(trigger) ?? new Set<string>();
    for (const l of links) if (l.recordId === r.id && l.kind === kind) set.add(l.targetId);
    byTrigger.set(trigger, set);
  }
  for (const [trigger, subjects] of byTrigger) {
    for (const e of await repo.findRetentionEvents(db, trigger, [...subjects])) events.set(`${trigger}:${e.subjectId}`, e.occurredOn);
  }
  const changed: { id: string; before: Retention; after: Retention }[] = [];
  for (const r of rows) {
    if (r.status !== "active") continue;
    const after = deriveRetention(r, classes.get(r.classId)!, links.filter((l) => l.recordId === r.id), events);
    if (after.triggerDate !== r.triggerDate || after.dueOn !== r.dueOn) {
      changed.push({ id: r.id, before: { triggerDate: r.triggerDate, dueOn: r.dueOn }, after });
    }
  }
  for (let i = 0; i < changed.length; i += 500) {
    await repo.setRetention(db, changed.slice(i, i + 500).map((c) => ({ id: c.id, ...c.after })), at);
  }
  return changed;
}

/** At most this many changed records are listed in one audit event (the count is always there). */
export const AUDIT_LIST_LIMIT = 1000;

export function summariseChanges(changes: { id: string; before: Retention; after: Retention }[]) {
  return {
    recomputed: changes.length,
    changes: changes.slice(0, AUDIT_LIST_LIMIT).map((c) => ({ recordId: c.id, dueBefore: c.before.dueOn, dueAfter: c.after.dueOn })),
  };
}

/**
 * Records that a retention trigger happened (in the caller's transaction): a person's employment
 * ended, a contract ended, a case closed, a document was superseded. Every active record linked
 * to the subject whose class has that trigger gets its due date. Used by contracts and cases,
 * and by the documents module when a revision is superseded.
 */
export async function applyRetentionEvent(
  t: TxContext,
  input: { trigger: EventTrigger; subjectId: string; occurredOn: string; note?: string | null },
): Promise<{ recomputed: number }> {
  const previous = await repo.findRetentionEvent(t.db, input.trigger, input.subjectId);
  const now = t.clock.now();
  await repo.upsertRetentionEvent(t.db, {
    id: previous?.id ?? newId("rte"),
    trigger: input.trigger,
    subjectId: input.subjectId,
    occurredOn: input.occurredOn,
    note: input.note ?? null,
    recordedBy: t.actor.userId,
    recordedAt: now,
  });
  const ids = await repo.listActiveRecordIdsLinkedTo(t.db, triggerLinkKind[input.trigger], input.subjectId);
  const changes = await recomputeRetention(t.db, ids, now);
  audit(t, retentionEventRecorded, { type: triggerLinkKind[input.trigger], id: input.subjectId }, {
      trigger: input.trigger,
      before: previous ? { occurredOn: previous.occurredOn } : null,
      after: { occurredOn: input.occurredOn, note: input.note ?? null },
      ...summariseChanges(changes),
    });
  return { recomputed: changes.length };
}

/**
 * The IP manager records that a person's employment ended (or corrects the date): the retention
 * of their IP declaration, non-compete and exit agreement starts. Contracts, cases and documents
 * record their own events when they end.
 */
export async function recordRetentionEvent(ctx: ServiceContext, input: RetentionEventInput) {
  requireRole(ctx, "ip-manager", "admin");
  if (input.trigger !== "employment-end") {
    throw new DomainError(
      "VALIDATION_FAILED",
      "Only an employment end is recorded here; contracts, cases and documents record their end when they are terminated, closed or superseded.",
      { field: "trigger" },
    );
  }
  // the subject must be something the person may see: one they may not see answers exactly like one that does not exist
  const kind = ctx.registry.linkKind(triggerLinkKind[input.trigger]);
  if (!kind || !(await linkTargetVisible(ctx, kind, input.subjectId))) {
    throw new DomainError(
      "INVALID_REFERENCE",
      `No ${(kind?.label.en ?? triggerLinkKind[input.trigger]).toLowerCase()} “${input.subjectId}” exists; choose the ${(kind?.label.en ?? "subject").toLowerCase()} the event happened to.`,
      { field: "subjectId" },
    );
  }
  return inTransaction(ctx, (t) => applyRetentionEvent(t, input));
}
