import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// the lock guards the embedded database, so these processes run on PGlite whatever the suite runs on
const dataDir = await mkdtemp(join(tmpdir(), "custos-lock-"));
const lockFile = join(dataDir, "custos.lock");
const env = { ...process.env, PORT: "0", CUSTOS_DATA_DIR: dataDir, DATABASE_URL: "", CUSTOS_MASTER_KEY: "" };
const running: ChildProcess[] = [];

afterAll(async () => {
  for (const p of running) p.kill("SIGKILL");
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs a process to its end (killed after 60 s: a second server that starts would never end): its exit code and output. */
function runToEnd(args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    execFile("node", ["--import", "tsx", ...args], { env, cwd: process.cwd(), timeout: 60_000 }, (err, stdout, stderr) => {
      const failed = err as { code?: number | string; signal?: string } | null;
      const code = !failed ? 0 : failed.signal ? null : typeof failed.code === "number" ? failed.code : 1;
      resolve({ code, out: stdout + stderr });
    });
  });
}

/** Starts the server and resolves once it listens. */
async function startServer(): Promise<{ child: ChildProcess; stop: () => Promise<number | null> }> {
  const child = spawn("node", ["--import", "tsx", "src/server.ts"], { env, cwd: process.cwd(), stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  let out = "";
  child.stderr!.on("data", (d: Buffer) => (out += d.toString("utf8")));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "custos listening" within 90 s:\n${out}`)), 90_000);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString("utf8");
      if (out.includes('"message":"custos listening"')) (clearTimeout(timer), resolve());
    });
    child.on("exit", (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
  const stop = () =>
    new Promise<number | null>((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
  return { child, stop };
}

/** The pid of a process that has already ended. */
async function deadPid(): Promise<number> {
  const child = spawn("node", ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid!;
}

describe("one process per embedded data directory", () => {
  it("refuses a second server and any CLI command while a server runs, naming the directory and the pid; releases on stop", async () => {
    const server = await startServer();
    const pid = server.child.pid!;
    const recorded = JSON.parse(await readFile(lockFile, "utf8")) as { pid: number; role: string };
    expect(recorded).toMatchObject({ pid, role: "server" });

    const second = await runToEnd(["src/server.ts"]);
    expect(second.code).toBe(1);
    expect(second.out).toContain(`the data directory ${dataDir} is in use by the Custos server (pid ${pid}`);
    expect(second.out).toContain("Custos cannot start");
    expect(second.out).not.toContain("custos listening");

    const cli = await runToEnd(["src/cli.ts", "create-user", "--username", "while.running", "--name", "X"]);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`“custos create-user” cannot run: the data directory ${dataDir} is in use by the Custos server (pid ${pid}`);
    expect(cli.out).toContain("Stop the server first, or do this through the running server's API or pages.");

    // the first server was not disturbed
    expect(server.child.exitCode).toBeNull();
    expect(await server.stop()).toBe(0);
    expect(existsSync(lockFile)).toBe(false);
  }, 180_000);

  it("takes over a stale lock whose process is gone, and refuses while the holder still runs", async () => {
    const stale = { pid: await deadPid(), role: "server", command: "start", hostname: hostname(), startedAt: "2026-01-01T00:00:00.000Z" };
    await writeFile(lockFile, JSON.stringify(stale));
    const created = await runToEnd(["src/cli.ts", "create-user", "--username", "after.crash", "--name", "After a crash"]);
    expect(created.out).toMatch(/Created after\.crash/);
    expect(created.code).toBe(0);
    expect(existsSync(lockFile)).toBe(false);

    // a holder that is alive (this test process stands in for a running command)
    await writeFile(lockFile, JSON.stringify({ ...stale, pid: process.pid, role: "cli", command: "migrate" }));
    const refused = await runToEnd(["src/cli.ts", "verify-audit"]);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(`is in use by the command “custos migrate” (pid ${process.pid}`);
    expect(refused.out).toContain(`delete the lock file ${lockFile}`);
    expect(JSON.parse(await readFile(lockFile, "utf8"))).toMatchObject({ pid: process.pid });
    await rm(lockFile);
  }, 120_000);
});
