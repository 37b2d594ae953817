import type { UserRow } from "../../db/schema/users";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requirePrincipal, requireRole } from "../auth/guard";
import { hasRole, type Classification, type Role } from "../auth/permissions";
import { generatePassword, hashPassword, passwordProblem } from "../auth/password";
import { endSessionsAndTokens, requireReauth, type AccessEnded } from "../auth/service";
import type { AppDeps, ServiceContext } from "../context";
import { inTransaction, systemContext, type TxContext } from "../context";
import { isSigningPin, revokeSignerCertificates } from "../signatures/signer-keys";
import { DomainError, notFound } from "../errors";
import { findDepartment } from "../organisation/repo";
import * as repo from "./repo";
import type { CreateUserInput, UpdateUserInput } from "./schemas";
import { userCreated, userPasswordChanged, userPasswordReset, userUpdated } from "./events";
import { readerPolicy } from "../access/policy";

/** What callers outside this module see of a user: never the password hash nor the signing PIN's check. */
export type PublicUser = Omit<UserRow, "passwordHash" | "passwordChangedAt" | "signingPinCheck">;

export function toPublicUser(row: UserRow): PublicUser {
  const { passwordHash: _h, passwordChangedAt: _c, signingPinCheck: _p, ...rest } = row;
  return rest;
}

function checkPassword(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new DomainError("VALIDATION_FAILED", problem, { field: "password" });
}

async function insertNewUser(ctx: ServiceContext, input: CreateUserInput, mustChangePassword: boolean) {
  const password = input.password ?? generatePassword();
  checkPassword(password, input.username);
  const now = ctx.clock.now();
  const row: UserRow = {
    id: newId("usr"),
    username: input.username,
    displayName: input.displayName,
    email: input.email ?? null,
    passwordHash: await hashPassword(password),
    roles: [...new Set(input.roles)],
    departmentId: input.departmentId ?? null,
    position: input.position ?? null,
    clearance: input.clearance,
    locale: input.locale,
    active: true,
    mustChangePassword,
    passwordChangedAt: now,
    signingPinSetAt: null,
    signingPinCheck: null,
    createdAt: now,
    updatedAt: now,
  };
  await inTransaction(ctx, async (t) => {
    const tx = t.db;
    if (row.departmentId && !(await findDepartment(tx, row.departmentId))) {
      throw new DomainError("INVALID_REFERENCE", "The department does not exist.", { field: "departmentId" });
    }
    await repo.insertUser(tx, row);
    audit(t, userCreated, row.id, {
      after: { username: row.username, displayName: row.displayName, roles: row.roles, departmentId: row.departmentId, clearance: row.clearance },
    });
  });
  return { user: toPublicUser(row), password: input.password ? undefined : password };
}

/**
 * Creates a user (admins). Without a password one is generated and returned once. Either way the
 * user must change it at first sign-in: a password someone else chose or saw is never theirs
 * alone, so it can neither sign nor set a signing PIN until they replace it.
 */
export async function createUser(ctx: ServiceContext, input: CreateUserInput) {
  requireRole(ctx, "admin");
  return insertNewUser(ctx, input, true);
}

/**
 * Creates a user from a script (`custos create-user`), acting as the system: the password was typed
 * by whoever ran it, so the user must change it at first sign-in (`mustChangePassword: false` is
 * for a caller that hands the account to its own person, such as a test).
 */
export async function createUserAsSystem(deps: AppDeps, input: CreateUserInput, options: { mustChangePassword?: boolean } = {}) {
  return insertNewUser(systemContext(deps), input, options.mustChangePassword ?? true);
}

/** The account the first start creates, and `custos reset-admin` recreates. */
const INITIAL_ADMIN = {
  displayName: "系统管理员 Administrator",
  roles: ["admin"],
  clearance: "top-secret",
  locale: "zh-CN",
} as const satisfies Omit<CreateUserInput, "username">;

/**
 * On an empty database, creates the first administrator with a generated password (to be changed
 * at first sign-in) and returns the credentials to print once; otherwise returns null.
 */
export async function ensureInitialAdmin(deps: AppDeps): Promise<{ username: string; password: string } | null> {
  if ((await repo.countUsers(deps.db)) > 0) return null;
  const password = generatePassword();
  const ctx = systemContext(deps);
  try {
    await insertNewUser(
      ctx,
      { ...INITIAL_ADMIN, roles: [...INITIAL_ADMIN.roles], username: "admin", password },
      true,
    );
  } catch (err) {
    // another instance starting at the same moment created it first: it prints the sign-in
    if ((await repo.countUsers(deps.db)) > 0) return null;
    throw err;
  }
  return { username: "admin", password };
}

