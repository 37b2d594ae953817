import { createHash, type KeyObject } from "node:crypto";
import { and, desc, like } from "drizzle-orm";
import { pkiAuthorities } from "../../db/schema/pki";
import type { AppDeps } from "../context";
import { deriveKey, seal, unseal } from "../keys";
import { getOrganisationProfile } from "../organisation/service";
import { ensurePki, revocationUrls, timestampDigest } from "../signatures/authority";
import { buildCadesSignedData, createRsaSigner } from "../signatures/cms/index";
import {
  certificateDerToPem,
  certificatePemToDer,
  exportPrivateKeyDer,
  generateRsaKeyPair,
  importPrivateKey,
  issueSignerCertificate,
  readCertificate,
} from "../signatures/pki/index";

/** The organisation's package seal: a certificate issued under the root, and its key. */
export interface PackageSeal {
  certificate: Buffer;
  privateKey: KeyObject;
}

const YEAR = 365 * 86_400_000;
/** A seal is replaced this long before it expires, so a package is never sealed with a certificate about to lapse. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const ID_PREFIX = "package-seal:";

function sealingKey(masterKey: Buffer, id: string): Buffer {
  return deriveKey(masterKey, `pki:${id}`);
}

/**
 * The certificate that seals audit packages on behalf of the organisation: an end-entity
 * certificate under the root CA (digitalSignature, nonRepudiation), its private key sealed under
 * the master key exactly like the CA's, in the same table (`pki_authorities`, id
 * `package-seal:<serial>`). Issued on first use, and again when the current one nears its end.
 */
export async function ensurePackageSeal(deps: AppDeps): Promise<PackageSeal> {
  const now = deps.clock.now();
  const rows = await deps.db
    .select()
    .from(pkiAuthorities)
    .where(and(like(pkiAuthorities.id, `${ID_PREFIX}%`)))
    .orderBy(desc(pkiAuthorities.createdAt));
  const org = await getOrganisationProfile(deps.db);
  for (const row of rows) {
    const certificate = certificatePemToDer(row.certificatePem);
    const summary = readCertificate(certificate);
    // a renamed organisation seals with a new certificate in its new name
    const sameName = summary.subject.attributes.find((a) => a.shortName === "O")?.value === org.name;
    if (sameName && summary.notBefore <= now && summary.notAfter.getTime() - RENEW_BEFORE_MS > now.getTime()) {
      return { certificate, privateKey: importPrivateKey(unseal(sealingKey(deps.masterKey, row.id), row.keySealed, row.id)) };
    }
  }
  const { root } = await ensurePki(deps);
  const keys = await generateRsaKeyPair();
  const issued = issueSignerCertificate({
    subject: { commonName: `${org.name} 审核包签章 Custos Audit Package Seal`, organization: org.name, country: "CN" },
    publicKey: keys.publicKey,
    issuer: root,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 5 * YEAR),
    ...revocationUrls(deps.config),
  });
  const id = `${ID_PREFIX}${issued.serialNumber}`;
  await deps.db.insert(pkiAuthorities).values({
    id,
    certificatePem: certificateDerToPem(issued.certificate),
    serialNumber: issued.serialNumber,
    keySealed: seal(sealingKey(deps.masterKey, id), exportPrivateKeyDer(keys.privateKey), id),
    createdAt: now,
  });
  return { certificate: issued.certificate, privateKey: keys.privateKey };
}

/**
 * A detached CMS SignedData over `content` (the manifest's exact bytes) by the package seal, with
 * the seal and root certificates inside and a signature time stamp from the TSA (CAdES B-T), so
 * `openssl cms -verify` and the offline verifier both check it against the root alone.
 */
export async function sealContent(deps: AppDeps, content: Uint8Array, seal?: PackageSeal): Promise<{ cms: Buffer; certificate: Buffer }> {
  const sealCert = seal ?? (await ensurePackageSeal(deps));
  const { root } = await ensurePki(deps);
  const cms = await buildCadesSignedData({
    digest: createHash("sha256").update(content).digest(),
    signerCertificate: sealCert.certificate,
    certificates: [sealCert.certificate, root.certificate],
    sign: createRsaSigner(sealCert.privateKey),
    timestamp: (signatureValue) => timestampDigest(deps, createHash("sha256").update(signatureValue).digest()),
  });
  return { cms, certificate: sealCert.certificate };
}
