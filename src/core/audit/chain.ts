import { createHash } from "node:crypto";
import { canonicalJson } from "../../lib/canonical-json";

/** The prev_hash of the very first event. */
export const GENESIS_HASH = "0".repeat(64);

/** The fields of an audit event that its hash covers. */
export interface AuditEventContent {
  seq: number;
  occurredAt: Date;
  actorId: string | null;
  actorLabel: string;
  action: string;
  objectType: string;
  objectId: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  data: unknown;
}

/** The canonical text of an event's content, exactly as hashed. */
export function canonicalEventContent(e: AuditEventContent): string {
  return canonicalJson({
    seq: e.seq,
    occurredAt: e.occurredAt,
    actorId: e.actorId,
    actorLabel: e.actorLabel,
    action: e.action,
    objectType: e.objectType,
    objectId: e.objectId,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    data: e.data ?? null,
  });
}

/** hash = SHA-256(prev_hash ‖ "\n" ‖ canonical content), lower-case hex. */
export function hashEvent(prevHash: string, e: AuditEventContent): string {
  return createHash("sha256").update(prevHash).update("\n").update(canonicalEventContent(e)).digest("hex");
}

/** Why a chain check stopped. */
export type ChainBreak =
  | { seq: number; reason: "gap"; message: string }
  | { seq: number; reason: "prev-hash-mismatch"; message: string }
  | { seq: number; reason: "hash-mismatch"; message: string };

/** Incremental chain checker: feed events in seq order; the first break is kept. */
export class ChainVerifier {
  private expectedSeq = 1;
  private lastHash = GENESIS_HASH;
  checked = 0;
  firstBreak: ChainBreak | undefined;

  /** Checks one event; returns false once the chain is broken. */
  push(e: AuditEventContent & { prevHash: string; hash: string }): boolean {
    if (this.firstBreak) return false;
    if (e.seq !== this.expectedSeq) {
      this.firstBreak = {
        seq: e.seq,
        reason: "gap",
        message: `event ${this.expectedSeq} is missing: the next event found is ${e.seq}`,
      };
      return false;
    }
    if (e.prevHash !== this.lastHash) {
      this.firstBreak = {
        seq: e.seq,
        reason: "prev-hash-mismatch",
        message: `event ${e.seq} does not point at the hash of event ${e.seq - 1}`,
      };
      return false;
    }
    const recomputed = hashEvent(e.prevHash, e);
    if (recomputed !== e.hash) {
      this.firstBreak = {
        seq: e.seq,
        reason: "hash-mismatch",
        message: `the content of event ${e.seq} no longer matches its hash (changed after it was written)`,
      };
      return false;
    }
    this.lastHash = e.hash;
    this.expectedSeq++;
    this.checked++;
    return true;
  }

  get headHash(): string {
    return this.lastHash;
  }
}
