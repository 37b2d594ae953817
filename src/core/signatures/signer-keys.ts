import { hkdfSync, randomBytes, scrypt as scryptCb, timingSafeEqual, type KeyObject } from "node:crypto";
import { sql } from "drizzle-orm";
import { promisify } from "node:util";
import type { SignerCertificateRow } from "../../db/schema/pki";
import { newId } from "../../lib/ids";
import { audit } from "../audit/service";
import { requireReauth, throttledCheck } from "../auth/service";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError } from "../errors";
import { seal, unseal } from "../keys";
import { findDepartment } from "../organisation/repo";
import { getOrganisationProfile } from "../organisation/service";
import { findUser, updateUser } from "../users/repo";
import { requirePrincipal, requireRole } from "../auth/guard";
import { verifyPassword } from "../auth/password";
import { notFound } from "../errors";
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
import { certificateIssued, certificateRevoked, signingPinReset, signingPinSet } from "./events";

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>;
const YEAR = 365 * 86_400_000;

/** A signing PIN: at least this long, and never the person's login password. */
export const SIGNING_PIN_MIN_LENGTH = 6;
const SIGNING_PIN_MAX_LENGTH = 128;

/** scrypt of a secret the person typed (NFKC, so the same PIN typed on another keyboard still opens the key). */
function stretch(secret: string, salt: Buffer): Promise<Buffer> {
  return scrypt(secret.normalize("NFKC"), salt, 32, { N: 32768, r: 8, p: 1, maxmem: 128 * 1024 * 1024 });
}

/**
 * The key that wraps a signer's private key: HKDF over scrypt(signing PIN) and the master key.
 * Without the signer's PIN the server cannot open the key, so it cannot sign for anyone; without
 * the master key a copy of the database alone cannot either. The label names the PIN, so a key
 * wrapped under a login password (before signing PINs, `custos:signing-key:<id>`) is never taken
 * for one wrapped under a PIN.
 */
async function keyEncryptionKey(masterKey: Buffer, pin: string, salt: Buffer, certificateId: string): Promise<Buffer> {
  const stretched = await stretch(pin, salt);
  return Buffer.from(hkdfSync("sha256", Buffer.concat([stretched, masterKey]), salt, `custos:signing-key:pin:${certificateId}`, 32));
}

async function sealKey(masterKey: Buffer, pin: string, certificateId: string, key: KeyObject) {
  const salt = randomBytes(16);
  const kek = await keyEncryptionKey(masterKey, pin, salt, certificateId);
  return { keySalt: salt.toString("base64"), keySealed: seal(kek, exportPrivateKeyDer(key), certificateId), keyWrap: "pin" as const };
}

/** The private key, or undefined when the PIN does not open it. */
async function unsealKey(masterKey: Buffer, pin: string, row: SignerCertificateRow): Promise<KeyObject | undefined> {
  if (row.keyWrap !== "pin") return undefined;
  const kek = await keyEncryptionKey(masterKey, pin, Buffer.from(row.keySalt, "base64"), row.id);
  try {
    return importPrivateKey(unseal(kek, row.keySealed, row.id));
  } catch {
    return undefined;
  }
}

/**
 * The stored check of a signing PIN ("salt:tag"): HKDF over scrypt(PIN) and the master key, so it
 * tells a typo from the PIN before a first certificate is issued under it, but a copy of the
 * database without the master key cannot test guesses against it.
 */
async function pinCheck(masterKey: Buffer, pin: string, userId: string, salt = randomBytes(16)): Promise<string> {
  const stretched = await stretch(pin, salt);
  const tag = Buffer.from(hkdfSync("sha256", Buffer.concat([stretched, masterKey]), salt, `custos:signing-pin-check:${userId}`, 32));
  return `${salt.toString("base64")}:${tag.toString("base64")}`;
}

