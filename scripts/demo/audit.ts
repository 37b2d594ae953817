import { spawnSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { join, resolve } from "node:path";
import { DemoClient, type DemoUser } from "./http-client";

interface PackageStatus {
  id: string;
  status: string;
  progress: { itemsDone: number; itemsTotal: number | null; filesDone: number; filesTotal: number | null; bytesDone: number; bytesTotal: number | null; fraction: number };
  sha256: string | null;
  size: number | null;
  chainHead: { seq: number; hash: string } | null;
  error: { code: string | null; message: string } | null;
}

/** The clauses of the demo's audit: onboarding (IP declarations) and records and external documents. */
const CLAUSES = ["7.3.2.4", "4.3.2.2"];

/**
 * The audit-package part of the demo: the IP manager gives the auditor a two-week grant for
 * clauses 7.3.2.4 and 4.3.2.2 this year; the auditor exports the package over the API, follows its
 * progress, downloads audit-package.zip, and checks it with the offline verifier run as its own
 * process (`custos verify-package`, no server or database), against the root fingerprint read
 * independently from /pki/ca.pem. Throws (the demo fails) if the verifier finds anything wrong.
 */
export async function auditPackageDemo(baseUrl: string, outDir: string, demo: Record<string, unknown>) {
  const users = demo.users as Record<string, DemoUser>;
  const ipManager = new DemoClient(baseUrl);
  await ipManager.signIn(users.ipManager!.username, users.ipManager!.password);
  const auditor = new DemoClient(baseUrl);
  await auditor.signIn(users.auditor!.username, users.auditor!.password);

  const year = new Date().getFullYear();
  const grant = await ipManager.json<{ id: string }>("POST", "/api/v1/audit/grants", {
    auditorId: users.auditor!.id,
    purpose: `${year} 年内部审核（13.2）：入职知识产权声明与记录管理`,
    endsAt: new Date(Date.now() + 14 * 86_400_000).toISOString(),
    clauseIds: CLAUSES,
    categoryIds: [],
    periodFrom: `${year}-01-01`,
    periodTo: `${year}-12-31`,
    maxClassification: "secret",
  });

  const requested = await auditor.json<PackageStatus>("POST", "/api/v1/audit/packages", { clauses: CLAUSES, from: `${year}-01-01`, to: `${year}-12-31` });
  let status = requested;
  const deadline = Date.now() + 120_000;
  while (status.status === "queued" || status.status === "running") {
    if (Date.now() > deadline) throw new Error(`the audit package ${status.id} was not ready within two minutes`);
    await new Promise((r) => setTimeout(r, 250));
    status = await auditor.json<PackageStatus>("GET", `/api/v1/audit/packages/${requested.id}`);
  }
  if (status.status !== "done") throw new Error(`the audit package failed: ${status.error?.code} ${status.error?.message}`);

  const path = join(outDir, "audit-package.zip");
  const res = await auditor.request("GET", `/api/v1/audit/packages/${status.id}/download`);
  if (!res.ok || !res.body) throw new Error(`downloading the audit package failed: ${res.status} ${await res.text()}`);
  const out = createWriteStream(path);
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) if (!out.write(chunk)) await once(out, "drain");
  out.end();
  await once(out, "finish");

  // the fingerprint as an auditor obtains it independently of the package: from the published root
  const rootPem = await (await fetch(`${baseUrl}/pki/ca.pem`)).text();
  const rootFingerprint = new X509Certificate(rootPem).fingerprint256;
  const cli = resolve(import.meta.dirname, "../../bin/custos.mjs");
  const verify = spawnSync(process.execPath, [cli, "verify-package", path, "--root-fingerprint", rootFingerprint], { encoding: "utf8" });
  const output = `${verify.stdout}${verify.stderr}`;
  const summary = output.split("\n").find((l) => l.startsWith("结果 RESULT")) ?? "";
  process.stdout.write(`\n    ${summary}\n    `);
  if (verify.status !== 0) throw new Error(`the offline verifier rejected audit-package.zip (exit ${verify.status}):\n${output}`);
  return {
    grantId: grant.id,
    packageId: status.id,
    clauses: CLAUSES,
    items: status.progress.itemsTotal,
    files: status.progress.filesTotal,
    bytes: status.progress.bytesTotal,
    sha256: status.sha256,
    size: status.size,
    chainHead: status.chainHead,
    rootFingerprint,
    verifier: { command: `npx custos verify-package audit-package.zip --root-fingerprint ${rootFingerprint}`, exitCode: verify.status, result: summary },
  };
}
