import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { isHttps, type AppContext } from "./env";

export const SESSION_COOKIE = "custos_session";
export const LOCALE_COOKIE = "custos_lang";

/** HttpOnly, SameSite=Lax, Secure when served over TLS; expires with the session. */
export function setSessionCookie(c: AppContext, token: string, expiresAt: Date): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure: isHttps(c),
    path: "/",
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: AppContext): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c) });
}

export function readSessionCookie(c: AppContext): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}
