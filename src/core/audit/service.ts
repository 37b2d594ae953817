import type { Db, Tx } from "../../db/client";
import type { ServiceContext } from "../context";
import { ChainVerifier, GENESIS_HASH, hashEvent, type ChainBreak } from "./chain";
import { findHead, insertEvent, listEventsAfter, lockChain } from "./repo";

/** What happened, to which object; `data` carries the before/after summary. */
export interface AuditInput {
  action: string;
  objectType: string;
  objectId: string;
  data?: Record<string, unknown>;
}

/**
 * Appends one event to the hash chain inside the caller's transaction, so the event exists exactly
 * when the state change it describes does. Appends are serialised by a transaction-scoped advisory
 * lock, which keeps the chain linear under concurrent writers.
 */
export async function appendAuditEvent(tx: Tx, ctx: Pick<ServiceContext, "actor" | "request" | "clock">, input: AuditInput) {
  await lockChain(tx);
  const head = await findHead(tx);
  const content = {
    seq: (head?.seq ?? 0) + 1,
    occurredAt: ctx.clock.now(),
    actorId: ctx.actor.userId,
    actorLabel: ctx.actor.label,
    action: input.action,
    objectType: input.objectType,
    objectId: input.objectId,
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
    requestId: ctx.request.requestId,
    data: JSON.parse(JSON.stringify(input.data ?? {})) as Record<string, unknown>,
  };
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = hashEvent(prevHash, content);
  await insertEvent(tx, { ...content, prevHash, hash });
  return { seq: content.seq, hash };
}

/** The outcome of recomputing the whole chain. */
export interface ChainReport {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  firstBroken?: ChainBreak;
  durationMs: number;
}

/** Recomputes every hash from the first event, in pages, and names the first broken event. */
export async function verifyAuditChain(db: Db, options: { pageSize?: number } = {}): Promise<ChainReport> {
  const started = performance.now();
  const verifier = new ChainVerifier();
  const pageSize = options.pageSize ?? 5000;
  let headSeq = 0;
  // the next page is asked for before this one is checked: on a PostgreSQL server the query runs
  // while this process hashes (on PGlite it changes nothing)
  let next = listEventsAfter(db, 0, pageSize);
  for (;;) {
    const page = await next;
    if (page.length === 0) break;
    next = page.length < pageSize ? Promise.resolve([]) : listEventsAfter(db, page[page.length - 1]!.seq, pageSize);
    for (const e of page) {
      headSeq = e.seq;
      if (!verifier.push(e)) break;
    }
    if (verifier.firstBreak) {
      await next;
      break;
    }
  }
  return {
    ok: !verifier.firstBreak,
    checked: verifier.checked,
    headSeq: verifier.firstBreak ? headSeq : verifier.checked,
    headHash: verifier.headHash,
    firstBroken: verifier.firstBreak,
    durationMs: Math.round(performance.now() - started),
  };
}
