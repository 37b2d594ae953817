import { execFile } from "node:child_process";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { openRuntime } from "../../src/boot";
import { loadConfig } from "../../src/config";
import { createApiToken, signIn, validateApiToken, validateSessionToken } from "../../src/core/auth/service";
import { silentLogger, systemContext } from "../../src/core/context";
import type { DomainError } from "../../src/core/errors";
import { listUsers, updateUser } from "../../src/core/users/repo";
import { auditEvents } from "../../src/db/schema/audit";
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

  it("reset-admin gives an administrator a new password once, ends their sessions and tokens, reactivates, or recreates the account; audited", async () => {
    const made = await custos("create-user", "--username", "boss", "--name", "Boss", "--roles", "admin", "--password", "correct horse battery");
    expect(made.code).toBe(0);
    // the boss signs in and makes a token, then forgets the password
    let rt = await openRuntime(loadConfig(env), { logger: silentLogger });
    const boss = (await listUsers(rt.deps.db)).find((u) => u.username === "boss")!;
    const signedIn = await signIn(systemContext(rt.deps), { username: "boss", password: "correct horse battery" });
    const token = await createApiToken({ ...systemContext(rt.deps), actor: { userId: boss.id, label: "boss" } }, { name: "nightly" });
    await updateUser(rt.deps.db, boss.id, { active: false });
    await rt.close();

    const reset = await custos("reset-admin", "--username", "boss");
    expect(reset.stderr).toBe("");
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain("the account was deactivated and is active again");
    const password = /Password \(shown once\): (\S{16})/.exec(reset.stdout)?.[1];
    expect(password).toBeTruthy();

    rt = await openRuntime(loadConfig(env), { logger: silentLogger });
    try {
      const ctx = systemContext(rt.deps);
      expect(await signIn(ctx, { username: "boss", password: "correct horse battery" }).catch((e: DomainError) => e.code)).toBe("INVALID_CREDENTIALS");
      const fresh = await signIn(ctx, { username: "boss", password: password! });
      expect(fresh.principal.mustChangePassword).toBe(true);
      expect(await validateSessionToken(rt.deps, signedIn.sessionToken)).toBeNull();
      expect(await validateApiToken(rt.deps, token.token)).toBeNull();
      const events = await rt.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, boss.id));
      const resetEvent = events.find((e) => e.action === "user.password_reset")!;
      expect(resetEvent.actorLabel).toBe("custos reset-admin");
      expect(resetEvent.data).toEqual({ via: "custos reset-admin", sessionsEnded: 1, tokensRevoked: [token.id] });
      expect(events.find((e) => e.action === "user.updated" && e.actorLabel === "custos reset-admin")!.data).toEqual({
        before: { active: false },
        after: { active: true },
      });
    } finally {
      await rt.close();
    }

    // someone who is not an administrator is refused; a missing name is created as an administrator
    const notAdmin = await custos("reset-admin", "--username", "li.lei");
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.stderr).toContain("li.lei is not an administrator");
    const recreated = await custos("reset-admin", "--username", "rescue");
    expect(recreated.code).toBe(0);
    expect(recreated.stdout).toMatch(/Created the administrator rescue \(usr_/);
    const rescuePassword = /Password \(shown once\): (\S{16})/.exec(recreated.stdout)![1]!;
    rt = await openRuntime(loadConfig(env), { logger: silentLogger });
    try {
      const rescue = await signIn(systemContext(rt.deps), { username: "rescue", password: rescuePassword });
      expect(rescue.principal).toMatchObject({ roles: ["admin"], clearance: "top-secret", mustChangePassword: true });
    } finally {
      await rt.close();
    }
  });

  it("refuses to start with a wrong setting and names it", async () => {
    const res = await run("node", ["--import", "tsx", "src/cli.ts", "migrate"], { env: { ...env, PORT: "not-a-port" } }).catch((e) => e);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("PORT");
  });
});
