import type { KeyObject } from "node:crypto";
import type { Db } from "../../db/client";
import { inTransaction, systemContext, type AppDeps } from "../context";
import { audit } from "../audit/service";
import { deriveKey, seal, unseal } from "../keys";
import { getOrganisationProfile } from "../organisation/service";
import { DomainError } from "../errors";
import { createTimeStampToken, requestTimestamp, TimestampError } from "./cms/index";
import { createRsaSigner } from "./cms/index";
import {
  buildOcspErrorResponse,
  buildOcspResponse,
  certIdMatchesIssuer,
  certIdFor,
  parseOcspRequest,
  type OcspCertStatus,
  certificateDerToPem,
  certificatePemToDer,
  createCrl,
  createRootCa,
  exportPrivateKeyDer,
  generateRsaKeyPair,
  importPrivateKey,
  issueTsaCertificate,
  type RevocationReason,
} from "./pki/index";
import { readCertificate } from "./pki/read-certificate";
import * as repo from "./repo";
import { tsaCertificateRenewed } from "./events";

const encodingOfIssuer = (certificate: Uint8Array): Buffer => readCertificate(certificate).issuerNameDer;
const encodingOfSubject = (certificate: Uint8Array): Buffer => readCertificate(certificate).subjectNameDer;

/** The built-in TSA's policy OID (under a private arc naming Custos's own time-stamp policy). */
export const TSA_POLICY_OID = "1.3.6.1.4.1.59999.1.1";

/** A loaded authority: certificate (DER) and private key. */
export interface Authority {
  certificate: Buffer;
  privateKey: KeyObject;
}

/** The root CA and the TSA, loaded (and made on first use). */
export interface Pki {
  root: Authority;
  tsa: Authority;
}

const YEAR = 365 * 86_400_000;
const loaded = new WeakMap<Db, Promise<Pki>>();

function sealingKey(masterKey: Buffer, id: string): Buffer {
  return deriveKey(masterKey, `pki:${id}`);
}

async function loadAuthority(deps: AppDeps, id: string): Promise<Authority | undefined> {
  const row = await repo.findAuthority(deps.db, id);
  if (!row) return undefined;
  return authorityOf(deps, row);
}

/** A stored authority row with its key unsealed. */
export function authorityOf(deps: AppDeps, row: repo.AuthorityRow): Authority {
  const id = row.id;
  return {
    certificate: certificatePemToDer(row.certificatePem),
    privateKey: importPrivateKey(unseal(sealingKey(deps.masterKey, id), row.keySealed, id)),
  };
}

/** Stores an authority's certificate with its key sealed under the master key; false when the id was taken first. */
export async function storeAuthority(deps: AppDeps, id: string, certificate: Buffer, serialNumber: string, key: KeyObject) {
  return repo.insertAuthority(deps.db, {
    id,
    certificatePem: certificateDerToPem(certificate),
    serialNumber,
    keySealed: seal(sealingKey(deps.masterKey, id), exportPrivateKeyDer(key), id),
    createdAt: deps.clock.now(),
  });
}

/**
 * The organisation's root CA and TSA: created on first start (or first use), their private keys
 * sealed under the master key. Instances starting together agree on one pair (the first insert
 * wins; the others load it).
 */
export function ensurePki(deps: AppDeps): Promise<Pki> {
  let p = loaded.get(deps.db);
  if (!p) {
    p = createOrLoadPki(deps);
    loaded.set(deps.db, p);
    p.catch(() => loaded.delete(deps.db));
  }
  return p.then((pki) => (tsaNeedsRenewal(deps, pki.tsa.certificate) ? renewTsa(deps, pki) : pki));
}

async function createOrLoadPki(deps: AppDeps): Promise<Pki> {
  const org = await getOrganisationProfile(deps.db);
  const now = deps.clock.now();
  let root = await loadAuthority(deps, "root");
  if (!root) {
    const created = await createRootCa({
      subject: { commonName: `${org.name} 电子签名根证书 Custos Root CA`, organization: org.name, country: "CN" },
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 20 * YEAR),
    });
    await storeAuthority(deps, "root", created.certificate, created.serialNumber, created.privateKey);
    root = (await loadAuthority(deps, "root"))!;
  }
  let tsa = await loadCurrentTsa(deps);
  if (!tsa) {
    const keys = await generateRsaKeyPair();
    const issued = issueTsaCertificate({
      subject: { commonName: `${org.name} 时间戳服务 Custos TSA`, organization: org.name, country: "CN" },
      publicKey: keys.publicKey,
      issuer: root,
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + 10 * YEAR),
      ...revocationUrls(deps.config),
    });
    await storeAuthority(deps, "tsa", issued.certificate, issued.serialNumber, keys.privateKey);
    tsa = (await loadCurrentTsa(deps))!;
  }
  return { root, tsa };
}

