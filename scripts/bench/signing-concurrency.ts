/**
 * Signing beside other work: N people sign at the same moment while unrelated writes (departments
 * added, each a transaction with its audit event) go on. Measures how long each signing holds the
 * audit chain's lock (taken at commit, where the events are appended) and the latency of the
 * unrelated writes during the signings against the same writes with nothing else going on.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../src/config";
import { silentLogger, systemClock, type AppDeps, type ServiceContext } from "../../src/core/context";
import { loadActivePrincipal } from "../../src/core/audit-package/repo";
import { createRegistry } from "../../src/core/extensions";
import { uploadFile } from "../../src/core/files/service";
import { assembleDeps } from "../../src/core/jobs/runner";
import { createDepartment } from "../../src/core/organisation/service";
import { ensurePki } from "../../src/core/signatures/authority";
import { createSignatureRequest, signablePageCount } from "../../src/core/signatures/requests/create";
import { recordDocumentRead } from "../../src/core/signatures/requests/read";
import { openDocumentForSigning, signAsSigner } from "../../src/core/signatures/requests/sign";
import { LocalBlobStore } from "../../src/core/storage/local";
import { createUserAsSystem } from "../../src/core/users/service";
import { setSigningPin } from "../../src/core/signatures/signer-keys";
import { openBenchDatabase } from "./database";
import { summarise, type Timing } from "./measure";
import { buildSamplePdf } from "./sample-pdf";
import { intOption, ratio, type SuiteContext, type SuiteResult } from "./suites";

const PASSWORD = "bench password 2026";
const PIN = "bench signing pin";

async function asUser(deps: AppDeps, userId: string): Promise<ServiceContext> {
  const principal = (await loadActivePrincipal(deps.db, userId))!;
  return { ...deps, principal, actor: { userId, label: principal.username }, request: { ip: null, userAgent: null, requestId: null } };
}

export async function runSigningConcurrencyBench(ctx: SuiteContext): Promise<SuiteResult> {
  const signers = intOption(ctx, "signers", 20);
  const writesBaseline = intOption(ctx, "writes", 60);
  const dataDir = await mkdtemp(join(tmpdir(), "custos-bench-signing-"));
  const bench = await openBenchDatabase();
  const lockHeld: { ms: number; actions: string[] }[] = [];
  const deps = assembleDeps({
    registry: createRegistry(),
    db: bench.database.db,
    storage: new LocalBlobStore(dataDir),
    clock: systemClock,
    logger: silentLogger,
    config: loadConfig({ CUSTOS_DATA_DIR: dataDir }),
    masterKey: randomBytes(32),
    metrics: { chainLockHeld: (ms, actions) => lockHeld.push({ ms, actions }) },
  });
  try {
    await ensurePki(deps);
    const admin = await createUserAsSystem(deps, { username: "bench-admin", displayName: "管理员", password: PASSWORD, roles: ["admin", "ip-manager"], clearance: "secret", locale: "zh-CN" }, { mustChangePassword: false });
    const adminCtx = await asUser(deps, admin.user.id);
    ctx.log(`preparing ${signers} signature requests …`);
    const pdf = await buildSamplePdf();
    const file = await uploadFile(adminCtx, { body: pdf, filename: "bench.pdf", mediaType: "application/pdf", classification: "internal" });
    const people: ServiceContext[] = [];
    const requests: string[] = [];
    for (let i = 0; i < signers; i++) {
      const u = await createUserAsSystem(deps, { username: `bench-signer-${i}`, displayName: `签署人${i}`, password: PASSWORD, roles: ["employee"], clearance: "internal", locale: "zh-CN" }, { mustChangePassword: false });
      const person = await asUser(deps, u.user.id);
      await setSigningPin(person, { currentPassword: PASSWORD, pin: PIN });
      const request = await createSignatureRequest(adminCtx, {
        title: `基准签署 ${i}`,
        classification: "internal",
        source: { kind: "file", fileId: file.id },
        signers: [{ userId: u.user.id, meaning: "signed", visibleStamp: true }],
      });
      // the signer's reader shows every page of the version waiting, and reports it read
      const shown = await openDocumentForSigning(person, request.id);
      shown.stream.cancel?.();
      await recordDocumentRead(person, request.id, { sha256: shown.sha256, pages: signablePageCount(pdf) });
      people.push(person);
      requests.push(request.id);
    }
    let department = 0;
    const unrelatedWrite = async () => {
      const started = performance.now();
      department++;
      await createDepartment(adminCtx, { code: `B${department}`, name: `基准部门 ${department}` });
      return performance.now() - started;
    };
    ctx.log("unrelated writes alone …");
    const alone: number[] = [];
    for (let i = 0; i < writesBaseline; i++) alone.push(await unrelatedWrite());

    ctx.log(`${signers} signings at once, with unrelated writes beside them …`);
    lockHeld.length = 0;
    const during: number[] = [];
    let signing = true;
    const writer = (async () => {
      while (signing) {
        during.push(await unrelatedWrite());
        // as requests do, each write arrives from the event loop (PGlite settles a whole
        // transaction in microtasks: a tight loop of them would starve every timer and I/O)
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const started = performance.now();
    const outcomes = await Promise.all(requests.map((id, i) => signAsSigner(people[i]!, id, { pin: PIN, consent: true })));
    const signingMs = performance.now() - started;
    signing = false;
    await writer;
    if (outcomes.some((o) => !o.completed)) throw new Error("a signing did not complete");
    const signingLocks = lockHeld.filter((l) => l.actions.includes("signature.signed")).map((l) => l.ms);
    if (signingLocks.length !== signers) throw new Error(`expected ${signers} signing commits, measured ${signingLocks.length}`);
    const lockTiming: Timing = summarise(signingLocks);
    const aloneTiming = summarise(alone);
    const duringTiming = summarise(during);
    return {
      name: "signing-concurrency",
      description: `${signers} people sign a 1 MB PDF at once (visible stamp, time stamp, completion page) while unrelated writes go on`,
      parameters: { signers, database: bench.description, "unrelated writes alone": alone.length, "unrelated writes during": during.length },
      rows: [
        { key: "chain-lock-per-signing", label: "audit chain lock held per signing (lock → commit)", timing: lockTiming },
        { key: "writes-alone", label: "unrelated write, nothing else running", timing: aloneTiming },
        { key: "writes-during", label: `unrelated write, while ${signers} signings run`, timing: duringTiming },
      ],
      ratios: [ratio("lock-held-p95", "chain lock held per signing, p95", "p95(chain-lock-per-signing)", lockTiming.p95Ms, "<=", 50, "ms")],
      notes: [
        `all ${signers} signings took ${Math.round(signingMs)} ms together; p95 of unrelated writes ${duringTiming.p95Ms.toFixed(1)} ms during them against ${aloneTiming.p95Ms.toFixed(1)} ms alone (${(duringTiming.p95Ms / aloneTiming.p95Ms).toFixed(1)}×)`,
        "rendering, signing, time-stamping and storing happen before the signing's transaction; the chain's lock is taken only to append the events, just before commit",
      ],
    };
  } finally {
    await deps.jobs.stop();
    await bench.dispose();
    await rm(dataDir, { recursive: true, force: true });
  }
}
