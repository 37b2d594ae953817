import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { DomainError, errorStatus, mapDatabaseError, validationError, type ErrorCode } from "../core/errors";

export { validationError };
import { ErrorPage } from "../web/pages/error";
import { pageContext } from "../web/page";
import { errorsZh } from "../web/messages/errors";
import { issuesText } from "../web/validation";
import type { AppContext } from "./env";

/** Turns anything thrown into a DomainError; unknown errors become INTERNAL (and are logged). */
export function toDomainError(err: unknown, c: AppContext): DomainError {
  if (err instanceof DomainError) return err;
  const mapped = mapDatabaseError(err);
  if (mapped instanceof DomainError) return mapped;
  if (err instanceof ZodError) return validationError(err);
  if (err instanceof HTTPException) {
    const status = err.status;
    if (status === 413) return new DomainError("PAYLOAD_TOO_LARGE", "The request body is too large.");
    // @hono/zod-openapi refuses a body whose content type the route does not declare (a JSON route sent text or a form)
    if (status === 415) {
      const sent = c.req.header("content-type")?.split(";")[0]?.trim() || "none";
      return new DomainError(
        "UNSUPPORTED_MEDIA_TYPE",
        `This endpoint does not accept a body of content type “${sent}”; send JSON with Content-Type: application/json.`,
      );
    }
    if (status === 400 && /json/i.test(err.message)) {
      return new DomainError("MALFORMED_JSON", "The request body is not valid JSON.");
    }
    if (status === 401) return new DomainError("UNAUTHENTICATED", "Sign in first.");
    if (status === 403) return new DomainError("FORBIDDEN", err.message || "Not allowed.");
    if (status >= 400 && status < 500) return new DomainError("BAD_REQUEST", err.message || "Bad request.");
  }
  c.get("deps")?.logger.error("unhandled error", {
    requestId: c.get("requestId"),
    path: c.req.path,
    error: err instanceof Error ? (err.stack ?? err.message) : String(err),
  });
  return new DomainError(
    "INTERNAL",
    `An unexpected error occurred. It has been logged; quote request id ${c.get("requestId")} when reporting it.`,
  );
}

/** True when the caller wants JSON: the API, machine endpoints, or no HTML in Accept. */
export function wantsJson(c: AppContext): boolean {
  const path = c.req.path;
  if (path.startsWith("/api/") || path === "/healthz" || path.startsWith("/pki/")) return true;
  return !(c.req.header("accept") ?? "").includes("text/html");
}

/** The one onError: JSON `{ error: { code, message, requestId } }` for the API, an error page for people. */
export function renderError(err: unknown, c: AppContext): Response | Promise<Response> {
  const e = toDomainError(err, c);
  const status = errorStatus[e.code as ErrorCode] as 400;
  const requestId = c.get("requestId") ?? "-";
  if (e.code === "TOO_MANY_ATTEMPTS" && typeof e.details?.retryAfterSeconds === "number") {
    c.header("Retry-After", String(e.details.retryAfterSeconds));
  }
  if (wantsJson(c)) {
    const exposeDetails = e.details && e.code !== "INTERNAL";
    // the code is the contract; the message is English unless the caller asks for Chinese
    const message = prefersChinese(c.req.header("accept-language")) ? chineseMessage(e) : e.message;
    return c.json({ error: { code: e.code, message, requestId, ...(exposeDetails ? { details: e.details } : {}) } }, status);
  }
  if (e.code === "UNAUTHENTICATED") return c.redirect(`/sign-in?next=${encodeURIComponent(c.req.path)}`);
  const locale = c.get("locale") ?? "zh-CN";
  const message = e.validationIssues?.length ? issuesText(e.validationIssues as never, locale) : e.message;
  return c.html(<ErrorPage page={pageContext(c)} status={status} code={e.code} message={message} requestId={requestId} />, status);
}

/** True when Accept-Language puts Chinese before English (or names only Chinese). */
export function prefersChinese(acceptLanguage: string | undefined): boolean {
  if (!acceptLanguage) return false;
  const ranked = acceptLanguage
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = Number(params.find((p) => p.trim().startsWith("q="))?.trim().slice(2) ?? "1");
      return { tag: tag.toLowerCase(), q: Number.isFinite(q) ? q : 0, i };
    })
    .filter((r) => r.q > 0 && (r.tag.startsWith("zh") || r.tag.startsWith("en")))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.tag.startsWith("zh") ?? false;
}

/** The error in Chinese: what the code means, then each field's problem (or the service's detail). */
function chineseMessage(e: DomainError): string {
  const meaning = errorsZh[e.code as ErrorCode];
  if (e.validationIssues?.length) return `${meaning ?? "输入有误"}：${issuesText(e.validationIssues as never, "zh-CN")}`;
  return meaning ? `${meaning}。${e.message}` : e.message;
}