/** The built-in TSA in use: the newest of "tsa", "tsa-2", "tsa-3" … (older ones stay stored). */
async function loadCurrentTsa(deps: AppDeps): Promise<Authority | undefined> {
  const [newest] = await repo.listTsaAuthorities(deps.db);
  return newest ? authorityOf(deps, newest) : undefined;
}

/** The generation of a built-in TSA's authority id: "tsa" is 1, "tsa-2" is 2 … */
function tsaGeneration(id: string): number {
  return id === "tsa" ? 1 : Number(id.slice("tsa-".length));
}

/** Whether a TSA certificate expires within CUSTOS_ARCHIVE_RENEWAL_DAYS of now. */
export function expiresWithinRenewalWindow(deps: Pick<AppDeps, "clock" | "config">, notAfter: Date): boolean {
  return notAfter.getTime() - deps.clock.now().getTime() <= deps.config.archiveRenewalDays * 86_400_000;
}

function tsaNeedsRenewal(deps: AppDeps, certificate: Buffer): boolean {
  return expiresWithinRenewalWindow(deps, readCertificate(certificate).notAfter);
}

const renewing = new WeakMap<Db, Promise<Pki>>();
const renewalRefused = new WeakSet<Buffer>();

/**
 * Replaces the built-in TSA once its certificate is within the renewal window of its notAfter: a
 * new key and certificate from the root (never beyond the root's own notAfter), stored as the next
 * generation beside the old one (whose certificate stays in the database, known to OCSP as good,
 * and inside every token it issued), audited. Instances renewing together agree on one (the first
 * insert of the generation wins; the others load it).
 */
function renewTsa(deps: AppDeps, pki: Pki): Promise<Pki> {
  let p = renewing.get(deps.db);
  if (!p) {
    p = renewTsaNow(deps, pki).finally(() => renewing.delete(deps.db));
    renewing.set(deps.db, p);
  }
  return p;
}

async function renewTsaNow(deps: AppDeps, pki: Pki): Promise<Pki> {
  const [newest] = await repo.listTsaAuthorities(deps.db);
  if (newest && !Buffer.from(certificatePemToDer(newest.certificatePem)).equals(pki.tsa.certificate)) {
    // another instance renewed it already
    const updated = { root: pki.root, tsa: authorityOf(deps, newest) };
    loaded.set(deps.db, Promise.resolve(updated));
    if (!tsaNeedsRenewal(deps, updated.tsa.certificate)) return updated;
    pki = updated;
  }
  const now = deps.clock.now();
  const previous = readCertificate(pki.tsa.certificate);
  const rootNotAfter = readCertificate(pki.root.certificate).notAfter;
  const notAfter = new Date(Math.min(now.getTime() + 10 * YEAR, rootNotAfter.getTime()));
  if (expiresWithinRenewalWindow(deps, notAfter)) {
    // the root itself expires within the window: a new TSA certificate could not outlive it
    if (!renewalRefused.has(pki.tsa.certificate)) {
      renewalRefused.add(pki.tsa.certificate);
      deps.logger.error("the TSA certificate cannot be renewed: the root CA expires within the renewal window", { tsaNotAfter: previous.notAfter, rootNotAfter });
    }
    return pki;
  }
  const org = await getOrganisationProfile(deps.db);
  const keys = await generateRsaKeyPair();
  const issued = issueTsaCertificate({
    subject: { commonName: `${org.name} 时间戳服务 Custos TSA`, organization: org.name, country: "CN" },
    publicKey: keys.publicKey,
    issuer: pki.root,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    ...revocationUrls(deps.config),
  });
  const id = `tsa-${tsaGeneration(newest?.id ?? "tsa") + 1}`;
  await inTransaction(
    systemContext(deps),
    async (t) => {
      const won = await repo.insertAuthority(t.db, {
        id,
        certificatePem: certificateDerToPem(issued.certificate),
        serialNumber: issued.serialNumber,
        keySealed: seal(sealingKey(deps.masterKey, id), exportPrivateKeyDer(keys.privateKey), id),
        createdAt: now,
      });
      if (won) {
        audit(t, tsaCertificateRenewed, "default", {
          certificateSerial: issued.serialNumber,
          notAfter,
          previousSerial: previous.serialNumber,
          previousNotAfter: previous.notAfter,
          renewalDays: deps.config.archiveRenewalDays,
        });
      }
    },
    { mayWriteNothing: true },
  );
  const tsa = (await loadCurrentTsa(deps))!;
  deps.logger.info("built-in TSA certificate renewed", { serial: readCertificate(tsa.certificate).serialNumber, notAfter: readCertificate(tsa.certificate).notAfter });
  const updated = { root: pki.root, tsa };
  loaded.set(deps.db, Promise.resolve(updated));
  return updated;
}

