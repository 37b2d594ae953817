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

/**
 * What an auditor may see while their grant runs: clause rows and document categories (empty =
 * all), a period, and a classification ceiling (never above their clearance).
 */
export interface AuditScope {
  grantId: string;
  clauseIds: string[];
  categoryIds: string[];
  periodFrom: string | null;
  periodTo: string | null;
  maxClassification: Classification;
  endsAt: Date;
  /** The document categories the grant reaches: those named, narrowed to those whose clauses it covers. */
  documentCategoryIds: string[];
  /** The record classes whose clause the grant covers (all of them when it names no clause). */
  recordClassIds: string[];
  /** Whether the grant covers contracts (clause 4.3.3). */
  coversContracts: boolean;
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
  /**
   * Set for people who hold the auditor role and no role of the IP management system itself: they
   * read evidence only through an active grant (null when they have none).
   */
  auditScope?: AuditScope | null;
}

/** Roles that see the management system's content in their own right (an auditor with one of them is not limited to grants). */
const CONTENT_ROLES: Role[] = ["admin", "top-manager", "ip-manager", "ip-staff", "legal"];

/** True for an auditor who holds none of the content roles: their reading is limited to their grant. */
export function isGrantBoundAuditor(p: Pick<Principal, "roles">): boolean {
  return p.roles.includes("auditor") && !p.roles.some((r) => CONTENT_ROLES.includes(r));
}

/** The classification levels `p` may read: their clearance, and for a grant-bound auditor also the grant's ceiling. */
export function readableClassifications(p: Pick<Principal, "clearance" | "auditScope">): Classification[] {
  const own = visibleClassifications(p.clearance);
  if (p.auditScope === undefined) return own;
  if (p.auditScope === null) return [];
  const ceiling = visibleClassifications(p.auditScope.maxClassification);
  return own.filter((c) => ceiling.includes(c));
}

export function hasRole(p: Pick<Principal, "roles">, ...roles: Role[]): boolean {
  return roles.some((r) => p.roles.includes(r));
}
