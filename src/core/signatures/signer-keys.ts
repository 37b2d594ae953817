import { hkdfSync, randomBytes, scrypt as scryptCb, type KeyObject } from "node:crypto";
import { sql } from "drizzle-orm";
import { promisify } from "node:util";
import type { SignerCertificateRow } from "../../db/schema/pki";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError } from "../errors";
import { seal, unseal } from "../keys";
import { findDepartment } from "../organisation/repo";
import { getOrganisationProfile } from "../organisation/service";
import { findUser } from "../users/repo";
import { revocationUrls, type Pki } from "./authority";
import {
  certificateDerToPem,
  certificatePemToDer,
  exportPrivateKeyDer,
  generateRsaKeyPair,
  importPrivateKey,
  issueSignerCertificate,
  readCertificate,
  type RevocationReason,
} from "./pki/index";
import * as repo from "./repo";
import { certificateIssued, certificateRevoked } from "./events";

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const YEAR = 365 * 86_400_000;

/**
 * The key that wraps a signer's private key: HKDF over scrypt(password) and the master key. Without
 * the signer's password the server cannot open the key, so it cannot sign for anyone; without the
 * master key a copy of the database alone cannot either.
 */
async function keyEncryptionKey(masterKey: Buffer, password: string, salt: Buffer, certificateId: string): Promise<Buffer> {
  const stretched = await scrypt(password.normalize("NFKC"), salt, 32, { N: 32768, r: 8, p: 1, maxmem: 128 * 1024 * 1024 });
  return Buffer.from(hkdfSync("sha256", Buffer.concat([stretched, masterKey]), salt, `custos:signing-key:${certificateId}`, 32));
}

async function sealKey(masterKey: Buffer, password: string, certificateId: string, key: KeyObject) {
  const salt = randomBytes(16);
  const kek = await keyEncryptionKey(masterKey, password, salt, certificateId);
  return { keySalt: salt.toString("base64"), keySealed: seal(kek, exportPrivateKeyDer(key), certificateId) };
}

async function unsealKey(masterKey: Buffer, password: string, row: SignerCertificateRow): Promise<KeyObject> {
  const kek = await keyEncryptionKey(masterKey, password, Buffer.from(row.keySalt, "base64"), row.id);
  try {
    return importPrivateKey(unseal(kek, row.keySealed, row.id));
  } catch {
    throw new DomainError("REAUTH_FAILED", "Your signing key could not be opened with this password.");
  }
}

/** A signer's certificate (DER) and private key, ready to sign. */
export interface SigningIdentity {
  certificate: Buffer;
  serialNumber: string;
  privateKey: KeyObject;
  chain: Buffer[];
}

/**
 * The signer's active certificate and key, opened with their password; issued on first need
 * (subject: their name, department and the organisation, as UTF8String). An expired certificate
 * is revoked as superseded and replaced, and so is one issued under the organisation's former
 * name (signatures made with it still verify). The slow work (deriving the key-wrapping key,
 * generating an RSA key pair, issuing the certificate) happens outside any transaction; only recording a new
 * certificate takes a short one, which locks the person so that two first signatures at the same
 * moment issue one certificate. `pki` comes from `ensurePki`.
 */
export async function openSigningIdentity(ctx: ServiceContext, pki: Pki, userId: string, password: string): Promise<SigningIdentity> {
  const now = ctx.clock.now();
  const organisation = (await getOrganisationProfile(ctx.db)).name;
  const usable = (r: SignerCertificateRow | undefined): boolean => !!r && r.notAfter > now && organisationOf(r) === organisation;
  const row = await repo.findActiveCertificate(ctx.db, userId);
  if (row && usable(row)) return identityOf(row, await unsealKey(ctx.masterKey, password, row), pki);
  const prepared = await prepareCertificate(ctx, pki, userId, password, now);
  const existing = await inTransaction(
    ctx,
    async (t) => {
      await t.db.execute(sql`select 1 from users where id = ${userId} for update`);
      const current = await repo.findActiveCertificate(t.db, userId);
      if (usable(current)) return current;
      if (current) await revokeSignerCertificates(t, userId, "superseded", current.notAfter <= now ? "certificate expired" : "organisation renamed");
      await repo.insertCertificate(t.db, prepared.row);
      audit(t, certificateIssued, userId, { certificateSerial: prepared.row.serialNumber, notAfter: prepared.row.notAfter });
      return undefined;
    },
    { mayWriteNothing: true },
  );
  // someone else's first signature issued one meanwhile: that one is the person's certificate
  if (existing) return identityOf(existing, await unsealKey(ctx.masterKey, password, existing), pki);
  return prepared.identity;
}

