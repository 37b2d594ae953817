import { DrizzlePostgreSQLAdapter } from "@lucia-auth/adapter-drizzle";
import { Lucia, TimeSpan } from "lucia";
import type { Db } from "../../db/client";
import { sessions, users } from "../../db/schema/users";
import type { Classification, Role } from "./permissions";

/**
 * Lucia v3 manages session rows (creation, sliding expiry, invalidation). It stays behind this
 * folder: the rest of Custos sees `Principal` and the functions in sessions.ts, so Lucia (in
 * maintenance upstream) can be replaced without touching callers. The session id Lucia stores is
 * the SHA-256 of the cookie token, so a copy of the sessions table cannot be replayed as cookies.
 */
export function createLucia(db: Db) {
  const adapter = new DrizzlePostgreSQLAdapter(db, sessions as never, users as never);
  return new Lucia(adapter, {
    sessionExpiresIn: new TimeSpan(12, "h"),
    getUserAttributes: (a) => ({
      username: a.username,
      displayName: a.displayName,
      roles: a.roles as Role[],
      departmentId: a.departmentId,
      clearance: a.clearance as Classification,
      locale: a.locale,
      active: a.active,
      mustChangePassword: a.mustChangePassword,
    }),
  });
}

export type CustosLucia = ReturnType<typeof createLucia>;

declare module "lucia" {
  interface Register {
    Lucia: CustosLucia;
    DatabaseUserAttributes: {
      username: string;
      displayName: string;
      roles: string[];
      departmentId: string | null;
      clearance: string;
      locale: string;
      active: boolean;
      mustChangePassword: boolean;
    };
    DatabaseSessionAttributes: {
      createdAt: Date;
      ip: string | null;
      userAgent: string | null;
    };
  }
}
