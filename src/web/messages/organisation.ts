/** UI text of the organisation settings (its name, set at first run). */
export const zh = {
  nav_organisation: "组织",
  org_title: "组织名称",
  org_firstRun: "首次使用：请先填写本组织的名称。签名证书、PDF 文件和审核包都将使用这一名称。",
  org_current: "当前名称",
  org_unnamed: "尚未设置（暂用默认名称）",
  org_name: "组织名称（中文）",
  org_nameEn: "英文名称（可选）",
  org_save: "保存",
  org_saved: "组织名称已保存。此后签发的证书和生成的文件将使用新名称；此前的签名仍然有效。",
  org_profileHint: "行业、规模与贯标阶段等组织概况可在“方针与目标”模块中登记。",
} as const;

export const en: Record<keyof typeof zh, string> = {
  nav_organisation: "Organisation",
  org_title: "Organisation name",
  org_firstRun: "First run: name your organisation. Signer certificates, PDFs and audit packages carry this name.",
  org_current: "Current name",
  org_unnamed: "Not set yet (the default name is used)",
  org_name: "Name (Chinese)",
  org_nameEn: "Name in English (optional)",
  org_save: "Save",
  org_saved: "The organisation's name was saved. Certificates and files made from now on carry it; earlier signatures still verify.",
  org_profileHint: "Industry, size and stage are recorded as the organisation profile in the Policy and objectives module.",
};
