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
  let after = 0;
  let headSeq = 0;
  // page by page: asking for the next page while checking this one was measured (bench
  // audit-chain, 1M events on PostgreSQL) and saved nothing beyond the noise
  for (;;) {
    const page = await listEventsAfter(db, after, pageSize);
    if (page.length === 0) break;
    for (const e of page) {
      headSeq = e.seq;
      if (!verifier.push(e)) break;
    }
    if (verifier.firstBreak) break;
    after = page[page.length - 1]!.seq;
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
