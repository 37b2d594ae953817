import { createHash, type KeyObject } from "node:crypto";
import type { AppDeps } from "../context";
import { ensurePki, timestampDigest } from "../signatures/authority";
import { ensureOrganisationCertificate } from "../signatures/organisation-certificate";
import { buildCadesSignedData, createRsaSigner } from "../signatures/cms/index";

/** The organisation's package seal: a certificate issued under the root, and its key. */
export interface PackageSeal {
  certificate: Buffer;
  privateKey: KeyObject;
}

/**
 * The certificate that seals audit packages on behalf of the organisation: the certificate the
 * root issues to the organisation (CN “<name> 审核包签章 Custos Audit Package Seal”, see
 * {@link ensureOrganisationCertificate}; ids `package-seal:<serial>`).
 */
export function ensurePackageSeal(deps: AppDeps): Promise<PackageSeal> {
  return ensureOrganisationCertificate(deps, { idPrefix: "package-seal:", commonName: (name) => `${name} 审核包签章 Custos Audit Package Seal` });
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
