import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
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
