import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { auditEvents, type AuditEventRow } from "../../db/schema/audit";
import type { PackagedEvent } from "./events";

/** Events fetched per query while the excerpt streams. */
const PAGE = 2000;

/** An audit event as the package carries it: its full hashed content, its prev_hash and its hash. */
export function packagedEvent(e: AuditEventRow): PackagedEvent {
  return {
    seq: e.seq,
    occurredAt: e.occurredAt.toISOString(),
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    objectType: e.objectType,
    objectId: e.objectId,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    data: e.data,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/**
 * The events about `objects` up to and including `headSeq`, in chain order, a page at a time
 * (keyset on seq, so memory stays bounded however long the trail), restricted by `visible`
 * (the requester's classification filter, {@link eventClassifiedWithin}).
 */
export async function* eventsAbout(db: Db, objects: { type: string; id: string }[], headSeq: number, visible: SQL): AsyncGenerator<AuditEventRow[]> {
  if (objects.length === 0) return;
  const wanted = JSON.stringify(objects.map((o) => ({ t: o.type, i: o.id })));
  let after = 0;
  for (;;) {
    const page = await db
      .select()
      .from(auditEvents)
      .where(
        sql`${auditEvents.seq} > ${after} and ${auditEvents.seq} <= ${headSeq}
          and (${auditEvents.objectType}, ${auditEvents.objectId}) in (select x.t, x.i from jsonb_to_recordset(${wanted}::jsonb) as x(t text, i text))
          and ${visible}`,
      )
      .orderBy(auditEvents.seq)
      .limit(PAGE);
    if (page.length === 0) return;
    yield page;
    if (page.length < PAGE) return;
    after = page[page.length - 1]!.seq;
  }
}

/**
 * The links of the chain from `fromSeq` to `headSeq`, as CSV lines `seq,prev_hash,hash` (a page at
 * a time): with them a verifier follows the chain from each event of the excerpt to the head
 * without seeing the content of the events in between, which the reader may not be shown.
 */
export async function* chainLinks(db: Db, fromSeq: number, headSeq: number): AsyncGenerator<string> {
  let after = fromSeq - 1;
  for (;;) {
    const page = await db
      .select({ seq: auditEvents.seq, prevHash: auditEvents.prevHash, hash: auditEvents.hash })
      .from(auditEvents)
      .where(sql`${auditEvents.seq} > ${after} and ${auditEvents.seq} <= ${headSeq}`)
      .orderBy(auditEvents.seq)
      .limit(LINKS_PAGE);
    if (page.length === 0) return;
    yield page.map((l) => `${l.seq},${l.prevHash},${l.hash}\n`).join("");
    if (page.length < LINKS_PAGE) return;
    after = page[page.length - 1]!.seq;
  }
}

/** Links fetched per query (three short columns). */
const LINKS_PAGE = 20_000;
