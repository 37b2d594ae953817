import type { Context } from "hono";
import type { Principal } from "../core/auth/permissions";
import type { AppDeps, ServiceContext } from "../core/context";
import { inIpRanges, normalizeIp } from "../lib/ip";

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

/** One X-Forwarded-For entry as an address: `1.2.3.4`, `1.2.3.4:5678` and `[2001:db8::1]:443` are read; anything else is null. */
function forwardedHop(entry: string): string | null {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(entry);
  const withPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry);
  return normalizeIp(bracketed?.[1] ?? withPort?.[1] ?? entry);
}

/**
 * The client address, used as a sign-in throttle key and in the audit trail. It is the socket's
 * peer, unless that peer is one of CUSTOS_TRUSTED_PROXIES: then X-Forwarded-For is read from the
 * right (each proxy appends the address it saw) and the first address that is not itself a trusted
 * proxy is the client; whatever lies to its left was written by the client and is not believed.
 * Null when there is no socket (in-process requests).
 */
export function clientIp(c: AppContext): string | null {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  const remote = incoming?.socket?.remoteAddress;
  if (!remote) return null;
  const peer = normalizeIp(remote) ?? remote;
  const trusted = c.get("deps").config.trustedProxies;
  if (!inIpRanges(peer, trusted)) return peer;
  const hops = (c.req.header("x-forwarded-for") ?? "").split(",").map((h) => h.trim()).filter(Boolean);
  let client = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = forwardedHop(hops[i]!);
    // an entry that is no address ends what can be believed: the last trusted hop is the best we know
    if (hop === null) break;
    client = hop;
    if (!inIpRanges(hop, trusted)) break;
  }
  return client;
}

/** True when the request reached us over TLS (directly, or as X-Forwarded-Proto says; it only decides the cookie's Secure flag). */
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
