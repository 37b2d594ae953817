import { and, asc, desc, eq, ilike, inArray, lte, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { contractReviews, contracts, type ContractReviewRow, type ContractRow } from "../../db/schema/contracts";
import { users } from "../../db/schema/users";
import { rowsOf } from "../../db/sql";
import type { ContractQuery } from "./schemas";

export async function nextContractSeq(db: Db): Promise<number> {
  return Number(rowsOf<{ n: string | number }>(await db.execute(sql`select nextval('contract_number_seq') as n`))[0]!.n);
}

export async function insertContract(db: Db, row: ContractRow): Promise<void> {
  await db.insert(contracts).values(row);
}

export async function findContract(db: Db, id: string, forUpdate = false): Promise<ContractRow | undefined> {
  const q = db.select().from(contracts).where(eq(contracts.id, id)).limit(1);
  const [row] = forUpdate ? await q.for("update") : await q;
  return row;
}

export async function findContractByNumber(db: Db, number: string): Promise<ContractRow | undefined> {
  const [row] = await db.select().from(contracts).where(eq(contracts.number, number)).limit(1);
  return row;
}

export async function listContractNumbers(db: Db, numbers: string[]): Promise<Set<string>> {
  if (numbers.length === 0) return new Set();
  const rows = await db.select({ n: contracts.number }).from(contracts).where(inArray(contracts.number, numbers));
  return new Set(rows.map((r) => r.n));
}

export async function updateContract(db: Db, id: string, patch: Partial<ContractRow>): Promise<void> {
  await db.update(contracts).set(patch).where(eq(contracts.id, id));
}

/** One page of the register as the caller may see it, newest first, and how many entries match in all. */
export async function searchContracts(
  db: Db,
  q: Partial<ContractQuery>,
  visibility: SQL[],
): Promise<{ total: number; rows: (ContractRow & { ownerName: string })[] }> {
  const where: SQL[] = [...visibility];
  if (q.q) where.push(ilike(contracts.searchText, `%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`));
  if (q.type) where.push(eq(contracts.type, q.type));
  if (q.status) where.push(eq(contracts.status, q.status));
  const [total] = await db.select({ n: sql<number>`count(*)` }).from(contracts).where(and(...where));
  const rows = await db
    .select({ c: contracts, ownerName: users.displayName })
    .from(contracts)
    .innerJoin(users, eq(users.id, contracts.ownerId))
    .where(and(...where))
    .orderBy(desc(contracts.createdAt), desc(contracts.id))
    .limit(q.limit ?? 50)
    .offset(q.offset ?? 0);
  return { total: Number(total?.n ?? 0), rows: rows.map((r) => ({ ...r.c, ownerName: r.ownerName })) };
}

/** How many entries of the register the caller may see are in each status, over these classifications. */
export async function countContractsByStatus(db: Db, visibility: SQL[], classifications: string[]): Promise<Map<string, number>> {
  if (classifications.length === 0) return new Map();
  const rows = await db
    .select({ status: contracts.status, n: sql<number>`count(*)` })
    .from(contracts)
    .where(and(...visibility, inArray(contracts.classification, classifications)))
    .groupBy(contracts.status);
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

/** Signed contracts whose effective date has come, and contracts in force whose end date has passed. */
export async function listContractsToAdvance(db: Db, day: string) {
  return db
    .select()
    .from(contracts)
    .where(
      or(
        and(eq(contracts.status, "signed"), lte(contracts.effectiveOn, day)),
        and(eq(contracts.status, "in-force"), sql`${contracts.endOn} < ${day}`),
      ),
    );
}

export async function insertReview(db: Db, row: ContractReviewRow): Promise<void> {
  await db.insert(contractReviews).values(row);
}

export async function findReview(db: Db, id: string): Promise<ContractReviewRow | undefined> {
  const [row] = await db.select().from(contractReviews).where(eq(contractReviews.id, id)).limit(1);
  return row;
}

export async function updateReview(db: Db, id: string, patch: Partial<ContractReviewRow>): Promise<void> {
  await db.update(contractReviews).set(patch).where(eq(contractReviews.id, id));
}

export async function listReviews(db: Db, contractId: string): Promise<(ContractReviewRow & { reviewerName: string })[]> {
  const rows = await db
    .select({ r: contractReviews, name: users.displayName })
    .from(contractReviews)
    .innerJoin(users, eq(users.id, contractReviews.reviewerId))
    .where(eq(contractReviews.contractId, contractId))
    .orderBy(asc(contractReviews.createdAt));
  return rows.map((x) => ({ ...x.r, reviewerName: x.name }));
}