export async function listUsers(ctx: ServiceContext): Promise<PublicUser[]> {
  requireRole(ctx, "admin");
  return (await repo.listUsers(ctx.db)).map(toPublicUser);
}

/** One user: admins see anyone, others only themselves (anyone else is NOT_FOUND). */
export async function getUser(ctx: ServiceContext, id: string): Promise<PublicUser> {
  const p = requirePrincipal(ctx);
  if (p.id !== id && !p.roles.includes("admin")) throw notFound("The user");
  const row = await repo.findUser(ctx.db, id);
  if (!row) throw notFound("The user");
  return toPublicUser(row);
}

/** Changes roles, department, clearance, name or active flag (admins); deactivation ends sessions and revokes API tokens. */
export async function updateUser(ctx: ServiceContext, id: string, input: UpdateUserInput): Promise<PublicUser> {
  const p = requireRole(ctx, "admin");
  if (id === p.id && (input.active === false || (input.roles && !input.roles.includes("admin")))) {
    throw new DomainError("INVALID_STATE", "You cannot deactivate yourself or remove your own admin role.");
  }
  return inTransaction(ctx, async (t) => {
    const tx = t.db;
    const before = await repo.findUser(tx, id);
    if (!before) throw notFound("The user");
    if (input.departmentId && !(await findDepartment(tx, input.departmentId))) {
      throw new DomainError("INVALID_REFERENCE", "The department does not exist.", { field: "departmentId" });
    }
    const patch: Partial<UserRow> = { updatedAt: ctx.clock.now() };
    const changedBefore: Record<string, unknown> = {};
    const changedAfter: Record<string, unknown> = {};
    for (const key of ["displayName", "email", "roles", "departmentId", "position", "clearance", "locale", "active"] as const) {
      const value = input[key];
      if (value === undefined) continue;
      const next = key === "roles" ? [...new Set(value as string[])] : value;
      if (JSON.stringify(before[key]) === JSON.stringify(next)) continue;
      (patch as Record<string, unknown>)[key] = next;
      changedBefore[key] = before[key];
      changedAfter[key] = next;
    }
    if (Object.keys(changedAfter).length === 0) return toPublicUser(before);
    const after = await repo.updateUser(tx, id, patch);
    // deactivation ends every session and token; so does reactivation, for tokens a deactivation
    // before this rule left alive: an account comes back with no way in but its password
    let ended: AccessEnded | undefined;
    if (changedAfter.active !== undefined) ended = await endSessionsAndTokens(tx, id, ctx.clock.now());
    if (input.active === false && before.active) {
      await revokeSignerCertificates(t, id, "affiliationChanged", "account deactivated");
    }
    audit(t, userUpdated, id, { before: changedBefore, after: changedAfter, ...ended });
    return toPublicUser(after!);
  });
}

/**
 * Gives a user a new password hash they must change at next sign-in, ends all their sessions,
 * revokes all their API tokens and retires their signing key; audited as user.password_reset.
 */
async function applyPasswordReset(t: TxContext, id: string, hash: string, reason: string, data: Record<string, unknown> = {}): Promise<void> {
  const now = t.clock.now();
  await repo.updateUser(t.db, id, { passwordHash: hash, mustChangePassword: true, passwordChangedAt: now, updatedAt: now });
  const ended = await endSessionsAndTokens(t.db, id, now);
  // a reset often follows a lost or taken-over account: its signing certificate is retired too (the
  // signing PIN stays; the next signature issues a new certificate under it)
  await revokeSignerCertificates(t, id, "superseded", reason);
  audit(t, userPasswordReset, id, { ...data, ...ended });
}

/** An admin sets a new password (generated) for a user; their sessions end, their API tokens are revoked and they must change it. */
export async function resetPassword(ctx: ServiceContext, id: string): Promise<{ password: string }> {
  requireRole(ctx, "admin");
  const password = generatePassword();
  const hash = await hashPassword(password);
  await inTransaction(ctx, async (t) => {
    if (!(await repo.findUser(t.db, id))) throw notFound("The user");
    await applyPasswordReset(t, id, hash, "password reset by an administrator");
  });
  return { password };
}

/**
 * Recovery from the command line (`custos reset-admin`), for when nobody can sign in as an
 * administrator: gives the administrator `username` a generated password, to be changed at next
 * sign-in, ends their sessions, revokes their API tokens and reactivates the account if it was
 * deactivated; with no user of that name, creates the administrator afresh. Refuses a user who is
 * not an administrator (INVALID_STATE). Audited, with "custos reset-admin" as the actor.
 */
