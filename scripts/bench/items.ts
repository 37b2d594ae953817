/**
 * A module's register over a large table: N items (default 100 000) of one record type, listed and
 * filtered through the framework (listItemsOfType: the item access policy, the filters, a page of 50
 * and the total) against the same queries written by hand and sent through the bare driver.
 */
import { sql } from "drizzle-orm";
import { createRegistry } from "../../src/core/extensions";
import { defineModule, defineRecordType } from "../../src/core/items/define";
import { choice, date, person, text } from "../../src/core/items/fields";
import { listItemsOfType } from "../../src/core/items/service";
import { benchReader, openBenchDatabase } from "./database";
import { measureInterleaved } from "./measure";
import { intOption, ratio, type SuiteContext, type SuiteResult } from "./suites";

const benchType = defineRecordType({
  id: "bench.finding",
  numberPrefix: "BF",
  title: { zh: "基准发现", en: "Benchmark finding" },
  clauses: ["13.5"],
  fields: {
    summary: text({ zh: "摘要", en: "Summary" }),
    foundOn: date({ zh: "发现日期", en: "Found on" }),
    grade: choice([{ value: "major", label: { zh: "严重", en: "Major" } }, { value: "minor", label: { zh: "一般", en: "Minor" } }], { zh: "等级", en: "Grade" }),
    ownerId: person({ zh: "责任人", en: "Owner" }),
    dueOn: date({ zh: "期限", en: "Due" }).optional(),
  },
  describe: (m) => ({ title: m.summary, date: m.foundOn, dueOn: m.dueOn, ownerId: m.ownerId }),
  classification: "internal",
  retention: { code: "BENCH-BF", period: { years: 1 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"] },
  workflow: {
    initial: "open",
    states: { open: { zh: "未关闭", en: "Open" }, closed: { zh: "已关闭", en: "Closed" } },
    final: ["closed"],
    transitions: [{ action: "close", label: { zh: "关闭", en: "Close" }, from: "open", to: "closed", roles: ["ip-manager"] }],
  },
});
const benchModule = defineModule({ name: "bench", title: { zh: "基准", en: "Benchmark" }, recordTypes: [benchType] });

const WORDS = ["专利", "商标", "著作权", "技术秘密", "许可", "侵权", "合同", "发明", "软件", "保密"];

export async function runItemsBench(ctx: SuiteContext): Promise<SuiteResult> {
  const n = intOption(ctx, "items", 100_000);
  const runs = intOption(ctx, "runs", 50);
  const bench = await openBenchDatabase();
  const db = bench.database.db;
  try {
    const service = await benchReader(db, createRegistry([benchModule]), "基准用户", "secret");
    const userId = service.principal!.id;
    const t0 = performance.now();
    for (let start = 0; start < n; start += 50_000) {
      const count = Math.min(50_000, n - start);
      await db.execute(sql`
        insert into items (id, type, number, state, title, item_date, due_on, owner_id, classification, people, search_text, data, version, created_by, created_at, updated_at)
        select 'itm_b' || g, 'bench.finding', 'BF-' || lpad(g::text, 8, '0'), (array['open','closed'])[1 + (g % 3 = 0)::int],
          t.title, date '2020-01-01' + (g % 2500), date '2026-01-01' + (g % 400), ${userId}::text, (array['internal','secret'])[1 + g % 2],
          array[${userId}::text], 'BF-' || lpad(g::text, 8, '0') || ' ' || t.title,
          jsonb_build_object('summary', t.title, 'foundOn', (date '2020-01-01' + (g % 2500))::text, 'grade', (array['major','minor'])[1 + g % 2], 'ownerId', ${userId}::text),
          1, ${userId}::text, now(), now()
        from generate_series(${start + 1}::int, ${start + count}::int) g
        cross join lateral (select (array['专利','商标','著作权','技术秘密','许可','侵权','合同','发明','软件','保密'])[1 + g % 10] || '问题 第' || g || '号' as title) t`);
      ctx.log(`  filled ${Math.min(start + 50_000, n)} / ${n} items`);
    }
    await db.execute(sql`analyze`);
    const fillMs = performance.now() - t0;
    // the bare driver: PGlite's query() or postgres.js's unsafe(), with the same SQL a person would write
    const client = (db as unknown as { $client: { query?: (q: string, p: unknown[]) => Promise<unknown>; unsafe?: (q: string, p: unknown[]) => Promise<unknown> } }).$client;
    const raw = (q: string, params: unknown[]) => (client.query ? client.query(q, params) : client.unsafe!(q, params as never));
    const bare = async (where: string, params: unknown[], order = "item_date desc, created_at desc") => {
      await raw(`select * from items where type = 'bench.finding' and classification = any($1::text[]) and ${where} order by ${order} limit 50`, [["public", "internal", "secret"], ...params]);
      await raw(`select count(*)::int from items where type = 'bench.finding' and classification = any($1::text[]) and ${where}`, [["public", "internal", "secret"], ...params]);
    };
    const queries: Record<string, { framework: () => Promise<unknown>; bare: () => Promise<unknown> }> = {
      "open items, newest first": {
        framework: () => listItemsOfType(service, "bench.finding", { state: "open", limit: 50, offset: 0 }),
        bare: () => bare("state = $2", ["open"]),
      },
      "due within 90 days": {
        framework: () => listItemsOfType(service, "bench.finding", { dueBefore: "2026-04-01", limit: 50, offset: 0 }),
        bare: () => bare("due_on <= $2::date", ["2026-04-01"], "due_on asc nulls last, item_date desc"),
      },
      "a word in a year": {
        framework: () => listItemsOfType(service, "bench.finding", { q: "侵权", from: "2023-01-01", to: "2023-12-31", limit: 50, offset: 0 }),
        bare: () => bare("search_text ilike $2 and item_date between $3::date and $4::date", ["%侵权%", "2023-01-01", "2023-12-31"]),
      },
    };
    const variants = Object.entries(queries).flatMap(([label, q]) => [
      { key: `framework: ${label}`, run: q.framework },
      { key: `by hand: ${label}`, run: q.bare },
    ]);
    const sample = await listItemsOfType(service, "bench.finding", { state: "open", limit: 50, offset: 0 });
    if (sample.items.length !== 50) throw new Error(`the register listed ${sample.items.length} items, expected 50`);
    const timings = await measureInterleaved(variants, { warmup: 3, runs });
    const rows = variants.map((v) => ({ key: v.key, label: v.key, timing: timings.get(v.key)! }));
    const worst = Math.max(...Object.keys(queries).map((label) => timings.get(`framework: ${label}`)!.p95Ms / timings.get(`by hand: ${label}`)!.p95Ms));
    return {
      name: "items",
      description: "A module's register over many items: listItemsOfType (policy, filters, a page and the total) vs the same SQL by hand through the bare driver",
      parameters: { database: bench.description, items: n, runs, fillSeconds: Math.round(fillMs / 100) / 10 },
      rows,
      ratios: [
        ratio("items-p95-ratio", "worst p95(framework) / p95(by hand)", "max over queries", worst, "<=", 1.5),
        ratio("items-p95", "worst p95 of the framework's queries", "max(p95)", Math.max(...Object.keys(queries).map((l) => timings.get(`framework: ${l}`)!.p95Ms)), "<=", 50, "ms"),
      ],
      notes: [`Fill: ${n} items in ${(fillMs / 1000).toFixed(1)} s, then ANALYZE. Both sides return a page of 50 and count the matches.`, `Words: ${WORDS.join(" ")}.`],
    };
  } finally {
    await bench.dispose();
  }
}
