import { describe, expect, it } from "vitest";
import { PDFJS_VERSION } from "../../src/web/pdf-reader";
import { startHarness } from "../support/app";

const h = await startHarness();
const base = `/static/pdfjs/${PDFJS_VERSION}`;

describe("the document reader's assets", () => {
  it("serves pdf.js, its worker, CMaps and standard fonts from our origin, cached for a year", async () => {
    for (const path of [`${base}/pdf.min.mjs`, `${base}/pdf.worker.min.mjs`]) {
      const res = await h.app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/javascript/);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect((await res.text()).length).toBeGreaterThan(100_000);
    }
    expect((await h.app.request(`${base}/cmaps/UniGB-UCS2-H.bcmap`)).status).toBe(200);
    expect((await h.app.request(`${base}/standard_fonts/LiberationSans-Regular.ttf`)).status).toBe(200);
    const script = await h.app.request("/static/pdf-reader.js");
    expect(script.status).toBe(200);
    expect(await script.text()).toContain(`import * as pdfjs from "${base}/pdf.min.mjs"`);
  });

  it("serves nothing else of the package", async () => {
    for (const path of [`${base}/pdf.mjs`, `${base}/package.json`, `${base}/cmaps/..%2Fpackage.json`, `${base}/build/pdf.min.mjs`, `${base}/cmaps/missing.bcmap`, `/static/pdfjs/0.0.1/pdf.min.mjs`]) {
      expect((await h.app.request(path)).status, path).toBe(404);
    }
  });
});
