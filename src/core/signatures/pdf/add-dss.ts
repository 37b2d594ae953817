import { createHash } from "node:crypto";
import { PDFArray, PDFDict, PDFName, PDFRawStream, PDFRef, type PDFObject } from "pdf-lib";
import { beginIncrementalUpdate } from "./incremental-writer";
import { openPdf, type PdfFile } from "./pdf-file";

/** Validation data for a Document Security Store (PAdES B-LT, ISO 32000-2 §12.8.4.3). */
export interface DssContent {
  /** DER certificates. */
  certificates: Uint8Array[];
  /** DER CRLs. */
  crls?: Uint8Array[];
  /** DER OCSPResponses. */
  ocsps?: Uint8Array[];
}

/**
 * Appends (or extends) the catalog's /DSS as one incremental update: each certificate, CRL and
 * OCSP response as a stream in /Certs, /CRLs and /OCSPs. What an existing DSS already holds
 * (byte-identical) is not written again. Earlier bytes are left as they were, so every earlier
 * signature keeps covering exactly what it signed.
 *
 * @throws {@link PdfStructureError} for files that are not PDFs, encrypted or damaged.
 */
export function addDss(pdf: Uint8Array, content: DssContent): Uint8Array {
  const file = openPdf(pdf, { reconstruct: false });
  const update = beginIncrementalUpdate(file);
  const catalog = file.catalog();
  if (!catalog?.ref) throw new Error("the PDF has no indirect document catalog");
  const ctx = update.context;
  const existing = file.resolve(catalog.dict.get(PDFName.of("DSS")));
  const dss = existing instanceof PDFDict ? existing.clone(ctx) : ctx.obj({ Type: "DSS" });
  const add = (key: "Certs" | "CRLs" | "OCSPs", items: Uint8Array[] | undefined): void => {
    const current = file.resolve(dss.get(PDFName.of(key)));
    const refs: PDFObject[] = current instanceof PDFArray ? current.asArray() : [];
    const known = new Set(refs.map((r) => digestOfStream(file, r)).filter((d): d is string => d !== undefined));
    for (const item of items ?? []) {
      const digest = createHash("sha256").update(item).digest("hex");
      if (known.has(digest)) continue;
      known.add(digest);
      refs.push(update.add(PDFRawStream.of(ctx.obj({ Length: item.length }), item)));
    }
    if (refs.length > 0) dss.set(PDFName.of(key), ctx.obj(refs));
  };
  add("Certs", content.certificates);
  add("CRLs", content.crls);
  add("OCSPs", content.ocsps);
  const dssRef = update.add(dss);
  const copy = catalog.dict.clone(ctx);
  copy.set(PDFName.of("DSS"), dssRef);
  update.replace(catalog.ref, copy);
  return update.write().bytes;
}

function digestOfStream(file: PdfFile, ref: PDFObject): string | undefined {
  const stream = ref instanceof PDFRef ? file.lookup(ref) : undefined;
  if (!(stream instanceof PDFRawStream)) return undefined;
  return createHash("sha256").update(stream.getContents()).digest("hex");
}
