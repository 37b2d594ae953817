import { z } from "zod";

/** A name in both languages the UI speaks. */
export interface Label {
  zh: string;
  en: string;
}

/**
 * A kind of audit event: what happened (`action`, e.g. `record.declared`), to which type of object
 * (`objectType`, which must have an access policy), a label for people, and the shape of the data
 * it carries. Areas and modules declare their events once and register them; the audit trail
 * refuses an event whose type is not registered or whose data does not fit its schema.
 */
export interface AuditEventType<D = unknown> {
  readonly action: string;
  readonly objectType: string;
  /** Other object types the event may name (e.g. a retention event names the person, contract, case or document). */
  readonly alsoOn?: readonly string[];
  readonly label: Label;
  readonly data: z.ZodType<D>;
}

/** Declares an event type (see {@link AuditEventType}). */
export function auditEvent<S extends z.ZodType>(
  action: string,
  objectType: string | readonly [string, ...string[]],
  label: Label,
  data: S,
): AuditEventType<z.input<S>> {
  const [first, ...rest] = typeof objectType === "string" ? [objectType] : objectType;
  return { action, objectType: first!, alsoOn: rest, label, data: data as unknown as z.ZodType<z.input<S>> };
}

/** The fields most events repeat. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
export const Reason = z.object({ reason: z.string() });
/** Before/after of what a change touched, by field name (any plain object: a row, a patch …). */
export const Changes = z.custom<object>((v) => typeof v === "object" && v !== null && !Array.isArray(v), { message: "expected an object of fields" });
/** Data whose shape is fixed by the caller's own schema elsewhere (e.g. a query). */
export const Anything = z.unknown();
