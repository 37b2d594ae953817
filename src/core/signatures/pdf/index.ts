/**
 * PDF side of PAdES: incremental updates, signature preparation and embedding, visible
 * stamps, completion pages, and a tolerant inspector of existing signatures.
 */
export { preparePdfSignature, type PreparePdfSignatureOptions, type PreparedPdfSignature, type SignatureStampOptions, type StampRect } from "./prepare-pdf-signature";
export { embedCmsSignature, hashByteRange, SignatureTooLargeError } from "./embed-cms-signature";
export type { SignatureStampContent } from "./signature-stamp";
export { embedCjkFont, subsetCjkFont, createCjkFontEmbedder, type CjkFontWeight } from "./cjk-font";
export { beginIncrementalUpdate, type IncrementalUpdate, type WrittenUpdate } from "./incremental-writer";
export { openPdf, listPages, PdfStructureError, type PdfFile, type OpenPdfOptions } from "./pdf-file";
export { appendCompletionPage, type CompletionPageInput, type CompletionSigner, type CompletionEvent } from "./completion-page";
export { inspectPdfSignatures, type PdfSignatureInspection, type InspectedSignature, type InspectionProblem } from "./inspect-pdf-signatures";
export { verifyPdfSignatures, checkPdfSignatures, validatePdfSignatures, type PdfVerification, type VerifiedPdfSignature, type CheckedPdf, type CheckedPdfSignature, type VerifyPdfOptions } from "./verify-pdf-signatures";
export type { ByteRangeCoverage, CoverageAnomaly } from "./byte-range-check";
export type { ChangesAfterSignature, ChangeKind, Modification, AddedPage, AddedAppearance } from "./revision-changes";
export type { PdfRevision } from "./pdf-revisions";
export { markEveryPage, type PageMarks } from "./page-marks";
export { addDss, type DssContent } from "./add-dss";