/** Every certificate the built-in TSA has had, newest first (PEM), for validators of old time stamps. */
export async function tsaCertificateHistory(deps: AppDeps): Promise<{ serialNumber: string; createdAt: Date; pem: string }[]> {
  await ensurePki(deps);
  return (await repo.listTsaAuthorities(deps.db)).map((r) => ({ serialNumber: r.serialNumber, createdAt: r.createdAt, pem: r.certificatePem }));
}

/**
 * Where validators learn about revocation of the certificates the root issues: the CRL and the OCSP
 * responder under CUSTOS_PUBLIC_URL (none when it is not set: a URL nobody can reach helps no one).
 */
export function revocationUrls(config: { publicUrl?: string }): { crlDistributionPointUrl?: string; ocspUrl?: string } {
  if (!config.publicUrl) return {};
  const base = config.publicUrl.replace(/\/+$/, "");
  return { crlDistributionPointUrl: `${base}/pki/crl`, ocspUrl: `${base}/pki/ocsp` };
}

/** The root certificate as PEM (GET /pki/ca.pem). */
export async function rootCertificatePem(deps: AppDeps): Promise<string> {
  return certificateDerToPem((await ensurePki(deps)).root.certificate);
}

/** The TSA certificate as PEM (GET /pki/tsa.pem). */
export async function tsaCertificatePem(deps: AppDeps): Promise<string> {
  return certificateDerToPem((await ensurePki(deps)).tsa.certificate);
}

/**
 * The current CRL (DER), signed by the root, listing every revoked signer certificate. Its number
 * is the issue time in seconds, which only grows.
 */
export async function currentCrl(deps: AppDeps): Promise<Buffer> {
  const { root } = await ensurePki(deps);
  const now = deps.clock.now();
  const revoked = await repo.listRevokedCertificates(deps.db);
  return createCrl({
    issuer: root,
    revoked: revoked.map((r) => ({
      serialNumber: r.serialNumber,
      revokedAt: r.revokedAt!,
      reason: (r.reason ?? "unspecified") as RevocationReason,
    })),
    thisUpdate: now,
    nextUpdate: new Date(now.getTime() + 7 * 86_400_000),
    crlNumber: Math.floor(now.getTime() / 1000),
  });
}

/** How long an OCSP answer may be relied on before asking again. */
const OCSP_VALIDITY_MS = 86_400_000;

/**
 * Answers a DER OCSPRequest (RFC 6960) about certificates issued by the root: `good` or `revoked`
 * (with time and reason) from the signer-certificate table, `good` for the root's own authorities
 * (TSA, package seals), `unknown` for any other serial or issuer. The answer is signed by the root.
 * A request that cannot be parsed gets a `malformedRequest` answer, never an HTTP error.
 */
export async function answerOcspRequest(deps: AppDeps, requestDer: Uint8Array): Promise<Buffer> {
  let request;
  try {
    request = parseOcspRequest(requestDer);
  } catch {
    return buildOcspErrorResponse("malformedRequest");
  }
  const { root } = await ensurePki(deps);
  const now = deps.clock.now();
  const answers: { certId: (typeof request.certIds)[number]; status: OcspCertStatus }[] = [];
  for (const certId of request.certIds) {
    answers.push({ certId, status: await statusOf(deps, root, certId) });
  }
  return buildOcspResponse({
    responder: root,
    // the responder's certificate inside, so validators find it without being told (-VAfile)
    certificates: [root.certificate],
    producedAt: now,
    nextUpdate: new Date(now.getTime() + OCSP_VALIDITY_MS),
    answers,
    ...(request.nonce ? { nonce: request.nonce } : {}),
  });
}

