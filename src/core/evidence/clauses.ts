import { asc } from "drizzle-orm";
import type { Db } from "../../db/client";
import { clauses, type ClauseRow } from "../../db/schema/evidence";

type ClauseNumber = number[];

function parse(clause: string): ClauseNumber {
  return clause.split(".").map((n) => Number(n));
}

function compare(a: ClauseNumber, b: ClauseNumber): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** The first and last clause a registry row covers: "7.3.2.1–3" → 7.3.2.1 … 7.3.2.3, "5.2–5.5" → 5.2 … 5.5. */
export function rowRange(rowId: string): [ClauseNumber, ClauseNumber] {
  const [from, to] = rowId.split(/[–-]/);
  const start = parse(from!);
  if (!to) return [start, start];
  const endTail = parse(to);
  const end = endTail.length < start.length ? [...start.slice(0, start.length - endTail.length), ...endTail] : endTail;
  return [start, end];
}

/**
 * Whether `clause` (e.g. "7.3.2.4", "6.2", "12.3.1") falls under the registry row `rowId`: equal to
 * or a sub-clause of a clause in its range.
 */
export function clauseInRow(rowId: string, clause: string): boolean {
  const [start, end] = rowRange(rowId);
  const c = parse(clause);
  if (c.some(Number.isNaN) || c.length < start.length) return false;
  return compare(c.slice(0, start.length), start) >= 0 && compare(c.slice(0, end.length), end) <= 0;
}

/** The registry rows a clause number falls under. */
export function rowsOf(rowIds: string[], clause: string): string[] {
  return rowIds.filter((row) => clauseInRow(row, clause));
}

/** Every clause of the registry, in the standard's order. */
export async function listClauses(db: Db): Promise<ClauseRow[]> {
  return db.select().from(clauses).orderBy(asc(clauses.ordinal));
}

/** The top-level clause groups (4 … 13) with their Chinese names, for the coverage chart. */
export const CLAUSE_GROUPS: Record<string, { zh: string; en: string }> = {
  "4": { zh: "知识产权管理体系", en: "IP management system" },
  "5": { zh: "战略管理", en: "Strategy" },
  "6": { zh: "制度管理", en: "Regulations" },
  "7": { zh: "资源管理", en: "Resources" },
  "8": { zh: "风险管理", en: "Risk" },
  "9": { zh: "知识产权创造", en: "Creation" },
  "10": { zh: "知识产权保护", en: "Protection" },
  "11": { zh: "知识产权运用", en: "Exploitation" },
  "12": { zh: "体系评价", en: "Evaluation" },
  "13": { zh: "持续改进", en: "Improvement" },
};
