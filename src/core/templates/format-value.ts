import type { TemplateField } from "./schema";
import type { TemplateValue } from "./values";

/** The language a value is shown in. */
export type TextLanguage = "zh" | "en";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** What an optional field left empty reads as, inside a sentence. */
export const EMPTY_VALUE: Readonly<Record<TextLanguage, string>> = { zh: "无", en: "none" };

/** A number with thousands separators; whole numbers without decimals, others with two. */
export function formatNumber(value: number): string {
  const digits = Number.isInteger(value) ? 0 : 2;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true });
}

/** A YYYY-MM-DD date as written in running text: 2025年3月1日 / 1 March 2025. */
export function formatDate(isoDate: string, language: TextLanguage): string {
  const [year, month, day] = isoDate.split("-").map(Number) as [number, number, number];
  return language === "zh" ? `${year}年${month}月${day}日` : `${day} ${MONTHS[month - 1]} ${year}`;
}

/** A field's value as it reads inside a sentence of the given language. */
export function formatFieldValue(field: TemplateField, value: TemplateValue | undefined, language: TextLanguage): string {
  if (value === undefined) return EMPTY_VALUE[language];
  if (typeof value === "number") return formatNumber(value);
  if (field.type === "date") return formatDate(value, language);
  return value;
}

/** A field's value as shown in the field table, the same in both languages. */
export function formatTableValue(field: TemplateField, value: TemplateValue | undefined): string {
  if (value === undefined) return `${EMPTY_VALUE.zh} / None`;
  return typeof value === "number" ? formatNumber(value) : value;
}
