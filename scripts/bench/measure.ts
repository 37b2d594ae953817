/**
 * Timing and statistics for the benchmarks. Variants that are compared with each other are
 * measured in the same process and in alternating rounds, so that a slow phase of a noisy machine
 * falls on all of them alike and the ratios stay meaningful.
 */

/** Summary of one measured variant, in milliseconds. */
export interface Timing {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
  /** Every timed run, in the order they ran. */
  samplesMs: number[];
}

/** One function under test. `run` does the whole operation once; `check` may inspect the last result. */
export interface Variant {
  key: string;
  run: () => Promise<unknown>;
}

/** Options of {@link measureInterleaved}. */
export interface MeasureOptions {
  /** Untimed runs of each variant before timing (JIT, caches, lazy loading). */
  warmup: number;
  /** Timed runs of each variant. */
  runs: number;
  /**
   * How many blocks the timed runs are split into (default: one block per run). Each round runs
   * every variant for one block of consecutive runs.
   */
  rounds?: number;
  /**
   * Untimed runs at the start of every block (default 0), so that a variant is timed in its own
   * steady state and not in the wake of the previous one (see {@link measureInterleaved}).
   */
  settle?: number;
  /** Called after each round, e.g. to print progress. */
  onRound?: (round: number) => void;
}

/** The p-quantile (0..1) of sorted samples, nearest-rank method. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Median (mean of the two middle values for an even count). */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Summarises raw samples in milliseconds. */
export function summarise(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    runs: sorted.length,
    medianMs: median(sorted),
    p95Ms: quantile(sorted, 0.95),
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted[sorted.length - 1] ?? Number.NaN,
    meanMs: sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1),
    samplesMs: [...samples],
  };
}

/**
 * Times each variant `runs` times after `warmup` untimed runs. The timed runs are split into
 * `rounds` blocks; each round runs every variant for one block of consecutive runs, starting
 * with a different variant each round. Consecutive runs keep a variant's JIT and allocator state
 * as steady as in a server doing the same work repeatedly; the rounds spread slow phases of a
 * noisy machine over all variants alike.
 *
 * Why blocks and settle runs: spawning a process forks this one, which write-protects all of its
 * memory; for the next ~15 runs an in-process variant takes hundreds of minor page faults per run
 * (≈ 20 µs each on this VM), 5× its steady time. Forcing a full GC between runs was tried too and
 * dropped: it made the in-process variants several times slower than their steady state.
 */
export async function measureInterleaved(variants: readonly Variant[], options: MeasureOptions): Promise<Map<string, Timing>> {
  for (let w = 0; w < options.warmup; w++) for (const v of variants) await v.run();
  const rounds = Math.max(1, Math.min(options.rounds ?? options.runs, options.runs));
  const samples = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  for (let round = 0; round < rounds; round++) {
    const block = Math.floor((options.runs * (round + 1)) / rounds) - Math.floor((options.runs * round) / rounds);
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(round + i) % variants.length]!;
      for (let n = 0; n < (options.settle ?? 0); n++) await v.run();
      for (let n = 0; n < block; n++) {
        const t0 = performance.now();
        await v.run();
        samples.get(v.key)!.push(performance.now() - t0);
      }
    }
    options.onRound?.(round + 1);
  }
  return new Map([...samples].map(([key, s]) => [key, summarise(s)]));
}
