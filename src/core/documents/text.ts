/**
 * Text of a PDF for search, extracted with Mozilla's pdf.js (pure JavaScript, so it works wherever
 * Custos runs; it reads the ToUnicode maps, so Chinese comes out as Chinese). Never throws: a file
 * it cannot read yields "" and the document stays findable by number, title and keywords.
 */
export async function extractPdfText(bytes: Uint8Array, maxChars = 200_000): Promise<string> {
  try {
    const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const task = getDocument({
      data: new Uint8Array(bytes),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    });
    const doc = await task.promise;
    try {
      let text = "";
      for (let i = 1; i <= doc.numPages && text.length < maxChars; i++) {
        const page = await doc.getPage(i);
        const content = await page.getTextContent();
        for (const item of content.items) {
          if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
        }
        text += "\n";
        page.cleanup();
      }
      return text.replace(/[ \t]+/g, " ").slice(0, maxChars);
    } finally {
      await task.destroy();
    }
  } catch {
    return "";
  }
}
