import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { verifyAuditPackage } from "../../../src/core/audit-package/verify-package";
import type { Manifest } from "../../../src/core/audit-package/manifest";
import { S3BlobStore } from "../../../src/core/storage/s3";
import { startHarness } from "../../support/app";
import { startS3Server } from "../../support/s3";
import { createBasePdf } from "../signatures/support/base-pdf";
import { makeTempDir } from "../signatures/support/validators";
import { downloadPackage, expectJson, readZip, runExport, seedAuditEvidence, type PackageJson } from "./support";

const s3 = await startS3Server();
afterAll(() => s3.stop());
const h = await startHarness({ storage: () => new S3BlobStore(s3.config) });
const tmp = makeTempDir("custos-package-s3-");
afterAll(() => tmp.cleanup());

it("exports from and into S3 storage (multipart), and the package verifies offline", async () => {
  const f = await seedAuditEvidence(h);
  // a 20 MB scanned letter: several 8 MiB parts each way
  const legal = await h.signIn(await h.user({ roles: ["legal"], clearance: "secret" }));
  const big = await createBasePdf({ padToBytes: 20 * 1024 * 1024 });
  const file = await expectJson<{ id: string }>(
    await legal.request(`/api/v1/files?filename=${encodeURIComponent("律师函扫描件.pdf")}&classification=internal`, { method: "POST", headers: { "content-type": "application/pdf" }, body: new Uint8Array(big) }),
    201,
  );
  await expectJson(
    await legal.post("/api/v1/external-documents", {
      fileId: file.id,
      docType: "lawyer-letter",
      title: "关于涉嫌侵犯专利权的律师函",
      issuer: "某律师事务所",
      referenceNumber: "律函〔2026〕18号",
      issuedOn: "2026-02-10",
      obtainedOn: "2026-02-12",
      arrivalMethod: "post",
      classification: "internal",
    }),
    201,
  );
  const pkg = await expectJson<PackageJson>(await f.manager.post("/api/v1/audit/packages", { clauses: ["4.3.2.2", "7.3.2.4"], from: "2026-01-01", to: "2026-12-31" }), 202);
  const done = await runExport(h, f.manager, pkg.id);
  expect(done.status).toBe("done");
  expect(done.progress.itemsTotal).toBe(3);
  expect(done.progress.bytesTotal).toBeGreaterThan(big.length);
  expect(done.progress.bytesDone).toBe(done.progress.bytesTotal);

  const path = join(tmp.dir, "audit-package.zip");
  const headers = await downloadPackage(f.manager, pkg.id, path);
  const bytes = await readFile(path);
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(headers.get("x-content-sha256"));
  expect(bytes.length).toBeGreaterThan(big.length);
  const report = await verifyAuditPackage(path);
  expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
  const manifest = JSON.parse((await readZip(path)).get("manifest.json")!.toString("utf8")) as Manifest;
  const letter = manifest.items.find((i) => i.title === "关于涉嫌侵犯专利权的律师函")!;
  expect(letter.files[0]).toMatchObject({ size: big.length, sha256: createHash("sha256").update(big).digest("hex") });
});
