import { describe, expect, it } from "vitest";
import { PDFDict, PDFRawStream } from "pdf-lib";
import { newParseCache, openPdf } from "../../../../src/core/signatures/pdf/pdf-file";

/** A PDF without cross-reference data (so both views are rebuilt by scanning), one object far from the end, one at it. */
function bytesOf(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, "latin1"));
}

const filler = `% ${"x".repeat(600)}\n`;
const head = `%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n${filler}`;
const tail = `3 0 obj\n<< /Length 44 >>\nstream\nBT /F1 12 Tf (Pay 100 CNY) Tj ET\n0123456789\nendstream\nendobj\n${filler}trailer\n<< /Root 1 0 R /Size 4 >>\n%%EOF\n`;
const full = bytesOf(head + tail);

describe("the parse cache shared by the revisions of one file", () => {
  it("gives every view that holds an object's bytes the same parsed object", () => {
    const cache = newParseCache(full);
    const whole = openPdf(full, { parseCache: cache });
    const prefix = openPdf(full.subarray(0, head.length + tail.indexOf("trailer")), { parseCache: cache });
    expect(whole.lookup(1)).toBeInstanceOf(PDFDict);
    expect(prefix.lookup(1)).toBe(whole.lookup(1));
  });

  it("never hands a view that cuts an object short the object parsed from the longer view", () => {
    const cache = newParseCache(full);
    const whole = openPdf(full, { parseCache: cache });
    const stream = whole.lookup(3);
    expect(stream).toBeInstanceOf(PDFRawStream);
    // a prefix that ends inside the stream data: its reader cannot see the stream as the whole file shows it
    const cut = head.length + tail.indexOf("0123456789");
    const prefix = openPdf(full.subarray(0, cut), { parseCache: cache });
    const seen = prefix.lookup(3);
    expect(seen).not.toBe(stream);
    if (seen instanceof PDFRawStream) expect(Buffer.from(seen.contents).toString("latin1")).not.toContain("0123456789");
  });

  it("is not shared with bytes of another buffer that happen to be equal", () => {
    const cache = newParseCache(full);
    const whole = openPdf(full, { parseCache: cache });
    const copy = openPdf(new Uint8Array(full), { parseCache: cache });
    expect(copy.parseCache).toBeUndefined();
    expect(copy.lookup(1)).not.toBe(whole.lookup(1));
  });
});
