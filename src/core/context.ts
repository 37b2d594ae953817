import type { Config } from "../config";
import type { Db, Tx } from "../db/client";
import type { Principal } from "./auth/permissions";
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

/** A service context whose database handle is an open transaction. */
export type TxContext = Omit<ServiceContext, "db"> & { db: Tx };

/** Runs `fn` in one transaction; everything it does through `t.db` commits or rolls back together. */
export function inTransaction<T>(ctx: ServiceContext, fn: (t: TxContext) => Promise<T>): Promise<T> {
  return ctx.db.transaction((tx) => fn({ ...ctx, db: tx }));
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
