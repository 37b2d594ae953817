import { createMiddleware } from "hono/factory";
import { DomainError } from "../core/errors";
import type { AppEnv } from "./env";

/**
 * Text that is not well-formed Unicode is refused at the edge, before any service sees it. JSON
 * can spell half of a surrogate pair ("\udfff"); PostgreSQL refuses it in jsonb (22P02) and the
 * drivers silently turn it into U+FFFD in text. Forms and query strings can carry the same as
 * percent-encoded bytes that are not UTF-8 (%ED%BF%BF), which would otherwise be replaced or kept
 * as literal escapes. Multipart fields are decoded by busboy, which never yields a lone surrogate.
 */

/** An unpaired UTF-16 surrogate: a high one not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** True when `text` is well-formed UTF-16, i.e. every surrogate has its pair. */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Where in a parsed JSON value the first broken string is: its path (`signers.0.name`) and whether
 * the key itself is broken; null when every key and string is well-formed. Walks without recursion,
 * so a deeply nested body cannot exhaust the stack.
 */
export function findBrokenJsonText(value: unknown): { path: string; inKey: boolean } | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === "string") {
      if (!isWellFormedText(v)) return { path: path.join("."), inKey: false };
    } else if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ value: item, path: [...path, String(i)] }));
    } else if (v !== null && typeof v === "object") {
      for (const [key, item] of Object.entries(v)) {
        if (!isWellFormedText(key)) return { path: path.join("."), inKey: true };
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return null;
}

/** True when every run of %XX escapes in `text` decodes to UTF-8 (raw characters are already text). */
function escapesAreUtf8(text: string): boolean {
  for (const run of text.match(/(?:%[0-9a-fA-F]{2})+/g) ?? []) {
    const bytes = Uint8Array.from(run.slice(1).split("%"), (hex) => parseInt(hex, 16));
    try {
      strictUtf8.decode(bytes);
    } catch {
      return false;
    }
  }
  return true;
}

/** A field name for a message: decoded when it can be, as sent otherwise. */
function readableName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/** The name of the first field of an `application/x-www-form-urlencoded` string that is not UTF-8 text, or null. */
export function findBrokenUrlencoded(encoded: string): string | null {
  for (const pair of encoded.split("&")) {
    if (pair === "" || escapesAreUtf8(pair)) continue;
    return readableName(pair.split("=", 1)[0]!);
  }
  return null;
}

function brokenTextError(where: string, field: string): DomainError {
  return new DomainError(
    "VALIDATION_FAILED",
    `${where} contains a broken character (bytes that are not UTF-8, or half of a UTF-16 surrogate pair such as \\udfff), which cannot be stored. Send valid Unicode text.`,
    { field },
  );
}

function mediaTypeOf(c: { req: { header(name: string): string | undefined } }): string {
  return (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/**
 * Refuses a query string or an urlencoded form body that is not UTF-8 text (VALIDATION_FAILED,
 * naming the field). Runs for every request; the form body read here stays cached for the routes.
 */
export const wellFormedQueryAndForm = createMiddleware<AppEnv>(async (c, next) => {
  const url = c.req.url;
  const query = url.indexOf("?");
  if (query >= 0) {
    const field = findBrokenUrlencoded(url.slice(query + 1).split("#", 1)[0]!);
    if (field !== null) throw brokenTextError(`The query parameter “${field}”`, field);
  }
  if (mediaTypeOf(c) === "application/x-www-form-urlencoded") {
    let text: string;
    try {
      text = strictUtf8.decode(await c.req.arrayBuffer());
    } catch {
      throw brokenTextError("The form", "");
    }
    const field = findBrokenUrlencoded(text);
    if (field !== null) throw brokenTextError(`The form field “${field}”`, field);
  }
  return next();
});

/**
 * Refuses a JSON body that is not UTF-8, or whose keys or strings hold a lone surrogate
 * (VALIDATION_FAILED naming the field). Malformed JSON is left to the validator (MALFORMED_JSON).
 * Used on the API routes that declare a JSON body, so files uploaded as application/json are not
 * judged as input.
 */
export const wellFormedJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  if (!/^application\/([\w.-]+\+)?json$/.test(mediaTypeOf(c))) return next();
  let text: string;
  try {
    text = strictUtf8.decode(await c.req.arrayBuffer());
  } catch {
    throw brokenTextError("The request body", "");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return next();
  }
  const broken = findBrokenJsonText(parsed);
  if (broken) {
    const where = broken.inKey
      ? `A field name${broken.path ? ` inside “${broken.path}”` : ""}`
      : broken.path
        ? `The value of “${broken.path}”`
        : "The request body";
    throw brokenTextError(where, broken.path);
  }
  return next();
});
