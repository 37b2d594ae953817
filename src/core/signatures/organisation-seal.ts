import type { KeyObject } from "node:crypto";
import { desc, like } from "drizzle-orm";
import { pkiAuthorities } from "../../db/schema/pki";
import type { AppDeps } from "../context";
import { deriveKey, seal, unseal } from "../keys";
import { getOrganisationProfile } from "../organisation/service";
import { ensurePki, revocationUrls, timestampDigest, type Pki } from "./authority";
import { certificateDerToPem, certificatePemToDer, exportPrivateKeyDer, generateRsaKeyPair, importPrivateKey, issueSignerCertificate, readCertificate } from "./pki/index";
import { signPdf, type SignPdfResult } from "./sign-pdf";

/** The organisation's seal: a certificate the root issued to the organisation itself, and its key. */
export interface OrganisationSeal {
  certificate: Buffer;
  privateKey: KeyObject;
  serialNumber: string;
}

const YEAR = 365 * 86_400_000;
/** A seal is replaced this long before it expires, so nothing is certified with a certificate about to lapse. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const ID_PREFIX = "organisation-seal:";

function sealingKey(masterKey: Buffer, id: string): Buffer {
  return deriveKey(masterKey, `pki:${id}`);
}

/**
 * The organisation's seal (电子印章): an end-entity certificate issued by the root to the
 * organisation (CN “<name> 电子印章 Organisation seal”, O = the organisation's name; keyUsage
 * nonRepudiation + digitalSignature; the root's CRL and OCSP URLs), with which Custos certifies the
 * PDFs it releases. Its key is sealed under the master key exactly like the root's and the TSA's,
 * in the same table (`pki_authorities`, id `organisation-seal:<serial>`), so OCSP answers `good`
 * for it. Made on first use, and again when the organisation is renamed or the seal nears its end.
 */
export async function ensureOrganisationSeal(deps: AppDeps, pki?: Pki): Promise<OrganisationSeal> {
  const now = deps.clock.now();
  const org = await getOrganisationProfile(deps.db);
  const rows = await deps.db.select().from(pkiAuthorities).where(like(pkiAuthorities.id, `${ID_PREFIX}%`)).orderBy(desc(pkiAuthorities.createdAt));
  for (const row of rows) {
    const certificate = certificatePemToDer(row.certificatePem);
    const summary = readCertificate(certificate);
    const sameName = summary.subject.attributes.find((a) => a.shortName === "O")?.value === org.name;
    if (sameName && summary.notBefore <= now && summary.notAfter.getTime() - RENEW_BEFORE_MS > now.getTime()) {
      return { certificate, serialNumber: row.serialNumber, privateKey: importPrivateKey(unseal(sealingKey(deps.masterKey, row.id), row.keySealed, row.id)) };
    }
  }
  const { root } = pki ?? (await ensurePki(deps));
  const keys = await generateRsaKeyPair();
  const issued = issueSignerCertificate({
    subject: { commonName: `${org.name} 电子印章 Organisation seal`, organization: org.name, country: "CN" },
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
  return { certificate: issued.certificate, privateKey: keys.privateKey, serialNumber: issued.serialNumber };
}

/** Offset of China Standard Time from UTC in minutes (as the signing ceremony writes /M). */
const CST = 480;

/**
 * Certifies a PDF with the organisation's seal: the first signature of the file, a DocMDP
 * certification with P=2 (from now on only form fills and further signatures are allowed; any
 * other change invalidates it), invisible, with a signature time stamp (from CUSTOS_TSA_URL when
 * set: call it outside any transaction).
 *
 * @throws Error from the PDF layer when the PDF is already signed (only the first signature may certify).
 */
export async function certifyWithOrganisationSeal(
  deps: AppDeps,
  pdf: Uint8Array,
  input: { fieldName: string; reason: string },
): Promise<SignPdfResult & { seal: OrganisationSeal }> {
  const pki = await ensurePki(deps);
  const seal = await ensureOrganisationSeal(deps, pki);
  const org = await getOrganisationProfile(deps.db);
  const signed = await signPdf(
    {
      pdf,
      fieldName: input.fieldName,
      signerName: `${org.name} 电子印章 Organisation seal`,
      meaning: "signed",
      reason: input.reason,
      certify: 2,
      signingTime: deps.clock.now(),
      timeZoneOffsetMinutes: CST,
      certificate: seal.certificate,
      chain: [pki.root.certificate],
      privateKey: seal.privateKey,
      timestamp: (digest) => timestampDigest(deps, digest, { via: "internal", pki }),
    },
    seal.serialNumber,
  );
  return { ...signed, seal };
}
