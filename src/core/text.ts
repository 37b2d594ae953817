import { z } from "@hono/zod-openapi";
import { DomainError } from "./errors";

/**
 * Unicode's invisible bidirectional formatting characters (the Bidi_Control property): the Arabic
 * letter mark U+061C, the marks U+200E–U+200F, the embeddings and overrides U+202A–U+202E and the
 * isolates U+2066–U+2069. In a name or title they make text display as something it is not: the
 * file name "\u202Efdp.exe" shows as "exe.pdf".
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** The code points of the bidirectional controls in `value` ("U+202E, U+2066"), or null when there are none. */
export function bidiControlsIn(value: string): string | null {
  const found = [...new Set(value.match(BIDI_CONTROLS) ?? [])];
  return found.length ? found.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`).join(", ") : null;
}

/** Why such a value is refused, for the person who sent it. */
export function bidiMessage(controls: string): string {
  return `contains ${controls}, an invisible character that changes the direction of the text (so a name such as “exe.pdf” can really be “fdp.exe”); remove it`;
}

/** Refuses a value that contains bidirectional controls (see {@link bidiControlsIn}). */
export function withoutBidiControls<T extends z.ZodType<string | undefined>>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    const controls = typeof value === "string" ? bidiControlsIn(value) : null;
    if (controls) ctx.addIssue({ code: "custom", message: bidiMessage(controls) });
  }) as unknown as T;
}

/**
 * A required line of text (a title, a name, a reason): trimmed, not empty, at most `max`
 * characters, without bidirectional controls. The schemas of every area use this one.
 */
export const text = (max: number) => withoutBidiControls(z.string().trim().min(1, "must not be empty").max(max));

/** An optional line of text: trimmed, at most `max` characters, without bidirectional controls. */
export const optionalText = (max: number) => withoutBidiControls(z.string().trim().max(max));

/** A file name as given with an upload: no control characters, no slashes, no bidirectional controls. */
export const fileName = () =>
  withoutBidiControls(
    z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[^\x00-\x1f\x7f/\\]+$/, "must not contain control characters or slashes"),
  );

/**
 * The same refusal where no schema applies (a file name from a browser form, a row of an import):
 * VALIDATION_FAILED naming the field.
 */
export function assertNoBidiControls(field: string, value: string): void {
  const controls = bidiControlsIn(value);
  if (controls) throw new DomainError("VALIDATION_FAILED", `${field}: ${bidiMessage(controls)}.`, { field });
}
