import type { AppDeps } from "../context";
import { currentCrl, ocspResponseFor, timestampDigest, type Pki } from "./authority";
import { Oid } from "./cms/oids";
import { parseSignedData } from "./cms/index";
import { encodingOf } from "./pki/der-reader";
import { addDss, inspectPdfSignatures } from "./pdf/index";
import { addDocumentTimestamp } from "./sign-pdf";

/** The certificates a CMS (signature or time-stamp token) carries, its embedded time-stamp tokens' included. */
function certificatesOf(cms: Uint8Array, depth = 0): Buffer[] {
  let sd;
  try {
    sd = parseSignedData(cms);
  } catch {
    return [];
  }
  const out = [...sd.certificates];
  if (depth > 0) return out;
  for (const si of sd.signerInfos) {
    for (const attribute of si.unsignedAttributes) {
      if (attribute.oid !== Oid.signatureTimeStampToken) continue;
      for (const value of attribute.values) out.push(...certificatesOf(encodingOf(value), depth + 1));
    }
  }
  return out;
}

/**
 * The validation data of every signature and time stamp of `pdf`: each certificate they carry
 * (and the TSA's and root's), an OCSP response signed by the root for each certificate the root
 * issued, and the current CRL.
 */
export async function validationDataOf(deps: AppDeps, pdf: Uint8Array, pki: Pki): Promise<{ certificates: Buffer[]; ocsps: Buffer[]; crls: Buffer[] }> {
  const seen = new Map<string, Buffer>();
  const remember = (der: Buffer) => seen.set(der.toString("base64"), der);
  for (const signature of inspectPdfSignatures(pdf).signatures) {
    if (signature.contents) certificatesOf(signature.contents).forEach(remember);
  }
  // the document timestamp about to be added is the built-in TSA's (unless CUSTOS_TSA_URL is set)
  remember(pki.tsa.certificate);
  remember(pki.root.certificate);
  const certificates = [...seen.values()];
  const ocsps: Buffer[] = [];
  for (const certificate of certificates) {
    const response = await ocspResponseFor(deps, certificate, pki);
    if (response) ocsps.push(response);
  }
  return { certificates, ocsps, crls: [await currentCrl(deps)] };
}

/**
 * Takes a signed PDF to PAdES B-LTA: a DSS with the validation data of every signature and time
 * stamp (B-LT), then a document timestamp over the whole file (B-LTA), each an incremental update
 * that leaves every signature's bytes as they were. Runs outside any transaction (the time stamp
 * may come from an external TSA).
 */
export async function extendToLta(deps: AppDeps, pdf: Uint8Array, pki: Pki, fieldName: string): Promise<Uint8Array> {
  const data = await validationDataOf(deps, pdf, pki);
  const withDss = addDss(pdf, data);
  const stamped = await addDocumentTimestamp(withDss, fieldName, (digest) => timestampDigest(deps, digest, { via: "internal", pki }));
  return stamped.pdf;
}
