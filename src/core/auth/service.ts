import type { Db } from "../../db/client";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { apiTokenCreated, apiTokenRevoked, reauthFailed, signedIn, signedOut, signInFailed } from "./events";
import { inTransaction, type AppDeps, type ServiceContext } from "../context";
import { DomainError } from "../errors";
import { deriveKey } from "../keys";
import { createLucia, type CustosLucia } from "./lucia";
import { dummyPasswordHash, verifyPassword } from "./password";
import { hasRole, type Classification, type Principal, type Role } from "./permissions";
import * as repo from "./repo";
import { csrfTokenFor, hashToken, newSecretToken } from "./tokens";
import { sql } from "drizzle-orm";
import { apiTokens } from "../../db/schema/users";
import { tablePolicy } from "../access/policy";

/** Throttling: 5 failed sign-ins per username (or 20 per address) within 15 minutes lock for 15 minutes. */
export const THROTTLE = {
  windowMs: 15 * 60_000,
  lockMs: 15 * 60_000,
  perUser: 5,
  perAddress: 20,
} as const;

const luciaByDb = new WeakMap<Db, CustosLucia>();
function lucia(db: Db): CustosLucia {
  let l = luciaByDb.get(db);
  if (!l) {
    l = createLucia(db);
    luciaByDb.set(db, l);
  }
  return l;
}

/** The key that signs CSRF tokens, derived from the master key. */
export function csrfKey(deps: Pick<AppDeps, "masterKey">): Buffer {
  return deriveKey(deps.masterKey, "csrf");
}

/** The principal of a person, as permission checks see them (e.g. to ask whether a reviewer may see a document). */
export function principalOf(u: {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  departmentId: string | null;
  clearance: string;
  locale: string;
  mustChangePassword: boolean;
}): Principal {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles as Role[],
    departmentId: u.departmentId,
    clearance: u.clearance as Classification,
    locale: u.locale,
    mustChangePassword: u.mustChangePassword,
  };
}

/** A new session: the cookie token (shown to the browser only), and the CSRF token that goes with it. */
export interface SignedIn {
  principal: Principal;
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

async function assertNotLocked(ctx: ServiceContext, keys: string[]): Promise<void> {
  const now = ctx.clock.now();
  for (const key of keys) {
    const row = await repo.readThrottle(ctx.db, key);
    if (row?.lockedUntil && row.lockedUntil > now) {
      const seconds = Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
      throw new DomainError(
        "TOO_MANY_ATTEMPTS",
        `Too many failed attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`,
        { retryAfterSeconds: seconds },
      );
    }
  }
}

async function recordFailures(ctx: ServiceContext, keys: { key: string; limit: number }[]): Promise<void> {
  for (const { key, limit } of keys) {
    await repo.recordFailure(ctx.db, key, ctx.clock.now(), THROTTLE.windowMs, limit, THROTTLE.lockMs);
  }
}

/**
 * Password sign-in. Unknown usernames cost the same time as wrong passwords; failures are counted
 * per username and per address and audited; a locked account answers TOO_MANY_ATTEMPTS.
 */
export async function signIn(ctx: ServiceContext, input: { username: string; password: string }): Promise<SignedIn> {
  const username = input.username.trim().toLowerCase();
  const throttleKeys = [
    { key: `user:${username}`, limit: THROTTLE.perUser },
    ...(ctx.request.ip ? [{ key: `ip:${ctx.request.ip}`, limit: THROTTLE.perAddress }] : []),
  ];
  await assertNotLocked(
    ctx,
    throttleKeys.map((k) => k.key),
  );
  const user = await repo.findUserByUsername(ctx.db, username);
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok || !user.active) {
    await recordFailures(ctx, throttleKeys);
    await inTransaction({ ...ctx, actor: { userId: user?.id ?? null, label: username || "(empty)" } }, async (t) =>
      audit(t, signInFailed, user?.id ?? `username:${username}`, { reason: !user ? "unknown-user" : !ok ? "wrong-password" : "inactive" }),
    );
    throw new DomainError("INVALID_CREDENTIALS", "The username or password is wrong.");
  }
  await repo.clearThrottle(ctx.db, `user:${username}`);
  const sessionToken = newSecretToken("css");
  const sessionId = hashToken(sessionToken);
  const session = await inTransaction({ ...ctx, actor: { userId: user.id, label: user.username } }, async (t) => {
    const s = await lucia(t.db).createSession(
      user.id,
      { createdAt: ctx.clock.now(), ip: ctx.request.ip, userAgent: ctx.request.userAgent },
      { sessionId },
    );
    audit(t, signedIn, user.id, { session: sessionId.slice(0, 12) });
    return s;
  });
  return {
    principal: principalOf(user),
    sessionToken,
    csrfToken: csrfTokenFor(csrfKey(ctx), sessionId),
    expiresAt: session.expiresAt,
  };
}

