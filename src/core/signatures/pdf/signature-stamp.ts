import {
  PDFName,
  PDFRef,
  closePath,
  fill,
  lineTo,
  moveTo,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingRgbColor,
  setLineWidth,
  setStrokingRgbColor,
  stroke,
  beginText,
  endText,
  setFontAndSize,
  moveText,
  showText,
  type PDFOperator,
} from "pdf-lib";
import { createCjkFontEmbedder } from "./cjk-font";
import type { IncrementalUpdate } from "./incremental-writer";

/** What a visible signature stamp shows (21 CFR 11.50: who, when, what it means). */
export interface SignatureStampContent {
  /** The signer's printed name, e.g. "张三". */
  signerName: string;
  /** Meaning in Chinese, e.g. "审核". */
  meaningZh: string;
  /** Meaning in English, e.g. "Reviewed". */
  meaningEn: string;
  /** Date, time and zone as shown, e.g. "2026-11-25 14:03:12 +08:00". */
  signedAtText: string;
  /** The signing certificate's serial number (hex). */
  certificateSerial: string;
}

const NAME_SIZE = 13;
const LINE_SIZE = 9;
const SMALL_SIZE = 7;
const PAD = 6;

function stampLines(content: SignatureStampContent): { text: string; size: number }[] {
  return [
    { text: content.signerName, size: NAME_SIZE },
    { text: `${content.meaningZh} ${content.meaningEn}`, size: LINE_SIZE },
    { text: `签署时间 Signed: ${content.signedAtText}`, size: SMALL_SIZE },
    { text: `证书序列号 Certificate serial:`, size: SMALL_SIZE },
    { text: content.certificateSerial.toUpperCase(), size: SMALL_SIZE },
  ];
}

/**
 * Builds the appearance stream (a Form XObject) of a visible stamp sized `width` ×
 * `height` points and adds it, with its cut-down CJK font, to the update.
 */
export async function addStampAppearance(update: IncrementalUpdate, content: SignatureStampContent, width: number, height: number): Promise<PDFRef> {
  const lines = stampLines(content);
  const embedder = await createCjkFontEmbedder(lines.map((l) => l.text).join(""));
  const fontRef = update.reserve();
  const innerWidth = width - 2 * PAD - 4;
  const natural = lines.reduce((h, l) => h + l.size * 1.3, 0);
  const scale = Math.min(1, (height - 2 * PAD) / natural);
  const ops: PDFOperator[] = [
    pushGraphicsState(),
    setFillingRgbColor(0.97, 0.97, 1),
    rectangle(0, 0, width, height),
    fill(),
    setStrokingRgbColor(0.55, 0.1, 0.1),
    setLineWidth(1.2),
    rectangle(0.6, 0.6, width - 1.2, height - 1.2),
    stroke(),
    setLineWidth(2.5),
    moveTo(3, 3),
    lineTo(3, height - 3),
    closePath(),
    stroke(),
    setFillingRgbColor(0.1, 0.1, 0.25),
    beginText(),
  ];
  let y = height - PAD;
  let x = PAD + 4;
  let first = true;
  for (const line of lines) {
    let size = line.size * scale;
    const w = embedder.widthOfTextAtSize(line.text, size);
    if (w > innerWidth) size = (size * innerWidth) / w;
    y -= line.size * scale * 1.3;
    if (first) {
      ops.push(moveText(x, y));
      first = false;
    } else {
      ops.push(moveText(0, -line.size * scale * 1.3));
    }
    ops.push(setFontAndSize("F1", size), showText(embedder.encodeText(line.text)));
    x = 0;
  }
  ops.push(endText(), popGraphicsState());
  await embedder.embedIntoContext(update.context, fontRef);
  const form = update.context.formXObject(ops, {
    BBox: [0, 0, width, height],
    Resources: { Font: { F1: fontRef } },
  });
  form.dict.set(PDFName.of("Matrix"), update.context.obj([1, 0, 0, 1, 0, 0]));
  return update.add(form);
}
