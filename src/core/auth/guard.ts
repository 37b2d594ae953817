import type { ServiceContext } from "../context";
import { DomainError } from "../errors";
import { hasRole, type Principal, type Role } from "./permissions";

/** The signed-in principal, or UNAUTHENTICATED. */
export function requirePrincipal(ctx: Pick<ServiceContext, "principal">): Principal {
  if (!ctx.principal) throw new DomainError("UNAUTHENTICATED", "Sign in first.");
  return ctx.principal;
}

/** The principal if they hold one of `roles`, else FORBIDDEN naming the roles that would do. */
export function requireRole(ctx: Pick<ServiceContext, "principal">, ...roles: Role[]): Principal {
  const p = requirePrincipal(ctx);
  if (!hasRole(p, ...roles)) {
    throw new DomainError("FORBIDDEN", `This needs one of these roles: ${roles.join(", ")}.`, { roles });
  }
  return p;
}
