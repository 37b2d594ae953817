import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { readFile, readdir, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { requestAuditPackage } from "../../../src/core/audit-package/service";
import { verifyAuditPackage } from "../../../src/core/audit-package/verify-package";
import { revokeAuditorGrant } from "../../../src/core/evidence/grants";
import { hashEvent, type AuditEventContent } from "../../../src/core/audit/chain";
import { queryEvents } from "../../../src/core/audit/repo";
import type { Manifest } from "../../../src/core/audit-package/manifest";
import type { PdfSignatureReportFile } from "../../../src/core/audit-package/reports";
import { errorCode, startHarness } from "../../support/app";
import { makeTempDir } from "../signatures/support/validators";
import { contextAs, downloadPackage, expectJson, grantAuditor, readZip, rewriteZip, runExport, seedAuditEvidence, type PackageJson } from "./support";

const h = await startHarness();
const tmp = makeTempDir("custos-package-");
afterAll(() => tmp.cleanup());
const f = await seedAuditEvidence(h);
const selection = { clauses: ["7.3.2.4", "4.3.2.2"], from: "2026-01-01", to: "2026-12-31" };

const rootPem = await (await h.anonymous().get("/pki/ca.pem")).text();
writeFileSync(join(tmp.dir, "independent-ca.pem"), rootPem);
/** The root fingerprint as an auditor gets it independently: from the organisation's published certificate, with openssl. */
const independentFingerprint = execFileSync("openssl", ["x509", "-in", join(tmp.dir, "independent-ca.pem"), "-noout", "-fingerprint", "-sha256"], { encoding: "utf8" })
  .trim()
  .split("=")[1]!;

// one package exported by the IP manager, shared by the tests below
const requested = await expectJson<PackageJson>(await f.manager.post("/api/v1/audit/packages", selection), 202);
const queued = await expectJson<PackageJson>(await f.manager.get(`/api/v1/audit/packages/${requested.id}`), 200);
const finished = await runExport(h, f.manager, requested.id);
const packagePath = join(tmp.dir, "audit-package.zip");
const headers = await downloadPackage(f.manager, requested.id, packagePath);
const entries = await readZip(packagePath);
const manifest = JSON.parse(entries.get("manifest.json")!.toString("utf8")) as Manifest;

function custos(args: string[], env: Record<string, string> = {}) {
  // a broken configuration and an unreachable database: verify-package must need neither
  const r = spawnSync(process.execPath, [join(process.cwd(), "bin/custos.mjs"), ...args], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", PORT: "not-a-port", CUSTOS_DATA_DIR: "/nonexistent/custos", ...env },
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("export", () => {
  it("runs as a job: queued with the items counted, then done with every item, file and byte", () => {
    expect(requested.status).toBe("queued");
    expect(queued.progress).toMatchObject({ itemsTotal: 2, itemsDone: 0, bytesDone: 0, fraction: 0 });
    expect(finished.status).toBe("done");
    expect(finished.progress.itemsDone).toBe(2);
    expect(finished.progress.filesDone).toBe(finished.progress.filesTotal);
    expect(finished.progress.bytesDone).toBe(finished.progress.bytesTotal);
    expect(finished.progress.fraction).toBe(1);
    expect(finished.classification).toBe("secret");
    expect(finished.downloadUrl).toBe(`/api/v1/audit/packages/${requested.id}/download`);
  });

  it("streams a ZIP whose SHA-256 is the one reported, readable by unzip", async () => {
    const bytes = await readFile(packagePath);
    const sha = createHash("sha256").update(bytes).digest("hex");
    expect(headers.get("x-content-sha256")).toBe(sha);
    expect(finished.sha256).toBe(sha);
    expect(finished.size).toBe(bytes.length);
    expect(headers.get("content-type")).toBe("application/zip");
    const test = spawnSync("unzip", ["-t", packagePath], { encoding: "utf8" });
    expect(test.status, test.stdout).toBe(0);
    expect(test.stdout).toContain("No errors detected");
  });

  it("holds the files as stored under readable paths, with a manifest, a CSV for Excel, reports, the excerpt, certificates and a README", async () => {
    const names = [...entries.keys()];
    expect(names).toEqual(
      expect.arrayContaining(["manifest.json", "manifest.json.p7s", "manifest.csv", "README.txt", "audit-trail/events.jsonl", "audit-trail/chain-head.json", "certificates/root-ca.pem", "certificates/tsa.pem", "certificates/package-seal.pem"]),
    );
    expect(manifest.items.map((i) => i.kind).sort()).toEqual(["external-document", "record"]);
    const judgment = manifest.items.find((i) => i.kind === "external-document")!;
    expect(judgment).toMatchObject({ id: f.judgmentId, classification: "secret", clauses: ["4.3.2.2"] });
    expect(judgment.files[0]!.path).toMatch(/^evidence\/external-document\/.*京73民初123号.*\/判决书\.pdf$/);
    for (const item of manifest.items) {
      for (const file of item.files) {
        const bytes = entries.get(file.path)!;
        expect(createHash("sha256").update(bytes).digest("hex")).toBe(file.sha256);
        // byte for byte what Custos holds
        expect(Buffer.compare(bytes, Buffer.from(await h.deps.storage.getBytes(file.sha256)))).toBe(0);
      }
    }
    // every file but the manifest and its signature is listed, with its hash
    expect(manifest.files.map((x) => x.path).sort()).toEqual(names.filter((n) => n !== "manifest.json" && n !== "manifest.json.p7s").sort());

    const csv = entries.get("manifest.csv")!.toString("utf8");
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain("（2026）京73民初123号");
    expect(csv.split("\r\n")[0]).toContain("SHA-256");
    for (const file of judgment.files) expect(csv).toContain(file.sha256);

    const readme = entries.get("README.txt")!.toString("utf8");
    expect(readme).toContain("如何验证");
    expect(readme).toContain("How to verify");
    expect(readme).toContain(independentFingerprint);
    expect(manifest.certificates.root.sha256Fingerprint).toBe(independentFingerprint);
    expect(entries.get("certificates/root-ca.pem")!.toString("utf8").trim()).toBe(rootPem.trim());
  });

  it("reports every signed PDF's signatures (JSON and text)", async () => {
    const declaration = manifest.items.find((i) => i.kind === "record")!;
    const signed = declaration.files.find((x) => x.signatureReport && "json" in x.signatureReport)!;
    const report = signed.signatureReport as { json: string; text: string; signatures: number; ok: boolean };
    // the employee's signature and the document timestamp that makes the file B-LTA
    expect(report).toMatchObject({ signatures: 2, ok: true });
    const json = JSON.parse(entries.get(report.json)!.toString("utf8")) as PdfSignatureReportFile;
    expect(json.file.sha256).toBe(signed.sha256);
    expect(json.signatures[0]).toMatchObject({ ok: true, chain: "trusted", signerName: "张伟", revocation: { status: "good" } });
    expect(json.signatures[0]!.timestamp?.valid).toBe(true);
    expect(json.signatures[1]).toMatchObject({ ok: true, subFilter: "ETSI.RFC3161" });
    const text = entries.get(report.text)!.toString("utf8");
    expect(text).toContain("张伟");
    expect(text).toContain("有效 / VALID");
    // the judgment PDF is unsigned: no report
    expect(manifest.items.find((i) => i.kind === "external-document")!.files[0]!.signatureReport).toBeUndefined();
  });

  it("includes the audit trail of the included objects up to the chain head, each event recomputable", async () => {
    const lines = entries.get("audit-trail/events.jsonl")!.toString("utf8").trim().split("\n");
    const events = lines.map((l) => JSON.parse(l) as { seq: number; objectType: string; objectId: string; prevHash: string; hash: string; occurredAt: string });
    expect(events.length).toBe(manifest.auditTrail.events);
    expect(events.some((e) => e.objectType === "record" && e.objectId === f.judgmentId)).toBe(true);
    for (const e of events) expect(hashEvent(e.prevHash, { ...(e as unknown as AuditEventContent), occurredAt: new Date(e.occurredAt) })).toBe(e.hash);
    const objects = new Set(manifest.items.flatMap((i) => i.auditObjects.map((o) => `${o.type}:${o.id}`)));
    for (const e of events) expect(objects.has(`${e.objectType}:${e.objectId}`)).toBe(true);
    expect(manifest.auditTrail.chainHead).toEqual(finished.chainHead);
    expect(JSON.parse(entries.get("audit-trail/chain-head.json")!.toString("utf8"))).toEqual(finished.chainHead);
    expect(Math.max(...events.map((e) => e.seq))).toBeLessThanOrEqual(finished.chainHead!.seq);
  });

  it("is signed by the organisation: openssl verifies the detached CMS over the manifest with the root", () => {
    writeFileSync(join(tmp.dir, "manifest.json"), entries.get("manifest.json")!);
    writeFileSync(join(tmp.dir, "manifest.json.p7s"), entries.get("manifest.json.p7s")!);
    // exactly the README's command
    const r = spawnSync(
      "openssl",
      ["cms", "-verify", "-binary", "-inform", "DER", "-in", "manifest.json.p7s", "-content", "manifest.json", "-CAfile", "independent-ca.pem", "-purpose", "any", "-out", "/dev/null"],
      { cwd: tmp.dir, encoding: "utf8" },
    );
    expect(r.stderr).toContain("Verification successful");
    const certs = spawnSync("openssl", ["pkcs7", "-inform", "DER", "-in", "manifest.json.p7s", "-print_certs", "-noout"], { cwd: tmp.dir, encoding: "utf8" });
    expect(certs.stdout).toContain("Custos Audit Package Seal");
  });

  it("verifies with the README's sha256sum command after unzipping", () => {
    const dir = join(tmp.dir, "unzipped");
    execFileSync("unzip", ["-q", packagePath, "-d", dir]);
    const r = spawnSync("sh", ["-c", `jq -r '.files[] | "\\(.sha256)  \\(.path)"' manifest.json | sha256sum -c`], { cwd: dir, encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).not.toContain("FAILED");
  });

  it("is an audit event: who, what selection, how many items, the package SHA-256; the download too", async () => {
    const [exported] = await queryEvents(h.deps.db, { objectType: "audit_package", objectId: requested.id, action: "audit_package.exported", limit: 5 });
    expect(exported).toMatchObject({ actorId: f.managerUser.id, action: "audit_package.exported" });
    expect(exported!.data).toMatchObject({ selection, items: 2, packageSha256: finished.sha256, manifestSha256: finished.manifestSha256 });
    const [downloaded] = await queryEvents(h.deps.db, { objectType: "audit_package", objectId: requested.id, action: "audit_package.downloaded", limit: 5 });
    expect(downloaded?.actorId).toBe(f.managerUser.id);
    const [asked] = await queryEvents(h.deps.db, { objectType: "audit_package", objectId: requested.id, action: "audit_package.requested", limit: 5 });
    expect(asked?.data).toMatchObject({ selection, items: 2 });
  });
});

describe("offline verifier", () => {
  it("passes an untouched package and prints the root fingerprint (in process)", async () => {
    const report = await verifyAuditPackage(packagePath, { expectedRootFingerprint: independentFingerprint });
    expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.rootFingerprint).toBe(independentFingerprint);
    const subjects = report.checks.filter((c) => c.status === "pass").map((c) => c.subject);
    for (const file of manifest.files) expect(subjects).toContain(file.path);
    expect(subjects).toContain("manifest.json.p7s");
    expect(subjects.some((s) => /\.pdf #1$/.test(s))).toBe(true);
  });

  it("runs as npx custos verify-package without configuration or database, exit 0, pass lines in Chinese and English", () => {
    const r = custos(["verify-package", packagePath, "--root-fingerprint", independentFingerprint]);
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain("通过 PASS  manifest.json.p7s");
    expect(r.out).toContain("the manifest signature is valid");
    expect(r.out).toMatch(/\d+ excerpt event\(s\) lead to the chain head through \d+ link\(s\)/);
    expect(r.out).toContain(independentFingerprint);
    expect(r.out).toContain("结果 RESULT: 通过 PASS");
    const json = custos(["verify-package", packagePath, "--json"]);
    expect(json.status).toBe(0);
    const parsed = JSON.parse(json.out) as { ok: boolean; rootFingerprint: string; counts: { fail: number } };
    expect(parsed).toMatchObject({ ok: true, rootFingerprint: independentFingerprint, counts: { fail: 0 } });
  });

  it("names the one file whose byte changed", async () => {
    const judgmentPath = manifest.items.find((i) => i.kind === "external-document")!.files[0]!.path;
    const tampered = join(tmp.dir, "tampered-byte.zip");
    await rewriteZip(packagePath, tampered, (name, bytes) => {
      if (name !== judgmentPath) return undefined;
      const copy = Buffer.from(bytes);
      copy[Math.floor(copy.length / 2)]! ^= 0x01;
      return copy;
    });
    const r = custos(["verify-package", tampered]);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`失败 FAIL  ${judgmentPath}`);
    expect(r.out).toContain("SHA-256 does not match the manifest");
    const report = await verifyAuditPackage(tampered);
    expect(report.checks.filter((c) => c.status === "fail").map((c) => c.subject)).toEqual([judgmentPath]);
  });

  it("names the manifest when one line of it changed (the organisation's signature no longer matches)", async () => {
    const tampered = join(tmp.dir, "tampered-manifest.zip");
    const judgmentTitle = manifest.items.find((i) => i.kind === "external-document")!.title;
    await rewriteZip(packagePath, tampered, (name, bytes) => {
      if (name !== "manifest.json") return undefined;
      const text = bytes.toString("utf8");
      const changed = text.replace(`"title": ${JSON.stringify(judgmentTitle)}`, `"title": ${JSON.stringify("（2026）京73民初999号 民事判决书")}`);
      expect(changed).not.toBe(text);
      return Buffer.from(changed);
    });
    const r = custos(["verify-package", tampered]);
    expect(r.status).toBe(1);
    expect(r.out).toContain("失败 FAIL  manifest.json\n");
    expect(r.out).toContain("the manifest was changed after it was signed");
    const report = await verifyAuditPackage(tampered);
    expect(report.checks.filter((c) => c.status === "fail").map((c) => c.subject)).toEqual(["manifest.json"]);
  });

  it("names the audit event that was changed", async () => {
    const tampered = join(tmp.dir, "tampered-event.zip");
    const lines = entries.get("audit-trail/events.jsonl")!.toString("utf8").trim().split("\n");
    const victim = JSON.parse(lines[1]!) as { seq: number; actorLabel: string };
    await rewriteZip(packagePath, tampered, (name) => {
      if (name !== "audit-trail/events.jsonl") return undefined;
      const changed = lines.map((l, i) => (i === 1 ? JSON.stringify({ ...JSON.parse(l), actorLabel: "someone else" }) : l));
      return Buffer.from(`${changed.join("\n")}\n`);
    });
    const r = custos(["verify-package", tampered]);
    expect(r.status).toBe(1);
    expect(r.out).toContain(`失败 FAIL  audit-trail/events.jsonl #${victim.seq}`);
    expect(r.out).toContain(`event ${victim.seq} (`);
    expect(r.out).toContain("its content does not match its hash");
    const report = await verifyAuditPackage(tampered);
    expect(report.checks.filter((c) => c.status === "fail").map((c) => c.subject).sort()).toEqual(["audit-trail/events.jsonl", `audit-trail/events.jsonl #${victim.seq}`]);
  });

  it("finds an event rewritten with a hash that fits its new content: it is not on the chain the head ends", async () => {
    const tampered = join(tmp.dir, "tampered-rehashed.zip");
    const lines = entries.get("audit-trail/events.jsonl")!.toString("utf8").trim().split("\n");
    const victim = JSON.parse(lines[0]!) as AuditEventContent & { occurredAt: string; prevHash: string; hash: string };
    const forged = { ...victim, actorLabel: "someone else" };
    forged.hash = hashEvent(forged.prevHash, { ...forged, occurredAt: new Date(forged.occurredAt) });
    await rewriteZip(packagePath, tampered, (name) => {
      if (name !== "audit-trail/events.jsonl") return undefined;
      return Buffer.from(`${[JSON.stringify(forged), ...lines.slice(1)].join("\n")}\n`);
    });
    const report = await verifyAuditPackage(tampered);
    const fails = report.checks.filter((c) => c.status === "fail");
    expect(fails.map((c) => c.subject)).toContain(`audit-trail/chain-links.csv #${victim.seq}`);
    expect(fails.find((c) => c.subject === `audit-trail/chain-links.csv #${victim.seq}`)!.en).toContain("does not match the chain's hashes");
  });

  it("names the link where the chain was cut between the excerpt and the head", async () => {
    const tampered = join(tmp.dir, "tampered-links.zip");
    const links = entries.get("audit-trail/chain-links.csv")!.toString("utf8").trim().split("\n");
    expect(links[0]).toBe("seq,prev_hash,hash");
    expect(links.length).toBeGreaterThan(3);
    const [seq, , hash] = links[2]!.split(",");
    await rewriteZip(packagePath, tampered, (name) => {
      if (name !== "audit-trail/chain-links.csv") return undefined;
      return Buffer.from(`${links.map((l, i) => (i === 2 ? `${seq},${"0".repeat(64)},${hash}` : l)).join("\n")}\n`);
    });
    const report = await verifyAuditPackage(tampered);
    const broken = report.checks.find((c) => c.status === "fail" && c.subject === `audit-trail/chain-links.csv #${seq}`);
    expect(broken!.en).toContain("the chain breaks here");
  });

  it("names a file added after export, a missing one, and a root that is not the one the auditor trusts", async () => {
    const tampered = join(tmp.dir, "tampered-extra.zip");
    await rewriteZip(packagePath, tampered, (name) => (name === "certificates/tsa.pem" ? Buffer.alloc(0) : undefined), [{ name: "evidence/extra.pdf", data: Buffer.from("%PDF-1.7 forged") }]);
    const report = await verifyAuditPackage(tampered, { expectedRootFingerprint: "00:11:22" });
    const fails = report.checks.filter((c) => c.status === "fail");
    expect(fails.map((c) => c.subject).sort()).toEqual(["certificates/root-ca.pem", "certificates/tsa.pem", "evidence/extra.pdf"]);
    expect(fails.find((c) => c.subject === "evidence/extra.pdf")!.en).toContain("not listed in the manifest");
    const missing = join(tmp.dir, "missing.zip");
    const zipped = await readZip(packagePath);
    const judgmentPath = manifest.items.find((i) => i.kind === "external-document")!.files[0]!.path;
    const { zipStream } = await import("../../../src/core/audit-package/zip/writer");
    const parts: Uint8Array[] = [];
    for await (const c of zipStream([...zipped].filter(([n]) => n !== judgmentPath).map(([name, data]) => ({ name, data })), new Date())) parts.push(c);
    await writeFile(missing, Buffer.concat(parts));
    const r2 = await verifyAuditPackage(missing);
    expect(r2.checks.filter((c) => c.status === "fail").map((c) => `${c.subject}: ${c.en}`)).toEqual([`${judgmentPath}: listed in the manifest but missing from the package`]);
  });

  it("refuses something that is not a package, with exit 1; a wrong command line with exit 2", async () => {
    const notZip = join(tmp.dir, "not.zip");
    await writeFile(notZip, "hello");
    const r = custos(["verify-package", notZip]);
    expect(r.status).toBe(1);
    expect(r.out).toContain("cannot be read as a ZIP audit package");
    expect(custos(["verify-package"]).status).toBe(2);
  });
});

describe("who may export what", () => {
  it("refuses an empty selection, and a selection that matches nothing, with VALIDATION_FAILED", async () => {
    expect(await errorCode(await f.manager.post("/api/v1/audit/packages", {}))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await f.manager.post("/api/v1/audit/packages", { clauses: [], refs: [] }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await f.manager.post("/api/v1/audit/packages", { clauses: ["9.3.1"], from: "2026-01-01", to: "2026-12-31" }))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await f.manager.post("/api/v1/audit/packages", { clauses: ["7.3.2.4"], from: "2026-12-31", to: "2026-01-01" }))).toBe("VALIDATION_FAILED");
  });

  it("refuses people who may not export at all", async () => {
    const staff = await h.signIn(await h.user({ roles: ["ip-staff"], clearance: "secret" }));
    expect(await errorCode(await staff.post("/api/v1/audit/packages", selection))).toBe("FORBIDDEN");
    expect(await errorCode(await h.anonymous().post("/api/v1/audit/packages", selection))).toBe("UNAUTHENTICATED");
    expect(await errorCode(await f.auditor.post("/api/v1/audit/packages", selection))).toBe("AUDIT_GRANT_REQUIRED");
  });

  it("shows a package only to its requester (and cleared admins); only the requester downloads it", async () => {
    const other = await h.signIn(await h.user({ roles: ["ip-manager"], clearance: "secret" }));
    expect(await errorCode(await other.get(`/api/v1/audit/packages/${requested.id}`))).toBe("NOT_FOUND");
    expect(await errorCode(await other.get(`/api/v1/audit/packages/${requested.id}/download`))).toBe("NOT_FOUND");
    const lowAdmin = await h.signIn(await h.user({ roles: ["admin"], clearance: "internal" }));
    expect(await errorCode(await lowAdmin.get(`/api/v1/audit/packages/${requested.id}`))).toBe("NOT_FOUND");
    const admin = await h.signIn(await h.user({ roles: ["admin"], clearance: "secret" }));
    expect((await admin.get(`/api/v1/audit/packages/${requested.id}`)).status).toBe(200);
    expect(await errorCode(await admin.get(`/api/v1/audit/packages/${requested.id}/download`))).toBe("NOT_FOUND");
    const mine = await expectJson<{ packages: { id: string }[] }>(await other.get("/api/v1/audit/packages"), 200);
    expect(mine.packages).toEqual([]);
  });

  it("leaves out what the requester may not see: an IP manager cleared to internal gets no secret judgment", async () => {
    const lowUser = await h.user({ roles: ["ip-manager"], clearance: "internal" });
    const low = await h.signIn(lowUser);
    const pkg = await expectJson<PackageJson>(await low.post("/api/v1/audit/packages", selection), 202);
    const done = await runExport(h, low, pkg.id);
    expect(done.progress.itemsTotal).toBe(1);
    expect(done.classification).toBe("internal");
    const path = join(tmp.dir, "low.zip");
    await downloadPackage(low, pkg.id, path);
    const zipped = await readZip(path);
    const m = JSON.parse(zipped.get("manifest.json")!.toString("utf8")) as Manifest;
    expect(m.items.map((i) => i.kind)).toEqual(["record"]);
    expect(zipped.get("audit-trail/events.jsonl")!.toString("utf8")).not.toContain(f.judgmentId);
    expect(await errorCode(await low.post("/api/v1/audit/packages", { refs: [{ kind: "external-document", id: f.judgmentId }] }))).toBe("NOT_FOUND");
  });

  it("lets an auditor export within the grant only, and download only while the grant runs", async () => {
    const grant = await grantAuditor(h, f.managerUser, f.auditorUser, { clauseIds: ["7.3.2.4"], maxClassification: "internal" });
    expect(await errorCode(await f.auditor.post("/api/v1/audit/packages", { clauses: ["4.3.2.1"] }))).toBe("OUTSIDE_GRANT");
    expect(await errorCode(await f.auditor.post("/api/v1/audit/packages", { refs: [{ kind: "external-document", id: f.judgmentId }] }))).toBe("NOT_FOUND");
    const pkg = await expectJson<PackageJson>(await f.auditor.post("/api/v1/audit/packages", { clauses: ["7.3.2.4"], from: "2026-01-01", to: "2026-12-31" }), 202);
    const done = await runExport(h, f.auditor, pkg.id);
    expect(done.status).toBe("done");
    const path = join(tmp.dir, "auditor.zip");
    await downloadPackage(f.auditor, pkg.id, path);
    const report = await verifyAuditPackage(path, { expectedRootFingerprint: independentFingerprint });
    expect(report.ok).toBe(true);
    const m = JSON.parse((await readZip(path)).get("manifest.json")!.toString("utf8")) as Manifest;
    expect(m.requestedBy).toMatchObject({ id: f.auditorUser.id, grantId: grant.id });
    expect(m.items.every((i) => i.clauses.includes("7.3.2.4"))).toBe(true);
    const [exported] = await queryEvents(h.deps.db, { objectType: "audit_package", objectId: pkg.id, action: "audit_package.exported", limit: 1 });
    expect(exported!.data).toMatchObject({ grantId: grant.id, items: 1 });

    h.clock.advance(8 * 86_400_000);
    try {
      expect(await errorCode(await f.auditor.get(`/api/v1/audit/packages/${pkg.id}/download`))).toBe("AUDIT_GRANT_REQUIRED");
      expect(await errorCode(await f.auditor.post("/api/v1/audit/packages", { clauses: ["7.3.2.4"] }))).toBe("AUDIT_GRANT_REQUIRED");
    } finally {
      h.clock.advance(-8 * 86_400_000);
    }
    await revokeAuditorGrant(await contextAs(h, f.managerUser), grant.id, "audit finished");
  });

  it("fails the job for good when the grant ended before it ran", async () => {
    await grantAuditor(h, f.managerUser, f.auditorUser, { endsAt: new Date(h.clock.now().getTime() + 3_600_000).toISOString() });
    // asked through the service, so the job waits for this test to run it (the API kicks it at once)
    const pkg = await requestAuditPackage(await contextAs(h, f.auditorUser), { clauses: ["7.3.2.4"] });
    h.clock.advance(2 * 3_600_000);
    try {
      const done = await runExport(h, f.auditor, pkg.id);
      expect(done).toMatchObject({ status: "failed", sha256: null, downloadUrl: null, error: { code: "AUDIT_GRANT_REQUIRED" } });
      const [failed] = await queryEvents(h.deps.db, { objectType: "audit_package", objectId: pkg.id, action: "audit_package.failed", limit: 1 });
      expect(failed!.data).toMatchObject({ code: "AUDIT_GRANT_REQUIRED" });
      expect(failed!.actorId).toBe(f.auditorUser.id);
    } finally {
      h.clock.advance(-2 * 3_600_000);
    }
  });
});

describe("integrity", () => {
  it("refuses to package stored bytes that no longer match their SHA-256, and records the incident", async () => {
    const judgmentSha = manifest.items.find((i) => i.kind === "external-document")!.files[0]!.sha256;
    const blobPath = join(h.dataDir, "blobs", judgmentSha.slice(0, 2), judgmentSha.slice(2, 4), judgmentSha);
    const original = readFileSync(blobPath);
    const damaged = Buffer.from(original);
    damaged[100]! ^= 0xff;
    writeFileSync(blobPath, damaged);
    try {
      const pkg = await expectJson<PackageJson>(await f.manager.post("/api/v1/audit/packages", { refs: [{ kind: "external-document", id: f.judgmentId }] }), 202);
      const done = await runExport(h, f.manager, pkg.id);
      expect(done.status).toBe("failed");
      expect(done.error?.code).toBe("INTEGRITY_FAILURE");
      expect(done.downloadUrl).toBeNull();
      expect(await errorCode(await f.manager.get(`/api/v1/audit/packages/${pkg.id}/download`))).toBe("INVALID_STATE");
      const incidents = await queryEvents(h.deps.db, { objectType: "blob", objectId: judgmentSha, limit: 5 });
      expect(incidents.length).toBeGreaterThan(0);
      // nothing half-written was left in storage's temporary area
      const tmpFiles = await readdir(join(h.dataDir, "tmp")).catch(() => []);
      expect(tmpFiles.filter((n) => n.endsWith(".part"))).toEqual([]);
    } finally {
      writeFileSync(blobPath, original);
    }
    expect((await stat(blobPath)).size).toBe(original.length);
  });
});

describe("pages", () => {
  it("lists the packages with the export form (clauses from the registry), in Chinese and English", async () => {
    const res = await f.manager.get("/audit/packages", { accept: "text/html" });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("导出新的审核包");
    expect(html).toMatch(/name="clauses" value="7\.3\.2\.4"/);
    expect(html).toContain(`/audit/packages/${requested.id}`);
    expect(html).toContain("已完成");
    const en = await (await f.manager.get("/audit/packages?lang=en", { accept: "text/html" })).text();
    expect(en).toContain("Export a new audit package");
    await f.manager.get("/audit/packages?lang=zh-CN", { accept: "text/html" });
  });

  it("takes the results chosen on the search page, exports them from the form, and shows the package with its progress bar and script", async () => {
    const form = await (await f.manager.get(`/audit/packages?ref=external-document:${f.judgmentId}&ref=bogus`, { accept: "text/html" })).text();
    expect(form).toContain(`value="external-document:${f.judgmentId}"`);
    expect(form).toContain("已选定 1 项证据");
    const posted = await f.manager.form("/audit/packages", { ref: `external-document:${f.judgmentId}`, from: "", to: "" });
    expect(posted.status).toBe(303);
    const location = posted.headers.get("location")!;
    expect(location).toMatch(/^\/audit\/packages\/apk_/);
    const id = location.split("/").pop()!;
    await runExport(h, f.manager, id);
    const page = await (await f.manager.get(location, { accept: "text/html" })).text();
    expect(page).toMatch(/<progress[^>]*max="1"[^>]*value="1"/);
    expect(page).toContain('<script src="/static/audit-package.js" defer="">');
    // no inline script: the CSP allows scripts from 'self' only
    expect(page.match(/<script(?![^>]*\ssrc=)[^>]*>/g) ?? []).toEqual([]);
    expect(page).toContain(`/api/v1/audit/packages/${id}/download`);
    const script = await f.manager.get("/static/audit-package.js");
    expect(script.headers.get("content-type")).toContain("text/javascript");
    expect(await script.text()).toContain("data-status-url");
  });

  it("shows an empty selection as an error on the form, and someone else's package as not found", async () => {
    const res = await f.manager.form("/audit/packages", { from: "", to: "" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('class="flash error"');
    expect(html).toContain("The selection is empty");
    const other = await h.signIn(await h.user({ roles: ["ip-manager"], clearance: "secret" }));
    expect((await other.get(`/audit/packages/${requested.id}`, { accept: "text/html" })).status).toBe(404);
  });
});
