/**
 * Audit-chain verification throughput. Fills `audit_events` with N correctly chained events (bulk
 * inserts of precomputed rows: appendAuditEvent takes the chain lock per event and would only
 * measure the fill), then times `verifyAuditChain` against two baselines over the same bytes:
 *
 * - read + hash: the same pages read the same way (`listEventsAfter`), each row's hashed bytes
 *   (prev_hash ‖ "\n" ‖ canonical content) SHA-256'd, with none of the chain logic;
 * - raw SHA-256: the same byte strings already in memory, hashed one event at a time.
 *
 * Two more passes (reading only; reading and canonicalising) split the time into its parts.
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { canonicalEventContent, GENESIS_HASH, hashEvent, type AuditEventContent } from "../../src/core/audit/chain";
import { listEventsAfter } from "../../src/core/audit/repo";
import { verifyAuditChain } from "../../src/core/audit/service";
import type { Db } from "../../src/db/client";
import { auditEvents, type AuditEventRow } from "../../src/db/schema/audit";
import { openBenchDatabase, type BenchDatabase } from "./database";
import { measureInterleaved, type Timing, type Variant } from "./measure";
import { intOption, ratio, type ResultRow, type SuiteContext, type SuiteResult } from "./suites";

/** The page size verifyAuditChain uses by default; the baselines read with the same. */
const PAGE_SIZE = 5000;
/** Rows per INSERT: 13 columns × 2500 stays well under PostgreSQL's 65 535 parameters. */
const INSERT_BATCH = 2500;
const BASE_TIME = Date.parse("2026-01-05T01:00:00.000Z");

const KINDS = [
  { action: "revision.submitted", objectType: "revision", prefix: "rev" },
  { action: "revision.approved", objectType: "revision", prefix: "rev" },
  { action: "file.downloaded", objectType: "file", prefix: "fil" },
  { action: "auth.signed_in", objectType: "user", prefix: "usr" },
  { action: "record.created", objectType: "record", prefix: "rec" },
  { action: "signature.signed", objectType: "signature_request", prefix: "sgr" },
] as const;
const USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** A plausible event: Chinese actor labels and titles, a before/after summary in two of three. */
function syntheticEvent(seq: number): AuditEventContent {
  const kind = KINDS[seq % KINDS.length]!;
  const user = (seq * 31) % 211;
  const system = seq % 53 === 0;
  return {
    seq,
    occurredAt: new Date(BASE_TIME + seq * 7_001),
    actorId: system ? null : `usr_${user.toString(36).padStart(6, "0")}`,
    actorLabel: system ? "system" : `用户${user}（研发中心）`,
    action: kind.action,
    objectType: kind.objectType,
    objectId: `${kind.prefix}_${((seq * 7919) % 1_000_003).toString(36).padStart(8, "0")}`,
    ip: system ? null : `10.${(user >> 4) & 255}.${user & 15}.${(seq % 250) + 1}`,
    userAgent: system ? null : USER_AGENT,
    requestId: `req_${seq.toString(36).padStart(10, "0")}`,
    data:
      seq % 3 === 0
        ? {}
        : {
            title: `知识产权管理手册 QP-${String(seq % 40).padStart(2, "0")}`,
            from: "in_review",
            to: "approved",
            revision: (seq % 12) + 1,
            classification: seq % 2 ? "internal" : "confidential",
          },
  };
}

/** Inserts `count` chained events, hashed here with hashEvent, in multi-row INSERTs. */
async function fillChain(db: Db, count: number, log: (line: string) => void): Promise<void> {
  let prevHash = GENESIS_HASH;
  let nextReport = 100_000;
  for (let start = 1; start <= count; start += INSERT_BATCH) {
    const rows: AuditEventRow[] = [];
    for (let seq = start; seq < Math.min(start + INSERT_BATCH, count + 1); seq++) {
      const content = syntheticEvent(seq);
      const hash = hashEvent(prevHash, content);
      rows.push({ ...content, prevHash, hash });
      prevHash = hash;
    }
    await db.insert(auditEvents).values(rows);
    const done = start + rows.length - 1;
    if (done >= nextReport) {
      log(`  ${done.toLocaleString("en-US")} / ${count.toLocaleString("en-US")} events inserted`);
      nextReport += 100_000;
    }
  }
}

