import {
  beginText,
  concatTransformationMatrix,
  endText,
  fill,
  PDFArray,
  PDFDict,
  PDFName,
  PDFNumber,
  PDFRef,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  setFillingRgbColor,
  setFontAndSize,
  setGraphicsState,
  showText,
  moveText,
  type PDFObject,
  type PDFOperator,
} from "pdf-lib";
import { createCjkFontEmbedder } from "./cjk-font";
import { beginIncrementalUpdate } from "./incremental-writer";
import { listPages, openPdf, type PdfFile } from "./pdf-file";

/** What to put on every page of a copy. */
export interface PageMarks {
  /** Large, translucent lines across the middle of the page (草稿 DRAFT, 已替代 SUPERSEDED …). */
  watermark?: { lines: string[]; color: [number, number, number] };
  /** Lines in a band along the top edge, horizontal so text extraction finds them (pdftotext skips diagonal text). */
  header?: { lines: string[]; color: [number, number, number] };
  /** Small lines in a band along the bottom edge (受控副本 CONTROLLED COPY …). */
  footer?: string[];
}

const FONT = "CustosMarkF";
const GSTATE = "CustosMarkGS";

/**
 * Marks every page of a PDF with real page content (text a reader and `pdftotext` see), written
 * as one incremental update: the original bytes, and any signatures over them, are untouched and
 * still verify; the verifier reports the marks as content added after signing. Used for copies
 * handed out; archived originals are never marked.
 *
 * @throws PdfStructureError for encrypted or damaged files.
 */
export async function markEveryPage(pdf: Uint8Array, marks: PageMarks): Promise<Uint8Array> {
  const file = openPdf(pdf);
  const update = beginIncrementalUpdate(file);
  const ctx = update.context;
  const allText = [...(marks.watermark?.lines ?? []), ...(marks.header?.lines ?? []), ...(marks.footer ?? [])].join("");
  const embedder = await createCjkFontEmbedder(allText);
  const fontRef = update.reserve();
  const gstateRef = update.add(ctx.obj({ Type: "ExtGState", ca: 0.28, CA: 0.28 }));
  const open = update.add(ctx.flateStream("q\n"));
  const close = update.add(ctx.flateStream("\nQ\n"));

  for (const { ref, dict } of listPages(file)) {
    const [x0, y0, x1, y1] = pageBox(file, dict);
    const width = x1 - x0;
    const height = y1 - y0;
    const ops: PDFOperator[] = [];
    if (marks.watermark) {
      const lines = marks.watermark.lines;
      const size = Math.min(48, Math.max(...lines.map((l) => (width * 0.8) / Math.max(1, embedder.widthOfTextAtSize(l, 1)))));
      const angle = Math.atan2(height, width);
      const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
      ops.push(pushGraphicsState(), setGraphicsState(GSTATE), setFillingRgbColor(...marks.watermark.color));
      ops.push(concatTransformationMatrix(cos, sin, -sin, cos, x0 + width / 2, y0 + height / 2));
      lines.forEach((line, i) => {
        const lineSize = i === 0 ? size : size * 0.45;
        const w = embedder.widthOfTextAtSize(line, lineSize);
        const y = -i * size * 0.9 + (lines.length > 1 ? size * 0.3 : -size * 0.35);
        ops.push(beginText(), setFontAndSize(FONT, lineSize), moveText(-w / 2, y), showText(embedder.encodeText(line)), endText());
      });
      ops.push(popGraphicsState());
    }
    if (marks.header?.lines.length) {
      const size = 9;
      const band = marks.header.lines.length * size * 1.35 + 6;
      ops.push(pushGraphicsState(), setFillingRgbColor(1, 1, 1), rectangle(x0, y1 - band, width, band), fill());
      ops.push(setFillingRgbColor(...marks.header.color));
      marks.header.lines.forEach((line, i) => {
        let lineSize = size;
        const w = embedder.widthOfTextAtSize(line, lineSize);
        if (w > width - 24) lineSize = (lineSize * (width - 24)) / w;
        ops.push(beginText(), setFontAndSize(FONT, lineSize), moveText(x0 + 12, y1 - 3 - (i + 1) * size * 1.35 + 2), showText(embedder.encodeText(line)), endText());
      });
      ops.push(popGraphicsState());
    }
    if (marks.footer?.length) {
      const size = 7;
      const band = marks.footer.length * size * 1.35 + 6;
      ops.push(pushGraphicsState(), setFillingRgbColor(1, 1, 1), rectangle(x0, y0, width, band), fill());
      ops.push(setFillingRgbColor(0.55, 0.1, 0.1));
      marks.footer.forEach((line, i) => {
        let lineSize = size;
        const w = embedder.widthOfTextAtSize(line, lineSize);
        if (w > width - 24) lineSize = (lineSize * (width - 24)) / w;
        const y = y0 + band - 3 - (i + 1) * size * 1.35 + 2;
        ops.push(beginText(), setFontAndSize(FONT, lineSize), moveText(x0 + 12, y), showText(embedder.encodeText(line)), endText());
      });
      ops.push(popGraphicsState());
    }
    const markStream = update.add(ctx.contentStream(ops));
    const page = dict.clone(ctx);
    page.set(PDFName.of("Resources"), withMarkResources(file, dict, fontRef, gstateRef));
    const contents = file.resolve(dict.get(PDFName.of("Contents")));
    const original = contents instanceof PDFArray ? contents.asArray() : dict.get(PDFName.of("Contents")) ? [dict.get(PDFName.of("Contents"))!] : [];
    page.set(PDFName.of("Contents"), ctx.obj([open, ...original, close, markStream]));
    update.replace(ref, page);
  }
  await embedder.embedIntoContext(ctx, fontRef);
  return update.write().bytes;
}

function pageBox(file: PdfFile, page: PDFDict): [number, number, number, number] {
  for (const key of ["CropBox", "MediaBox"]) {
    let node: PDFDict | undefined = page;
    for (let i = 0; node && i < 32; i++) {
      const box = file.resolve(node.get(PDFName.of(key)));
      if (box instanceof PDFArray && box.size() === 4) {
        const n = box.asArray().map((v) => file.resolve(v)).map((v) => (v instanceof PDFNumber ? v.asNumber() : 0));
        return [Math.min(n[0]!, n[2]!), Math.min(n[1]!, n[3]!), Math.max(n[0]!, n[2]!), Math.max(n[1]!, n[3]!)];
      }
      node = file.getDict(node, "Parent");
    }
  }
  return [0, 0, 595.28, 841.89];
}

/** The page's resources (own or inherited) plus our font and graphics state, as a new direct dictionary. */
function withMarkResources(file: PdfFile, page: PDFDict, fontRef: PDFRef, gstateRef: PDFRef): PDFDict {
  const ctx = file.context;
  let inherited: PDFObject | undefined;
  let node: PDFDict | undefined = page;
  for (let i = 0; node && i < 32 && !inherited; i++) {
    inherited = file.resolve(node.get(PDFName.of("Resources")));
    node = file.getDict(node, "Parent");
  }
  const resources = inherited instanceof PDFDict ? inherited.clone(ctx) : ctx.obj({});
  const sub = (key: string, name: string, ref: PDFRef) => {
    const existing = file.resolve(resources.get(PDFName.of(key)));
    const dict = existing instanceof PDFDict ? existing.clone(ctx) : ctx.obj({});
    dict.set(PDFName.of(name), ref);
    resources.set(PDFName.of(key), dict);
  };
  sub("Font", FONT, fontRef);
  sub("ExtGState", GSTATE, gstateRef);
  return resources;
}
