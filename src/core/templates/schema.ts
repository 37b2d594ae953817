import { z } from "zod";

/**
 * The shape of a template file (`templates/<id>/<revision>.json`). A template is data:
 * bilingual text with `{{field}}` placeholders, the fields it declares, and where its
 * signers sign. Chinese is the authoritative text; English is a translation.
 */

const nonEmpty = z.string().trim().min(1);

/** Text in both languages; Chinese first and authoritative. */
export const localizedTextSchema = z.strictObject({ zh: nonEmpty, en: nonEmpty });

/** One input the person preparing the document fills in. */
export const templateFieldSchema = z.strictObject({
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, "field names are camelCase"),
  label: localizedTextSchema,
  type: z.enum(["text", "date", "idNumber", "number", "textarea"]),
  required: z.boolean(),
  /** Longest accepted value, in characters (text and textarea). */
  maxLength: z.number().int().positive().optional(),
  /** Smallest and largest accepted value (number). */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Only whole numbers (number). */
  integer: z.boolean().optional(),
  /** Name of another date field this date may not precede (date). */
  notBefore: z.string().optional(),
});

/** One numbered section of the document body. */
export const templateSectionSchema = z.strictObject({
  heading: localizedTextSchema,
  paragraphs: z.array(localizedTextSchema).min(1),
});

/**
 * Where a signer signs, in signing order: the first line's signer receives the lowest
 * stamp, the next one the stamp above it.
 */
export const signatureLineSchema = z.strictObject({
  role: z.enum(["employee", "company"]),
  label: localizedTextSchema,
});

/** A whole template revision as stored in its JSON file. */
export const documentTemplateSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, "template ids are kebab-case"),
  revision: z.string().regex(/^[1-9]\d*(\.\d+)*$/, "revisions are numbers such as 1, 2 or 2.1"),
  effectiveFrom: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "effectiveFrom is YYYY-MM-DD"),
  clause: z.string().regex(/^\d+(\.\d+)*$/, "clause numbers look like 7.3.2.4"),
  title: localizedTextSchema,
  fields: z.array(templateFieldSchema).min(1),
  body: z.array(templateSectionSchema).min(1),
  signatureLines: z.array(signatureLineSchema).min(1).max(3),
});

/** Text in Chinese (authoritative) and English. */
export type LocalizedText = z.infer<typeof localizedTextSchema>;
/** A declared input of a template. */
export type TemplateField = z.infer<typeof templateFieldSchema>;
/** The kinds of value a field holds. */
export type TemplateFieldType = TemplateField["type"];
/** A section of a template body. */
export type TemplateSection = z.infer<typeof templateSectionSchema>;
/** A signature line of a template. */
export type SignatureLine = z.infer<typeof signatureLineSchema>;
/** One revision of a document template, validated. */
export type DocumentTemplate = z.infer<typeof documentTemplateSchema>;
