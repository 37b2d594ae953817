import { defineRecordType } from "../../core/items/define";
import { choice, date, text } from "../../core/items/fields";
import { renameOrganisationIn } from "../../core/organisation/service";

/** How far the organisation is in implementing the standard (the stage it is assessed at). */
export const STAGES = [
  { value: "start-up", label: { zh: "启动阶段", en: "Start-up" } },
  { value: "pilot", label: { zh: "试点阶段", en: "Pilot" } },
  { value: "demonstration", label: { zh: "示范阶段", en: "Demonstration" } },
] as const;

export const SIZES = [
  { value: "micro", label: { zh: "微型企业", en: "Micro" } },
  { value: "small", label: { zh: "小型企业", en: "Small" } },
  { value: "medium", label: { zh: "中型企业", en: "Medium" } },
  { value: "large", label: { zh: "大型企业", en: "Large" } },
] as const;

/**
 * The organisation's profile (4.1): its name, industry, size and stage. Adopting a profile names
 * the organisation: later signer certificates, the package seal, PDFs and packages carry the new
 * name (certificates issued before keep the old one, and what they signed still verifies). Each
 * adopted profile is kept as a record, so the organisation's history is evidence too.
 */
export const organisationProfile = defineRecordType({
  id: "organisation.profile",
  numberPrefix: "ORG",
  title: { zh: "组织概况", en: "Organisation profile" },
  description: { zh: "组织名称、行业、规模与贯标阶段", en: "The organisation's name, industry, size and stage" },
  clauses: ["4.1"],
  fields: {
    name: text({ zh: "组织名称", en: "Name" }, { maxLength: 200 }),
    nameEn: text({ zh: "英文名称", en: "Name in English" }, { maxLength: 200 }).optional(),
    industry: text({ zh: "所属行业", en: "Industry" }, { maxLength: 100 }),
    size: choice(SIZES, { zh: "企业规模", en: "Size" }),
    stage: choice(STAGES, { zh: "贯标阶段", en: "Stage" }),
    effectiveOn: date({ zh: "生效日期", en: "Effective on" }),
  },
  describe: (m) => ({ title: m.name, date: m.effectiveOn, searchText: [m.nameEn, m.industry] }),
  classification: "internal",
  retention: { code: "ORG-PROFILE", period: "permanent", disposition: "permanent" },
  permissions: { create: ["admin", "ip-manager"] },
  columns: ["industry", "size", "stage", "effectiveOn"],
  workflow: {
    initial: "draft",
    states: { draft: { zh: "草稿", en: "Draft" }, adopted: { zh: "已采用", en: "Adopted" } },
    final: ["adopted"],
    transitions: [
      {
        action: "adopt",
        label: { zh: "采用（更新组织名称）", en: "Adopt (renames the organisation)" },
        from: "draft",
        to: "adopted",
        roles: ["admin"],
        effect: async (t, item) => {
          await renameOrganisationIn(t, { name: item.data.name, nameEn: item.data.nameEn ?? null });
        },
      },
    ],
  },
});
