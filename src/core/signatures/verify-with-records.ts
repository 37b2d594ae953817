import type { Db } from "../../db/client";
import { checkPdfSignatures, validatePdfSignatures, type PdfVerification } from "./pdf/index";
import * as repo from "./repo";
import type { RevocationRecord } from "./validation/index";

/**
 * Verifies a PDF's signatures against our root, with our records as the first revocation source:
 * for each certificate that chains to our root, the signer-certificate table (revoked or not), or
 * the authorities we run (TSA, package seal), which are never revoked; the PDF's DSS for the rest.
 * Validated at `now` (the service clock).
 */
export async function verifyWithOurRecords(db: Db, bytes: Uint8Array, root: Uint8Array, now: Date): Promise<PdfVerification> {
  const options = { trustAnchors: [root], now };
  const checked = checkPdfSignatures(bytes, options);
  const records = new Map<string, RevocationRecord>();
  for (const s of checked.signatures) {
    const serial = s.cms?.signer?.serialNumber;
    if (s.cms?.chain.status !== "trusted" || !serial || records.has(serial)) continue;
    const signer = await repo.findCertificateBySerial(db, serial);
    if (signer) records.set(serial, { revokedAt: signer.revokedAt, revocationReason: signer.revocationReason });
    else if (await repo.findAuthorityBySerial(db, serial)) records.set(serial, { revokedAt: null, revocationReason: null });
  }
  return validatePdfSignatures(bytes, checked, { ...options, revocationRecords: records });
}