/** Reads every event in chain order exactly as verifyAuditChain does, handing each page to `visit`. */
async function forEachPage(db: Db, visit: (page: AuditEventRow[]) => void): Promise<number> {
  let after = 0;
  let rows = 0;
  for (;;) {
    const page = await listEventsAfter(db, after, PAGE_SIZE);
    if (page.length === 0) return rows;
    visit(page);
    rows += page.length;
    after = page[page.length - 1]!.seq;
  }
}

/**
 * The same pages fetched with the driver itself, rows as arrays with the driver's own type parsing
 * and no drizzle mapping: how much of the read is drizzle's.
 */
function driverPageReader(database: BenchDatabase["database"]): (after: number) => Promise<number[]> {
  const text = "select * from audit_events where seq > $1 order by seq limit $2";
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.kind === "pglite") {
    const pglite = client as { query(q: string, p: unknown[], o: { rowMode: "array" }): Promise<{ rows: unknown[][] }> };
    return async (after) => (await pglite.query(text, [after, PAGE_SIZE], { rowMode: "array" })).rows.map((r) => Number(r[0]));
  }
  const pg = client as { unsafe(q: string, p: unknown[]): { values(): Promise<unknown[][]> } };
  return async (after) => (await pg.unsafe(text, [after, PAGE_SIZE]).values()).map((r) => Number(r[0]));
}

/** The exact bytes hashEvent hashes for a stored event. */
const hashedText = (e: AuditEventRow) => `${e.prevHash}\n${canonicalEventContent(e)}`;

