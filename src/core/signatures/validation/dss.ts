import { PDFArray, PDFDict, PDFRawStream } from "pdf-lib";
import { decodeStreamData } from "../pdf/pdf-bytes";
import { openPdf, type PdfFile } from "../pdf/pdf-file";

/** The validation data a PDF's Document Security Store holds (PAdES B-LT). */
export interface DssData {
  /** Whether the final revision's catalog has a /DSS dictionary. */
  present: boolean;
  /** DER certificates (/Certs). */
  certificates: Buffer[];
  /** DER OCSPResponses (/OCSPs). */
  ocsps: Buffer[];
  /** DER CRLs (/CRLs). */
  crls: Buffer[];
  /** Entries that were skipped (not a stream, undecodable), one sentence each. */
  notes: string[];
}

/** At most this many entries per array are read (a hostile file may list millions). */
const MAX_ENTRIES = 500;
/** No certificate, OCSP response or CRL Custos reads is larger (a CRL of a big CA is a few MB). */
const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/**
 * Reads the /DSS of the final revision's catalog: the streams of /Certs, /OCSPs and /CRLs, decoded.
 * Garbage is tolerated: an entry that is not a stream, or whose data cannot be decoded, is skipped
 * with a note. What the bytes are (a certificate, an OCSP response, a CRL) is judged by whoever
 * uses them. Never throws.
 */
export function readDss(bytes: Uint8Array): DssData {
  const out: DssData = { present: false, certificates: [], ocsps: [], crls: [], notes: [] };
  let file: PdfFile;
  try {
    file = openPdf(bytes);
    if (file.encrypted) return out;
  } catch {
    return out;
  }
  try {
    const dss = file.getDict(file.catalog()?.dict, "DSS");
    if (!dss) return out;
    out.present = true;
    out.certificates = streamsOf(file, dss, "Certs", out.notes);
    out.ocsps = streamsOf(file, dss, "OCSPs", out.notes);
    out.crls = streamsOf(file, dss, "CRLs", out.notes);
  } catch (error) {
    out.notes.push(`the /DSS could not be read: ${(error as Error).message}`);
  }
  return out;
}

function streamsOf(file: PdfFile, dss: PDFDict, key: "Certs" | "OCSPs" | "CRLs", notes: string[]): Buffer[] {
  const value = file.get(dss, key);
  if (value === undefined) return [];
  if (!(value instanceof PDFArray)) {
    notes.push(`/DSS /${key} is not an array; ignored`);
    return [];
  }
  const items = value.asArray();
  if (items.length > MAX_ENTRIES) notes.push(`/DSS /${key} lists ${items.length} entries; only the first ${MAX_ENTRIES} are read`);
  const out: Buffer[] = [];
  items.slice(0, MAX_ENTRIES).forEach((item, i) => {
    const stream = file.resolve(item);
    if (!(stream instanceof PDFRawStream)) {
      notes.push(`/DSS /${key} entry ${i + 1} is not a stream; ignored`);
      return;
    }
    try {
      out.push(Buffer.from(decodeStreamData(stream, MAX_ENTRY_BYTES)));
    } catch (error) {
      notes.push(`/DSS /${key} entry ${i + 1} cannot be decoded (${(error as Error).message}); ignored`);
    }
  });
  return out;
}