/** The session a cookie token names, if it is valid and its user active; refreshes a sliding expiry. */
export async function validateSessionToken(
  deps: AppDeps,
  token: string,
): Promise<{ principal: Principal; sessionId: string; expiresAt: Date; refreshed: boolean } | null> {
  const sessionId = hashToken(token);
  const { session, user } = await lucia(deps.db).validateSession(sessionId);
  if (!session || !user || !user.active) return null;
  return {
    principal: principalOf(user),
    sessionId,
    expiresAt: session.expiresAt,
    refreshed: session.fresh,
  };
}

/** Ends one session (sign-out). */
export async function signOut(ctx: ServiceContext, sessionId: string): Promise<void> {
  await inTransaction(ctx, async (t) => {
    await lucia(t.db).invalidateSession(sessionId);
    audit(t, signedOut, ctx.actor.userId ?? "unknown", { session: sessionId.slice(0, 12) });
  });
}

/** What {@link endSessionsAndTokens} ended, for the audit event of the change that caused it. */
export interface AccessEnded {
  sessionsEnded: number;
  tokensRevoked: string[];
}

/**
 * Ends a user's sessions and revokes all their API tokens: after an admin's password reset or a
 * deactivation (everything), or after they change their own password (every session but the one
 * they changed it in). Runs inside the caller's transaction, whose audit event records the result.
 */
export async function endSessionsAndTokens(db: Db, userId: string, at: Date, options: { keepSessionId?: string | null } = {}): Promise<AccessEnded> {
  const sessionsEnded = await repo.deleteSessions(db, userId, options.keepSessionId ?? undefined);
  const tokensRevoked = await repo.revokeAllTokens(db, userId, at);
  return { sessionsEnded, tokensRevoked };
}

/** The user a bearer token belongs to, if the token is valid. */
export async function validateApiToken(deps: AppDeps, token: string): Promise<Principal | null> {
  if (!token.startsWith("cat_")) return null;
  const row = await repo.findActiveToken(deps.db, hashToken(token));
  const now = deps.clock.now();
  if (!row || !row.user.active) return null;
  if (row.token.expiresAt <= now) return null;
  if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > 60_000) {
    await repo.touchToken(deps.db, row.token.id, now);
  }
  return principalOf(row.user);
}

/** How long an API token lives: 90 days unless its creator asks for another span, at most 365. */
export const API_TOKEN_LIFETIME = { defaultDays: 90, maxDays: 365 } as const;

