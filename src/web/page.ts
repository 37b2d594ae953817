import { csrfKey } from "../core/auth/service";
import { csrfTokenFor } from "../core/auth/tokens";
import { DomainError, mapDatabaseError, validationError } from "../core/errors";
import type { Classification } from "../core/auth/permissions";
import { uploadFile } from "../core/files/service";
import { ctxOf, type AppContext } from "../http/env";
import { readMultipartForm, type FileHandling, type StagedFile, type StreamedForm } from "../http/multipart";
import type { PageContext } from "./layout";
import { translator, type Locale } from "./i18n";
import { errorsZh } from "./messages/errors";
import { fieldLabel, issuesText } from "./validation";

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
    search: new URL(c.req.url).search.slice(1),
    eventType: (action) => c.get("deps").registry.auditEvent(action),
    hasModules: c.get("deps").registry.recordTypes.length > 0,
  };
}

/**
 * Reads a posted form: urlencoded, or multipart with each file streamed into blob storage as it
 * arrives (at most CUSTOS_MAX_UPLOAD_MB; never held whole in memory). The CSRF field is left out.
 */
export async function readUploadForm(c: AppContext, handling: FileHandling = "store"): Promise<StreamedForm> {
  const type = c.req.header("content-type") ?? "";
  let form: StreamedForm;
  if (type.startsWith("multipart/form-data")) {
    const deps = c.get("deps");
    form = await readMultipartForm(c.req.raw, deps.storage, deps.config.maxUploadBytes, handling);
  } else {
    const body = await c.req.parseBody({ all: true });
    const values: Record<string, string | string[]> = {};
    for (const [key, value] of Object.entries(body)) {
      if (Array.isArray(value)) values[key] = value.filter((v): v is string => typeof v === "string");
      else if (typeof value === "string") values[key] = value;
    }
    form = { values, files: {} };
  }
  delete form.values._csrf;
  return form;
}

/** Reads a posted form as string fields (any file in it is read and dropped; forms with files use {@link readUploadForm}). */
export async function readForm(c: AppContext): Promise<Record<string, string | string[]>> {
  return (await readUploadForm(c, "discard")).values;
}

/**
 * A posted form with at most one file: its text fields (a repeated name gives its last value in
 * `values`, every value in `all`) and the file, already streamed into storage.
 */
export async function readFormWithFile(c: AppContext): Promise<{ values: Record<string, string>; all: Record<string, string[]>; file: StagedFile | null }> {
  const form = await readUploadForm(c);
  const values: Record<string, string> = {};
  const all: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(form.values)) {
    all[k] = Array.isArray(v) ? v : [v];
    values[k] = all[k].at(-1) ?? "";
  }
  return { values, all, file: Object.values(form.files)[0] ?? null };
}

/** The schema's reading of a form's values, or VALIDATION_FAILED naming the fields (shown on the form). */
export function parseForm<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error as never);
  return r.data;
}

/** Records a form's file as the caller's file (the same checks as the upload API), at the classification given. */
export async function storeFormFile(c: AppContext, file: StagedFile, classification: string | undefined, fallbackName: string) {
  return uploadFile(ctxOf(c), {
    body: await stagedBody(c, file),
    filename: file.filename || fallbackName,
    mediaType: file.mediaType,
    classification: (classification || "internal") as Classification,
  });
}

/** The stored bytes of a form's file, as a stream for a service that stores it as its own (storage keeps one copy). */
export async function stagedBody(c: AppContext, file: StagedFile): Promise<AsyncIterable<Uint8Array>> {
  return (await c.get("deps").storage.get(file.sha256)) as unknown as AsyncIterable<Uint8Array>;
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
  const zh = locale === "zh-CN" ? errorsZh[e.code] : undefined;
  if (e.validationIssues?.length) {
    const text = issuesText(e.validationIssues as never, locale);
    return zh ? `${zh}：${text}` : text;
  }
  const issues = e.details?.issues as { path: string; message: string }[] | undefined;
  const sep = locale === "en" ? ": " : "：";
  const detail = issues?.length ? issues.map((i) => (i.path ? `${fieldLabel(i.path, locale)}${sep}${i.message}` : i.message)).join("; ") : e.message;
  return zh ? `${zh}。${detail}` : detail;
}

/** The HTTP status of a failure shown inside a form. */
export function errorStatusOf(err: unknown): number {
  return asDomainError(err).status;
}

/** The signing-PIN form's fields: the login password for a first PIN, the current PIN for a change. */
export function pinInput(form: Record<string, string | string[]>): { pin: string; currentPin?: string; currentPassword?: string } {
  const currentPin = field(form, "currentPin");
  const currentPassword = field(form, "currentPassword");
  return { pin: field(form, "pin"), ...(currentPin ? { currentPin } : {}), ...(currentPassword ? { currentPassword } : {}) };
}
