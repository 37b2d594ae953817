import { describe, expect, it } from "vitest";
import { clauseInRow, rowRange } from "../../../src/core/evidence/clauses";

describe("clause registry ranges", () => {
  it("reads single clauses and ranges, including shortened ends", () => {
    expect(rowRange("4.3.2.2")).toEqual([[4, 3, 2, 2], [4, 3, 2, 2]]);
    expect(rowRange("5.2–5.5")).toEqual([[5, 2], [5, 5]]);
    expect(rowRange("7.3.2.1–3")).toEqual([[7, 3, 2, 1], [7, 3, 2, 3]]);
  });

  it("places clause numbers under the rows that cover them", () => {
    expect(clauseInRow("7.3.2.4", "7.3.2.4")).toBe(true);
    expect(clauseInRow("7.3.2.1–3", "7.3.2.2")).toBe(true);
    expect(clauseInRow("7.3.2.1–3", "7.3.2.4")).toBe(false);
    expect(clauseInRow("5.2–5.5", "5.3")).toBe(true);
    expect(clauseInRow("5.2–5.5", "5.1")).toBe(false);
    expect(clauseInRow("12", "12.3.1")).toBe(true);
    expect(clauseInRow("6.1–6.2", "6.2")).toBe(true);
    expect(clauseInRow("4.3.2.1", "4.3.2")).toBe(false);
    expect(clauseInRow("10.1", "10.2")).toBe(false);
  });
});
