import type { Db } from "../../db/client";
import type { ItemRow } from "../../db/schema/items";
import { departments } from "../../db/schema/organisation";
import { getOrganisationProfile } from "../organisation/service";
import { MEANINGS, type Meaning } from "../signatures/sign-pdf";
import { renderFilledPdf, type FilledDocument } from "../templates/index";
import { displayNames } from "../users/repo";
import type { RecordType } from "./define";
import type { Field } from "./fields";
import { inArray } from "drizzle-orm";

/** A field's value as a person reads it in the PDF (names for people and departments, labels for choices). */
function show(field: Field<any>, value: unknown, names: Map<string, string>): string {
  if (value === undefined || value === null || value === "") return "—";
  switch (field.widget) {
    case "select":
      return field.options.choices?.find((c) => c.value === value)?.label.zh ?? String(value);
    case "person":
    case "department":
      return names.get(String(value)) ?? String(value);
    case "people":
      return (value as string[]).map((v) => names.get(v) ?? v).join("、");
    case "checkbox":
      return value ? "是 Yes" : "否 No";
    case "number":
      return (value as number).toLocaleString("zh-CN");
    case "list": {
      const row = field.options.row ?? {};
      return (value as Record<string, unknown>[])
        .map((r, i) => `${i + 1}. ${Object.entries(row).map(([k, f]) => `${f.label.zh}：${show(f, r[k], names)}`).join("；")}`)
        .join("\n");
    }
    default:
      return String(value);
  }
}

/** The ids of people and departments a set of values names (to look their names up once). */
function namedIds(fields: Record<string, Field<any>>, data: Record<string, unknown>): { people: string[]; departments: string[] } {
  const people: string[] = [];
  const depts: string[] = [];
  for (const [k, f] of Object.entries(fields)) {
    const v = data[k];
    if (v === undefined || v === null) continue;
    if (f.widget === "person") people.push(String(v));
    if (f.widget === "people") people.push(...(v as string[]));
    if (f.widget === "department") depts.push(String(v));
    if (f.widget === "list" && f.options.row) {
      for (const row of v as Record<string, unknown>[]) {
        const inner = namedIds(f.options.row, row);
        people.push(...inner.people);
        depts.push(...inner.departments);
      }
    }
  }
  return { people, departments: depts };
}

/**
 * The item as a PDF: its type's title, number and state, every field with its label in both
 * languages (long texts as sections), and a signature area naming who signs and what their
 * signature means. Chinese is drawn with Noto Sans SC; the same item and date give the same bytes.
 */
export async function renderItemPdf(
  db: Db,
  type: RecordType<any>,
  item: Pick<ItemRow, "number" | "state" | "version" | "title">,
  data: Record<string, unknown>,
  options: { createdAt: Date; signers?: { name: string; meaning: Meaning }[] },
): Promise<Uint8Array> {
  const org = await getOrganisationProfile(db);
  const ids = namedIds(type.fields, data);
  const names = await displayNames(db, ids.people);
  if (ids.departments.length) {
    for (const d of await db.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, ids.departments))) names.set(d.id, d.name);
  }
  const stateLabel = type.workflow?.states[item.state];
  const entries = Object.entries(type.fields) as [string, Field<any>][];
  const short = entries.filter(([, f]) => f.widget !== "textarea" && f.widget !== "list");
  const long = entries.filter(([k, f]) => (f.widget === "textarea" || f.widget === "list") && data[k] !== undefined && data[k] !== null && data[k] !== "");
  const clause = type.clauses[0];
  const doc: FilledDocument = {
    template: {
      id: type.id.replace(/\./g, "-"),
      revision: String(item.version),
      effectiveFrom: options.createdAt.toISOString().slice(0, 10),
      clause,
      title: type.title,
      fields: [],
      body: [],
      signatureLines: [],
    },
    organisation: { name: org.name, nameEn: org.nameEn ?? org.name },
    headerLine: `${item.number} · ${type.title.zh} · 条款 ${type.clauses.join("、")} · 第 ${item.version} 版`,
    fieldRows: [
      { label: { zh: "编号", en: "Number" }, value: item.number },
      { label: { zh: "状态", en: "State" }, value: stateLabel ? `${stateLabel.zh} ${stateLabel.en}` : item.state },
      ...short.map(([k, f]) => ({ label: f.label, value: show(f, data[k], names) })),
    ],
    sections: long.map(([k, f]) => ({ heading: f.label, paragraphs: show(f, data[k], names).split("\n").map((line) => ({ zh: line, en: "" })) })),
    signatureLines: (options.signers ?? []).slice(0, 3).map((s) => ({
      role: "company" as const,
      label: { zh: MEANINGS[s.meaning].zh, en: MEANINGS[s.meaning].en },
      signerName: s.name,
    })),
  };
  return renderFilledPdf(doc, { createdAt: options.createdAt });
}
