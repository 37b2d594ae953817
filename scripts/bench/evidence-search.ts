/**
 * Search latency across everything (issue: audit retrieval): N records (default 100 000; the
 * issue's size is 1 000 000 on the PostgreSQL server) filed under the seeded file plan with
 * Chinese titles, then `searchEvidence` timed for the queries an auditor types. Target: p95 ≤ 50 ms.
 */
import { sql } from "drizzle-orm";
import { searchEvidence, EvidenceSearchQuery } from "../../src/core/evidence/search";
import { benchReader, openBenchDatabase } from "./database";
import { measureInterleaved } from "./measure";
import { intOption, ratio, type SuiteContext, type SuiteResult } from "./suites";
import { createRegistry } from "../../src/core/extensions";
import { textArray } from "../../src/db/sql";
import { maintainDatabase } from "../../src/core/maintenance/jobs";

const WORDS = ["专利", "商标", "著作权", "技术秘密", "许可", "转让", "侵权", "判决", "律师函", "合同", "发明", "实用新型", "外观设计", "软件", "保密", "竞业限制", "离职", "入职", "培训", "奖励"];

/** Lets the database's upkeep see the new rows, as it would after a CSV import; says what happened. */
async function afterBulkFill(db: Parameters<typeof maintainDatabase>[0], ctx: SuiteContext): Promise<string> {
  // what Custos does after an import: analyse where nobody else does (embedded, or autovacuum off)
  const result = await maintainDatabase(db, "analyze");
  if (!result.skipped) return `Custos's analyse job, which runs after every CSV import and hourly (${String(result.analyzedMs)} ms, ${String(result.because)})`;
  const started = performance.now();
  for (let i = 0; i < 240; i++) {
    const rows = (await db.execute(sql`select last_autoanalyze from pg_stat_user_tables where relname = 'records' and schemaname = current_schema()`)) as unknown as { last_autoanalyze: Date | null }[];
    if (rows[0]?.last_autoanalyze) return `PostgreSQL's autovacuum analysed the table by itself after ${((performance.now() - started) / 1000).toFixed(0)} s`;
    if (i % 20 === 0) ctx.log("  waiting for autovacuum to analyse the records table …");
    await new Promise((r) => setTimeout(r, 1000));
  }
  return "autovacuum had not analysed the table after 4 minutes (timed without fresh statistics)";
}

export async function runEvidenceSearchBench(ctx: SuiteContext): Promise<SuiteResult> {
  const n = intOption(ctx, "records", 100_000);
  const runs = intOption(ctx, "runs", 50);
  const bench = await openBenchDatabase();
  const db = bench.database.db;
  try {
    // a reader cleared "secret", not the database owner: what an ordinary records reader's search costs
    const service = await benchReader(db, createRegistry(), "检索基准", "secret");
    const userId = service.principal!.id;
    const t0 = performance.now();
    const batch = 50_000;
    const wordsArray = textArray(WORDS);
    for (let start = 0; start < n; start += batch) {
      const count = Math.min(batch, n - start);
      await db.execute(sql`
        insert into records (id, number, class_id, title, record_date, author, classification, paper_room, source_kind, natures, status, search_text, declared_by, declared_at, updated_at)
        select 'rec_b' || g, 'R-B' || lpad(g::text, 8, '0'),
          (select id from record_classes order by code offset (g % (select count(*) from record_classes)) limit 1),
          t.title, date '2020-01-01' + (g % 2500), '基准作者', (array['internal','secret'])[1 + g % 2], '档案室 A', 'upload', '{}'::jsonb, 'active',
          'R-B' || lpad(g::text, 8, '0') || ' ' || t.title, ${userId}, now(), now()
        from generate_series(${start + 1}::int, ${start + count}::int) g
        cross join lateral (select (${wordsArray})[1 + g % 20] || (${wordsArray})[1 + (g / 20) % 20] || '记录 第' || g || '号' as title) t`);
      ctx.log(`  filled ${Math.min(start + batch, n)} / ${n} records`);
    }
    const fillMs = performance.now() - t0;
    // no ANALYZE of our own: what Custos does after a bulk import (embedded: its analyse job), or
    // what a PostgreSQL server does by itself (autovacuum's analyse, waited for)
    const upkeep = await afterBulkFill(db, ctx);
    const queries: Record<string, Record<string, string>> = {
      "rare Chinese substring (one record)": { q: `第${Math.floor(n / 2)}号` },
      "common Chinese word": { q: "技术秘密" },
      "clause 4.3.2.2, one year": { clause: "4.3.2.2", from: "2023-01-01", to: "2023-12-31" },
      "records, newest first (no filter)": { kind: "record" },
      "word + period + classification": { q: "侵权", from: "2024-01-01", to: "2024-06-30", classification: "secret" },
    };
    const variants = Object.entries(queries).map(([label, query]) => ({ key: label, run: () => searchEvidence(service, EvidenceSearchQuery.parse(query)) }));
    const sample = await searchEvidence(service, EvidenceSearchQuery.parse(queries["rare Chinese substring (one record)"]));
    if (sample.total !== 1) throw new Error(`the rare query found ${sample.total} records, expected 1`);
    const timings = await measureInterleaved(variants, { warmup: 3, runs });
    const rows = variants.map((v) => ({ key: v.key, label: v.key, timing: timings.get(v.key)! }));
    const worstP95 = Math.max(...rows.map((r) => r.timing.p95Ms));
    return {
      name: "evidence-search",
      description: "searchEvidence across everything on a large records table",
      parameters: { database: bench.description, records: n, runs, fillSeconds: Math.round(fillMs / 100) / 10 },
      rows,
      ratios: [ratio("search-p95", "worst p95 of the queries", "max(p95)", worstP95, "<=", 50, "ms")],
      notes: [
        `Fill: ${n} records in ${(fillMs / 1000).toFixed(1)} s; then ${upkeep}.`,
        "Each search also runs the capped count (up to 1 001 rows) that the result page shows.",
      ],
    };
  } finally {
    await bench.dispose();
  }
}
