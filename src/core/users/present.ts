import type { Classification, Role } from "../auth/permissions";
import type { PublicUser } from "./service";

/**
 * A user as the API shows them: named fields only (a column added to the users table, such as a
 * second factor's secret, stays inside until it is named here), dates as ISO strings.
 */
export function presentUser(u: PublicUser) {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    email: u.email,
    roles: u.roles as Role[],
    departmentId: u.departmentId,
    position: u.position,
    clearance: u.clearance as Classification,
    locale: u.locale,
    active: u.active,
    mustChangePassword: u.mustChangePassword,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}
