import { getCookie, setCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { csrfKey, validateApiToken, validateSessionToken } from "../core/auth/service";
import { csrfTokenMatches } from "../core/auth/tokens";
import { DomainError } from "../core/errors";
import { withAuditScope } from "../core/evidence/grants";
import { clearSessionCookie, LOCALE_COOKIE, readSessionCookie, setSessionCookie } from "./cookies";
import type { AppEnv } from "./env";
import { peekFirstField } from "./multipart";

/**
 * Finds who is calling: a bearer API token (scripts) or the session cookie (browsers and the demo
 * client). A bad bearer token is refused outright; a stale cookie is cleared and the request
 * continues anonymously, so pages can send the person to sign in.
 */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
  const deps = c.get("deps");
  c.set("principal", null);
  c.set("sessionId", null);
  c.set("authVia", null);
  const authorization = c.req.header("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const principal = match ? await validateApiToken(deps, match[1]!) : null;
    if (!principal) {
      throw new DomainError("UNAUTHENTICATED", "The API token is not valid (wrong, expired or revoked).");
    }
    c.set("principal", await withAuditScope(deps.db, principal, deps.clock.now()));
    c.set("authVia", "token");
    return next();
  }
  const token = readSessionCookie(c);
  if (token) {
    const session = await validateSessionToken(deps, token);
    if (session) {
      c.set("principal", await withAuditScope(deps.db, session.principal, deps.clock.now()));
      c.set("sessionId", session.sessionId);
      c.set("authVia", "cookie");
      if (session.refreshed) setSessionCookie(c, token, session.expiresAt);
    } else {
      clearSessionCookie(c);
    }
  }
  return next();
});

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF protection. Requests authenticated by cookie must carry the session's CSRF token (header
 * `X-CSRF-Token`, or form field `_csrf`). Anonymous form posts (the sign-in form) must not come
 * from another origin.
 */
export const csrfProtection = createMiddleware<AppEnv>(async (c, next) => {
  if (SAFE_METHODS.has(c.req.method)) return next();
  if (c.get("authVia") === "cookie") {
    let presented = c.req.header("x-csrf-token");
    const type = c.req.header("content-type") ?? "";
    if (!presented && type.startsWith("application/x-www-form-urlencoded")) {
      const form = await c.req.parseBody();
      const field = form["_csrf"];
      presented = typeof field === "string" ? field : undefined;
    } else if (!presented && type.startsWith("multipart/form-data")) {
      // the token is the form's first field: read just that much, and hand on a body that replays it
      // (the files behind it are streamed by the route, never buffered here)
      const peeked = await peekFirstField(c.req.raw);
      c.req.raw = peeked.request;
      presented = peeked.field?.name === "_csrf" ? peeked.field.value : undefined;
    }
    if (!csrfTokenMatches(csrfKey(c.get("deps")), c.get("sessionId")!, presented)) {
      throw new DomainError("CSRF_FAILED", "The form has expired or did not come from Custos. Reload the page and try again.");
    }
  } else if (c.get("authVia") === null) {
    // no session yet: the sign-in form. A foreign origin would sign the browser into the attacker's
    // account (login CSRF); so would "null", which sandboxed frames, data: and file: pages send
    const origin = c.req.header("origin");
    if (origin === "null") {
      throw new DomainError(
        "CSRF_FAILED",
        "This request came from a page without an origin (a sandboxed frame, a local file or another site's redirect) and was refused. Open the Custos sign-in page itself and try again.",
      );
    }
    if (origin && originHost(origin) !== new URL(c.req.url).host) {
      throw new DomainError("CSRF_FAILED", "This request came from another site and was refused.");
    }
  }
  return next();
});

/** The host of an Origin header, or null when it is not a URL (never equal to ours). */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** People with a generated password must choose their own before doing anything else. */
export const passwordChangeGate = createMiddleware<AppEnv>(async (c, next) => {
  const p = c.get("principal");
  if (!p?.mustChangePassword) return next();
  const path = c.req.path;
  const allowed =
    path === "/api/v1/me" ||
    path === "/api/v1/me/password" ||
    path === "/api/v1/auth/sign-out" ||
    path === "/account/password" ||
    path === "/sign-out" ||
    path.startsWith("/static/") ||
    path === "/favicon.ico" ||
    path === "/lang";
  if (allowed) return next();
  if (path.startsWith("/api/")) {
    throw new DomainError("PASSWORD_CHANGE_REQUIRED", "Choose your own password first (POST /api/v1/me/password).");
  }
  return c.redirect("/account/password");
});

/** zh-CN unless the person chose English (cookie) or their profile says so. */
export const chooseLocale = createMiddleware<AppEnv>(async (c, next) => {
  const fromQuery = c.req.query("lang");
  if (fromQuery === "en" || fromQuery === "zh-CN") {
    setCookie(c, LOCALE_COOKIE, fromQuery, { path: "/", sameSite: "Lax", maxAge: 365 * 86400 });
    c.set("locale", fromQuery);
    return next();
  }
  const cookie = getCookie(c, LOCALE_COOKIE);
  const profile = c.get("principal")?.locale;
  const chosen = cookie ?? profile ?? "zh-CN";
  c.set("locale", chosen === "en" ? "en" : "zh-CN");
  return next();
});

/** The JSON API operations open to callers who are not signed in. */
const ANONYMOUS_API = new Set(["POST /api/v1/auth/sign-in", "POST /api/v1/auth/sign-out"]);

/**
 * Every other JSON API operation needs a signed-in principal, checked before the route validates
 * its input or looks anything up: an anonymous caller gets 401 (UNAUTHENTICATED), never a
 * validation error, a NOT_FOUND that tells whether an id exists, or a crash in a service that
 * assumed a principal.
 */
export const requireSignIn = createMiddleware<AppEnv>(async (c, next) => {
  if (!c.get("principal") && !ANONYMOUS_API.has(`${c.req.method} ${c.req.path}`)) {
    throw new DomainError("UNAUTHENTICATED", "Sign in first (session cookie or Authorization: Bearer <API token>).");
  }
  return next();
});
