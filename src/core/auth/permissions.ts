/** The roles a user can hold (issue: platform foundation). */
export const ROLES = ["admin", "top-manager", "ip-manager", "ip-staff", "legal", "employee", "auditor"] as const;
export type Role = (typeof ROLES)[number];

/** The five classification (secrecy) levels, lowest first. */
export const CLASSIFICATIONS = ["public", "internal", "secret", "confidential", "top-secret"] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const classificationLabels: Record<Classification, { zh: string; en: string }> = {
  public: { zh: "公开", en: "Public" },
  internal: { zh: "内部", en: "Internal" },
  secret: { zh: "秘密", en: "Secret" },
  confidential: { zh: "机密", en: "Confidential" },
  "top-secret": { zh: "绝密", en: "Top secret" },
};

export const roleLabels: Record<Role, { zh: string; en: string }> = {
  admin: { zh: "系统管理员", en: "Administrator" },
  "top-manager": { zh: "最高管理者", en: "Top manager" },
  "ip-manager": { zh: "知识产权管理者", en: "IP manager" },
  "ip-staff": { zh: "知识产权专员", en: "IP staff" },
  legal: { zh: "法务", en: "Legal" },
  employee: { zh: "员工", en: "Employee" },
  auditor: { zh: "审核员", en: "Auditor" },
};

/** Rank of a level: public 0 … top-secret 4. */
export function classificationRank(level: Classification): number {
  return CLASSIFICATIONS.indexOf(level);
}

/** The levels a clearance may see (its own and every lower one). */
export function visibleClassifications(clearance: Classification): Classification[] {
  return CLASSIFICATIONS.slice(0, classificationRank(clearance) + 1);
}

/** True if someone cleared to `clearance` may see something classified `level`. */
export function clearedFor(clearance: Classification, level: Classification): boolean {
  return classificationRank(clearance) >= classificationRank(level);
}

/** The signed-in person as every permission check sees them. */
export interface Principal {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  departmentId: string | null;
  clearance: Classification;
  locale: string;
  mustChangePassword: boolean;
}

export function hasRole(p: Pick<Principal, "roles">, ...roles: Role[]): boolean {
  return roles.some((r) => p.roles.includes(r));
}
