import { desc, like } from "drizzle-orm";
import { pkiAuthorities } from "../../db/schema/pki";
import type { AppDeps } from "../context";
import { getOrganisationProfile } from "../organisation/service";
import { authorityOf, ensurePki, revocationUrls, storeAuthority, type Authority, type Pki } from "./authority";
import { certificatePemToDer, generateRsaKeyPair, issueSignerCertificate, readCertificate } from "./pki/index";

const YEAR = 365 * 86_400_000;
/** A certificate is replaced this long before it expires, so nothing is signed with one about to lapse. */
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** A certificate the root issued to the organisation, its key, and its serial. */
export interface OrganisationCertificate extends Authority {
  serialNumber: string;
}

/**
 * A certificate the root issues to the organisation itself for one purpose (the audit-package
 * seal, the document seal): an end-entity certificate (CN from `commonName`, O = the organisation's
 * name; nonRepudiation + digitalSignature; the root's CRL and OCSP URLs) whose key is sealed under
 * the master key like the root's and the TSA's, in the same table (`pki_authorities`, id
 * `<idPrefix><serial>`), so OCSP answers `good` for it. Made on first use, and again when the
 * organisation is renamed (it signs in its new name) or the current one nears its end.
 */
export async function ensureOrganisationCertificate(
  deps: AppDeps,
  purpose: { idPrefix: string; commonName: (organisation: string) => string },
  pki?: Pki,
): Promise<OrganisationCertificate> {
  const now = deps.clock.now();
  const org = await getOrganisationProfile(deps.db);
  const rows = await deps.db.select().from(pkiAuthorities).where(like(pkiAuthorities.id, `${purpose.idPrefix}%`)).orderBy(desc(pkiAuthorities.createdAt));
  for (const row of rows) {
    const summary = readCertificate(certificatePemToDer(row.certificatePem));
    const sameName = summary.subject.attributes.find((a) => a.shortName === "O")?.value === org.name;
    if (sameName && summary.notBefore <= now && summary.notAfter.getTime() - RENEW_BEFORE_MS > now.getTime()) {
      return { ...authorityOf(deps, row), serialNumber: row.serialNumber };
    }
  }
  const { root } = pki ?? (await ensurePki(deps));
  const keys = await generateRsaKeyPair();
  const issued = issueSignerCertificate({
    subject: { commonName: purpose.commonName(org.name), organization: org.name, country: "CN" },
    publicKey: keys.publicKey,
    issuer: root,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 5 * YEAR),
    ...revocationUrls(deps.config),
  });
  await storeAuthority(deps, `${purpose.idPrefix}${issued.serialNumber}`, issued.certificate, issued.serialNumber, keys.privateKey);
  return { certificate: issued.certificate, privateKey: keys.privateKey, serialNumber: issued.serialNumber };
}
