import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { pkiAuthorities, signerCertificates, timestampTokens, tsaSerial, type SignerCertificateRow } from "../../db/schema/pki";
import {
  signatureRequests,
  signatureRequestSigners,
  signatures,
  signingLinks,
  type SignatureRequestRow,
  type SignatureRequestSignerRow,
  type SignatureRow,
} from "../../db/schema/signatures";
import { users } from "../../db/schema/users";
import { rowsOf } from "../../db/sql";

export type AuthorityRow = typeof pkiAuthorities.$inferSelect;

export async function findAuthority(db: Db, id: string): Promise<AuthorityRow | undefined> {
  const [row] = await db.select().from(pkiAuthorities).where(eq(pkiAuthorities.id, id)).limit(1);
  return row;
}

/** The built-in TSA's authorities ("tsa", then "tsa-2", "tsa-3" … as each is renewed), newest first. */
export async function listTsaAuthorities(db: Db): Promise<AuthorityRow[]> {
  const rows = await db
    .select()
    .from(pkiAuthorities)
    .where(sql`${pkiAuthorities.id} = 'tsa' or ${pkiAuthorities.id} ~ '^tsa-[0-9]+$'`);
  const generation = (id: string) => (id === "tsa" ? 1 : Number(id.slice(4)));
  return rows.sort((a, b) => generation(b.id) - generation(a.id));
}

/** Inserts unless another instance got there first; returns whether this insert won. */
export async function insertAuthority(db: Db, row: AuthorityRow): Promise<boolean> {
  const inserted = await db.insert(pkiAuthorities).values(row).onConflictDoNothing().returning({ id: pkiAuthorities.id });
  return inserted.length > 0;
}

export async function findActiveCertificate(db: Db, userId: string): Promise<SignerCertificateRow | undefined> {
  const [row] = await db
    .select()
    .from(signerCertificates)
    .where(and(eq(signerCertificates.userId, userId), isNull(signerCertificates.revokedAt)))
    .limit(1);
  return row;
}

export async function findCertificateBySerial(db: Db, serialNumber: string): Promise<SignerCertificateRow | undefined> {
  const [row] = await db.select().from(signerCertificates).where(eq(signerCertificates.serialNumber, serialNumber)).limit(1);
  return row;
}

/** An authority certificate (TSA, package seal, root) with this serial, if the root issued one. */
export async function findAuthorityBySerial(db: Db, serialNumber: string): Promise<AuthorityRow | undefined> {
  const [row] = await db.select().from(pkiAuthorities).where(eq(pkiAuthorities.serialNumber, serialNumber)).limit(1);
  return row;
}

export async function insertCertificate(db: Db, row: SignerCertificateRow): Promise<void> {
  await db.insert(signerCertificates).values(row);
}

export async function updateCertificateKey(db: Db, id: string, keySalt: string, keySealed: string): Promise<void> {
  await db.update(signerCertificates).set({ keySalt, keySealed }).where(eq(signerCertificates.id, id));
}

export async function revokeActiveCertificates(db: Db, userId: string, at: Date, reason: string) {
  return db
    .update(signerCertificates)
    .set({ revokedAt: at, revocationReason: reason })
    .where(and(eq(signerCertificates.userId, userId), isNull(signerCertificates.revokedAt)))
    .returning({ id: signerCertificates.id, serialNumber: signerCertificates.serialNumber });
}

export async function listRevokedCertificates(db: Db) {
  return db
    .select({
      serialNumber: signerCertificates.serialNumber,
      revokedAt: signerCertificates.revokedAt,
      reason: signerCertificates.revocationReason,
    })
    .from(signerCertificates)
    .where(isNotNull(signerCertificates.revokedAt))
    .orderBy(asc(signerCertificates.revokedAt));
}

export async function nextTsaSerial(db: Db): Promise<bigint> {
  const result = await db.execute(sql`select nextval(${tsaSerial.seqName}::regclass)::text as serial`);
  return BigInt(rowsOf<{ serial: string }>(result)[0]!.serial);
}

export async function recordTimestampToken(db: Db, row: typeof timestampTokens.$inferInsert): Promise<void> {
  await db.insert(timestampTokens).values(row);
}

export async function insertRequest(db: Db, row: SignatureRequestRow): Promise<void> {
  await db.insert(signatureRequests).values(row);
}

export async function insertSigners(db: Db, rows: SignatureRequestSignerRow[]): Promise<void> {
  await db.insert(signatureRequestSigners).values(rows);
}

/** The request, locked for update when `lock` (the signing path serialises on it). */
export async function findRequest(db: Db, id: string, lock = false): Promise<SignatureRequestRow | undefined> {
  const q = db.select().from(signatureRequests).where(eq(signatureRequests.id, id)).limit(1);
  const [row] = lock ? await q.for("update") : await q;
  return row;
}