/**
 * A signed OCSP response about one certificate the root issued (for a PDF's DSS), or undefined
 * when the root did not issue it (another CA's certificate, or the root itself).
 */
export async function ocspResponseFor(deps: AppDeps, certificate: Uint8Array, pki?: Pki): Promise<Buffer | undefined> {
  const { root } = pki ?? (await ensurePki(deps));
  if (Buffer.from(certificate).equals(root.certificate)) return undefined;
  let certId;
  try {
    certId = certIdFor(certificate, root.certificate);
    if (!Buffer.from(encodingOfIssuer(certificate)).equals(encodingOfSubject(root.certificate))) return undefined;
  } catch {
    return undefined;
  }
  const now = deps.clock.now();
  return buildOcspResponse({
    responder: root,
    // the responder's certificate inside, so validators find it without being told (-VAfile)
    certificates: [root.certificate],
    producedAt: now,
    nextUpdate: new Date(now.getTime() + OCSP_VALIDITY_MS),
    answers: [{ certId, status: await statusOf(deps, root, certId) }],
  });
}

async function statusOf(deps: AppDeps, root: Authority, certId: Parameters<typeof certIdMatchesIssuer>[0]): Promise<OcspCertStatus> {
  if (!certIdMatchesIssuer(certId, root.certificate)) return { status: "unknown" };
  const signer = await repo.findCertificateBySerial(deps.db, certId.serialNumber);
  if (signer) {
    if (!signer.revokedAt) return { status: "good" };
    return { status: "revoked", revokedAt: signer.revokedAt, reason: (signer.revocationReason ?? "unspecified") as RevocationReason };
  }
  if (await repo.findAuthorityBySerial(deps.db, certId.serialNumber)) return { status: "good" };
  return { status: "unknown" };
}

/**
 * Issues an RFC 3161 time-stamp token over `digest` (SHA-256) with the built-in TSA, recording its
 * serial; or asks the external TSA when CUSTOS_TSA_URL is set. Inside a transaction pass the
 * already loaded `pki` (and the transaction as `deps.db`).
 *
 * @throws {@link DomainError} `TSA_UNAVAILABLE` when the external TSA cannot be reached, does not
 * answer in time or answers with anything but a valid token; the caller's transaction rolls back.
 */
export async function timestampDigest(
  deps: AppDeps,
  digest: Buffer,
  request: { nonce?: bigint; certReq?: boolean; via: "internal" | "http"; pki?: Pki } = { via: "internal" },
): Promise<Buffer> {
  if (deps.config.tsaUrl && request.via === "internal") return requestExternalTimestamp(deps, deps.config.tsaUrl, digest);
  const { root, tsa } = request.pki ?? (await ensurePki(deps));
  const serialNumber = await repo.nextTsaSerial(deps.db);
  const genTime = deps.clock.now();
  const token = await createTimeStampToken({
    messageImprint: digest,
    hashAlgorithm: "sha256",
    nonce: request.nonce,
    certReq: request.certReq ?? true,
    serialNumber,
    genTime,
    policyOid: TSA_POLICY_OID,
    tsaCertificate: tsa.certificate,
    chain: [root.certificate],
    sign: createRsaSigner(tsa.privateKey),
  });
  await repo.recordTimestampToken(deps.db, {
    serialNumber: Number(serialNumber),
    hashAlgorithm: "sha256",
    messageImprint: digest.toString("hex"),
    genTime,
    requestedVia: request.via,
  });
  return token;
}

/** Asks CUSTOS_TSA_URL; a failing TSA is a TSA_UNAVAILABLE the person can act on, and a warning in the log. */
async function requestExternalTimestamp(deps: AppDeps, url: string, digest: Buffer): Promise<Buffer> {
  try {
    return await requestTimestamp(url, digest);
  } catch (error) {
    if (!(error instanceof TimestampError)) throw error;
    const tsaUrl = withoutSecrets(url);
    deps.logger.warn("external time-stamp service failed", { tsaUrl, reason: error.message });
    throw new DomainError(
      "TSA_UNAVAILABLE",
      `The time-stamp service at ${tsaUrl} gave no time stamp (${error.message}), so nothing was signed or saved. ` +
        "Try again in a few minutes; if it keeps failing, ask an administrator to check CUSTOS_TSA_URL.",
      { tsaUrl, reason: error.message },
    );
  }
}

/** The URL without user, password or query, which may carry the TSA's credentials. */
function withoutSecrets(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return "(CUSTOS_TSA_URL)";
  }
}
