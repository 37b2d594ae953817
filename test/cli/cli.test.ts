import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openRuntime } from "../../src/boot";
import { loadConfig } from "../../src/config";
import { silentLogger } from "../../src/core/context";
import { listUsers } from "../../src/core/users/repo";
import { createTestDatabase } from "../support/db";

const run = promisify(execFile);
const dataDir = await mkdtemp(join(tmpdir(), "custos-cli-"));
const masterKey = "cd".repeat(32);
// with DATABASE_URL the CLI works on a fresh database of its own; otherwise on PGlite in dataDir
const pgDatabase = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
const env = {
  ...process.env,
  CUSTOS_DATA_DIR: dataDir,
  ...(pgDatabase ? { DATABASE_URL: pgDatabase.url!, CUSTOS_MASTER_KEY: masterKey } : { DATABASE_URL: "" }),
};

afterAll(async () => {
  await pgDatabase?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function custos(...args: string[]) {
  return run("node", ["--import", "tsx", "src/cli.ts", ...args], { env, cwd: process.cwd() }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

// these start real processes (tsx compiling, PGlite opening): generous on a loaded 2-core machine
describe("custos CLI and restarts", { timeout: 300_000 }, () => {
  it("creates users from scripts, keeps them across restarts, and verifies the audit chain", async () => {
    const created = await custos("create-user", "--username", "li.lei", "--name", "李雷", "--roles", "ip-manager,employee", "--clearance", "secret");
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/Created li\.lei \(usr_/);
    expect(created.stdout).toMatch(/Password \(shown once\): \S{16}/);

    const invalid = await custos("create-user", "--username", "x", "--name", "X", "--roles", "wizard");
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/--roles/);

    if (!pgDatabase) {
      const key = await stat(join(dataDir, "keys", "master.key"));
      expect(key.mode & 0o777).toBe(0o600);
    }

    // a restart (a new runtime on the same data) finds the user again
    const runtime = await openRuntime(loadConfig(env), { logger: silentLogger });
    expect((await listUsers(runtime.deps.db)).map((u) => u.displayName)).toEqual(["李雷"]);
    await runtime.close();

    const ok = await custos("verify-audit");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Audit chain intact: 1 events verified/);

    const again = await openRuntime(loadConfig(env), { logger: silentLogger });
    await again.deps.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
      await tx.execute(sql`update audit_events set actor_label = 'someone else' where seq = 1`);
      await tx.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
    });
    await again.close();
    const broken = await custos("verify-audit");
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/BROKEN at event 1 \(hash-mismatch\)/);
  });

  it("refuses to start with a wrong setting and names it", async () => {
    const res = await run("node", ["--import", "tsx", "src/cli.ts", "migrate"], { env: { ...env, PORT: "not-a-port" } }).catch((e) => e);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("PORT");
  });
});
