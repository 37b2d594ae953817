/**
 * `npm run bench [-- <suite> …] [--out file] [--<option> value …]`: runs the benchmark suites
 * (all of them by default), prints a table per suite with the ratios against their targets, and
 * writes every figure to bench-results.json. A missed target is a finding, not a failure: the
 * exit code is 0 unless a suite crashed (1) or the command line was wrong (2).
 */
import { cpus, totalmem } from "node:os";
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { formatSuite, unitText } from "./bench/report";
import { suites, type Suite, type SuiteResult } from "./bench/suites";

interface CommandLine {
  selected: Suite[];
  out: string;
  options: Map<string, string>;
}

class UsageError extends Error {}

function usage(): string {
  const lines = ["usage: npm run bench [-- <suite> …] [--out bench-results.json] [--<option> value …]", "", "suites:"];
  for (const s of suites) {
    lines.push(`  ${s.name.padEnd(12)} ${s.description}`);
    for (const [name, help] of Object.entries(s.options)) lines.push(`    --${name.padEnd(10)} ${help}`);
  }
  return lines.join("\n");
}

function parseCommandLine(argv: string[]): CommandLine {
  const names: string[] = [];
  const options = new Map<string, string>();
  let out = "bench-results.json";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") throw new UsageError("");
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (name === "out") out = value;
      else options.set(name, value);
    } else {
      names.push(arg);
    }
  }
  const unknown = names.filter((n) => !suites.some((s) => s.name === n));
  if (unknown.length) throw new UsageError(`unknown suite: ${unknown.join(", ")}`);
  const selected = names.length ? suites.filter((s) => names.includes(s.name)) : [...suites];
  const known = new Set(selected.flatMap((s) => Object.keys(s.options)));
  const stray = [...options.keys()].filter((k) => !known.has(k));
  if (stray.length) throw new UsageError(`option not read by the selected suites: ${stray.map((k) => `--${k}`).join(", ")}`);
  return { selected, out: resolve(out), options };
}

type SuiteOutcome = ({ ok: true } & SuiteResult) | { ok: false; name: string; error: string };

async function main(): Promise<number> {
  let cmd: CommandLine;
  try {
    cmd = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (error.message) console.error(`bench: ${error.message}\n`);
    console.error(usage());
    return error.message ? 2 : 0;
  }
  const startedAt = new Date();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${process.platform}/${process.arch}, node ${process.version}`;
  console.log(`Custos benchmarks — ${startedAt.toISOString()} — ${machine}\n`);
  const outcomes: SuiteOutcome[] = [];
  for (const suite of cmd.selected) {
    const t0 = performance.now();
    const options = new Map([...cmd.options].filter(([k]) => k in suite.options));
    try {
      const result = await suite.run({ options, log: (line) => console.error(`[${suite.name}] ${line}`) });
      outcomes.push({ ok: true, ...result });
      console.log(formatSuite(result));
      console.log(`  (suite took ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcomes.push({ ok: false, name: suite.name, error: message });
      console.log(`■ ${suite.name} — CRASHED\n  ${message.replaceAll("\n", "\n  ")}\n`);
    }
  }
  const summary = outcomes.flatMap((o) => (o.ok ? o.ratios.map((r) => `${r.pass ? "PASS" : "MISS"}  ${o.name}: ${r.label} = ${unitText(r.value.toFixed(2), r.unit)} (target ${r.target.op} ${unitText(String(r.target.value), r.unit)})`) : [`CRASH ${o.name}`]));
  console.log(["Summary", ...summary.map((s) => `  ${s}`)].join("\n"));
  await writeFile(
    cmd.out,
    `${JSON.stringify({ startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, argv: process.argv.slice(2), suites: outcomes }, null, 2)}\n`,
  );
  console.log(`\nFigures written to ${cmd.out}`);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
