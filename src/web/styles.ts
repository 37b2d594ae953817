/** The whole stylesheet, served at /static/app.css (kept in code so every runtime can serve it). */
export const appCss = `
:root { --ink:#1d2733; --muted:#5b6878; --line:#d9dee5; --bg:#f5f7fa; --card:#fff; --brand:#1f4e79; --brand-ink:#fff;
  --ok:#1e7b4f; --warn:#9a6400; --bad:#b3261e; --focus:#2f7de1; }
* { box-sizing: border-box; }
html { font-family: "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
body { margin: 0; line-height: 1.55; }
a { color: var(--brand); }
header.top { background: var(--brand); color: var(--brand-ink); display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; }
header.top a { color: var(--brand-ink); text-decoration: none; }
header.top .brand { font-weight: 700; letter-spacing: .02em; }
header.top nav { display: flex; gap: 1rem; flex-wrap: wrap; flex: 1; }
header.top nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: .3em; }
header.top .who { display: flex; gap: .75rem; align-items: center; font-size: .9rem; }
header.top form { margin: 0; }
header.top button { background: transparent; color: var(--brand-ink); border: 1px solid rgba(255,255,255,.5); border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1.5rem; }
h1 { font-size: 1.5rem; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .75rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin-bottom: 1rem; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr)); gap: 1rem; }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: .5rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: .9rem; }
form.stack { display: grid; gap: .8rem; max-width: 34rem; }
label { display: grid; gap: .25rem; font-weight: 600; font-size: .92rem; }
label.inline { display: flex; gap: .4rem; align-items: center; font-weight: 400; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
legend { font-weight: 600; font-size: .92rem; padding: 0 .3rem; }
input, select, textarea { font: inherit; padding: .45rem .55rem; border: 1px solid #b8c1cc; border-radius: 5px; background: #fff; }
input:focus, select:focus, textarea:focus, button:focus { outline: 2px solid var(--focus); outline-offset: 1px; }
button, .button { font: inherit; background: var(--brand); color: #fff; border: 0; border-radius: 5px; padding: .5rem 1rem; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--brand); border: 1px solid var(--brand); }
.flash { border-radius: 6px; padding: .7rem 1rem; margin-bottom: 1rem; border: 1px solid; }
.flash.ok { background: #e8f5ee; border-color: #9fd3b6; color: var(--ok); }
.flash.error { background: #fdecea; border-color: #f2b8b5; color: var(--bad); }
.flash code, .secret { font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; background: #fff; padding: .1rem .35rem; border-radius: 4px; border: 1px solid var(--line); user-select: all; }
.muted { color: var(--muted); }
.tag { display: inline-block; font-size: .8rem; padding: .05rem .45rem; border-radius: 999px; border: 1px solid var(--line); background: #eef2f7; margin: 0 .2rem .2rem 0; }
.tag.ok { background: #e8f5ee; color: var(--ok); border-color: #9fd3b6; }
.tag.warn { background: #fff6e0; color: #7a4b00; border-color: #f0cf85; }
.pdf-reader { border: 1px solid var(--line); border-radius: 6px; background: #e9edf2; padding: 0 .5rem .5rem; }
.pdf-reader .pdf-status { margin: .5rem 0; }
.pdf-reader .pdf-progress { position: sticky; top: 0; z-index: 1; margin: 0 -.5rem .5rem; padding: .35rem .75rem; background: var(--card); border-bottom: 1px solid var(--line); font-size: .9rem; }
.pdf-reader .pdf-progress.bad { color: var(--bad); }
.pdf-pages { display: flex; flex-direction: column; gap: .75rem; }
.pdf-page { margin: 0; background: #fff; box-shadow: 0 1px 3px rgba(0, 0, 0, .25); }
.pdf-page canvas { display: block; width: 100%; height: auto; }
.pdf-page-foot { height: 1px; }
.pdf-fallback { margin: .5rem 0 0; }
.tag.bad { background: #fdecea; color: var(--bad); border-color: #f2b8b5; }
.field-error { color: var(--bad); font-weight: 400; font-size: .85rem; }
.center { max-width: 24rem; margin: 4rem auto; }
pre.json { white-space: pre-wrap; word-break: break-all; font-size: .8rem; margin: 0; }
progress { width: 100%; height: 1rem; }
nav.subnav { display: flex; gap: 1rem; flex-wrap: wrap; margin: -.25rem 0 1rem; padding-bottom: .5rem; border-bottom: 1px solid var(--line); }
nav.subnav a[aria-current="page"] { font-weight: 600; color: var(--ink); text-decoration: none; }
dl.facts { display: grid; grid-template-columns: minmax(7rem, max-content) 1fr; gap: .3rem .9rem; margin: 0; }
dl.facts dt { color: var(--muted); font-size: .9rem; }
dl.facts dd { margin: 0; word-break: break-word; }
form.inline { display: inline; margin: 0; }
details.card > summary { cursor: pointer; font-weight: 600; }
@media print { header.top { display: none; } }
.prewrap { white-space: pre-wrap; }
.scroll { overflow-x: auto; }
.pager { display: flex; gap: 1rem; align-items: center; margin: 1rem 0; }
table.compact th, table.compact td { padding: .25rem .4rem; font-size: .9rem; }
.row-inputs { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .5rem; align-items: end; margin-bottom: .5rem; }
ol.history > li { margin-bottom: .6rem; }
table.history { table-layout: fixed; }
table.history th.when { width: 9.5rem; }
table.history th.who { width: 8rem; }
table.history th.what { width: 12rem; }
table.history th.target { width: 10rem; }
table.history td { overflow-wrap: anywhere; }
table.history table.compact { table-layout: fixed; margin-bottom: .3rem; }
table.history table.compact td:first-child { width: 30%; }
details.technical > summary { cursor: pointer; color: var(--muted); font-size: .85rem; }
details.technical code, code.hash { overflow-wrap: anywhere; word-break: break-all; }
ul.facts-inline { margin: 0; padding-left: 1.1rem; font-size: .9rem; }
.wrap { overflow-wrap: anywhere; word-break: break-word; }
`;
