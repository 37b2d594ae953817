import { hashEvent } from "../audit/chain";
import type { ChainHead } from "./manifest";

/** An audit event as the package carries it (one JSON object per line of audit-trail/events.jsonl). */
export interface PackagedEvent {
  seq: number;
  /** ISO 8601 with milliseconds and Z, exactly as hashed. */
  occurredAt: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  objectType: string;
  objectId: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  data: unknown;
  prevHash: string;
  hash: string;
}

/** Something wrong with the excerpt, named by event (seq) or line. */
export interface ExcerptProblem {
  seq: number | null;
  line: number;
  zh: string;
  en: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

function isNullableString(v: unknown): v is string | null {
  return v === null || typeof v === "string";
}

/** Reads one line as a packaged event, or says why it is not one. */
function parseEvent(text: string): PackagedEvent | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  const e = v as Record<string, unknown>;
  if (!e || typeof e !== "object" || Array.isArray(e)) return "not a JSON object";
  if (!Number.isSafeInteger(e.seq) || (e.seq as number) < 1) return "seq is not a positive integer";
  for (const k of ["actorLabel", "action", "objectType", "objectId", "occurredAt"] as const) if (typeof e[k] !== "string") return `${k} is not a string`;
  for (const k of ["actorId", "ip", "userAgent", "requestId"] as const) if (!isNullableString(e[k])) return `${k} is not a string or null`;
  if (typeof e.prevHash !== "string" || !HEX64.test(e.prevHash)) return "prevHash is not a SHA-256";
  if (typeof e.hash !== "string" || !HEX64.test(e.hash)) return "hash is not a SHA-256";
  const at = new Date(e.occurredAt as string);
  if (Number.isNaN(at.getTime()) || at.toISOString() !== e.occurredAt) return "occurredAt is not a canonical timestamp";
  return e as unknown as PackagedEvent;
}

/**
 * Checks an audit-trail excerpt line by line, offline: each event's hash recomputed from its
 * content and prev_hash (SHA-256(prev_hash ‖ "\n" ‖ canonical content), as the chain does), events
 * in ascending order, consecutive events linked (event n+1's prev_hash is event n's hash), nothing
 * after the chain head and the head's own hash where the head is included, and every event about
 * an object the package includes.
 */
export class ExcerptVerifier {
  readonly problems: ExcerptProblem[] = [];
  events = 0;
  /** The excerpt's events by seq (prev_hash and hash), for the chain links to be checked against. */
  readonly bySeq = new Map<number, { prevHash: string; hash: string }>();
  private line = 0;
  private previous: PackagedEvent | null = null;

  constructor(
    private readonly head: ChainHead,
    private readonly objects: ReadonlySet<string>,
  ) {}

  /** Checks the next line of the file. */
  push(text: string): void {
    this.line++;
    if (text.trim() === "") return;
    const parsed = parseEvent(text);
    if (typeof parsed === "string") {
      this.problems.push({ seq: null, line: this.line, zh: `第 ${this.line} 行不是有效的审计事件（${parsed}）`, en: `line ${this.line} is not a valid audit event (${parsed})` });
      return;
    }
    const e = parsed;
    this.events++;
    const problem = (zh: string, en: string) => this.problems.push({ seq: e.seq, line: this.line, zh, en });
    const recomputed = hashEvent(e.prevHash, { ...e, occurredAt: new Date(e.occurredAt) });
    if (recomputed !== e.hash) {
      problem(
        `事件 ${e.seq}（${e.action} ${e.objectType} ${e.objectId}）的内容与其哈希不符：导出后被改动`,
        `event ${e.seq} (${e.action} ${e.objectType} ${e.objectId}): its content does not match its hash (changed after export)`,
      );
    }
    const prev = this.previous;
    if (prev) {
      if (e.seq <= prev.seq) {
        problem(`事件 ${e.seq} 排在事件 ${prev.seq} 之后：顺序错误或重复`, `event ${e.seq} follows event ${prev.seq}: out of order or repeated`);
      } else if (e.seq === prev.seq + 1 && e.prevHash !== prev.hash) {
        problem(`事件 ${e.seq} 的 prev_hash 与事件 ${prev.seq} 的哈希不符：链接断开`, `event ${e.seq}: its prev_hash is not the hash of event ${prev.seq} (the link is broken)`);
      }
    }
    if (e.seq > this.head.seq) {
      problem(`事件 ${e.seq} 晚于导出时的链头（事件 ${this.head.seq}）`, `event ${e.seq} lies after the chain head at export (event ${this.head.seq})`);
    } else if (e.seq === this.head.seq && e.hash !== this.head.hash) {
      problem(`事件 ${e.seq} 是链头，但其哈希与清单记录的链头哈希不符`, `event ${e.seq} is the chain head, but its hash differs from the head hash in the manifest`);
    }
    if (!this.objects.has(objectKey(e.objectType, e.objectId))) {
      problem(`事件 ${e.seq} 涉及的对象 ${e.objectType} ${e.objectId} 不在本包之内`, `event ${e.seq} is about ${e.objectType} ${e.objectId}, which the package does not include`);
    }
    this.previous = e;
    this.bySeq.set(e.seq, { prevHash: e.prevHash, hash: e.hash });
  }
}

