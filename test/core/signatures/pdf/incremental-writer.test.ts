import { afterAll, describe, expect, it } from "vitest";
import { PDFArray, PDFDocument, PDFName, PDFNumber, PDFRef } from "pdf-lib";
import { beginIncrementalUpdate, openPdf, PdfStructureError } from "../../../../src/core/signatures/pdf";
import { createBasePdf } from "../support/base-pdf";
import { makeTempDir, pdfInfo } from "../support/validators";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

describe.each([false, true])("incremental writer (object streams: %s)", (useObjectStreams) => {
  it("appends a revision that keeps earlier bytes, chains /Prev and keeps /Root, /Info and the first /ID", async () => {
    const base = await createBasePdf({ pages: 1, useObjectStreams });
    const before = openPdf(base);
    const update = beginIncrementalUpdate(before);
    const catalog = before.catalog()!;
    const changed = catalog.dict.clone(update.context);
    const note = update.add(update.context.obj({ Custos: "note" }));
    changed.set(PDFName.of("CustosNote"), note);
    update.replace(catalog.ref!, changed);
    const { bytes } = update.write();
    expect(Buffer.from(bytes.subarray(0, base.length)).equals(Buffer.from(base))).toBe(true);

    const after = openPdf(bytes);
    expect(after.reconstructed).toBe(false);
    expect(after.sections).toHaveLength(2);
    expect(after.sections[0]!.format).toBe(useObjectStreams ? "stream" : "table");
    expect((after.trailer.get(PDFName.of("Prev")) as PDFNumber).asNumber()).toBe(before.startXref);
    expect(after.trailer.get(PDFName.of("Root"))!.toString()).toBe(before.trailer.get(PDFName.of("Root"))!.toString());
    expect(after.trailer.get(PDFName.of("Info"))!.toString()).toBe(before.trailer.get(PDFName.of("Info"))!.toString());
    // pdf-lib writes no /ID; the first update creates one, later updates keep its first element.
    expect(before.trailer.get(PDFName.of("ID"))).toBeUndefined();
    const idAfter = (after.resolve(after.trailer.get(PDFName.of("ID"))) as PDFArray).asArray().map(String);
    expect(idAfter).toHaveLength(2);
    const again = beginIncrementalUpdate(after);
    again.add(again.context.obj({ More: 1 }));
    const third = openPdf(again.write().bytes);
    const idThird = (third.resolve(third.trailer.get(PDFName.of("ID"))) as PDFArray).asArray().map(String);
    expect(idThird[0]).toBe(idAfter[0]);
    expect(idThird[1]).not.toBe(idAfter[1]);
    expect(third.sections).toHaveLength(3);
    expect((after.lookup(note.objectNumber) as { toString(): string }).toString()).toContain("/Custos /note");
    expect(after.catalog()!.dict.get(PDFName.of("CustosNote"))).toBeInstanceOf(PDFRef);

    const info = pdfInfo(bytes, tmp.dir);
    expect(info.status).toBe(0);
    expect(info.stderr).toBe("");
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1);
  });
});

describe("refusing to update", () => {
  const corpus = (name: string) => readFileSync(join(process.cwd(), "test", "fixtures", "pdf", name));

  it("refuses encrypted files and files with damaged cross-reference data", () => {
    expect(() => beginIncrementalUpdate(openPdf(corpus("pyhanko-minimal-rc4.pdf")))).toThrow(PdfStructureError);
    expect(() => openPdf(corpus("qpdf-bad7.pdf"), { reconstruct: false })).toThrow(/damaged/);
    expect(() => beginIncrementalUpdate(openPdf(corpus("qpdf-append-xref-loop.pdf")))).toThrow(/damaged/);
    expect(() => openPdf(corpus("qpdf-bad1.pdf"))).toThrow(/not a PDF/);
  });

  it("can sign files written by other tools, like pyHanko's incremental updates", () => {
    const file = openPdf(corpus("pyhanko-minimal-two-fields-signed-twice.pdf"));
    const update = beginIncrementalUpdate(file);
    update.add(update.context.obj({ A: 1 }));
    const out = update.write().bytes;
    expect(openPdf(out).sections).toHaveLength(file.sections.length + 1);
  });
});
