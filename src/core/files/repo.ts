import { eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { blobs, files, type FileRow } from "../../db/schema/files";

/** Records a blob once; a second put of the same bytes changes nothing. */
export async function ensureBlob(db: Db, sha256: string, size: number, at: Date): Promise<void> {
  await db.insert(blobs).values({ sha256, size, createdAt: at }).onConflictDoNothing();
}

export async function insertFile(db: Db, row: FileRow): Promise<void> {
  await db.insert(files).values(row);
}

export async function findFile(db: Db, id: string): Promise<FileRow | undefined> {
  const [row] = await db.select().from(files).where(eq(files.id, id)).limit(1);
  return row;
}

export async function markBlobVerified(db: Db, sha256: string, at: Date): Promise<void> {
  await db.update(blobs).set({ lastVerifiedAt: at }).where(eq(blobs.sha256, sha256));
}

export async function countBlobs(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)` }).from(blobs);
  return Number(row?.n ?? 0);
}
