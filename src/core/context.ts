import type { Config } from "../config";
import type { Db, Tx } from "../db/client";
import { appendPendingEvents, type PendingEvent } from "./audit/service";
import type { Principal } from "./auth/permissions";
import type { JobRunner } from "./jobs/runner";
import type { Registry } from "./registry";
import type { BlobStore } from "./storage/blob-store";

/** Where time comes from; tests pass a fixed one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Structured logging; the Node entry writes JSON lines, tests pass a silent one. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The dependencies createApp and every service receive; nothing is opened at import time. */
export interface AppDeps {
  db: Db;
  storage: BlobStore;
  clock: Clock;
  logger: Logger;
  config: Config;
  /** Key-encryption key (32 bytes): wraps the CA key, signing keys and session secrets. */
  masterKey: Buffer;
  /** What the core areas and the modules registered: access policies, audit events, jobs … */
  registry: Registry;
  /** This instance's background job runner (see assembleDeps). */
  jobs: JobRunner;
  /** Optional measurements (the signing benchmark reads how long the audit chain's lock is held). */
  metrics?: Metrics;
}

/** Measurements an instance can report; every one is optional. */
export interface Metrics {
  /** A transaction held the audit chain's lock for `ms` (from taking it to commit), appending these actions. */
  chainLockHeld?(ms: number, actions: string[]): void;
}

/** Who is acting: a signed-in person, or the system itself (jobs, start-up). */
export interface Actor {
  userId: string | null;
  label: string;
}

/** Where a request came from, carried into audit events. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** What a use-case needs: the dependencies plus who asks (their roles and clearance) and from where. */
export interface ServiceContext extends AppDeps {
  actor: Actor;
  principal: Principal | null;
  request: RequestMeta;
}

export const systemActor: Actor = { userId: null, label: "system" };
export const noRequest: RequestMeta = { ip: null, userAgent: null, requestId: null };

/**
 * A service context whose database handle is an open transaction, with the audit events recorded
 * so far (see audit()): they are appended to the chain just before the transaction commits.
 */
export type TxContext = Omit<ServiceContext, "db"> & {
  db: Tx;
  events: PendingEvent[];
  /** Work to start once the transaction has committed (e.g. run a job it enqueued); never inside it. */
  afterCommit: (() => void)[];
};

/** Thrown when a write transaction recorded no audit event: every state change must say what it did. */
export class UnauditedWriteError extends Error {
  override name = "UnauditedWriteError";
}

/**
 * Runs `fn` in one transaction; everything it does through `t.db` commits or rolls back together,
 * and the audit events it records are appended to the chain just before the commit (the chain's
 * lock is held only for that). A transaction that records no event fails: a state change always
 * says what it did. Pass `{ mayWriteNothing: true }` when `fn` may decide, under its locks, that
 * there is nothing to do; it must then also write nothing.
 */
export async function inTransaction<T>(ctx: ServiceContext, fn: (t: TxContext) => Promise<T>, options: { mayWriteNothing?: boolean } = {}): Promise<T> {
  // already inside one: a savepoint whose events and after-commit work join the outer transaction's
  if (isTxContext(ctx)) return inSavepoint(ctx, fn);
  const afterCommit: (() => void)[] = [];
  let locked: { at: number; actions: string[] } | undefined;
  const result = await ctx.db.transaction(async (tx) => {
    const t: TxContext = { ...ctx, db: tx, events: [], afterCommit };
    const out = await fn(t);
    if (t.events.length === 0) {
      if (options.mayWriteNothing) return out;
      throw new UnauditedWriteError("A write transaction recorded no audit event.");
    }
    const { lockedAt } = await appendPendingEvents(tx, ctx.registry, ctx.clock, t.events);
    locked = { at: lockedAt, actions: t.events.map((e) => e.type.action) };
    return out;
  });
  if (locked) ctx.metrics?.chainLockHeld?.(performance.now() - locked.at, locked.actions);
  for (const run of afterCommit) run();
  return result;
}

function isTxContext(ctx: ServiceContext | TxContext): ctx is TxContext {
  return Array.isArray((ctx as Partial<TxContext>).events);
}

/**
 * Runs `fn` in a savepoint of the caller's transaction: if it fails, what it wrote and the events
 * it recorded are undone, and the transaction goes on (one failed row of an import).
 */
export async function inSavepoint<T>(t: TxContext, fn: (t: TxContext) => Promise<T>): Promise<T> {
  const marks = { events: t.events.length, afterCommit: t.afterCommit.length };
  try {
    return await t.db.transaction((sp) => fn({ ...t, db: sp }));
  } catch (err) {
    t.events.length = marks.events;
    t.afterCommit.length = marks.afterCommit;
    throw err;
  }
}

/** A context for work the system does on its own (migrations, bootstrap, scheduled jobs). */
export function systemContext(deps: AppDeps): ServiceContext {
  return { ...deps, actor: systemActor, principal: null, request: noRequest };
}

/** A logger that writes nothing. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** One JSON object per line on stdout/stderr. */
export const jsonLogger: Logger = {
  info: (message, fields) => console.log(JSON.stringify({ level: "info", time: new Date().toISOString(), message, ...fields })),
  warn: (message, fields) => console.warn(JSON.stringify({ level: "warn", time: new Date().toISOString(), message, ...fields })),
  error: (message, fields) =>
    console.error(JSON.stringify({ level: "error", time: new Date().toISOString(), message, ...fields })),
};
