/**
 * /static/pdf-reader.js (a module: the CSP allows scripts from 'self' only, never inline): renders
 * the document of each [data-pdf-reader] with pdf.js, page by page into canvases as wide as the
 * reader (times devicePixelRatio, so text stays sharp), each page only as it comes near the screen.
 * A page counts as shown once it is drawn and its last line (a marker at its foot) has been on the
 * screen; when every page has been shown, the read is reported (POST data-read-url with the SHA-256
 * the download named and the number of pages) and the page says so. Kept in code so every runtime
 * serves it.
 */
export function pdfReaderScript(pdfjsBase: string): string {
  return SCRIPT.split("__PDFJS_BASE__").join(pdfjsBase);
}

const SCRIPT = `import * as pdfjs from "__PDFJS_BASE__/pdf.min.mjs";

pdfjs.GlobalWorkerOptions.workerSrc = "__PDFJS_BASE__/pdf.worker.min.mjs";

function fill(text, values) {
  return text.replace(/\\{(\\w+)\\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
}

async function open(reader) {
  var role = function (name) { return reader.querySelector('[data-role="' + name + '"]'); };
  var progress = role("progress");
  var status = role("status");
  var holder = role("pages");
  var response = await fetch(reader.dataset.src, { credentials: "same-origin" });
  if (!response.ok) throw new Error("HTTP " + response.status);
  var sha256 = response.headers.get("x-content-sha256");
  var data = new Uint8Array(await response.arrayBuffer());
  var doc = await pdfjs.getDocument({
    data: data,
    isEvalSupported: false,
    cMapUrl: "__PDFJS_BASE__/cmaps/",
    cMapPacked: true,
    standardFontDataUrl: "__PDFJS_BASE__/standard_fonts/",
  }).promise;
  var n = doc.numPages;
  var pages = [];
  for (var i = 1; i <= n; i++) {
    var pdfPage = await doc.getPage(i);
    var base = pdfPage.getViewport({ scale: 1 });
    var figure = document.createElement("figure");
    figure.className = "pdf-page";
    figure.dataset.page = String(i);
    var canvas = document.createElement("canvas");
    // until drawn, the canvas keeps the page's shape (CSS: width 100%, height auto)
    canvas.width = Math.round(base.width);
    canvas.height = Math.round(base.height);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", fill(reader.dataset.textPage, { i: i, n: n }));
    var foot = document.createElement("div");
    foot.className = "pdf-page-foot";
    figure.appendChild(canvas);
    figure.appendChild(foot);
    holder.appendChild(figure);
    pages.push({ index: i, page: pdfPage, base: base, figure: figure, canvas: canvas, foot: foot, drawnAt: 0, drawing: null, footSeen: false, shown: false });
  }
  var shownCount = 0;
  var current = 1;
  var reported = reader.dataset.read === "1";
  function say() {
    progress.textContent = fill(reader.dataset.textProgress, { i: current, n: n, seen: shownCount });
  }
  say();

  async function report() {
    if (reported) return;
    reported = true;
    var res = await fetch(reader.dataset.readUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": reader.dataset.csrf },
      body: JSON.stringify({ sha256: sha256, pages: n }),
    });
    var body = await res.json().catch(function () { return {}; });
    status.textContent = "";
    var tag = document.createElement("span");
    if (res.ok) {
      tag.className = "tag ok";
      tag.textContent = reader.dataset.textDone;
      reader.dataset.read = "1";
    } else {
      reported = false;
      tag.className = "tag bad";
      tag.textContent = (body && body.error && body.error.message) || "HTTP " + res.status;
    }
    status.appendChild(tag);
    reader.dispatchEvent(new CustomEvent("pdf-reader:read", { bubbles: true, detail: { ok: res.ok } }));
  }

  function maybeShown(p) {
    if (p.shown || !p.drawnAt || !p.footSeen) return;
    p.shown = true;
    p.figure.dataset.shown = "1";
    shownCount++;
    say();
    if (shownCount === n) report();
  }

  function draw(p) {
    var width = holder.clientWidth;
    if (p.drawing || (p.drawnAt && p.drawnAt === width)) return p.drawing;
    var ratio = window.devicePixelRatio || 1;
    var scale = (width / p.base.width) * ratio;
    var viewport = p.page.getViewport({ scale: scale });
    var canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", p.canvas.getAttribute("aria-label"));
    p.drawing = p.page.render({ canvasContext: canvas.getContext("2d"), viewport: viewport }).promise.then(function () {
      p.figure.replaceChild(canvas, p.canvas);
      p.canvas = canvas;
      p.drawnAt = width;
      p.drawing = null;
      p.figure.dataset.drawn = "1";
      maybeShown(p);
    });
    return p.drawing;
  }

  var near = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) draw(pages[Number(e.target.dataset.page) - 1]);
    });
  }, { rootMargin: "100% 0px" });
  var seen = new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (!e.isIntersecting) return;
      var p = pages[Number(e.target.parentNode.dataset.page) - 1];
      p.footSeen = true;
      seen.unobserve(e.target);
      maybeShown(p);
    });
  });
  pages.forEach(function (p) {
    near.observe(p.figure);
    seen.observe(p.foot);
  });

  function whereAmI() {
    var middle = window.innerHeight / 2;
    for (var k = 0; k < pages.length; k++) {
      var r = pages[k].figure.getBoundingClientRect();
      if (r.bottom >= middle || k === pages.length - 1) {
        if (current !== k + 1) { current = k + 1; say(); }
        return;
      }
    }
  }
  window.addEventListener("scroll", whereAmI, { passive: true });

  // a wider or narrower reader (a turned phone, a resized window): redraw what is drawn, sharp again
  var lastWidth = holder.clientWidth;
  new ResizeObserver(function () {
    var width = holder.clientWidth;
    if (Math.abs(width - lastWidth) < 8) return;
    lastWidth = width;
    pages.forEach(function (p) {
      if (!p.drawnAt) return;
      var r = p.figure.getBoundingClientRect();
      if (r.bottom > -window.innerHeight && r.top < 2 * window.innerHeight) draw(p);
    });
  }).observe(holder);
}

document.querySelectorAll("[data-pdf-reader]").forEach(function (reader) {
  open(reader).catch(function (err) {
    var progress = reader.querySelector('[data-role="progress"]');
    progress.textContent = reader.dataset.textFailed;
    progress.classList.add("bad");
    console.warn("pdf-reader:", err);
  });
});
`;
