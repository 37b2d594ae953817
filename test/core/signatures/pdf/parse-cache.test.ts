import { describe, expect, it } from "vitest";
import { PDFDict, PDFRawStream } from "pdf-lib";
import { deflateSync } from "node:zlib";
import { newParseCache, openPdf } from "../../../../src/core/signatures/pdf/pdf-file";
import { MAX_STRUCTURE_STREAM_BYTES, decodeStreamData } from "../../../../src/core/signatures/pdf/pdf-bytes";

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

describe("streams that hold the file's structure", () => {
  it("are not inflated past 32 MB: an object stream that is a deflate bomb is unreadable, not a server's memory", () => {
    // object 5 lives in object stream 6, whose 40 MB of content deflates to some 40 KB
    const content = Buffer.concat([Buffer.from("5 0 (", "latin1"), Buffer.alloc(40 * 1024 * 1024, 0x41), Buffer.from(")", "latin1")]);
    const bomb = deflateSync(content, { level: 9 });
    expect(bomb.length).toBeLessThan(200_000);
    const parts: Buffer[] = [];
    const offsets: number[] = [];
    const push = (b: Buffer | string) => parts.push(typeof b === "string" ? Buffer.from(b, "latin1") : b);
    const at = () => parts.reduce((n, p) => n + p.length, 0);
    push("%PDF-1.7\n");
    offsets[1] = at();
    push("1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Bomb 5 0 R >>\nendobj\n");
    offsets[2] = at();
    push("2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
    offsets[6] = at();
    push(`6 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`);
    push(bomb);
    push("\nendstream\nendobj\n");
    // a cross-reference stream: type 1 (offset) for 1, 2, 6; type 2 (in object stream 6) for 5
    const row = (type: number, a: number, b: number) => Buffer.from([type, (a >> 24) & 255, (a >> 16) & 255, (a >> 8) & 255, a & 255, b]);
    const rows = Buffer.concat([row(0, 0, 0), row(1, offsets[1]!, 0), row(1, offsets[2]!, 0), row(0, 0, 0), row(0, 0, 0), row(2, 6, 0), row(1, offsets[6]!, 0), row(1, 0, 0)]);
    const xrefAt = at();
    rows.writeUInt32BE(xrefAt, 7 * 6 + 1);
    push(`7 0 obj\n<< /Type /XRef /Size 8 /W [1 4 1] /Root 1 0 R /Length ${rows.length} >>\nstream\n`);
    push(rows);
    push(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`);
    const file = openPdf(new Uint8Array(Buffer.concat(parts)));
    expect(file.reconstructed).toBe(false);
    expect(file.entries.get(5)).toMatchObject({ kind: "compressed", stream: 6 });
    expect(file.lookup(5)).toBeUndefined();
    // the same object stream, inflating to less than the limit, is read
    const small = Buffer.concat([Buffer.from("5 0 (", "latin1"), Buffer.alloc(1024, 0x41), Buffer.from(")", "latin1")]);
    const stream = openPdf(new Uint8Array(Buffer.concat(parts))).lookup(6) as PDFRawStream;
    expect(decodeStreamData(PDFRawStream.of(stream.dict, deflateSync(small)), MAX_STRUCTURE_STREAM_BYTES)).toHaveLength(small.length);
    expect(() => decodeStreamData(stream, MAX_STRUCTURE_STREAM_BYTES)).toThrow(RangeError);
  });
});
