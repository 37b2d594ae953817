import { z } from "zod";
import type { Label } from "../audit/events";
import type { Role } from "../auth/permissions";

/** How a field is shown and entered on the generated pages. */
export type Widget = "text" | "textarea" | "date" | "number" | "select" | "person" | "people" | "department" | "checkbox" | "list";

/**
 * One field of a record type: its schema (what the API and the forms accept, and what the
 * metadata must satisfy), its bilingual label and how it is entered. Build fields with the helpers
 * below; `.optional()` makes one optional, `.indexed()` keeps it in an index for queries.
 */
export class Field<T = unknown> {
  constructor(
    readonly schema: z.ZodType<T>,
    readonly label: Label,
    readonly widget: Widget,
    readonly options: {
      required: boolean;
      indexed?: boolean;
      help?: Label;
      choices?: readonly { value: string; label: Label }[];
      /** For person fields: the roles the person must hold (e.g. only top managers approve). */
      roles?: readonly Role[];
      maxLength?: number;
      /** For lists (child collections): the fields of one row. */
      row?: Record<string, Field<any>>;
      /** Set only by a transition's `compute` from live data: nobody enters it (not on create, edit or any action's inputs). */
      computed?: boolean;
    },
  ) {}

  /** The same field, not required. */
  optional(): Field<T | undefined> {
    return new Field(this.schema.optional() as z.ZodType<T | undefined>, this.label, this.widget, { ...this.options, required: false });
  }

  /** The same field, kept in the item's value index (queries by it read an index). */
  indexed(): Field<T> {
    return new Field(this.schema, this.label, this.widget, { ...this.options, indexed: true });
  }

  /**
   * The same field, optional and computed: a transition's `compute` fills it from live data (a
   * management review's inputs compiled from the objectives and open corrective actions), and no
   * one may enter or edit it.
   */
  computed(): Field<T | undefined> {
    return new Field(this.schema.optional() as z.ZodType<T | undefined>, this.label, this.widget, { ...this.options, required: false, computed: true });
  }

  /** The same field with a help text under it. */
  withHelp(help: Label): Field<T> {
    return new Field(this.schema, this.label, this.widget, { ...this.options, help });
  }
}

// bidirectional-text controls would let a title show as something else than it is
const NO_BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
const cleanText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, "required")
    .max(max)
    .refine((v) => !NO_BIDI.test(v), "direction-control characters are not allowed");

/** One line of text. */
export function text(label: Label, opts: { maxLength?: number; help?: Label } = {}): Field<string> {
  const max = opts.maxLength ?? 300;
  return new Field(cleanText(max), label, "text", { required: true, maxLength: max, help: opts.help });
}

/** Several lines of text. */
export function longText(label: Label, opts: { maxLength?: number; help?: Label } = {}): Field<string> {
  const max = opts.maxLength ?? 8000;
  return new Field(cleanText(max), label, "textarea", { required: true, maxLength: max, help: opts.help });
}

/** A date (YYYY-MM-DD). */
export function date(label: Label, opts: { help?: Label } = {}): Field<string> {
  return new Field(z.iso.date(), label, "date", { required: true, help: opts.help });
}

/** A number (amounts may be written with thousands separators: "1,200,000"). */
export function number(label: Label, opts: { min?: number; max?: number; integer?: boolean; help?: Label } = {}): Field<number> {
  let n = z.number();
  if (opts.integer) n = n.int();
  if (opts.min !== undefined) n = n.min(opts.min);
  if (opts.max !== undefined) n = n.max(opts.max);
  const schema = z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v.replace(/[,，\s]/g, "")) : v), n) as unknown as z.ZodType<number>;
  return new Field(schema, label, "number", { required: true, help: opts.help });
}

/** One of fixed values, each with a bilingual name. */
export function choice<const V extends string>(choices: readonly { value: V; label: Label }[], label: Label, opts: { help?: Label } = {}): Field<V> {
  const values = choices.map((c) => c.value) as [V, ...V[]];
  return new Field(z.enum(values) as unknown as z.ZodType<V>, label, "select", { required: true, choices, help: opts.help });
}

/** A person (a user id), optionally one who holds one of `roles`. */
export function person(label: Label, opts: { roles?: readonly Role[]; help?: Label } = {}): Field<string> {
  return new Field(z.string().min(1).max(100), label, "person", { required: true, roles: opts.roles, help: opts.help });
}

/** Several people. */
export function people(label: Label, opts: { roles?: readonly Role[]; help?: Label } = {}): Field<string[]> {
  return new Field(z.array(z.string().min(1).max(100)).max(200), label, "people", { required: true, roles: opts.roles, help: opts.help });
}

/** A department (its id). */
export function department(label: Label, opts: { help?: Label } = {}): Field<string> {
  return new Field(z.string().min(1).max(100), label, "department", { required: true, help: opts.help });
}

/** Yes or no. */
export function yesNo(label: Label, opts: { help?: Label } = {}): Field<boolean> {
  return new Field(z.boolean(), label, "checkbox", { required: true, help: opts.help });
}

/** A child collection: rows of the given fields (e.g. the checklist lines of an audit, the annuities of a patent). */
export function list<R extends Record<string, Field<any>>>(row: R, label: Label, opts: { max?: number; help?: Label } = {}): Field<RowOf<R>[]> {
  const schema = z.array(objectOf(row)).max(opts.max ?? 500) as unknown as z.ZodType<RowOf<R>[]>;
  return new Field(schema, label, "list", { required: true, row, help: opts.help });
}

/** The value type of a set of fields. */
export type RowOf<F extends Record<string, Field<any>>> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

/** A zod object of fields (strict: a field the type does not declare is refused). */
export function objectOf(fields: Record<string, Field<any>>): z.ZodType<Record<string, unknown>> {
  return z.strictObject(Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.schema]))) as unknown as z.ZodType<Record<string, unknown>>;
}
