import { afterAll, describe, expect, it } from "vitest";
import { getTemplate, listTemplates, renderTemplateDocx } from "../../../src/core/templates";
import { makeWorkDir, organisation, sampleValues, zipEntries, zipEntry } from "./support";

const work = makeWorkDir();
afterAll(() => work.cleanup());

/** The text of a WordprocessingML part: the contents of its w:t elements, one paragraph per line. */
function wordText(xml: string): string {
  return xml
    .split(/<\/w:p>/)
    .map((p) => [...p.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(""))
    .join("\n")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

describe("renderTemplateDocx", () => {
  it("writes every template as a DOCX (a zip with word/document.xml) holding the Chinese title, the values and every heading", async () => {
    for (const { id } of await listTemplates()) {
      const template = await getTemplate(id);
      const docx = await renderTemplateDocx(template, sampleValues[id]!, { organisation });
      expect(docx.subarray(0, 2).toString("latin1")).toBe("PK");
      const file = work.write(`${id}.docx`, docx);
      expect(zipEntries(file)).toEqual(expect.arrayContaining(["word/document.xml", "word/styles.xml", "[Content_Types].xml", "docProps/core.xml"]));

      const text = wordText(zipEntry(file, "word/document.xml"));
      const lines = text.split("\n");
      expect(lines).toContain(template.title.zh);
      expect(lines).toContain(template.title.en);
      expect(lines).toContain(organisation.name);
      expect(text).toContain("张三");
      for (const section of template.body) expect(text, section.heading.zh).toContain(section.heading.zh);
      for (const line of template.signatureLines) expect(text).toContain(line.label.zh);
      expect(text).toContain("以中文文本为准");
      expect(text).not.toMatch(/\{\{|\}\}/);

      expect(wordText(zipEntry(file, "word/header1.xml"))).toContain(`模板 ${id} 第1版 · 条款 ${template.clause}`);
      const footer = zipEntry(file, "word/footer1.xml");
      expect(footer).toMatch(/PAGE/);
      expect(footer).toMatch(/NUMPAGES/);
      const core = zipEntry(file, "docProps/core.xml");
      expect(core).toContain(`<dc:title>${template.title.zh} / ${template.title.en}</dc:title>`);
      expect(core).toContain(`<dc:creator>${organisation.name}</dc:creator>`);
    }
  });

  it("sets the East Asian fonts so Chinese renders: SimSun for text, SimHei for headings, 宋体 / 黑体 in the theme", async () => {
    const file = work.write("fonts.docx", await renderTemplateDocx(await getTemplate("ip-declaration"), sampleValues["ip-declaration"]!, { organisation }));
    const styles = zipEntry(file, "word/styles.xml");
    expect(styles).toMatch(/<w:rFonts [^>]*w:eastAsia="SimSun"[^>]*w:hint="eastAsia"/);
    expect(styles).toMatch(/<w:rFonts [^>]*w:eastAsia="SimHei"/);
    expect(styles).toMatch(/<w:lang [^>]*w:eastAsia="zh-CN"/);
    const theme = zipEntry(file, "word/theme/theme1.xml");
    expect(theme).toContain('<a:font script="Hans" typeface="宋体"/>');
    expect(theme).toContain('<a:font script="Hans" typeface="黑体"/>');
  });

  it("keeps line breaks of multi-line values and refuses invalid values", async () => {
    const template = await getTemplate("ip-declaration");
    const file = work.write("lines.docx", await renderTemplateDocx(template, sampleValues["ip-declaration"]!, { organisation }));
    const xml = zipEntry(file, "word/document.xml");
    expect(xml).toMatch(/一种数据同步方法》（与原单位共有）<\/w:t><\/w:r><w:r>(<w:rPr>.*?<\/w:rPr>)?<w:br\/><w:t[^>]*>2\. 计算机软件著作权/);
    await expect(renderTemplateDocx(template, { ...sampleValues["ip-declaration"], startDate: "2026-13-01" }, { organisation })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      details: { issues: [{ path: "startDate" }] },
    });
  });
});
