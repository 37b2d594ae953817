import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestamps, tstz } from "../columns";
import { departments } from "./organisation";

/** People who sign in. Roles and clearance drive every permission check. */
export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull().unique(),
    displayName: text("display_name").notNull(),
    email: text("email"),
    passwordHash: text("password_hash").notNull(),
    roles: text("roles").array().notNull(),
    departmentId: text("department_id").references(() => departments.id),
    /** Job title (岗位), filled into agreements and acknowledgements. */
    position: text("position"),
    clearance: text("clearance").notNull(),
    locale: text("locale").notNull().default("zh-CN"),
    active: boolean("active").notNull().default(true),
    mustChangePassword: boolean("must_change_password").notNull().default(false),
    passwordChangedAt: tstz("password_changed_at").notNull(),
    /**
     * When the person chose their signing PIN (null: none yet, or an administrator cleared it).
     * The PIN itself is never stored: `signingPinCheck` is "salt:tag", the tag an HKDF of
     * scrypt(PIN) and the master key, so a copy of the database alone cannot test guesses.
     */
    signingPinSetAt: tstz("signing_pin_set_at"),
    signingPinCheck: text("signing_pin_check"),
    ...timestamps,
  },
  (t) => [
    check("users_clearance_check", sql`${t.clearance} in ('public','internal','secret','confidential','top-secret')`),
    check("users_username_lower", sql`${t.username} = lower(${t.username})`),
  ],
);

/** Browser sessions (lucia). The id is the cookie value's SHA-256, never the cookie itself. */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: tstz("expires_at").notNull(),
    createdAt: tstz("created_at").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Bearer tokens for scripts; only the SHA-256 of the token is stored. Every token expires. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: tstz("created_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    lastUsedAt: tstz("last_used_at"),
    revokedAt: tstz("revoked_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/** Failed sign-in counters per username and per client address, for throttling. */
export const loginThrottle = pgTable("login_throttle", {
  key: text("key").primaryKey(),
  failures: integer("failures").notNull(),
  windowStartedAt: tstz("window_started_at").notNull(),
  lockedUntil: tstz("locked_until"),
});

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
