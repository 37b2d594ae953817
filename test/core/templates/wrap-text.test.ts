import { describe, expect, it } from "vitest";
import { tokenize, wrapText } from "../../../src/core/templates/wrap-text";

// A monospaced measure: every character (Chinese or Latin) is 1 unit wide.
const mono = (s: string): number => [...s].length;

describe("wrapText", () => {
  it("breaks Chinese between any two characters", () => {
    expect(wrapText("本人确认职务发明创造属于公司", mono, 5)).toEqual(["本人确认职", "务发明创造", "属于公司"]);
  });

  it("keeps Latin words whole and breaks at spaces", () => {
    expect(wrapText("the Company is the patentee", mono, 12)).toEqual(["the Company", "is the", "patentee"]);
  });

  it("keeps closing punctuation off the start of a line and opening punctuation off the end", () => {
    const lines = wrapText("甲乙丙丁，戊己（庚辛）", mono, 4);
    for (const line of lines) {
      expect(line).not.toMatch(/^[，。）]/);
      expect(line).not.toMatch(/[（]$/);
    }
    expect(lines.join("")).toBe("甲乙丙丁，戊己（庚辛）");
    expect(tokenize("公司（以下简称“公司”）。")).toEqual(["公", "司", "（以", "下", "简", "称", "“公", "司”）。"]);
  });

  it("mixes Chinese and Latin without losing or adding characters other than break spaces", () => {
    const text = "1.1 本人张三（居民身份证号码：11010519491231002X）自2026年12月1日起入职 Beijing Example Technology Co., Ltd.";
    const lines = wrapText(text, mono, 20);
    expect(lines.every((l) => mono(l) <= 20)).toBe(true);
    expect(lines.join("").replace(/\s/g, "")).toBe(text.replace(/\s/g, ""));
    expect(lines.some((l) => l.startsWith("11010519491231002X）"))).toBe(true);
    expect(lines).toContain("Technology Co., Ltd.");
  });

  it("breaks a word longer than a line anywhere, honours line feeds and keeps empty lines", () => {
    expect(wrapText("0123456789abcdef", mono, 6)).toEqual(["012345", "6789ab", "cdef"]);
    expect(wrapText("第一行\n\n第三行", mono, 10)).toEqual(["第一行", "", "第三行"]);
    expect(wrapText("", mono, 10)).toEqual([""]);
  });
});
