/** Plain-text tables for the benchmark results. */
import type { SuiteResult } from "./suites";

/** "12.34 ms", "123.4 ms", "1 234 ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const digits = ms < 10 ? 2 : ms < 100 ? 1 : 0;
  return `${groupThousands(ms.toFixed(digits))} ms`;
}

/** "1 234 567" (thin grouping that reads the same in any locale). */
export function groupThousands(text: string): string {
  const [int, frac] = text.split(".");
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

function formatThroughput(t: { value: number; unit: string } | undefined): string {
  if (!t) return "";
  const digits = t.value >= 100 ? 0 : t.value >= 10 ? 1 : 2;
  return `${groupThousands(t.value.toFixed(digits))} ${t.unit}`;
}

function table(header: string[], rows: string[][], rightAligned: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "─".repeat(w))), ...rows.map(line)];
}

/** The printed report of one suite. */
export function formatSuite(result: SuiteResult): string {
  const out: string[] = [];
  out.push(`■ ${result.name} — ${result.description}`);
  const params = Object.entries(result.parameters).map(([k, v]) => `${k}: ${typeof v === "number" ? groupThousands(String(v)) : String(v)}`);
  for (const p of params) out.push(`  ${p}`);
  out.push("");
  const rows = result.rows.map((r) => [
    r.label,
    formatMs(r.timing.medianMs),
    formatMs(r.timing.p95Ms),
    formatMs(r.timing.minMs),
    String(r.timing.runs),
    formatThroughput(r.throughput),
  ]);
  for (const l of table(["variant", "median", "p95", "min", "runs", "throughput (at median)"], rows, new Set([1, 2, 3, 4, 5]))) out.push(`  ${l}`);
  if (result.ratios.length > 0) {
    out.push("");
    const ratioRows = result.ratios.map((r) => [
      r.label,
      unitText(r.value.toFixed(2), r.unit),
      `${r.target.op === "<=" ? "≤" : "≥"} ${unitText(String(r.target.value), r.unit)}`,
      r.pass ? "PASS" : "MISS",
      r.formula,
    ]);
    for (const l of table(["ratio", "value", "target", "result", "computed as"], ratioRows, new Set([1, 2]))) out.push(`  ${l}`);
  }
  if (result.notes.length > 0) {
    out.push("");
    for (const n of result.notes) out.push(`  · ${n}`);
  }
  return out.join("\n");
}

/** A figure with its unit: "0.52×" for a ratio, "35.08 ms" for a bound in a unit. */
export function unitText(value: string, unit = "×"): string {
  return unit === "×" ? `${value}×` : `${value} ${unit}`;
}
