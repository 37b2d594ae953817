import { afterAll, describe, expect, it } from "vitest";
import { PDFDocument } from "pdf-lib";
import { appendCompletionPage, inspectPdfSignatures } from "../../../../src/core/signatures/pdf";
import { createBasePdf } from "../support/base-pdf";
import { makeTempDir, pdfInfo, pdfToText } from "../support/validators";

const tmp = makeTempDir();
afterAll(() => tmp.cleanup());

const signer = (i: number) => ({ name: `签署人${i}`, meaningZh: "审核", meaningEn: "Reviewed", signedAt: new Date(Date.UTC(2026, 10, 25, 6, i)), certificateSerial: `7f${String(i).padStart(30, "0")}` });

describe("appendCompletionPage", () => {
  it("appends a bilingual, extractable page as an incremental update", async () => {
    const base = await createBasePdf({ pages: 1 });
    const out = await appendCompletionPage(base, {
      title: "竞业限制协议 Non-compete agreement",
      documentSha256: "ab".repeat(32),
      signers: [signer(1)],
      events: [{ at: "2026-11-25 14:00:00 +08:00", actor: "王五", action: "创建签署请求 created the signature request" }],
    });
    expect(Buffer.from(out.subarray(0, base.length)).equals(Buffer.from(base))).toBe(true);
    expect(pdfInfo(out, tmp.dir).fields.Pages).toBe("2");
    const text = pdfToText(out, tmp.dir);
    for (const s of ["签署完成证明 / Certificate of Completion", "竞业限制协议 Non-compete agreement", "ab".repeat(32), "签署人1 — 审核 Reviewed", "2026-11-25 14:01:00 +08:00", "7F000000000000000000000000000001", "创建签署请求 created the signature request"]) {
      expect(text).toContain(s);
    }
    expect(inspectPdfSignatures(out).revisions).toHaveLength(2);
    const doc = await PDFDocument.load(out);
    expect(doc.getPageCount()).toBe(2);
  });

  it("wraps long lines and continues on new pages when the lists are long", async () => {
    const base = await createBasePdf({ pages: 1, useObjectStreams: true });
    const longAction = "审阅了文件全文并确认其中关于职务发明、保密义务和知识产权归属的全部条款 read the whole document and confirmed every clause on inventions, confidentiality and ownership of intellectual property";
    const out = await appendCompletionPage(base, {
      title: "知识产权管理手册 IP management manual",
      documentSha256: "cd".repeat(32),
      signers: Array.from({ length: 12 }, (_, i) => signer(i + 1)),
      events: Array.from({ length: 60 }, (_, i) => ({ at: `2026-11-25 14:${String(i).padStart(2, "0")}:00 +08:00`, actor: `用户${i}`, action: `${longAction} #${i}` })),
    });
    const pages = Number(pdfInfo(out, tmp.dir).fields.Pages);
    expect(pages).toBeGreaterThanOrEqual(4);
    const text = pdfToText(out, tmp.dir);
    expect(text).toContain("#59");
    expect(text).toContain("签署人12");
    // Wrapped: the long action never appears on one extracted line.
    expect(text.split("\n").some((l) => l.includes(longAction))).toBe(false);
    const doc = await PDFDocument.load(out);
    expect(doc.getPageCount()).toBe(pages);
    for (const page of doc.getPages()) expect(page.getWidth()).toBeGreaterThan(0);
  });
});
