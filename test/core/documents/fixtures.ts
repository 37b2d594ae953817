import { PDFDocument } from "pdf-lib";
import { embedCjkFont } from "../../../src/core/signatures/pdf/index";

/** A small procedure PDF with Chinese body text (what search must find). */
export async function procedurePdf(title: string, body: string, pages = 2): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await embedCjkFont(doc, title + body + "第页共0123456789 /");
  for (let i = 0; i < pages; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(title, { x: 56, y: 780, size: 18, font });
    page.drawText(body, { x: 56, y: 740, size: 11, font });
    page.drawText(`第 ${i + 1} 页 / 共 ${pages} 页`, { x: 56, y: 60, size: 9, font });
  }
  return doc.save();
}
