import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openRuntime } from "../../src/boot";
import { loadConfig } from "../../src/config";
import { silentLogger } from "../../src/core/context";
import { countUsers } from "../../src/core/users/repo";
import { createTestDatabase } from "../support/db";

const dataDir = await mkdtemp(join(tmpdir(), "custos-server-"));
// with DATABASE_URL the server starts on a fresh database of its own; otherwise on PGlite in dataDir
const pgDatabase = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
const env = {
  ...process.env,
  PORT: "0",
  CUSTOS_DATA_DIR: dataDir,
  ...(pgDatabase ? { DATABASE_URL: pgDatabase.url!, CUSTOS_MASTER_KEY: "ef".repeat(32) } : { DATABASE_URL: "" }),
};
const running: ChildProcess[] = [];

afterAll(async () => {
  for (const p of running) p.kill("SIGKILL");
  await pgDatabase?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts `npm start`'s entry (src/server.ts) and resolves once it listens, with what it printed. */
async function start(): Promise<{ url: string; out: () => string; stop: () => Promise<number | null> }> {
  const child = spawn("node", ["--import", "tsx", "src/server.ts"], { env, cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "custos listening" within 90 s:\n${out}`)), 90_000);
    const check = () => {
      const m = /"url":"(http:\/\/localhost:\d+)"/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    };
    child.stdout!.on("data", check);
    child.on("exit", (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
  // the admin banner follows the listening line
  await new Promise((r) => setTimeout(r, 200));
  const stop = () =>
    new Promise<number | null>((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
  return { url, out: () => out, stop };
}

// these start real processes (tsx compiling, PGlite opening): generous on a loaded 2-core machine
describe("npm start on a port that is taken", { timeout: 300_000 }, () => {
  it("fails with a message naming the port, and leaves no administrator whose password nobody saw", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const port = (taken.address() as AddressInfo).port;
    const ownDir = await mkdtemp(join(tmpdir(), "custos-port-"));
    const ownDatabase = process.env.DATABASE_URL ? await createTestDatabase() : undefined;
    const ownEnv = {
      ...env,
      PORT: String(port),
      CUSTOS_DATA_DIR: ownDir,
      ...(ownDatabase ? { DATABASE_URL: ownDatabase.url! } : {}),
    };
    try {
      const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
        execFile("node", ["--import", "tsx", "src/server.ts"], { env: ownEnv, cwd: process.cwd(), timeout: 90_000 }, (err, stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, out: stdout + stderr }),
        );
      });
      expect(result.code).toBe(1);
      expect(result.out).toContain(`port ${port} is already in use`);
      expect(result.out).not.toMatch(/password\s+\S{16}/);
      const runtime = await openRuntime(loadConfig(ownEnv), { logger: silentLogger });
      try {
        expect(await countUsers(runtime.deps.db)).toBe(0);
      } finally {
        await runtime.close();
      }
    } finally {
      taken.close();
      await ownDatabase?.close();
      await rm(ownDir, { recursive: true, force: true });
    }
  });
});

describe("npm start", { timeout: 300_000 }, () => {
  it("starts on an empty database, prints the first admin's sign-in once, and serves it; a restart prints nothing", async () => {
    const first = await start();
    const username = /username\s+(\S+)/.exec(first.out())?.[1];
    const password = /password\s+(\S+)/.exec(first.out())?.[1];
    expect(first.out()).toContain(`sign in at  ${first.url}/sign-in`);
    expect(username).toBeTruthy();
    expect(password).toBeTruthy();
    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    const signIn = await fetch(`${first.url}/api/v1/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password }),
    });
    expect(signIn.status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await start();
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
    expect(second.out()).not.toContain("A first administrator was created");
    expect(second.out()).not.toContain(password!);
    expect(await second.stop()).toBe(0);
  }, 240_000);
});
