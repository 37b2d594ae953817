import { describe, expect, it } from "vitest";
import type { Role } from "../../src/core/auth/permissions";
import { createBasePdf } from "../core/signatures/support/base-pdf";
import { startHarness, type Client } from "../support/app";
import { expectJson } from "../core/records/support";
import { messageTables, translator } from "../../src/web/i18n";

/**
 * Every page a person can reach by clicking answers: for each role, a crawl from the dashboard
 * follows every same-site link of every page (menus, sub-menus, lists, detail pages) and none of
 * them answers 403, 404 or 5xx. A menu entry or a link its reader may not follow is a defect.
 */
const h = await startHarness();
const legalUser = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "secret" });
const legal = await h.signIn(legalUser);

// something in each area, so that lists have rows and detail pages are linked
const contract = await expectJson<{ id: string }>(await legal.post("/api/v1/contracts", { title: "爬取测试合同", type: "other", counterparties: [{ name: "甲公司" }] }), 201);
await expectJson(await legal.post("/api/v1/cases", { title: "爬取测试案件", kind: "litigation", openedOn: "2026-01-05" }), 201).catch(() => undefined);
const upload = await legal.request("/api/v1/files?filename=judgment.pdf&classification=internal", { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(await createBasePdf()) });
expect(upload.status).toBe(201);

/** Links a person can click on an HTML page: same-site GET links, not downloads or sign-out. */
function linksOf(html: string): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<a\b[^>]*\bhref="([^"#]+)"/g)) {
    const href = m[1]!.replace(/&amp;/g, "&");
    if (!href.startsWith("/") || href.startsWith("//")) continue;
    if (/^\/(api|static|pki)\//.test(href) || /\/(download|file|pdf|export)(\b|\?|$)/.test(href) || href.includes("format=")) continue;
    if (href.startsWith("/sign-out") || href.includes("lang=")) continue;
    out.add(href);
  }
  return [...out];
}

/**
 * The text a person reads on a page: no tags, scripts, styles, or attribute values; nor the raw
 * data an event or item carries (`<pre class="json">`, shown as stored, for auditors).
 */
export function visibleText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, " ")
    .replace(/<pre class="json"[\s\S]*?<\/pre>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

/** Message keys with an underscore (nav_users, rec_previous): shown raw, they are text someone forgot to translate. */
const zhTable = translator("zh-CN");
const MESSAGE_KEYS = new Set(
  Object.keys(messageTables().zh).filter((k) => k.includes("_") && zhTable(k as never) !== k),
);

/** English (or raw) text that must not be on a Chinese page. */
const NOT_ON_CHINESE_PAGES: [string, RegExp][] = [
  ["zod's English", /\b(Too big|Too small|expected (string|number|one of)|Invalid (input|option|email|ISO)|Required)\b/],
  ["English validation text", /\bat least (one|\d)/],
  ["a time in UTC or ISO form", /\d\s*UTC(?![+-]\d)|\d{4}-\d\d-\d\dT\d\d:|T00:|\d\d:\d\d(:\d\d)?Z\b/],
  ["a raw role code", /(?<![\w/.-])(ip-manager|ip-staff|top-manager)(?![\w-])/],
  ["a raw delivery method", /(?<![\w/.-])e-service(?![\w-])/],
];

/** What on a Chinese page is not Chinese: each finding names the pattern and quotes the text around it. */
export function untranslated(html: string): string[] {
  const text = visibleText(html);
  const found: string[] = [];
  for (const [what, re] of NOT_ON_CHINESE_PAGES) {
    const m = re.exec(text);
    if (m) found.push(`${what}: “…${text.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30)}…”`);
  }
  for (const m of text.matchAll(/\b[a-z]+_[a-zA-Z]+\b/g)) {
    if (MESSAGE_KEYS.has(m[0])) found.push(`a message key: ${m[0]}`);
  }
  return found;
}

async function crawl(client: Client, limit = 120, check?: (path: string, html: string) => void): Promise<{ visited: number; broken: string[] }> {
  const seen = new Set<string>(["/"]);
  const queue = ["/"];
  const broken: string[] = [];
  let visited = 0;
  while (queue.length && visited < limit) {
    const path = queue.shift()!;
    const res = await client.get(path, { accept: "text/html" });
    visited++;
    if (res.status === 403 || res.status === 404 || res.status >= 500) {
      broken.push(`${path} → ${res.status}`);
      continue;
    }
    if (!(res.headers.get("content-type") ?? "").includes("text/html")) continue;
    const html = await res.text();
    check?.(path, html);
    // a page's links are followed by template, not by every row: /records/rec_1 and /records/rec_2 are one page
    for (const link of linksOf(html)) {
      const shape = link.replace(/[a-z]{2,4}_[0-9A-Za-z]{6,}/g, ":id").replace(/\?.*$/, "");
      if (seen.has(shape)) continue;
      seen.add(shape);
      queue.push(link);
    }
  }
  return { visited, broken };
}

describe("pages reachable by clicking", () => {
  const roles: Role[][] = [["admin"], ["top-manager"], ["ip-manager"], ["ip-staff"], ["legal"], ["employee"], ["auditor"]];
  for (const r of roles) {
    it(`answers every link a ${r.join("+")} can click, and every Chinese page is in Chinese`, async () => {
      const client = r[0] === "legal" ? legal : await h.signIn(await h.user({ roles: r, displayName: `爬取-${r[0]}`, clearance: "secret" }));
      await client.get("/?lang=zh-CN", { accept: "text/html" });
      const english: string[] = [];
      const { visited, broken } = await crawl(client, 120, (path, html) => {
        for (const f of untranslated(html)) english.push(`${path} — ${f}`);
      });
      expect(visited).toBeGreaterThan(3);
      expect(broken).toEqual([]);
      expect(english).toEqual([]);
    });
  }

  // in English the same links answer (a shorter crawl for the two roles that see the most)
  for (const r of [["admin"], ["ip-manager"]] as Role[][]) {
    it(`answers every link a ${r.join("+")} can click in English`, async () => {
      const client = await h.signIn(await h.user({ roles: r, displayName: `crawl-en-${r[0]}`, clearance: "secret" }));
      await client.get("/?lang=en", { accept: "text/html" });
      const chinesePages: string[] = [];
      const { visited, broken } = await crawl(client, 60, (path, html) => {
        if (!/<html lang="en"/.test(html)) chinesePages.push(path);
      });
      expect(visited).toBeGreaterThan(3);
      expect(broken).toEqual([]);
      expect(chinesePages).toEqual([]);
    });
  }

  it("links the contract page from the register (the crawl sees detail pages)", async () => {
    const html = await (await legal.get("/contracts", { accept: "text/html" })).text();
    expect(linksOf(html)).toContain(`/contracts/${contract.id}`);
  });
});

describe("the app's icon", () => {
  it("is served where browsers look for it, to anyone, and linked from every page", async () => {
    for (const path of ["/favicon.ico", "/static/favicon.svg"]) {
      const res = await h.app.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("image/svg+xml");
      expect(await res.text()).toContain("<svg");
    }
    expect(await (await h.app.request("/sign-in", { headers: { accept: "text/html" } })).text()).toContain('rel="icon" href="/static/favicon.svg"');
  });
});
