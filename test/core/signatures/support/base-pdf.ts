import { PDFDocument, StandardFonts } from "pdf-lib";

/** A small generated document: `pages` pages of English text; xref stream and object streams when asked. */
export async function createBasePdf(options: { pages?: number; useObjectStreams?: boolean; padToBytes?: number } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle("IP declaration");
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 0; i < (options.pages ?? 2); i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`Intellectual property declaration - page ${i + 1}`, { x: 50, y: 780, size: 14, font });
    page.drawText("The employee declares that inventions made on the job belong to the company.", { x: 50, y: 750, size: 10, font });
  }
  if (options.padToBytes) {
    // An incompressible attachment makes the file as large as asked (for timing runs).
    const filler = new Uint8Array(options.padToBytes);
    let x = 0x12345678;
    for (let i = 0; i < filler.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      filler[i] = x & 0xff;
    }
    await doc.attach(filler, "filler.bin", { mimeType: "application/octet-stream" });
  }
  return doc.save({ useObjectStreams: options.useObjectStreams ?? false });
}
