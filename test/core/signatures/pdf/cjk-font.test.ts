import { afterAll, describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import { embedCjkFont, subsetCjkFont } from "../../../../src/core/signatures/pdf";
import { MISSING_GLYPH } from "../../../../src/core/signatures/pdf/cjk-font";
import { makeTempDir, pdfToText } from "../support/validators";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe("CJK font", () => {
  it("cuts Noto Sans SC to the characters used", async () => {
    const small = await subsetCjkFont("张三");
    const larger = await subsetCjkFont("张三李四王五赵六 批准审核起草签署确认 Approved Reviewed");
    expect(small.length).toBeLessThan(20_000);
    expect(larger.length).toBeGreaterThan(small.length);
  });

  it("draws Chinese in any pdf-lib document, extractable as the same characters (ToUnicode)", async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    const lines = ["知识产权声明", "离职知识产权协议 Exit IP agreement", "Certificate of Completion — office, fine"];
    const font = await embedCjkFont(doc, lines.join(""));
    lines.forEach((text, i) => page.drawText(text, { font, size: 14, x: 40, y: 760 - i * 24 }));
    const bytes = await doc.save();
    expect(bytes.length).toBeLessThan(100_000);
    const text = pdfToText(bytes, tmp.dir);
    for (const line of lines) expect(text).toContain(line);
  });

  it("draws digits and hyphens nobody announced, and a visible 〓 for what the font lacks (emoji), never an empty box", async () => {
    const doc = await PDFDocument.create();
    const page = doc.addPage();
    const font = await embedCjkFont(doc, "生成于UTC");
    page.drawText("生成于 2026-12-07 17:00 UTC", { font, size: 12, x: 40, y: 760 });
    page.drawText("已批准 👍 完成", { font, size: 12, x: 40, y: 730 });
    expect(font.widthOfTextAtSize("👍", 12)).toBe(font.widthOfTextAtSize(MISSING_GLYPH, 12));
    const text = pdfToText(await doc.save(), tmp.dir);
    expect(text).toContain("生成于 2026-12-07 17:00 UTC");
    // not in the font (👍) or not announced (已批准完; 成 was): the missing-character mark
    expect(text).toContain(`${MISSING_GLYPH}${MISSING_GLYPH}${MISSING_GLYPH} ${MISSING_GLYPH} ${MISSING_GLYPH}成`);
  });
});
