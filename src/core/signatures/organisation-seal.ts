import type { AppDeps } from "../context";
import { getOrganisationProfile } from "../organisation/service";
import { ensurePki, timestampDigest, type Pki } from "./authority";
import { ensureOrganisationCertificate, type OrganisationCertificate } from "./organisation-certificate";
import { signPdf, type SignPdfResult } from "./sign-pdf";

/** The organisation's seal: a certificate the root issued to the organisation itself, and its key. */
export type OrganisationSeal = OrganisationCertificate;

/**
 * The organisation's seal (电子印章): the certificate the root issues to the organisation (CN
 * “<name> 电子印章 Organisation seal”, see {@link ensureOrganisationCertificate}; ids
 * `organisation-seal:<serial>`), with which Custos certifies the PDFs it releases.
 */
export function ensureOrganisationSeal(deps: AppDeps, pki?: Pki): Promise<OrganisationSeal> {
  return ensureOrganisationCertificate(deps, { idPrefix: "organisation-seal:", commonName: (name) => `${name} 电子印章 Organisation seal` }, pki);
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