/** The organisation (O) a certificate was issued to: a renamed organisation's signers get new certificates. */
function organisationOf(row: SignerCertificateRow): string | undefined {
  return readCertificate(certificatePemToDer(row.certificatePem)).subject.attributes.find((a) => a.shortName === "O")?.value;
}

function identityOf(row: SignerCertificateRow, privateKey: KeyObject, pki: Pki): SigningIdentity {
  return { certificate: certificatePemToDer(row.certificatePem), serialNumber: row.serialNumber, privateKey, chain: [pki.root.certificate] };
}

/** A new certificate and its wrapped key for the person, not yet recorded. */
async function prepareCertificate(ctx: ServiceContext, pki: Pki, userId: string, password: string, now: Date) {
  const user = await findUser(ctx.db, userId);
  if (!user) throw new DomainError("NOT_FOUND", "The signer was not found.");
  const org = await getOrganisationProfile(ctx.db);
  const department = user.departmentId ? await findDepartment(ctx.db, user.departmentId) : undefined;
  const keys = await generateRsaKeyPair();
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 3 * YEAR);
  const issued = issueSignerCertificate({
    subject: {
      commonName: user.displayName,
      organization: org.name,
      ...(department ? { organizationalUnit: department.name } : {}),
      country: "CN",
    },
    publicKey: keys.publicKey,
    issuer: pki.root,
    notBefore,
    notAfter,
    ...revocationUrls(ctx.config),
  });
  const id = newId("crt");
  const sealed = await sealKey(ctx.masterKey, password, id, keys.privateKey);
  const row: SignerCertificateRow = {
    id,
    userId,
    serialNumber: issued.serialNumber,
    subject: `CN=${user.displayName}, O=${org.name}${department ? `, OU=${department.name}` : ""}`,
    certificatePem: certificateDerToPem(issued.certificate),
    ...sealed,
    notBefore,
    notAfter,
    revokedAt: null,
    revocationReason: null,
    createdAt: now,
  };
  return { row, identity: { certificate: issued.certificate, serialNumber: issued.serialNumber, privateKey: keys.privateKey, chain: [pki.root.certificate] } };
}

/** Re-wraps the signer's key under their new password (inside the password-change transaction). */
export async function rewrapSigningKey(ctx: TxContext, userId: string, oldPassword: string, newPassword: string): Promise<void> {
  const row = await repo.findActiveCertificate(ctx.db, userId);
  if (!row) return;
  const key = await unsealKey(ctx.masterKey, oldPassword, row);
  const sealed = await sealKey(ctx.masterKey, newPassword, row.id, key);
  await repo.updateCertificateKey(ctx.db, row.id, sealed.keySalt, sealed.keySealed);
}

/**
 * Revokes the user's active certificate (it appears on the next CRL). Used when an admin resets a
 * password (the old key can no longer be opened) and when an account is deactivated.
 */
export async function revokeSignerCertificates(ctx: TxContext, userId: string, reason: RevocationReason, note: string): Promise<void> {
  const revoked = await repo.revokeActiveCertificates(ctx.db, userId, ctx.clock.now(), reason);
  for (const r of revoked) {
    audit(ctx, certificateRevoked, userId, { certificateSerial: r.serialNumber, reason, note });
  }
}
