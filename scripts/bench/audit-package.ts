/**
 * Audit-package export throughput and memory (issue: audit retrieval). N records (default 2 000)
 * of about 256 KiB each (≈ 500 MB) are filed under clause 7.3.2.4: each a real PDF whose bulk is an
 * incompressible stream (a scan), one in a hundred signed (PAdES B-T) under the instance's own root.
 * The blobs are written straight into the local blob store's layout and the rows inserted in bulk
 * (declaring them one by one would only time the fill). Then, alternating:
 *
 * - Custos: the whole export as a user gets it — request (resolving the clause), the job claimed by
 *   the runner, every blob streamed out of storage and re-hashed, signed PDFs verified and reported,
 *   the audit excerpt, the signed manifest, and the ZIP streamed into blob storage (hashed, fsynced);
 * - `zip -0 -q -r` of the same files (hard links to the same blobs, under readable names), the
 *   baseline the issue names; and, for what durability costs, `zip -0` followed by `sync` of the archive.
 *
 * Peak memory: the process's RSS sampled every 10 ms during each export, against its RSS just
 * before; zip's maximum RSS from /usr/bin/time.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { link, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import { requestAuditPackage } from "../../src/core/audit-package/service";
import { loadConfig } from "../../src/config";
import { silentLogger, type AppDeps, type ServiceContext } from "../../src/core/context";
import { jobRunnerFor } from "../../src/core/jobs/index";
import { ensurePki, timestampDigest } from "../../src/core/signatures/authority";
import { issueSignerCertificate, generateRsaKeyPair } from "../../src/core/signatures/pki/index";
import { signPdf } from "../../src/core/signatures/sign-pdf";
import { LocalBlobStore } from "../../src/core/storage/local";
import { findPackage } from "../../src/core/audit-package/repo";
import { verifyAuditPackage } from "../../src/core/audit-package/verify-package";
import { openBenchDatabase } from "./database";
import { measureInterleaved, type Timing } from "./measure";
import { intOption, ratio, type ResultRow, type SuiteContext, type SuiteResult } from "./suites";
import { createRegistry } from "../../src/core/extensions";
import { assembleDeps } from "../../src/core/jobs/runner";

/**
 * A one-page PDF carrying `filler` as an unreferenced stream (like an embedded scan), with a
 * correct cross-reference table, so PDF readers and the signer take it as it is.
 */
