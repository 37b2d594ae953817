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
  /**
   * A read: someone looked at or took a copy of the object (viewed, opened, downloaded, searched),
   * nothing changed. Histories hide reads unless asked to show them.
   */
  readonly read?: boolean;
  /** Names for people of the fields its before/after data carries, where they are not common ones. */
  readonly fields?: Readonly<Record<string, Label>>;
}

/** What a declaration may add to an event type besides its action, object, label and data. */
export interface AuditEventOptions {
  /** See {@link AuditEventType.read}. */
  read?: boolean;
  /** See {@link AuditEventType.fields}. */
  fields?: Readonly<Record<string, Label>>;
}

/** Declares an event type (see {@link AuditEventType}). */
export function auditEvent<S extends z.ZodType>(
  action: string,
  objectType: string | readonly [string, ...string[]],
  label: Label,
  data: S,
  options: AuditEventOptions = {},
): AuditEventType<z.input<S>> {
  const [first, ...rest] = typeof objectType === "string" ? [objectType] : objectType;
  return { action, objectType: first!, alsoOn: rest, label, data: data as unknown as z.ZodType<z.input<S>>, ...options };
}

/** Declares a read (see {@link AuditEventType.read}): the same as {@link auditEvent} with `read: true`. */
export function readEvent<S extends z.ZodType>(action: string, objectType: string | readonly [string, ...string[]], label: Label, data: S): AuditEventType<z.input<S>> {
  return auditEvent(action, objectType, label, data, { read: true });
}

/** The fields most events repeat. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);
export const Reason = z.object({ reason: z.string() });
/** Before/after of what a change touched, by field name (any plain object: a row, a patch …). */
export const Changes = z.custom<object>((v) => typeof v === "object" && v !== null && !Array.isArray(v), { message: "expected an object of fields" });
/** Data whose shape is fixed by the caller's own schema elsewhere (e.g. a query). */
export const Anything = z.unknown();
