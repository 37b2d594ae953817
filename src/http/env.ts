import type { Context } from "hono";
import type { Principal } from "../core/auth/permissions";
import type { AppDeps, ServiceContext } from "../core/context";

/** What every request carries through the middleware chain. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    requestId: string;
    principal: Principal | null;
    sessionId: string | null;
    authVia: "cookie" | "token" | null;
    locale: "zh-CN" | "en";
  };
}

export type AppContext = Context<AppEnv>;

/** The client address: the socket's, or the first X-Forwarded-For hop when a local proxy sent it. */
export function clientIp(c: AppContext): string | null {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const remote = incoming?.socket?.remoteAddress ?? null;
  const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
  if (forwarded && (remote === null || isLoopback(remote))) return forwarded;
  return remote;
}

function isLoopback(addr: string): boolean {
  return addr === "::1" || addr.startsWith("127.") || addr.startsWith("::ffff:127.");
}

/** True when the request reached us over TLS (directly or via a local proxy). */
export function isHttps(c: AppContext): boolean {
  return new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";
}

/** The service context of this request: dependencies, the signed-in principal, and where it came from. */
export function ctxOf(c: AppContext): ServiceContext {
  const principal = c.get("principal");
  return {
    ...c.get("deps"),
    principal,
    actor: principal ? { userId: principal.id, label: principal.username } : { userId: null, label: "anonymous" },
    request: { ip: clientIp(c), userAgent: c.req.header("user-agent") ?? null, requestId: c.get("requestId") },
  };
}