export async function updateRequest(db: Db, id: string, patch: Partial<SignatureRequestRow>): Promise<void> {
  await db.update(signatureRequests).set(patch).where(eq(signatureRequests.id, id));
}

export async function listSigners(db: Db, requestId: string) {
  return db
    .select({ signer: signatureRequestSigners, user: { id: users.id, username: users.username, displayName: users.displayName, departmentId: users.departmentId } })
    .from(signatureRequestSigners)
    .innerJoin(users, eq(users.id, signatureRequestSigners.userId))
    .where(eq(signatureRequestSigners.requestId, requestId))
    .orderBy(asc(signatureRequestSigners.position));
}

export async function findSigner(db: Db, signerId: string): Promise<SignatureRequestSignerRow | undefined> {
  const [row] = await db.select().from(signatureRequestSigners).where(eq(signatureRequestSigners.id, signerId)).limit(1);
  return row;
}

export async function updateSigner(db: Db, id: string, patch: Partial<SignatureRequestSignerRow>): Promise<void> {
  await db.update(signatureRequestSigners).set(patch).where(eq(signatureRequestSigners.id, id));
}

export async function insertSignature(db: Db, row: SignatureRow): Promise<void> {
  await db.insert(signatures).values(row);
}

export async function listSignatures(db: Db, requestId: string): Promise<SignatureRow[]> {
  return db.select().from(signatures).where(eq(signatures.requestId, requestId)).orderBy(asc(signatures.signedAt));
}

/** Requests in which `userId` is a signer or the requester, newest first. */
export async function listRequestsFor(db: Db, userId: string, limit = 200) {
  const mine = db
    .select({ id: signatureRequestSigners.requestId })
    .from(signatureRequestSigners)
    .where(eq(signatureRequestSigners.userId, userId));
  return db
    .select()
    .from(signatureRequests)
    .where(sql`${signatureRequests.requestedBy} = ${userId} or ${signatureRequests.id} in (${mine})`)
    .orderBy(desc(signatureRequests.createdAt))
    .limit(limit);
}

export async function listSignersOfRequests(db: Db, requestIds: string[]) {
  if (requestIds.length === 0) return [];
  return db
    .select({ signer: signatureRequestSigners, displayName: users.displayName })
    .from(signatureRequestSigners)
    .innerJoin(users, eq(users.id, signatureRequestSigners.userId))
    .where(inArray(signatureRequestSigners.requestId, requestIds))
    .orderBy(asc(signatureRequestSigners.position));
}

export async function insertLink(db: Db, row: typeof signingLinks.$inferInsert): Promise<void> {
  await db.insert(signingLinks).values(row);
}

export async function findLinkByHash(db: Db, tokenHash: string) {
  const [row] = await db.select().from(signingLinks).where(eq(signingLinks.tokenHash, tokenHash)).limit(1).for("update");
  return row;
}

export async function markLinkUsed(db: Db, id: string, at: Date): Promise<void> {
  await db.update(signingLinks).set({ usedAt: at }).where(eq(signingLinks.id, id));
}

/** Signers whose turn it is, on pending requests due before `before`, not reminded since `remindedBefore`. */
export async function findOverdueSigners(db: Db, before: Date, remindedBefore: Date) {
  return db
    .select({ signer: signatureRequestSigners, request: signatureRequests })
    .from(signatureRequestSigners)
    .innerJoin(signatureRequests, eq(signatureRequests.id, signatureRequestSigners.requestId))
    .where(
      and(
        eq(signatureRequests.status, "pending"),
        eq(signatureRequestSigners.status, "ready"),
        sql`${signatureRequests.dueAt} < ${before.toISOString()}::timestamptz`,
        sql`(${signatureRequestSigners.lastRemindedAt} is null or ${signatureRequestSigners.lastRemindedAt} < ${remindedBefore.toISOString()}::timestamptz)`,
      ),
    );
}

/** Whether these bytes are a signed result or an intermediate state Custos produced. */
export async function findSignatureByResult(db: Db, sha256: string): Promise<SignatureRow | undefined> {
  const [row] = await db.select().from(signatures).where(eq(signatures.sha256After, sha256)).limit(1);
  return row;
}

/** Of `userIds`, those who are the subject of a completed request made from template `templateId` (e.g. their signed IP declaration). */
export async function subjectsWithCompletedTemplate(db: Db, templateId: string, userIds: string[]): Promise<Set<string>> {
  if (!userIds.length) return new Set();
  const rows = await db
    .selectDistinct({ userId: signatureRequests.subjectUserId })
    .from(signatureRequests)
    .where(and(eq(signatureRequests.templateId, templateId), eq(signatureRequests.status, "completed"), inArray(signatureRequests.subjectUserId, userIds)));
  return new Set(rows.map((r) => r.userId!));
}
