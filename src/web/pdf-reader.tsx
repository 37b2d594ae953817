import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FC } from "hono/jsx";
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import type { PageContext } from "./layout";
import { pdfReaderScript } from "./pdf-reader-script";

/**
 * The document reader of the signing and review ceremonies: Mozilla's pdf.js (pdfjs-dist, legacy
 * build) renders each page into a canvas as wide as the page allows, and the reader's browser
 * reports the read once every page has been shown. pdf.js, its worker and its CMaps and standard
 * fonts are served from our own origin (the CSP allows scripts from 'self' only), under a path that
 * names the pdf.js version, so they are cached for a year.
 */
const require = createRequire(import.meta.url);
const PDFJS_ROOT = dirname(require.resolve("pdfjs-dist/package.json"));
export const PDFJS_VERSION: string = (require("pdfjs-dist/package.json") as { version: string }).version;
const PDFJS_BASE = `/static/pdfjs/${PDFJS_VERSION}`;

/** The files of pdfjs-dist served, by the name they are asked for. */
const BUILD: Record<string, string> = {
  "pdf.min.mjs": "legacy/build/pdf.min.mjs",
  "pdf.worker.min.mjs": "legacy/build/pdf.worker.min.mjs",
};
const FOLDERS: Record<string, { dir: string; type: string }> = {
  cmaps: { dir: "cmaps", type: "application/octet-stream" },
  standard_fonts: { dir: "standard_fonts", type: "application/octet-stream" },
};
const YEAR = "public, max-age=31536000, immutable";

/** /static/pdf-reader.js and pdf.js itself (/static/pdfjs/<version>/…). */
export function pdfReaderAssets() {
  const app = new Hono<AppEnv>();
  const script = pdfReaderScript(PDFJS_BASE);
  app.get("/static/pdf-reader.js", (c) => c.body(script, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" }));
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  const serve = async (path: string) => {
    let bytes = cache.get(path);
    if (!bytes) {
      bytes = new Uint8Array(await readFile(join(PDFJS_ROOT, path)));
      cache.set(path, bytes);
    }
    return bytes;
  };
  app.get(`${PDFJS_BASE}/:name`, async (c) => {
    const path = BUILD[c.req.param("name")];
    if (!path) return c.notFound();
    return c.body(await serve(path), 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": YEAR });
  });
  app.get(`${PDFJS_BASE}/:folder/:name`, async (c) => {
    const folder = FOLDERS[c.req.param("folder")];
    const name = c.req.param("name");
    if (!folder || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return c.notFound();
    try {
      return c.body(await serve(join(folder.dir, name)), 200, { "content-type": folder.type, "cache-control": YEAR });
    } catch {
      return c.notFound();
    }
  });
  return app;
}

/**
 * The document, page after page, with "page i of n" and a link to the PDF itself. `src` answers
 * the PDF with its SHA-256 in x-content-sha256; once every page has been shown the script posts
 * { sha256, pages } to `readUrl` (with the session's CSRF token) and says so. `read` is whether the
 * version to be signed is already recorded as read.
 */
export const DocumentReader: FC<{ page: PageContext; src: string; readUrl: string; title: string; readAt: string | null }> = ({ page, src, readUrl, title, readAt }) => {
  const { t } = page;
  return (
    <div
      class="pdf-reader"
      data-pdf-reader=""
      data-src={src}
      data-read-url={readUrl}
      data-csrf={page.csrfToken ?? ""}
      data-read={readAt ? "1" : "0"}
      data-text-progress={t("sig_readProgress")}
      data-text-done={t("sig_readDone")}
      data-text-failed={t("sig_readFailed")}
      data-text-page={t("sig_readPage")}
    >
      <p class="pdf-status" data-role="status" aria-live="polite">
        {readAt ? <span class="tag ok">{t("sig_readAt", { at: readAt })}</span> : <span class="tag warn" data-role="read-first">{t("sig_readFirst")}</span>}
      </p>
      <p class="pdf-progress" data-role="progress">
        {t("sig_readLoading")}
      </p>
      <div class="pdf-pages" data-role="pages" aria-label={title} />
      <p class="pdf-fallback">
        <a href={src} target="_blank" rel="noopener" data-testid="open-document">
          {t("sig_openDocument")}
        </a>
      </p>
      <script type="module" src="/static/pdf-reader.js" />
    </div>
  );
};
