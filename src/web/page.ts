import { csrfKey } from "../core/auth/service";
import { csrfTokenFor } from "../core/auth/tokens";
import { DomainError, mapDatabaseError } from "../core/errors";
import type { AppContext } from "../http/env";
import type { PageContext } from "./layout";
import { translator, type Locale } from "./i18n";
import { errorsZh } from "./messages/errors";

/** Everything a page component needs from the request, computed once. */
export function pageContext(c: AppContext): PageContext {
  const locale = c.get("locale");
  const sessionId = c.get("sessionId");
  return {
    t: translator(locale),
    locale,
    principal: c.get("principal"),
    csrfToken: sessionId ? csrfTokenFor(csrfKey(c.get("deps")), sessionId) : null,
    path: c.req.path,
  };
}

/** Reads a urlencoded or multipart form as string fields (files are left out). */
export async function readForm(c: AppContext): Promise<Record<string, string | string[]>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === "_csrf") continue;
    if (Array.isArray(value)) out[key] = value.filter((v): v is string => typeof v === "string");
    else if (typeof value === "string") out[key] = value;
  }
  return out;
}

/** A single string form field ("" when absent). */
export function field(form: Record<string, string | string[]>, name: string): string {
  const v = form[name];
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

/** A multi-valued form field (checkboxes). */
export function fields(form: Record<string, string | string[]>, name: string): string[] {
  const v = form[name];
  return Array.isArray(v) ? v : v ? [v] : [];
}

/** The domain error behind a failure shown inside a form; anything unexpected is rethrown to onError. */
function asDomainError(err: unknown): DomainError {
  const mapped = mapDatabaseError(err);
  if (mapped instanceof DomainError) return mapped;
  throw err;
}

/**
 * The message to show a person for an error thrown by a service: on Chinese pages the meaning of
 * the error code in Chinese first, then the service's detail.
 */
export function errorText(err: unknown, locale: Locale = "zh-CN"): string {
  const e = asDomainError(err);
  const issues = e.details?.issues as { path: string; message: string }[] | undefined;
  const detail = issues?.length ? issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ") : e.message;
  const zh = locale === "zh-CN" ? errorsZh[e.code] : undefined;
  return zh ? `${zh}。${detail}` : detail;
}

/** The HTTP status of a failure shown inside a form. */
export function errorStatusOf(err: unknown): number {
  return asDomainError(err).status;
}
