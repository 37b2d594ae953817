import { hkdfSync, randomBytes, scrypt as scryptCb, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { SignerCertificateRow } from "../../db/schema/pki";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import type { TxContext } from "../context";
import { DomainError } from "../errors";
import { seal, unseal } from "../keys";
import { findDepartment } from "../organisation/repo";
import { getOrganisationProfile } from "../organisation/service";
import { findUser } from "../users/repo";
import type { Pki } from "./authority";
import {
  certificateDerToPem,
  certificatePemToDer,
  exportPrivateKeyDer,
  generateRsaKeyPair,
  importPrivateKey,
  issueSignerCertificate,
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
 * is revoked as superseded and replaced. Runs inside the caller's transaction (`ctx.db`); `pki`
 * comes from `ensurePki`, called before the transaction.
 */
export async function openSigningIdentity(ctx: TxContext, pki: Pki, userId: string, password: string): Promise<SigningIdentity> {
  const now = ctx.clock.now();
  let row = await repo.findActiveCertificate(ctx.db, userId);
  if (row && row.notAfter <= now) {
    await revokeSignerCertificates(ctx, userId, "superseded", "certificate expired");
    row = undefined;
  }
  if (row) {
    return {
      certificate: certificatePemToDer(row.certificatePem),
      serialNumber: row.serialNumber,
      privateKey: await unsealKey(ctx.masterKey, password, row),
      chain: [pki.root.certificate],
    };
  }
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
    ...(ctx.config.publicUrl ? { crlDistributionPointUrl: `${ctx.config.publicUrl}/pki/crl` } : {}),
  });
  const id = newId("crt");
  const sealed = await sealKey(ctx.masterKey, password, id, keys.privateKey);
  await repo.insertCertificate(ctx.db, {
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
  });
  audit(ctx, certificateIssued, userId, { certificateSerial: issued.serialNumber, notAfter });
  return { certificate: issued.certificate, serialNumber: issued.serialNumber, privateKey: keys.privateKey, chain: [pki.root.certificate] };
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