/** Creates an API token for the acting user; the token text is returned once and never stored. */
export async function createApiToken(ctx: ServiceContext, input: { name: string; expiresInDays?: number }) {
  const userId = requireUser(ctx);
  const days = input.expiresInDays ?? API_TOKEN_LIFETIME.defaultDays;
  if (!Number.isInteger(days) || days < 1 || days > API_TOKEN_LIFETIME.maxDays) {
    throw new DomainError("VALIDATION_FAILED", `A token lives from 1 to ${API_TOKEN_LIFETIME.maxDays} days.`, { field: "expiresInDays" });
  }
  const token = newSecretToken("cat");
  const now = ctx.clock.now();
  const row = {
    id: newId("tok"),
    userId,
    name: input.name,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + days * 86_400_000),
    lastUsedAt: null,
    revokedAt: null,
  };
  await inTransaction(ctx, async (t) => {
    await repo.insertToken(t.db, row);
    audit(t, apiTokenCreated, row.id, { name: row.name, expiresAt: row.expiresAt });
  });
  return { id: row.id, name: row.name, token, createdAt: row.createdAt, expiresAt: row.expiresAt };
}

export async function listApiTokens(ctx: ServiceContext) {
  const rows = await repo.listTokens(ctx.db, requireUser(ctx));
  return rows.map(({ tokenHash: _omit, ...r }) => r);
}

export async function revokeApiToken(ctx: ServiceContext, id: string): Promise<void> {
  const userId = requireUser(ctx);
  await inTransaction(ctx, async (t) => {
    const [row] = await repo.revokeToken(t.db, userId, id, ctx.clock.now());
    if (!row) throw new DomainError("NOT_FOUND", "That API token was not found or is already revoked.");
    audit(t, apiTokenRevoked, id, { name: row.name });
  });
}

/**
 * Re-authentication before a signature, a password change or another act that must be the
 * person's own: checks the password again (throttled like sign-in, audited on failure). Every
 * purpose shares one counter per person, so guesses cannot be spread across them. Returns nothing;
 * throws REAUTH_FAILED or TOO_MANY_ATTEMPTS.
 */
export async function requireReauth(
  ctx: ServiceContext,
  password: string | undefined,
  options: { purpose?: string; failureMessage?: string } = {},
): Promise<void> {
  await throttledCheck(
    ctx,
    async (userId) => {
      const user = await repo.findUserById(ctx.db, userId);
      return !!user && !!password && (await verifyPassword(user.passwordHash, password)) ? true : undefined;
    },
    { ...options, failureMessage: options.failureMessage ?? "Your password was not accepted; enter your own password to confirm." },
  );
}

/**
 * A secret of the acting person's (their password, their signing PIN) checked by `check`, which
 * answers undefined when it is wrong: throttled like sign-in and on the same per-person counter as
 * re-authentication (so guesses cannot be spread across passwords and PINs), audited on failure
 * as auth.reauth_failed. Throws REAUTH_FAILED or TOO_MANY_ATTEMPTS.
 */
export async function throttledCheck<T>(
  ctx: ServiceContext,
  check: (userId: string) => Promise<T | undefined>,
  options: { purpose?: string; failureMessage: string },
): Promise<T> {
  const userId = requireUser(ctx);
  const key = `reauth:${userId}`;
  await assertNotLocked(ctx, [key]);
  const result = await check(userId);
  if (result === undefined) {
    await recordFailures(ctx, [{ key, limit: THROTTLE.perUser }]);
    await inTransaction(ctx, async (t) => audit(t, reauthFailed, userId, options.purpose ? { purpose: options.purpose } : {}));
    throw new DomainError("REAUTH_FAILED", options.failureMessage);
  }
  await repo.clearThrottle(ctx.db, key);
  return result;
}

/** The acting user's id, or UNAUTHENTICATED. */
export function requireUser(ctx: Pick<ServiceContext, "actor">): string {
  if (!ctx.actor.userId) throw new DomainError("UNAUTHENTICATED", "Sign in first.");
  return ctx.actor.userId;
}

/** API tokens: their owner and administrators. */
export const apiTokenPolicy = tablePolicy({
  objectType: "api_token",
  table: apiTokens,
  id: apiTokens.id,
  rule: (p) => (hasRole(p, "admin") ? sql`true` : sql`${apiTokens.userId} = ${p.id}`),
});