function scanPdf(title: string, filler: Buffer): Buffer {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (b: Buffer | string) => {
    const buf = typeof b === "string" ? Buffer.from(b, "latin1") : b;
    parts.push(buf);
    length += buf.length;
  };
  push("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  const object = (n: number, body: Buffer | string) => {
    offsets[n] = length;
    push(`${n} 0 obj\n`);
    push(body);
    push("\nendobj\n");
  };
  object(1, "<< /Type /Catalog /Pages 2 0 R >>");
  object(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  object(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>");
  const text = `BT /F1 14 Tf 56 780 Td (${title}) Tj ET`;
  object(4, `<< /Length ${text.length} >>\nstream\n${text}\nendstream`);
  object(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  object(6, Buffer.concat([Buffer.from(`<< /Length ${filler.length} >>\nstream\n`, "latin1"), filler, Buffer.from("\nendstream", "latin1")]));
  const xref = length;
  push(`xref\n0 7\n0000000000 65535 f \n${offsets.slice(1).map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`);
  push(`trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return Buffer.concat(parts);
}

function blobPath(root: string, sha256: string): string {
  return join(root, "blobs", sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

/** Runs a command under /usr/bin/time and returns its maximum RSS in bytes. */
function timedMaxRss(cmd: string[], cwd: string): number {
  const r = spawnSync("/usr/bin/time", ["-f", "%M", ...cmd], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd.join(" ")} failed: ${r.stderr}`);
  return Number(r.stderr.trim().split("\n").pop()) * 1024;
}

export async function runAuditPackageBench(ctx: SuiteContext): Promise<SuiteResult> {
  const count = intOption(ctx, "records", 2000);
  const sizeKb = intOption(ctx, "size-kb", 256);
  const runs = intOption(ctx, "runs", 3);
  const warmup = intOption(ctx, "warmup", 1);
  const signedEvery = intOption(ctx, "signed-every", 100);
  const dataDir = await mkdtemp(join(tmpdir(), "custos-bench-package-"));
  const bench = await openBenchDatabase();
  const db = bench.database.db;
  const storage = new LocalBlobStore(dataDir);
  const deps: AppDeps = assembleDeps({ registry: createRegistry(), db, storage, clock: { now: () => new Date() }, logger: silentLogger, config: loadConfig({ CUSTOS_DATA_DIR: dataDir }), masterKey: randomBytes(32) });
  try {
    ctx.log("creating the organisation's PKI and a signer …");
    const pki = await ensurePki(deps);
    const signerKeys = await generateRsaKeyPair();
    const signer = issueSignerCertificate({
      subject: { commonName: "张伟", organization: "Custos 示例企业", country: "CN" },
      publicKey: signerKeys.publicKey,
      issuer: pki.root,
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 365 * 86_400_000),
    });

    const userId = `usr_bench${randomBytes(4).toString("hex")}`;
    await db.execute(sql`insert into users (id, username, display_name, password_hash, roles, clearance, password_changed_at, created_at, updated_at)
      values (${userId}, ${`bench-${userId.slice(-6)}`}, '导出基准', 'x', '{ip-manager}', 'secret', now(), now(), now())`);

    ctx.log(`writing ${count} records of ~${sizeKb} KiB into the blob store …`);
    const filesDir = join(dataDir, "zip-input", "records");
    await mkdir(filesDir, { recursive: true });
    const fillStarted = performance.now();
    const rows: { sha256: string; size: number; number: string }[] = [];
    let signed = 0;
    for (let i = 1; i <= count; i++) {
      const number = `R-B${String(i).padStart(6, "0")}`;
      let pdf: Uint8Array = scanPdf(`IP declaration ${number}`, randomBytes(sizeKb * 1024 - 600));
      if (signedEvery > 0 && i % signedEvery === 0) {
        const result = await signPdf(
          {
            pdf,
            fieldName: "Signature1",
            signerName: "张伟",
            meaning: "signed",
            signingTime: new Date(),
            timeZoneOffsetMinutes: 480,
            certificate: signer.certificate,
            chain: [pki.root.certificate],
            privateKey: signerKeys.privateKey,
            timestamp: (digest) => timestampDigest(deps, digest),
          },
          signer.serialNumber,
        );
        pdf = result.pdf;
        signed++;
      }
      const sha256 = createHash("sha256").update(pdf).digest("hex");
      const path = blobPath(dataDir, sha256);
      await mkdir(join(path, ".."), { recursive: true });
      await writeFile(path, pdf);
      await link(path, join(filesDir, `${number}.pdf`));
      rows.push({ sha256, size: pdf.length, number });
      if (i % 500 === 0) ctx.log(`  ${i} / ${count}`);
    }
    for (let start = 0; start < rows.length; start += 1000) {
      const batch = rows.slice(start, start + 1000);
      await db.execute(sql`insert into blobs (sha256, size, created_at) values ${sql.join(batch.map((r) => sql`(${r.sha256}, ${r.size}, now())`), sql`, `)}`);
      await db.execute(sql`
        insert into records (id, number, class_id, title, record_date, author, classification, content_sha256, content_filename, content_media_type, content_size,
          source_kind, natures, status, search_text, declared_by, declared_at, updated_at)
        values ${sql.join(
          batch.map(
            (r) => sql`(${`rec_b${r.number.slice(3)}`}, ${r.number}, 'rcl_7_3_2_4_02', ${`知识产权声明 ${r.number}`}, date '2026-03-01', '张伟', 'internal', ${r.sha256},
              ${`${r.number}.pdf`}, 'application/pdf', ${r.size}, 'upload', '{}'::jsonb, 'active', ${`${r.number} 知识产权声明`}, ${userId}, now(), now())`,
          ),
          sql`, `,
        )}`);
    }
    await db.execute(sql`analyze`);
    const fillMs = performance.now() - fillStarted;
    const totalBytes = rows.reduce((s, r) => s + r.size, 0);

    const service: ServiceContext = {
      ...deps,
      principal: { id: userId, username: "bench", displayName: "导出基准", roles: ["ip-manager"], departmentId: null, clearance: "secret", locale: "zh-CN", mustChangePassword: false },
      actor: { userId, label: "bench" },
      request: { ip: null, userAgent: null, requestId: null },
    };
    const runner = jobRunnerFor(deps);
    const rssGrowth: number[] = [];
    const packageSizes: number[] = [];
    const exportOnce = async () => {
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
      try {
        const row = await requestAuditPackage(service, { clauses: ["7.3.2.4"] });
        await runner.runDue();
        const done = await findPackage(db, row.id);
        if (done?.status !== "done" || done.itemsTotal !== count) throw new Error(`export ended ${done?.status}: ${done?.error ?? ""} (${done?.itemsTotal} items)`);
        peak = Math.max(peak, process.memoryUsage().rss);
        rssGrowth.push(peak - before);
        packageSizes.push(done.packageSize!);
        await storage.delete(done.packageSha256!);
      } finally {
        clearInterval(sampler);
      }
    };
    const zipDir = join(dataDir, "zip-input");
    const zipOut = join(dataDir, "baseline.zip");
    const zipRss: number[] = [];
    const zipOnce = async () => {
      await rm(zipOut, { force: true });
      zipRss.push(timedMaxRss(["zip", "-0", "-q", "-r", zipOut, "records"], zipDir));
    };
    const zipSyncOnce = async () => {
      await rm(zipOut, { force: true });
      execFileSync("sh", ["-c", `zip -0 -q -r "${zipOut}" records && sync "${zipOut}"`], { cwd: zipDir });
    };

    ctx.log("checking one export with the offline verifier …");
    const check = await requestAuditPackage(service, { clauses: ["7.3.2.4"] });
    await runner.runDue();
    const checked = await findPackage(db, check.id);
    if (checked?.status !== "done") throw new Error(`the check export failed: ${checked?.error}`);
    const checkZip = join(dataDir, "check.zip");
    const stream = await storage.get(checked.packageSha256!);
    await pipeline(Readable.fromWeb(stream as never), createWriteStream(checkZip));
    const verifyStarted = performance.now();
    const verification = await verifyAuditPackage(checkZip);
    const verifyMs = performance.now() - verifyStarted;
    if (!verification.ok) throw new Error(`the exported package does not verify: ${JSON.stringify(verification.checks.filter((c) => c.status === "fail").slice(0, 3))}`);
    const signedChecks = verification.checks.filter((c) => c.status === "pass" && /\.pdf #\d+$/.test(c.subject)).length;
    if (signedChecks !== signed) throw new Error(`the verifier checked ${signedChecks} PDF signatures, ${signed} were made`);
    await storage.delete(checked.packageSha256!);
    await rm(checkZip);

    ctx.log(`timing: ${warmup} warm-up + ${runs} runs of each variant, interleaved …`);
    const variants = [
      { key: "custos-export", label: "Custos export (request → job → signed ZIP in blob storage)", run: exportOnce },
      { key: "zip-0", label: "baseline: zip -0 -q -r of the same files", run: zipOnce },
      { key: "zip-0-sync", label: "  zip -0, then sync of the archive (durable, as the blob store)", run: zipSyncOnce },
    ];
    const timings = await measureInterleaved(variants, { warmup, runs, onRound: (r) => ctx.log(`  round ${r}/${runs}`) });
    await rm(zipOut, { force: true });
    const mbps = (t: Timing) => ({ value: totalBytes / 1e6 / (t.medianMs / 1000), unit: "MB/s" });
    const resultRows: ResultRow[] = variants.map((v) => ({ key: v.key, label: v.label, timing: timings.get(v.key)!, throughput: mbps(timings.get(v.key)!) }));
    const med = (key: string) => timings.get(key)!.medianMs;
    const peakGrowth = Math.max(...rssGrowth);
    const packageSize = Math.max(...packageSizes);
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
    return {
      name: "audit-package",
      description: "export an audit package of N records against zip -0 of the same files",
      parameters: {
        database: bench.description,
        storage: "local blob store (temp directory)",
        records: count,
        "signed PDFs": signed,
        "evidence bytes": totalBytes,
        "package bytes": packageSize,
        "warm-up runs": warmup,
        "timed runs per variant": runs,
      },
      rows: resultRows,
      ratios: [
        ratio("export-vs-zip", "Custos export / zip -0, throughput", "median(zip-0) / median(custos-export)", med("zip-0") / med("custos-export"), ">=", 0.5),
        ratio("export-rss", "peak RSS growth during export / package size", "max(peak RSS − RSS before) / package bytes", peakGrowth / packageSize, "<=", 0.25),
      ],
      notes: [
        `Fill: ${count} records (${(totalBytes / 1e6).toFixed(0)} MB, ${signed} signed PDFs) written and inserted in ${(fillMs / 1000).toFixed(1)} s.`,
        `Peak RSS growth of the export process: ${rssGrowth.map(mib).join(", ")} for a ${mib(packageSize)} package; zip -0 peak RSS ${zipRss.map(mib).join(", ")}.`,
        `The export does more than zip: every blob is re-hashed (SHA-256) on the way out and the package hashed again on the way into storage and fsynced; ${signed} signed PDFs are verified and reported; the manifest is signed and time-stamped.`,
        `Offline verification of one package (every file re-hashed, ${signed} PDF signatures, the excerpt): ${(verifyMs / 1000).toFixed(1)} s.`,
      ],
    };
  } finally {
    await bench.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}

