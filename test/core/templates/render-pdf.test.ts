import { afterAll, describe, expect, it } from "vitest";
import { listPages, openPdf, preparePdfSignature } from "../../../src/core/signatures/pdf";
import { getTemplate, listTemplates, renderTemplatePdf, SIGNATURE_STAMP_AREA, type DocumentTemplate } from "../../../src/core/templates";
import { makeWorkDir, organisation, pdfInfo, pdfText, pdfWords, sampleValues, type PdfWord } from "./support";

const work = makeWorkDir();
afterAll(() => work.cleanup());

const createdAt = new Date("2026-11-25T08:00:00Z");

async function render(id: string, values: Record<string, unknown> = sampleValues[id]!, at = createdAt): Promise<{ template: DocumentTemplate; bytes: Uint8Array; file: string }> {
  const template = await getTemplate(id);
  const bytes = await renderTemplatePdf(template, values, { organisation, createdAt: at });
  return { template, bytes, file: work.write(`${id}.pdf`, bytes) };
}

/** Words lying (even partly) in the stamp area or the margins right of and below it, in pdftotext's top-left coordinates. */
function wordsInStampArea(file: string, page: number): PdfWord[] {
  const { height, words } = pdfWords(file, page);
  const top = height - (SIGNATURE_STAMP_AREA.y + SIGNATURE_STAMP_AREA.height);
  return words.filter((w) => w.xMax > SIGNATURE_STAMP_AREA.x && w.yMax > top);
}

function pageCount(file: string): number {
  return Number(pdfInfo(file).Pages);
}

describe("renderTemplatePdf", () => {
  it("renders every template as an A4 PDF whose Chinese title, values, headings, header line and page numbers extract as text", async () => {
    for (const { id } of await listTemplates()) {
      const { template, file } = await render(id);
      const info = pdfInfo(file);
      const pages = Number(info.Pages);
      expect(pages, id).toBeGreaterThanOrEqual(1);
      expect(info.Title).toBe(`${template.title.zh} / ${template.title.en}`);
      expect(info.Author).toBe(organisation.name);
      expect(info.Producer).toBe("Custos");
      expect(info["Page size"]).toMatch(/^595\.28 x 841\.89 pts \(A4\)/);

      const text = pdfText(file);
      const lines = text.split("\n").map((l) => l.trim());
      expect(lines).toContain(template.title.zh);
      expect(lines).toContain(template.title.en);
      expect(text).toContain(organisation.name);
      expect(text).toContain("张三");
      for (const section of template.body) expect(lines, `${id}: ${section.heading.zh}`).toContain(section.heading.zh);
      for (let page = 1; page <= pages; page++) {
        const pageText = pdfText(file, page);
        expect(pageText).toContain(`模板 ${id} 第1版 · 条款 ${template.clause}`);
        // pdftotext drops the narrow spaces between Chinese characters; the words are what matter.
        expect(pageText.replace(/\s+/g, "")).toContain(`第${page}页/共${pages}页`);
      }
      expect(text).not.toMatch(/\{\{|\}\}/);
    }
  });

  it("fills values into the sentences: dates in Chinese and English, amounts with separators, the organisation's names", async () => {
    const { file } = await render("non-compete");
    const text = pdfText(file).replace(/\s+/g, "");
    expect(text).toContain("甲方（用人单位）：北京示例科技有限公司");
    expect(text).toContain("每月人民币15,000元（税前）");
    expect(text).toContain("违约金人民币360,000元");
    expect(text).toContain("之日起24个月");
    expect(text).toContain("PartyA(theemployer):BeijingExampleTechnologyCo.,Ltd.");
    expect(text).toContain("双方列明的有竞争关系的单位（不以此为限）：无。");

    const exit = pdfText((await render("exit-ip-agreement")).file).replace(/\s+/g, "");
    expect(exit).toContain("自2020年3月1日起在甲方研发部担任高级软件工程师，双方劳动关系于2026年12月31日解除或者终止");
    expect(exit).toContain("since1March2020");
  });

  it("leaves the lower-right stamp area of the last page empty, and the signing service's stamps land in it", async () => {
    for (const { id } of await listTemplates()) {
      const { template, bytes, file } = await render(id);
      const last = pageCount(file);
      expect(wordsInStampArea(file, last), id).toEqual([]);
      const lastText = pdfText(file, last);
      for (const line of template.signatureLines) expect(lastText).toContain(line.label.zh);
      // The signatures never stand alone: the final paragraph is on the signature page.
      const finalParagraph = template.body.at(-1)!.paragraphs.at(-1)!.zh;
      expect(lastText.replace(/\s+/g, "")).toContain(finalParagraph.replace(/\s+/g, ""));

      let signed = bytes;
      for (const [n, name] of ["张三", "李经理"].entries()) {
        const prepared = await preparePdfSignature(signed, {
          fieldName: `sig${n}`,
          signerName: name,
          reason: "签署",
          signingTime: createdAt,
          stamp: { pageIndex: "last", signerName: name, meaningZh: "签署", meaningEn: "Signed", signedAtText: "2026-11-25 16:00:00 +08:00", certificateSerial: "0A1B2C" },
        });
        signed = prepared.pdf;
      }
      const stamped = wordsInStampArea(work.write(`${id}-stamped.pdf`, signed), last).map((w) => w.text);
      expect(stamped.filter((t) => t === "Signed:")).toHaveLength(2);
      expect(stamped).toEqual(expect.arrayContaining(["张三", "李经理"]));
    }
  });

  it("keeps the stamp area empty however long the body gets, paginating a long table row across pages", async () => {
    const base = sampleValues["ip-declaration"]!;
    const seen = new Set<number>();
    for (const lines of [0, 4, 8, 12, 16, 20, 50]) {
      const priorIp = Array.from({ length: lines }, (_, i) => `${i + 1}. 发明专利 ZL2020101234${String(i).padStart(2, "0")}.7《一种数据同步方法》`).join("\n");
      const { file } = await render("ip-declaration", { ...base, priorIp });
      const pages = pageCount(file);
      seen.add(pages);
      expect(wordsInStampArea(file, pages), `${lines} lines`).toEqual([]);
      expect(pdfText(file, pages)).toContain("6.4 本声明以中文和英文书就");
      if (lines === 50) expect(pdfText(file)).toContain("50. 发明专利 ZL202010123449.7");
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it("gives byte-identical output for identical inputs, and records the creation date", async () => {
    const a = await render("ip-declaration");
    const b = await render("ip-declaration");
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    const later = await render("ip-declaration", sampleValues["ip-declaration"], new Date("2026-11-26T08:00:00Z"));
    expect(Buffer.from(a.bytes).equals(Buffer.from(later.bytes))).toBe(false);
    expect(pdfInfo(a.file).CreationDate).toMatch(/Nov 25 08:00:00 2026/);
    expect(pdfInfo(later.file).CreationDate).toMatch(/Nov 26 08:00:00 2026/);
  });

  it("produces a PDF the signing pipeline's own reader opens, with the fonts cut small", async () => {
    const { bytes, file } = await render("exit-ip-agreement");
    const parsed = openPdf(bytes);
    expect(parsed.reconstructed).toBe(false);
    expect(listPages(parsed)).toHaveLength(pageCount(file));
    expect(bytes.length).toBeLessThan(400_000);
  });

  it("refuses invalid values before drawing anything", async () => {
    const template = await getTemplate("ip-declaration");
    await expect(renderTemplatePdf(template, { ...sampleValues["ip-declaration"], idNumber: "110105194912310021" }, { organisation, createdAt })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { issues: [{ path: "idNumber" }] },
    });
  });
});
