/**
 * Timing and statistics for the benchmarks. Variants that are compared with each other are run
 * interleaved (one run of each per round, in a rotating order), so that a slow phase of a noisy
 * machine falls on all of them alike and the ratios stay meaningful.
 */

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gcFunction: (() => void) | undefined;

/**
 * A full garbage collection, run before each timed run (outside the timing) so that a variant
 * that leaves much garbage behind does not make its neighbour in the rotation pay for it. The
 * flag is set at run time because `npm run bench` starts node without --expose-gc.
 */
export function collectGarbage(): void {
  if (!gcFunction) {
    setFlagsFromString("--expose-gc");
    gcFunction = runInNewContext("gc") as () => void;
  }
  gcFunction();
}

/** Summary of one measured variant, in milliseconds. */
export interface Timing {
  runs: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
  maxMs: number;
  meanMs: number;
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
  /** Collect garbage before each timed run (default true). */
  gcBetweenRuns?: boolean;
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
  };
}

/**
 * Times each variant `runs` times after `warmup` untimed runs, interleaving the variants round by
 * round with a rotating start so that none always runs first (or right after the same neighbour),
 * with a full garbage collection before each timed run.
 */
export async function measureInterleaved(variants: readonly Variant[], options: MeasureOptions): Promise<Map<string, Timing>> {
  for (let w = 0; w < options.warmup; w++) for (const v of variants) await v.run();
  const samples = new Map<string, number[]>(variants.map((v) => [v.key, []]));
  for (let round = 0; round < options.runs; round++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(round + i) % variants.length]!;
      if (options.gcBetweenRuns ?? true) collectGarbage();
      const t0 = performance.now();
      await v.run();
      samples.get(v.key)!.push(performance.now() - t0);
    }
    options.onRound?.(round + 1);
  }
  return new Map([...samples].map(([key, s]) => [key, summarise(s)]));
}
