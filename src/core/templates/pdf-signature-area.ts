import { rgb, type PDFFont, type PDFPage } from "pdf-lib";
import type { FilledDocument } from "./fill-template";
import { textWidth } from "./pdf-layout";
import { wrapText } from "./wrap-text";

/** A4 portrait, in points. */
export const A4 = { width: 595.28, height: 841.89 } as const;

/** Size and offsets of the visible signature stamps the signing service adds. */
export const SIGNATURE_STAMP = { width: 240, height: 92, margin: 36, gap: 8 } as const;

/**
 * The lower-right rectangle of the last page kept free for signature stamps (240 × 92 pt
 * each, the first at x = page width − 36 − 240, y = 36, the next ones stacked above).
 * Nothing is drawn in it, nor in the page margins to its right and below it.
 */
export const SIGNATURE_STAMP_AREA = { x: A4.width - SIGNATURE_STAMP.margin - 260, y: SIGNATURE_STAMP.margin, width: 260, height: 300 } as const;

/** The body of the last page ends above this line; the signature area is below it. */
export const SIGNATURE_AREA_TOP = SIGNATURE_STAMP_AREA.y + SIGNATURE_STAMP_AREA.height + 68;

const LEFT = 56;
const RIGHT = SIGNATURE_STAMP_AREA.x - 16;
const GREY = rgb(0.35, 0.35, 0.35);
const RULE = rgb(0.6, 0.6, 0.6);

/** Fixed text of the signature area, in the order drawn. */
export const SIGNATURE_AREA_TEXT = {
  heading: "签署 Signatures",
  noteZh: "各方的电子签名及签署时间见本页右下方的签章。",
  noteEn: "Electronic signatures and signing times: see the stamps at the lower right.",
  employeeName: "姓名 Name：",
  companyName: "单位 Organisation：",
  pointer: "签章 Stamp →",
} as const;

/** Every string {@link drawSignatureArea} may draw with the regular and the bold font. */
export function signatureAreaStrings(doc: FilledDocument): { regular: string[]; bold: string[] } {
  const t = SIGNATURE_AREA_TEXT;
  return {
    regular: [t.noteZh, t.noteEn, t.employeeName, t.companyName, t.pointer, ...doc.signatureLines.flatMap((l) => [l.label.en, l.signerName])],
    bold: [t.heading, ...doc.signatureLines.map((l) => l.label.zh)],
  };
}

/**
 * Draws the signature area at the bottom of the last page: a heading, then one block per
 * signature line on the left, level with the stamp its signer will receive (signers sign
 * in the order of the lines; the first stamp is the lowest). The stamp area stays empty.
 */
export function drawSignatureArea(page: PDFPage, doc: FilledDocument, fonts: { regular: PDFFont; bold: PDFFont }): void {
  const t = SIGNATURE_AREA_TEXT;
  const width = RIGHT - LEFT;
  const top = SIGNATURE_AREA_TOP - 8;
  page.drawLine({ start: { x: LEFT, y: top }, end: { x: A4.width - LEFT, y: top }, thickness: 0.5, color: RULE });
  page.drawText(t.heading, { x: LEFT, y: top - 16, size: 11, font: fonts.bold });
  let y = top - 30;
  for (const note of [t.noteZh, t.noteEn]) {
    for (const line of wrapText(note, (s) => textWidth(fonts.regular, s, 7.5), width)) {
      page.drawText(line, { x: LEFT, y, size: 7.5, font: fonts.regular, color: GREY });
      y -= 10;
    }
  }

  doc.signatureLines.forEach((line, i) => {
    const bottom = SIGNATURE_STAMP.margin + i * (SIGNATURE_STAMP.height + SIGNATURE_STAMP.gap);
    const bandTop = bottom + SIGNATURE_STAMP.height;
    page.drawText(line.label.zh, { x: LEFT, y: bandTop - 12, size: 10.5, font: fonts.bold });
    page.drawText(line.label.en, { x: LEFT, y: bandTop - 25, size: 8.5, font: fonts.regular, color: GREY });
    if (line.signerName) {
      const prefix = line.role === "company" ? t.companyName : t.employeeName;
      const nameLines = wrapText(prefix + line.signerName, (s) => textWidth(fonts.regular, s, 9), width).slice(0, 3);
      nameLines.forEach((text, n) => page.drawText(text, { x: LEFT, y: bandTop - 42 - n * 12, size: 9, font: fonts.regular }));
    }
    const pointerWidth = textWidth(fonts.regular, t.pointer, 7.5);
    page.drawText(t.pointer, { x: RIGHT - pointerWidth, y: bottom + 6, size: 7.5, font: fonts.regular, color: GREY });
    page.drawLine({ start: { x: LEFT, y: bottom }, end: { x: RIGHT, y: bottom }, thickness: 0.5, color: RULE });
  });
}
