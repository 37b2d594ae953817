/**
 * The benchmark suites `npm run bench` knows. Each suite measures, checks that what it measured
 * actually works, and returns its figures; the entry prints and saves them. A suite loads its
 * code only when it runs, so adding one costs the others nothing.
 */
import type { Timing } from "./measure";

/** One measured variant of a suite. */
export interface ResultRow {
  /** Stable identifier used in the JSON output and in ratios, e.g. "custos-bb". */
  key: string;
  /** What a person reads in the table. */
  label: string;
  timing: Timing;
  /** Work per second at the median, when it means something (events/s, MB/s). */
  throughput?: { value: number; unit: string };
}

/** A ratio between two rows of the same run, compared with its target. */
export interface RatioResult {
  key: string;
  label: string;
  /** How the value is computed, e.g. "median(custos-bb) / median(openssl)". */
  formula: string;
  value: number;
  target: { op: "<=" | ">="; value: number };
  pass: boolean;
  /** What the value is in: "×" for a ratio (the default), or a unit such as "ms" for a bound. */
  unit?: string;
}

/** Everything a suite reports. */
export interface SuiteResult {
  name: string;
  description: string;
  /** What was measured on what: sizes, counts, database, run counts. */
  parameters: Record<string, string | number | boolean>;
  rows: ResultRow[];
  ratios: RatioResult[];
  /** Observations worth printing under the table (where the time goes, caveats). */
  notes: string[];
}

/** What the entry hands a suite. */
export interface SuiteContext {
  /** `--name value` options from the command line that this suite declared. */
  options: ReadonlyMap<string, string>;
  /** Progress output (stderr), kept apart from the report. */
  log(line: string): void;
}

/** A benchmark suite. */
export interface Suite {
  name: string;
  description: string;
  /** Command-line options the suite reads, name → help text. */
  options: Record<string, string>;
  run(ctx: SuiteContext): Promise<SuiteResult>;
}

/** Builds a {@link RatioResult}, deciding PASS/MISS from the target. */
export function ratio(key: string, label: string, formula: string, value: number, op: "<=" | ">=", target: number, unit = "×"): RatioResult {
  const pass = Number.isFinite(value) && (op === "<=" ? value <= target : value >= target);
  return { key, label, formula, value, target: { op, value: target }, pass, unit };
}

/** Reads a positive integer option (underscores allowed: 1_000_000), or the default. */
export function intOption(ctx: SuiteContext, name: string, fallback: number): number {
  const raw = ctx.options.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** Every suite, in the order `npm run bench` runs them. */
export const suites: readonly Suite[] = [
  {
    name: "signing",
    description: "PAdES signing of a 1 MB PDF: Custos signPdf (invisible, visible stamp) vs the in-process floor (SHA-256 + one RSA signature), @signpdf/signpdf + signer-p12, openssl cms -sign",
    options: {
      runs: "timed runs per variant (default 30)",
      warmup: "untimed runs per variant first (default 20)",
      rounds: "blocks the timed runs are split into, variants alternating (default 3)",
      settle: "untimed runs at the start of each block (default 20)",
    },
    run: async (ctx) => (await import("./signing")).runSigningBench(ctx),
  },
  {
    name: "long-term",
    description: "Verifying a 100-page PDF with 5 signatures (PAdES B-LTA) vs pdfsig on the same file; signing to B-LTA vs B-T",
    options: {
      runs: "timed runs per variant (default 20)",
      warmup: "untimed runs per variant first (default 3)",
      pages: "pages of the signed PDF (default 100)",
    },
    run: async (ctx) => (await import("./long-term")).runLongTermBench(ctx),
  },
  {
    name: "audit-chain",
    description: "Audit-chain verification (verifyAuditChain) vs SHA-256 over the same canonical bytes",
    options: {
      events: "events in the chain (default 100000; the issue's target size is 1000000)",
      runs: "timed runs per variant (default 5)",
      warmup: "untimed runs per variant first (default 1)",
    },
    run: async (ctx) => (await import("./audit-chain")).runAuditChainBench(ctx),
  },
  {
    name: "evidence-search",
    description: "Search across everything (documents, records, contracts, signatures) on a large records table; target p95 ≤ 50 ms",
    options: {
      records: "records to file before searching (default 100000; the issue's size is 1000000 on the PostgreSQL server)",
      runs: "timed runs per query (default 50)",
    },
    run: async (ctx) => (await import("./evidence-search")).runEvidenceSearchBench(ctx),
  },
  {
    name: "audit-package",
    description: "Audit-package export of N records (≈ 256 KiB PDFs, 1 % signed) vs zip -0 of the same files: throughput and peak RSS",
    options: {
      records: "records in the package (default 2000, ≈ 500 MB)",
      "size-kb": "size of each record in KiB (default 256)",
      "signed-every": "every n-th record is a signed PDF (default 100; 0 = none)",
      runs: "timed runs per variant (default 3)",
      warmup: "untimed runs per variant first (default 1)",
    },
    run: async (ctx) => (await import("./audit-package")).runAuditPackageBench(ctx),
  },
  {
    name: "signing-concurrency",
    description: "N people sign at once beside unrelated writes: how long each signing holds the audit chain's lock; the writes' p95 during the signings vs alone",
    options: {
      signers: "people signing at the same moment (default 20)",
      writes: "unrelated writes timed alone first (default 60)",
    },
    run: async (ctx) => (await import("./signing-concurrency")).runSigningConcurrencyBench(ctx),
  },
  {
    name: "items",
    description: "A module's register over 100 000 items of one type: the framework's list (policy, filters, page, total) vs the same SQL by hand",
    options: {
      items: "items of the type (default 100000)",
      runs: "timed runs per query (default 50)",
    },
    run: async (ctx) => (await import("./items")).runItemsBench(ctx),
  },
];
