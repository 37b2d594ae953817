import { formatFieldValue, formatTableValue, type TextLanguage } from "./format-value";
import { fillPlaceholders } from "./placeholders";
import type { DocumentTemplate, LocalizedText, SignatureLine } from "./schema";
import { validateTemplateValues } from "./values";

/** The organisation a document is issued by. */
export interface TemplateOrganisation {
  /** Registered Chinese name, e.g. 北京示例科技有限公司. */
  name: string;
  /** English name; the Chinese name is used where it is missing. */
  nameEn?: string | null;
}

/** A template with every placeholder replaced: what both renderers draw. */
export interface FilledDocument {
  template: DocumentTemplate;
  /** Names as shown; `nameEn` is the Chinese name when no English name was given. */
  organisation: { name: string; nameEn: string };
  /** "模板 ip-declaration 第1版 · 条款 7.3.2.4". */
  headerLine: string;
  fieldRows: { label: LocalizedText; value: string }[];
  sections: { heading: LocalizedText; paragraphs: LocalizedText[] }[];
  signatureLines: (SignatureLine & { signerName: string })[];
}

// A value ending a sentence inside the template would otherwise read "……。。".
const TRAILING_PUNCTUATION = /[。．.；;，,、\s]+$/u;

/** "模板 <id> 第<revision>版 · 条款 <clause>", the line at the top of every page. */
export function templateHeaderLine(template: DocumentTemplate): string {
  return `模板 ${template.id} 第${template.revision}版 · 条款 ${template.clause}`;
}

/**
 * Validates `values` and fills the template's text with them and the organisation's
 * names: dates read 2025年3月1日 in Chinese and 1 March 2025 in English, numbers carry
 * thousands separators, and optional fields left empty read 无 / none.
 *
 * @throws DomainError `VALIDATION_FAILED` as {@link validateTemplateValues} does.
 */
export function fillTemplate(template: DocumentTemplate, values: Record<string, unknown>, organisation: TemplateOrganisation): FilledDocument {
  const clean = validateTemplateValues(template, values);
  const org = { name: organisation.name.trim(), nameEn: (organisation.nameEn ?? "").trim() || organisation.name.trim() };
  const fields = new Map(template.fields.map((f) => [f.name, f]));

  const valueOf = (language: TextLanguage) => (name: string): string => {
    if (name === "organisation.name") return language === "en" ? org.nameEn : org.name;
    if (name === "organisation.nameEn") return language === "zh" ? org.name : org.nameEn;
    const field = fields.get(name)!;
    return formatFieldValue(field, clean[name], language).replace(TRAILING_PUNCTUATION, "");
  };
  const fill = (text: LocalizedText): LocalizedText => ({ zh: fillPlaceholders(text.zh, valueOf("zh")), en: fillPlaceholders(text.en, valueOf("en")) });

  const employeeName = typeof clean.employeeName === "string" ? clean.employeeName : "";
  return {
    template,
    organisation: org,
    headerLine: templateHeaderLine(template),
    fieldRows: template.fields.map((f) => ({ label: f.label, value: formatTableValue(f, clean[f.name]) })),
    sections: template.body.map((s) => ({ heading: fill(s.heading), paragraphs: s.paragraphs.map(fill) })),
    signatureLines: template.signatureLines.map((l) => ({ ...l, signerName: l.role === "company" ? org.name : employeeName })),
  };
}