async function pinMatches(masterKey: Buffer, pin: string, userId: string, stored: string | null): Promise<boolean> {
  if (!stored || !pin) return false;
  const [salt, tag] = stored.split(":");
  if (!salt || !tag) return false;
  const expected = Buffer.from(tag, "base64");
  const actual = Buffer.from((await pinCheck(masterKey, pin, userId, Buffer.from(salt, "base64"))).split(":")[1]!, "base64");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

const WRONG_PIN = "Your signing PIN was not accepted; enter the signing PIN you chose (not your login password).";

/**
 * Refuses a person who may not sign yet: one who must first replace a password an administrator
 * set (PASSWORD_CHANGE_REQUIRED), and one with no signing PIN (SIGNING_PIN_REQUIRED).
 */
export async function signerReady(ctx: ServiceContext, userId: string) {
  const user = await findUser(ctx.db, userId);
  if (!user) throw new DomainError("NOT_FOUND", "The signer was not found.");
  if (user.mustChangePassword) {
    throw new DomainError("PASSWORD_CHANGE_REQUIRED", "Choose your own password first (an administrator set the one you have): only then can you set a signing PIN and sign.");
  }
  if (!user.signingPinSetAt || !user.signingPinCheck) {
    throw new DomainError(
      "SIGNING_PIN_REQUIRED",
      "Set your signing PIN first: on your account page (/account), or with PUT /api/v1/me/signing-pin {currentPassword, pin}. Signatures rest on the PIN only you know, not on your login password.",
    );
  }
  return user;
}

/** A signer's certificate (DER) and private key, ready to sign. */
export interface SigningIdentity {
  certificate: Buffer;
  serialNumber: string;
  privateKey: KeyObject;
  chain: Buffer[];
}

/**
 * The signer's active certificate and key, opened with their signing PIN (throttled and audited
 * like re-authentication: a wrong PIN is REAUTH_FAILED); issued on first need (subject: their
 * name, department and the organisation, as UTF8String). An expired certificate is revoked as
 * superseded and replaced, and so is one issued under the organisation's former name and one whose
 * key was wrapped under the login password (before signing PINs): signatures made with them still
 * verify. Refuses a person who must first change an administrator's password, or has no PIN yet.
 * The slow work (deriving the key-wrapping key, generating an RSA key pair, issuing the
 * certificate) happens outside any transaction; only recording a new certificate takes a short
 * one, which locks the person so that two first signatures at the same moment issue one
 * certificate. `pki` comes from `ensurePki`.
 */
export async function openSigningIdentity(ctx: ServiceContext, pki: Pki, userId: string, pin: string): Promise<SigningIdentity> {
  const user = await signerReady(ctx, userId);
  const now = ctx.clock.now();
  const organisation = (await getOrganisationProfile(ctx.db)).name;
  const usable = (r: SignerCertificateRow | undefined): boolean => !!r && r.keyWrap === "pin" && r.notAfter > now && organisationOf(r) === organisation;
  const opened = (r: SignerCertificateRow) =>
    throttledCheck(ctx, () => unsealKey(ctx.masterKey, pin, r), { purpose: "signature", failureMessage: WRONG_PIN });
  const row = await repo.findActiveCertificate(ctx.db, userId);
  if (row && usable(row)) return identityOf(row, await opened(row), pki);
  await throttledCheck(ctx, async () => ((await pinMatches(ctx.masterKey, pin, userId, user.signingPinCheck)) ? true : undefined), {
    purpose: "signature",
    failureMessage: WRONG_PIN,
  });
  const prepared = await prepareCertificate(ctx, pki, userId, pin, now);
  const existing = await inTransaction(
    ctx,
    async (t) => {
      await t.db.execute(sql`select 1 from users where id = ${userId} for update`);
      const current = await repo.findActiveCertificate(t.db, userId);
      if (usable(current)) return current;
      if (current) {
        const why = current.keyWrap !== "pin" ? "key wrapped under the login password" : current.notAfter <= now ? "certificate expired" : "organisation renamed";
        await revokeSignerCertificates(t, userId, "superseded", why);
      }
      await repo.insertCertificate(t.db, prepared.row);
      audit(t, certificateIssued, userId, { certificateSerial: prepared.row.serialNumber, notAfter: prepared.row.notAfter });
      return undefined;
    },
    { mayWriteNothing: true },
  );
  // someone else's first signature issued one meanwhile: that one is the person's certificate
  if (existing) return identityOf(existing, await opened(existing), pki);
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
async function prepareCertificate(ctx: ServiceContext, pki: Pki, userId: string, pin: string, now: Date) {
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
  const sealed = await sealKey(ctx.masterKey, pin, id, keys.privateKey);
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

/**
 * Revokes the user's active certificate (it appears on the next CRL). Used when an administrator
 * resets a signing PIN (the old key can no longer be opened) and when an account is deactivated.
 */
export async function revokeSignerCertificates(ctx: TxContext, userId: string, reason: RevocationReason, note: string): Promise<void> {
  const revoked = await repo.revokeActiveCertificates(ctx.db, userId, ctx.clock.now(), reason);
  for (const r of revoked) {
    audit(ctx, certificateRevoked, userId, { certificateSerial: r.serialNumber, reason, note });
  }
}

/**
 * Checks the acting person's signing PIN before a signature that first prepares something (such as
 * a periodic review's record): same refusals, throttling and audit as signing.
 */
export async function checkSigningPin(ctx: ServiceContext, pin: string): Promise<void> {
  const p = requirePrincipal(ctx);
  const user = await signerReady(ctx, p.id);
  await throttledCheck(ctx, async () => ((await pinMatches(ctx.masterKey, pin, p.id, user.signingPinCheck)) ? true : undefined), {
    purpose: "signature",
    failureMessage: WRONG_PIN,
  });
}

/** Whether the acting person has a signing PIN, and since when. */
export async function signingPinStatus(ctx: ServiceContext): Promise<{ set: boolean; setAt: Date | null }> {
  const p = requirePrincipal(ctx);
  const user = await findUser(ctx.db, p.id);
  return { set: !!user?.signingPinSetAt, setAt: user?.signingPinSetAt ?? null };
}

/**
 * A person chooses their signing PIN (the secret their signing key is wrapped under), or changes
 * it. Only for themselves, never while they must still replace a password an administrator set.
 * The first time they prove who they are with their login password; a change needs the current
 * PIN (a lost PIN is reset by an administrator, never recovered with the login password, or the
 * password would again open the key). Both checks are throttled like re-authentication. The PIN
 * is at least six characters and never the login password. A change re-wraps the active
 * certificate's key under the new PIN (same certificate); a key still wrapped under the login
 * password is left to be superseded at the next signature.
 */
export async function setSigningPin(ctx: ServiceContext, input: { currentPassword?: string | undefined; currentPin?: string | undefined; pin: string }): Promise<void> {
  const p = requirePrincipal(ctx);
  const user = await findUser(ctx.db, p.id);
  if (!user) throw notFound("The user");
  if (user.mustChangePassword) {
    throw new DomainError("PASSWORD_CHANGE_REQUIRED", "Choose your own password first (an administrator set the one you have), then your signing PIN.");
  }
  const pin = input.pin;
  if (pin.length < SIGNING_PIN_MIN_LENGTH || pin.length > SIGNING_PIN_MAX_LENGTH) {
    throw new DomainError("VALIDATION_FAILED", `A signing PIN has ${SIGNING_PIN_MIN_LENGTH} to ${SIGNING_PIN_MAX_LENGTH} characters.`, { field: "pin" });
  }
  const changing = !!user.signingPinSetAt && !!user.signingPinCheck;
  let rewrapped: { id: string; serialNumber: string; keySealedBefore: string; keySalt: string; keySealed: string } | undefined;
  if (changing) {
    if (input.currentPin === undefined) {
      throw new DomainError(
        "VALIDATION_FAILED",
        "Enter your current signing PIN to change it (currentPin); if you lost it, ask an administrator to reset it.",
        { field: "currentPin" },
      );
    }
    const currentPin = input.currentPin;
    const active = await repo.findActiveCertificate(ctx.db, p.id);
    if (active?.keyWrap === "pin") {
      const key = await throttledCheck(ctx, () => unsealKey(ctx.masterKey, currentPin, active), { purpose: "signing-pin-change", failureMessage: WRONG_PIN });
      const sealed = await sealKey(ctx.masterKey, pin, active.id, key);
      rewrapped = { id: active.id, serialNumber: active.serialNumber, keySealedBefore: active.keySealed, ...sealed };
    } else {
      await throttledCheck(ctx, async () => ((await pinMatches(ctx.masterKey, currentPin, p.id, user.signingPinCheck)) ? true : undefined), {
        purpose: "signing-pin-change",
        failureMessage: WRONG_PIN,
      });
    }
  } else {
    await requireReauth(ctx, input.currentPassword, { purpose: "signing-pin", failureMessage: "Your login password is wrong: enter it to confirm it is you who sets the signing PIN." });
  }
  if (await verifyPassword(user.passwordHash, pin)) {
    throw new DomainError("VALIDATION_FAILED", "Your signing PIN must differ from your login password.", { field: "pin" });
  }
  const check = await pinCheck(ctx.masterKey, pin, p.id);
  await inTransaction(ctx, async (t) => {
    await t.db.execute(sql`select 1 from users where id = ${p.id} for update`);
    const now = t.clock.now();
    const current = await findUser(t.db, p.id);
    if (!current || current.signingPinCheck !== user.signingPinCheck) {
      throw new DomainError("CONFLICT", "Your signing PIN changed meanwhile; try again.");
    }
    if (rewrapped) {
      const active = await repo.findActiveCertificate(t.db, p.id);
      if (active?.id !== rewrapped.id || active.keySealed !== rewrapped.keySealedBefore) {
        throw new DomainError("CONFLICT", "Your signing certificate changed meanwhile; try again.");
      }
      await repo.updateCertificateKey(t.db, rewrapped.id, rewrapped.keySalt, rewrapped.keySealed);
    }
    await updateUser(t.db, p.id, { signingPinSetAt: now, signingPinCheck: check, updatedAt: now });
    audit(t, signingPinSet, p.id, { changed: changing, certificateSerial: rewrapped?.serialNumber ?? null });
  });
}

/**
 * An administrator clears a person's signing PIN (they lost it): their active certificate, whose
 * key nobody can open any more, is revoked; they choose a new PIN and get a new certificate at
 * their next signature. Audited.
 */
export async function resetSigningPin(ctx: ServiceContext, userId: string): Promise<void> {
  requireRole(ctx, "admin");
  await inTransaction(ctx, async (t) => {
    await t.db.execute(sql`select 1 from users where id = ${userId} for update`);
    if (!(await findUser(t.db, userId))) throw notFound("The user");
    const now = t.clock.now();
    const revoked = await repo.revokeActiveCertificates(t.db, userId, now, "superseded");
    for (const r of revoked) audit(t, certificateRevoked, userId, { certificateSerial: r.serialNumber, reason: "superseded", note: "signing PIN reset by an administrator" });
    await updateUser(t.db, userId, { signingPinSetAt: null, signingPinCheck: null, updatedAt: now });
    audit(t, signingPinReset, userId, { revokedCertificates: revoked.map((r) => r.serialNumber) });
  });
}

/** Whether `secret` is the person's signing PIN (to refuse it as their new login password). */
export async function isSigningPin(ctx: Pick<ServiceContext, "masterKey">, user: { id: string; signingPinCheck: string | null }, secret: string): Promise<boolean> {
  return pinMatches(ctx.masterKey, secret, user.id, user.signingPinCheck);
}
