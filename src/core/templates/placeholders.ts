/**
 * `{{name}}` placeholders in template text: a declared field, `organisation.name` or
 * `organisation.nameEn`. In Chinese text both organisation placeholders read as the
 * Chinese name, in English text as the English name (the Chinese one when there is none).
 */

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)?)\s*\}\}/g;

/** Placeholders every template may use besides its own fields. */
export const ORGANISATION_PLACEHOLDERS = ["organisation.name", "organisation.nameEn"] as const;

/** Every placeholder name in `text`, in order of appearance. */
export function listPlaceholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** `text` with each placeholder replaced by `valueOf(name)`. */
export function fillPlaceholders(text: string, valueOf: (name: string) => string): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => valueOf(name));
}
