import type { Classification } from "../auth/permissions";

/** A kind of evidence, as its source registered it (document-revision, record, contract …). */
export type EvidenceKind = string;

/** A gap an auditor will ask about, under the clause row it concerns. */
export interface EvidenceGap {
  /** no-evidence, or what the source found (acknowledgement-missing, review-overdue, contract-without-ip-review …). */
  kind: string;
  message: string;
  count: number;
  refs: { type: string; id: string; label: string }[];
}

/** Points at one evidence item. */
export interface EvidenceRef {
  kind: EvidenceKind;
  id: string;
}

/** A stored file belonging to an evidence item, exactly as held (content-addressed). */
export interface EvidenceFile {
  /** What the file is for the item: "signed", "release", "source", "record", "final" … */
  role: string;
  sha256: string;
  size: number | null;
  filename: string;
  mediaType: string;
}

/**
 * One piece of evidence as search, the evidence matrix and the audit package see it, already
 * filtered by what the caller may see.
 */
export interface EvidenceItem {
  kind: EvidenceKind;
  id: string;
  /** A number people quote (document number, record code, contract number …) when there is one. */
  reference: string | null;
  title: string;
  /** The clauses of the standard this item evidences. */
  clauses: string[];
  classification: Classification;
  /** The date that places the item in a period (effective date, declaration date, signing date …), YYYY-MM-DD. */
  date: string;
  state: string;
  people: { id: string; displayName: string }[];
  departmentIds: string[];
  files: EvidenceFile[];
  /** Everything else worth showing or exporting about the item. */
  metadata: Record<string, unknown>;
  /** The audit-trail objects whose events belong with this item. */
  auditObjects: { type: string; id: string }[];
}

/** What to retrieve: chosen items, or everything for some clauses within a period. */
export interface EvidenceSelection {
  refs?: EvidenceRef[];
  clauses?: string[];
  /** YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
}
