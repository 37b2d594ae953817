/** The PDF every signing variant signs: a few pages of text and about 1 MB of incompressible image data. */
import { createCipheriv } from "node:crypto";
import { PDFDocument, StandardFonts, concatTransformationMatrix, drawObject, popGraphicsState, pushGraphicsState } from "pdf-lib";

/**
 * Deterministic, incompressible bytes: the AES-256-CTR keystream under a fixed key, so every run
 * signs exactly the same file and no compression layer can shrink it.
 */
function keystream(length: number): Uint8Array {
  const cipher = createCipheriv("aes-256-ctr", Buffer.alloc(32, 7), Buffer.alloc(16, 0));
  return new Uint8Array(Buffer.concat([cipher.update(Buffer.alloc(length)), cipher.final()]));
}

const PARAGRAPH =
  "This controlled document sets out how revisions are drafted, reviewed, approved and released, " +
  "how obsolete revisions are withdrawn, and how records of each decision are retained.";

/**
 * Builds the benchmark PDF: four pages of text, then a page showing a 576 × 576 RGB image stored
 * raw (about 995 KB), saved with a classic cross-reference table (no object streams) so that
 * every tool in the comparison, including @signpdf/placeholder-plain, can read it.
 */
export async function buildSamplePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle("Custos benchmark document");
  doc.setProducer("Custos bench");
  doc.setCreationDate(new Date("2026-01-01T00:00:00Z"));
  doc.setModificationDate(new Date("2026-01-01T00:00:00Z"));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < 4; p++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Procedure QP-${String(p + 1).padStart(2, "0")}: control of documented information`, { x: 50, y: 790, size: 14, font });
    for (let line = 0; line < 40; line++) {
      page.drawText(`${line + 1}. ${PARAGRAPH.slice(0, 90)}`, { x: 50, y: 760 - line * 17, size: 9, font });
    }
  }
  const side = 576;
  const image = doc.context.register(
    doc.context.stream(keystream(side * side * 3), {
      Type: "XObject",
      Subtype: "Image",
      Width: side,
      Height: side,
      ColorSpace: "DeviceRGB",
      BitsPerComponent: 8,
    }),
  );
  const page = doc.addPage([595.28, 841.89]);
  const name = page.node.newXObject("Im", image);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(500, 0, 0, 500, 47, 170), drawObject(name), popGraphicsState());
  page.drawText("Appendix A: scanned evidence (incompressible image data)", { x: 50, y: 790, size: 12, font });
  return doc.save({ useObjectStreams: false });
}