/** The first line of chain-links.csv. */
export const CHAIN_LINKS_HEADER = "seq,prev_hash,hash";

/**
 * Follows the chain links (`seq,prev_hash,hash`, one event per line, from the first event of the
 * excerpt to the head) offline: consecutive events, each prev_hash the hash of the event before,
 * every excerpt event found on it with its own hashes, and the last link the chain head of the
 * signed manifest. An excerpt event that was removed, added or changed, or a chain rewritten
 * between exports, shows here.
 */
export class ChainLinksVerifier {
  readonly problems: ExcerptProblem[] = [];
  links = 0;
  private line = 0;
  private last: { seq: number; hash: string } | null = null;
  private matched = 0;

  constructor(
    private readonly head: ChainHead,
    private readonly fromSeq: number,
    private readonly excerpt: ReadonlyMap<number, { prevHash: string; hash: string }>,
  ) {}

  /** Checks the next line of the file. */
  push(text: string): void {
    this.line++;
    const problem = (seq: number | null, zh: string, en: string) => this.problems.push({ seq, line: this.line, zh, en });
    if (this.line === 1) {
      if (text.trim() !== CHAIN_LINKS_HEADER) problem(null, `第 1 行应为表头 ${CHAIN_LINKS_HEADER}`, `line 1 should be the header ${CHAIN_LINKS_HEADER}`);
      return;
    }
    if (text.trim() === "") return;
    const [seqText, prevHash, hash, extra] = text.trim().split(",");
    const seq = Number(seqText);
    if (!Number.isSafeInteger(seq) || seq < 1 || !HEX64.test(prevHash ?? "") || !HEX64.test(hash ?? "") || extra !== undefined) {
      problem(null, `第 ${this.line} 行不是有效的链接（序号,前一哈希,哈希）`, `line ${this.line} is not a valid link (seq,prev_hash,hash)`);
      return;
    }
    this.links++;
    const expected = this.last ? this.last.seq + 1 : this.fromSeq;
    if (seq !== expected) {
      problem(seq, `链接中出现第 ${seq} 条事件，应为第 ${expected} 条：有缺失或被改动`, `the links hold event ${seq} where event ${expected} belongs (missing or changed)`);
    } else if (this.last && prevHash !== this.last.hash) {
      problem(seq, `第 ${seq} 条事件的 prev_hash 不是第 ${this.last.seq} 条的哈希：链条在此断开`, `event ${seq}: its prev_hash is not the hash of event ${this.last.seq} (the chain breaks here)`);
    }
    const own = this.excerpt.get(seq);
    if (own) {
      if (own.hash !== hash || own.prevHash !== prevHash) {
        problem(seq, `摘录中的第 ${seq} 条事件与链上的哈希不符`, `event ${seq} of the excerpt does not match the chain's hashes`);
      } else this.matched++;
    }
    this.last = { seq, hash: hash! };
  }

  /** After the last line: the links end at the head, and every excerpt event was on them. */
  finish(): void {
    const problem = (zh: string, en: string) => this.problems.push({ seq: null, line: this.line, zh, en });
    if (!this.last) problem("没有链接", "there are no links");
    else if (this.last.seq !== this.head.seq || this.last.hash !== this.head.hash) {
      problem(`链接止于第 ${this.last.seq} 条事件，而不是清单记录的链头（第 ${this.head.seq} 条）`, `the links end at event ${this.last.seq}, not at the manifest's chain head (event ${this.head.seq})`);
    }
    const missing = [...this.excerpt.keys()].filter((seq) => seq < this.fromSeq || (this.last !== null && seq > this.last.seq));
    if (missing.length) problem(`摘录中的事件 ${missing.join(", ")} 不在链接范围内`, `excerpt event(s) ${missing.join(", ")} lie outside the links`);
  }

  /** How many excerpt events were found on the links with their own hashes. */
  get linkedEvents(): number {
    return this.matched;
  }
}

/** The key {@link ExcerptVerifier} looks objects up by. */
export function objectKey(type: string, id: string): string {
  return `${type}\u0000${id}`;
}