export async function resetAdminAsSystem(
  deps: AppDeps,
  username: string,
): Promise<{ user: PublicUser; password: string; created: boolean; reactivated: boolean }> {
  const ctx: ServiceContext = { ...systemContext(deps), actor: { userId: null, label: "custos reset-admin" } };
  const password = generatePassword();
  const existing = await repo.findUserByUsername(ctx.db, username);
  if (!existing) {
    const created = await insertNewUser(ctx, { ...INITIAL_ADMIN, roles: [...INITIAL_ADMIN.roles], username, password }, true);
    return { user: created.user, password, created: true, reactivated: false };
  }
  if (!existing.roles.includes("admin")) {
    throw new DomainError(
      "INVALID_STATE",
      `${existing.username} is not an administrator. Name an administrator, or a username that does not exist yet to create a new administrator.`,
    );
  }
  const hash = await hashPassword(password);
  const user = await inTransaction(ctx, async (t) => {
    if (!existing.active) {
      await repo.updateUser(t.db, existing.id, { active: true, updatedAt: t.clock.now() });
      audit(t, userUpdated, existing.id, { before: { active: false }, after: { active: true } });
    }
    await applyPasswordReset(t, existing.id, hash, "password reset with custos reset-admin", { via: "custos reset-admin" });
    return (await repo.findUser(t.db, existing.id))!;
  });
  return { user: toPublicUser(user), password, created: false, reactivated: !existing.active };
}

/**
 * A person changes their own password, proving the current one. Their other sessions end (the one
 * given as `keepSessionId`, where they changed it, stays) and their API tokens are revoked, so a
 * thief holding either loses it with the old password.
 */
export async function changeOwnPassword(
  ctx: ServiceContext,
  input: { currentPassword: string; newPassword: string },
  options: { keepSessionId?: string | null } = {},
): Promise<void> {
  const p = requirePrincipal(ctx);
  // throttled with re-authentication: a stolen session must not be a way to guess the password
  await requireReauth(ctx, input.currentPassword, { purpose: "password-change", failureMessage: "Your current password is wrong." });
  const user = await repo.findUser(ctx.db, p.id);
  if (!user) throw notFound("The user");
  checkPassword(input.newPassword, user.username);
  if (input.newPassword === input.currentPassword) {
    throw new DomainError("VALIDATION_FAILED", "The new password must differ from the current one.", { field: "newPassword" });
  }
  if (await isSigningPin(ctx, user, input.newPassword)) {
    throw new DomainError("VALIDATION_FAILED", "Your login password must differ from your signing PIN.", { field: "newPassword" });
  }
  const hash = await hashPassword(input.newPassword);
  await inTransaction(ctx, async (t) => {
    const tx = t.db;
    const now = ctx.clock.now();
    // the signing key is wrapped under the signing PIN, not the password: it stays as it is
    await repo.updateUser(tx, p.id, { passwordHash: hash, mustChangePassword: false, passwordChangedAt: now, updatedAt: now });
    const ended = await endSessionsAndTokens(tx, p.id, now, { keepSessionId: options.keepSessionId });
    audit(t, userPasswordChanged, p.id, { ...ended });
  });
}

/** The staff directory (active people, names and departments only) that pickers such as "choose signers" need. */
export async function listDirectory(ctx: ServiceContext) {
  requirePrincipal(ctx);
  return (await repo.listUsers(ctx.db))
    .filter((u) => u.active)
    .map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, departmentId: u.departmentId, position: u.position, roles: u.roles as Role[], clearance: u.clearance as Classification }));
}

/** One person as the directory shows them (with clearance, for a rule such as "the owner must be cleared for it"), or undefined. */
export async function getPerson(ctx: ServiceContext, id: string) {
  requirePrincipal(ctx);
  const u = await repo.findUser(ctx.db, id);
  return u && { id: u.id, displayName: u.displayName, departmentId: u.departmentId, roles: u.roles as Role[], clearance: u.clearance as Classification, active: u.active };
}

/**
 * Everyone with an account, active or not, with roles and when the account was made: for a
 * module's figures over staff (who joined in a period) and campaigns to all staff. Any signed-in
 * person may read it (names, roles and dates only, like the directory).
 */
export async function listStaff(ctx: ServiceContext) {
  requirePrincipal(ctx);
  return (await repo.listUsers(ctx.db)).map((u) => ({ id: u.id, displayName: u.displayName, departmentId: u.departmentId, roles: u.roles as Role[], active: u.active, createdAt: u.createdAt }));
}

/** The names of these people (for a page that shows who did what); any signed-in person may read names. */
export async function displayNamesOf(ctx: ServiceContext, ids: string[]): Promise<Map<string, string>> {
  requirePrincipal(ctx);
  return repo.displayNames(ctx.db, ids);
}

/** People's accounts (sign-ins, roles, passwords) are for administrators. */
export const userPolicy = readerPolicy("user", (p) => hasRole(p, "admin"));
