import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client";
import { itemLinks, items, itemSequences, itemValues, itemVersions, type ItemLinkRow, type ItemRow, type ItemVersionRow } from "../../db/schema/items";
import { rowsOf } from "../../db/sql";

/** Takes the next number of a type in a year (the row lock serialises concurrent creators). */
export async function takeItemSeq(db: Db, type: string, year: number): Promise<number> {
  const rows = rowsOf<{ next: number }>(
    await db.execute(sql`
      insert into ${itemSequences} (type, year, next) values (${type}, ${year}, 2)
      on conflict (type, year) do update set next = ${itemSequences}.next + 1
      returning next - 1 as next`),
  );
  return Number(rows[0]!.next);
}

export async function insertItem(db: Db, row: ItemRow): Promise<void> {
  await db.insert(items).values(row);
}

export async function findItem(db: Db, id: string, forUpdate = false): Promise<ItemRow | undefined> {
  const q = db.select().from(items).where(eq(items.id, id)).limit(1);
  const [row] = forUpdate ? await q.for("update") : await q;
  return row;
}

export async function findItemBySignatureRequest(db: Db, requestId: string): Promise<ItemRow | undefined> {
  const [row] = await db.select().from(items).where(eq(items.signatureRequestId, requestId)).limit(1);
  return row;
}

export async function updateItem(db: Db, id: string, patch: Partial<ItemRow>): Promise<void> {
  await db.update(items).set(patch).where(eq(items.id, id));
}

export async function insertVersion(db: Db, row: ItemVersionRow): Promise<void> {
  await db.insert(itemVersions).values(row);
}

export async function listVersions(db: Db, itemId: string): Promise<ItemVersionRow[]> {
  return db.select().from(itemVersions).where(eq(itemVersions.itemId, itemId)).orderBy(asc(itemVersions.version));
}

/** Replaces the indexed values of an item (its indexed fields and child rows). */
export async function replaceValues(
  db: Db,
  itemId: string,
  type: string,
  values: { field: string; seq: number; textValue: string | null; dateValue: string | null; numValue: string | null }[],
): Promise<void> {
  await db.delete(itemValues).where(eq(itemValues.itemId, itemId));
  for (let i = 0; i < values.length; i += 1000) {
    await db.insert(itemValues).values(values.slice(i, i + 1000).map((v) => ({ ...v, itemId, type })));
  }
}

export interface ItemListQuery {
  where: SQL[];
  orderBy?: "newest" | "due" | "number";
  limit: number;
  offset: number;
}

/** A page of items and how many match (what `where` allows only). */
export async function listItems(db: Db, q: ItemListQuery): Promise<{ rows: ItemRow[]; total: number }> {
  const where = and(...q.where);
  const order = q.orderBy === "due" ? [sql`${items.dueOn} asc nulls last`, desc(items.itemDate)] : q.orderBy === "number" ? [asc(items.number)] : [desc(items.itemDate), desc(items.createdAt)];
  const rows = await db
    .select()
    .from(items)
    .where(where)
    .orderBy(...order)
    .limit(q.limit)
    .offset(q.offset);
  const [{ n }] = (await db.select({ n: sql<number>`count(*)::int` }).from(items).where(where)) as [{ n: number }];
  return { rows, total: Number(n) };
}

export async function findItemsByIds(db: Db, ids: string[]): Promise<ItemRow[]> {
  if (!ids.length) return [];
  return db.select().from(items).where(inArray(items.id, ids));
}

/** Inserts the link, or returns the one that already joins the same item, kind and target (`created: false`). */
export async function insertLink(db: Db, row: ItemLinkRow): Promise<{ row: ItemLinkRow; created: boolean }> {
  const [inserted] = await db.insert(itemLinks).values(row).onConflictDoNothing().returning();
  if (inserted) return { row: inserted, created: true };
  const [existing] = await db
    .select()
    .from(itemLinks)
    .where(and(eq(itemLinks.itemId, row.itemId), eq(itemLinks.kind, row.kind), eq(itemLinks.targetId, row.targetId)));
  return { row: existing!, created: false };
}

export async function deleteLink(db: Db, itemId: string, linkId: string): Promise<ItemLinkRow | undefined> {
  const [row] = await db.delete(itemLinks).where(and(eq(itemLinks.id, linkId), eq(itemLinks.itemId, itemId))).returning();
  return row;
}

export async function listLinksFrom(db: Db, itemId: string): Promise<ItemLinkRow[]> {
  return db.select().from(itemLinks).where(eq(itemLinks.itemId, itemId)).orderBy(asc(itemLinks.createdAt));
}

/** Links that other items hold to this one. */
export async function listLinksTo(db: Db, itemId: string): Promise<ItemLinkRow[]> {
  return db.select().from(itemLinks).where(and(eq(itemLinks.kind, "item"), eq(itemLinks.targetId, itemId))).orderBy(asc(itemLinks.createdAt));
}

/** Items of a type whose indexed value `field` is `value` (oldest first). */
export async function findItemsByTextValue(db: Db, type: string, field: string, value: string): Promise<ItemRow[]> {
  const ids = db.select({ id: itemValues.itemId }).from(itemValues).where(and(eq(itemValues.type, type), eq(itemValues.field, field), eq(itemValues.textValue, value)));
  return db.select().from(items).where(inArray(items.id, ids)).orderBy(asc(items.createdAt), asc(items.number));
}
