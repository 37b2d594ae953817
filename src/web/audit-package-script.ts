/**
 * /static/audit-package.js: keeps an audit package's page current while the package is built. The
 * CSP allows scripts from 'self' only, so this is served as a file, never inline. It polls the
 * status endpoint named in data-status-url and moves the <progress> bar, the counts and the status;
 * once done it shows the SHA-256 and the download link. Kept in code so every runtime serves it.
 */
export const auditPackageScript = `"use strict";
(function () {
  var card = document.querySelector("[data-status-url]");
  if (!card) return;
  var role = function (name) { return card.querySelector('[data-role="' + name + '"]'); };
  var units = ["bytes", "KB", "MB", "GB", "TB"];
  function bytes(n) {
    if (n === null || n === undefined) return "?";
    var v = n, u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return u === 0 ? n + " bytes" : Number(v.toFixed(1)) + " " + units[u];
  }
  function of(done, total) { return done + " / " + (total === null ? "?" : total); }
  function render(p) {
    var g = p.progress;
    var bar = role("bar");
    bar.value = g.fraction;
    bar.textContent = Math.round(g.fraction * 100) + "%";
    role("counts").textContent = card.dataset.textProgress
      .replace("{items}", of(g.itemsDone, g.itemsTotal))
      .replace("{files}", of(g.filesDone, g.filesTotal))
      .replace("{bytes}", bytes(g.bytesDone) + " / " + bytes(g.bytesTotal));
    var tag = role("status").querySelector(".tag");
    tag.textContent = card.dataset["text" + p.status.charAt(0).toUpperCase() + p.status.slice(1)];
    tag.className = "tag" + (p.status === "done" ? " ok" : p.status === "failed" ? " bad" : "");
    tag.setAttribute("data-status", p.status);
    card.setAttribute("data-status", p.status);
    if (p.status === "done") {
      role("sha256").textContent = p.sha256;
      role("size").textContent = bytes(p.size);
      if (p.chainHead) role("head").textContent = "#" + p.chainHead.seq + " " + p.chainHead.hash;
      role("result").hidden = false;
      var download = role("download");
      if (download) download.hidden = false;
    }
    if (p.status === "failed" && p.error) {
      var error = role("error");
      error.textContent = card.dataset.textFailed + ": " + p.error.message;
      error.hidden = false;
    }
  }
  function poll() {
    fetch(card.dataset.statusUrl, { headers: { accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (p) {
        if (p) render(p);
        if (!p || p.status === "queued" || p.status === "running") setTimeout(poll, p ? 500 : 3000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  var status = card.getAttribute("data-status");
  if (status === "queued" || status === "running") poll();
})();
`;
