import { DomainError } from "../errors";
import { residentIdProblem } from "./resident-id";
import type { DocumentTemplate, TemplateField } from "./schema";

/** A clean field value: text, a YYYY-MM-DD date, an upper-case ID number, or a number. */
export type TemplateValue = string | number;

/** Validated values by field name; optional fields left empty are absent. */
export type TemplateValues = Readonly<Record<string, TemplateValue>>;

/** One refused value, named by its field. */
export interface TemplateValueIssue {
  path: string;
  message: string;
}

/** Longest text accepted when a field declares no `maxLength`. */
const DEFAULT_MAX_LENGTH = { text: 200, textarea: 4000 } as const;

// Control characters other than tab and line feed; line feeds only in textareas.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

function isoDateProblem(value: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return "must be a date written YYYY-MM-DD";
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return "is not a real calendar date";
  return undefined;
}

function cleanText(field: TemplateField, raw: string): { value?: string; problem?: string } {
  const value = field.type === "textarea" ? raw.replace(/\r\n?/g, "\n").replace(/[ \t]+$/gm, "").trim() : raw.trim();
  if (CONTROL.test(value)) return { problem: "contains control characters" };
  if (field.type !== "textarea" && value.includes("\n")) return { problem: "must be a single line" };
  const limit = field.maxLength ?? DEFAULT_MAX_LENGTH[field.type === "textarea" ? "textarea" : "text"];
  if ([...value].length > limit) return { problem: `must be at most ${limit} characters` };
  return { value };
}

function cleanNumber(field: TemplateField, raw: unknown): { value?: number; problem?: string } {
  const value = typeof raw === "number" ? raw : typeof raw === "string" && /^-?\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(value)) return { problem: "must be a number" };
  if (field.integer && !Number.isInteger(value)) return { problem: "must be a whole number" };
  if (Math.abs(Math.round(value * 100) - value * 100) > 1e-6) return { problem: "may have at most two decimal places" };
  if (field.min !== undefined && value < field.min) return { problem: `must be at least ${field.min}` };
  if (field.max !== undefined && value > field.max) return { problem: `must be at most ${field.max}` };
  return { value };
}

function cleanValue(field: TemplateField, raw: unknown): { value?: TemplateValue; problem?: string } {
  if (field.type === "number") return cleanNumber(field, raw);
  if (typeof raw !== "string") return { problem: "must be text" };
  const text = cleanText(field, raw);
  if (text.problem || !text.value) return text;
  if (field.type === "date") {
    const problem = isoDateProblem(text.value);
    return problem ? { problem } : text;
  }
  if (field.type === "idNumber") {
    const id = text.value.toUpperCase();
    const problem = residentIdProblem(id);
    return problem ? { problem } : { value: id };
  }
  return text;
}

function isEmpty(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "");
}

function describe(field: TemplateField): string {
  return `${field.label.zh} (${field.label.en})`;
}

/**
 * Checks `values` against the fields `template` declares and returns them clean: text
 * trimmed, ID numbers upper-case, numbers as numbers, empty optional fields left out.
 *
 * @throws DomainError `VALIDATION_FAILED` with `details.issues` = `[{ path, message }]`,
 *   one per refused field: missing required fields, malformed or impossible dates, resident
 *   ID numbers with a wrong format, region, birth date or check character, text that is too
 *   long or multi-line where one line is expected, numbers out of range, and fields the
 *   template does not declare.
 */
export function validateTemplateValues(template: DocumentTemplate, values: Record<string, unknown>): TemplateValues {
  const issues: TemplateValueIssue[] = [];
  const clean: Record<string, TemplateValue> = {};
  const declared = new Map(template.fields.map((f) => [f.name, f]));

  for (const name of Object.keys(values)) {
    if (!declared.has(name)) issues.push({ path: name, message: `"${name}" is not a field of template ${template.id} revision ${template.revision}.` });
  }
  for (const field of template.fields) {
    const raw = values[field.name];
    if (isEmpty(raw)) {
      if (field.required) issues.push({ path: field.name, message: `${describe(field)} is required.` });
      continue;
    }
    const { value, problem } = cleanValue(field, raw);
    if (problem) issues.push({ path: field.name, message: `${describe(field)} ${problem}.` });
    else if (value !== undefined && value !== "") clean[field.name] = value;
    else if (field.required) issues.push({ path: field.name, message: `${describe(field)} is required.` });
  }
  for (const field of template.fields) {
    const earliest = field.notBefore ? clean[field.notBefore] : undefined;
    const value = clean[field.name];
    if (typeof earliest === "string" && typeof value === "string" && value < earliest) {
      const other = declared.get(field.notBefore!)!;
      issues.push({ path: field.name, message: `${describe(field)} may not be before ${describe(other)}.` });
    }
  }

  if (issues.length > 0) {
    const names = [...new Set(issues.map((i) => i.path))].join(", ");
    throw new DomainError("VALIDATION_FAILED", `The values for template ${template.id} are not valid: ${names}.`, { issues });
  }
  return Object.freeze(clean);
}