/** Runs the suite. */
export async function runAuditChainBench(ctx: SuiteContext): Promise<SuiteResult> {
  const events = intOption(ctx, "events", 100_000);
  const runs = intOption(ctx, "runs", 5);
  const warmup = intOption(ctx, "warmup", 1);
  ctx.log(`creating and migrating the database …`);
  const bench = await openBenchDatabase();
  try {
    const db = bench.database.db;
    ctx.log(`inserting ${events.toLocaleString("en-US")} chained events in batches of ${INSERT_BATCH} …`);
    const fillStarted = performance.now();
    await fillChain(db, events, ctx.log);
    const fillMs = performance.now() - fillStarted;
    await db.execute(sql`vacuum (analyze) audit_events`);

    ctx.log("checking the chain once and collecting the hashed bytes …");
    const check = await verifyAuditChain(db);
    if (!check.ok || check.checked !== events) throw new Error(`the generated chain does not verify: ${JSON.stringify(check)}`);
    const texts: string[] = [];
    await forEachPage(db, (page) => {
      for (const e of page) texts.push(hashedText(e));
    });
    let hashedBytes = 0;
    for (const t of texts) hashedBytes += Buffer.byteLength(t);
    for (let i = 0; i < texts.length; i += Math.max(1, Math.floor(texts.length / 1000))) {
      const seq = i + 1;
      const recomputed = createHash("sha256").update(texts[i]!).digest("hex");
      if (recomputed !== hashEvent(texts[i]!.slice(0, 64), syntheticEvent(seq))) throw new Error(`baseline bytes differ from the chain's at seq ${seq}`);
    }

    let sink = 0;
    const readDriverPage = driverPageReader(bench.database);
    const variants: (Variant & { label: string })[] = [
      {
        key: "verify",
        label: "verifyAuditChain(db)",
        run: async () => {
          const r = await verifyAuditChain(db);
          if (!r.ok || r.checked !== events) throw new Error(`verifyAuditChain reported ${JSON.stringify(r)}`);
        },
      },
      {
        key: "read-hash",
        label: "baseline: same reads + SHA-256 of each event's bytes",
        run: () =>
          forEachPage(db, (page) => {
            for (const e of page) sink ^= createHash("sha256").update(hashedText(e)).digest()[0]!;
          }),
      },
      {
        key: "raw-sha256",
        label: "baseline: raw SHA-256, same bytes already in memory",
        run: async () => {
          for (const t of texts) sink ^= createHash("sha256").update(t).digest()[0]!;
        },
      },
      {
        key: "read-only",
        label: "  part: reading the pages only (listEventsAfter)",
        run: () => forEachPage(db, (page) => (sink ^= page.length)),
      },
      {
        key: "read-driver",
        label: "  part: reading the same pages with the driver, no drizzle",
        run: async () => {
          let after = 0;
          for (;;) {
            const seqs = await readDriverPage(after);
            if (seqs.length === 0) break;
            after = seqs[seqs.length - 1]!;
            sink ^= seqs.length;
          }
        },
      },
      {
        key: "read-canonical",
        label: "  part: reading + canonicalEventContent, no hash",
        run: () =>
          forEachPage(db, (page) => {
            for (const e of page) sink ^= hashedText(e).length;
          }),
      },
    ];
    ctx.log(`timing ${variants.length} variants, ${warmup} warm-up + ${runs} runs each, interleaved …`);
    const timings = await measureInterleaved(variants, { warmup, runs, onRound: (r) => ctx.log(`  round ${r}/${runs}`) });

    const row = (v: { key: string; label: string }, t: Timing): ResultRow => ({
      key: v.key,
      label: v.label,
      timing: t,
      throughput: { value: events / (t.medianMs / 1000), unit: "events/s" },
    });
    const rows = variants.map((v) => row(v, timings.get(v.key)!));
    const med = (key: string) => timings.get(key)!.medianMs;
    const mbps = (key: string) => hashedBytes / 1e6 / (med(key) / 1000);
    // The breakdown subtracts passes from each other, so it uses each pass's fastest run: the
    // one least disturbed by whatever else the machine was doing.
    const best = (key: string) => timings.get(key)!.minMs;
    const read = best("read-only");
    const canonical = best("read-canonical") - read;
    const hashing = best("read-hash") - best("read-canonical");
    const chainLogic = best("verify") - best("read-hash");
    const share = (ms: number) => `${((100 * ms) / best("verify")).toFixed(0)} %`;
    const signed = (ms: number) => `${ms >= 0 ? "+" : "−"}${Math.abs(ms).toFixed(0)} ms`;
    const notes = [
      `Hashed bytes: ${hashedBytes.toLocaleString("en-US")} (${(hashedBytes / events).toFixed(0)} per event). ` +
        `verifyAuditChain runs at ${mbps("verify").toFixed(1)} MB/s of hashed content; raw SHA-256 per event at ${mbps("raw-sha256").toFixed(1)} MB/s.`,
      `Where verifyAuditChain's time goes (fastest runs, one pass minus another): of ${best("verify").toFixed(0)} ms, ` +
        `reading pages ${read.toFixed(0)} ms (${share(read)}), canonical JSON ${signed(canonical)} (${share(canonical)}), ` +
        `SHA-256 ${signed(hashing)} (${share(hashing)}), chain checks and the rest ${signed(chainLogic)} (${share(chainLogic)}).`,
      `Reading alone: ${read.toFixed(0)} ms through drizzle, ${best("read-driver").toFixed(0)} ms through the driver directly (drizzle's mapping ${signed(read - best("read-driver"))}).`,
      `Fill: ${events.toLocaleString("en-US")} events inserted in ${(fillMs / 1000).toFixed(1)} s (${Math.round(events / (fillMs / 1000)).toLocaleString("en-US")} events/s), then VACUUM (ANALYZE).`,
    ];
    return {
      name: "audit-chain",
      description: "verify the hash-chained audit trail against raw SHA-256 over the same bytes",
      parameters: {
        database: bench.description,
        events,
        "page size": PAGE_SIZE,
        "warm-up runs": warmup,
        "timed runs per variant": runs,
        order: "interleaved round by round",
      },
      rows,
      ratios: [
        ratio(
          "verify-vs-read-hash",
          "verifyAuditChain / (same reads + SHA-256), throughput",
          "median(read-hash) / median(verify)",
          med("read-hash") / med("verify"),
          ">=",
          0.5,
        ),
        ratio(
          "verify-vs-raw-sha256",
          "verifyAuditChain / raw SHA-256 in memory, throughput",
          "median(raw-sha256) / median(verify)",
          med("raw-sha256") / med("verify"),
          ">=",
          0.5,
        ),
      ],
      notes,
    };
  } finally {
    await bench.dispose();
  }
}
