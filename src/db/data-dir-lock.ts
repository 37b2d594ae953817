import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";

/**
 * One process at a time on an embedded data directory. PGlite is PostgreSQL in the process itself,
 * with nothing shared between two processes that open the same files: both would run, and the
 * writes of one would be lost. A lock file in the data directory names the holder; a second opener
 * is refused with a message naming the directory and the holder's pid.
 *
 * The lock file is written in full under a temporary name and then hard-linked into place, which
 * fails when the file exists: taking the lock is atomic and the file is never seen half written.
 * A lock whose holder is gone (its pid no longer runs, or it ran before the machine's last boot)
 * is stale and taken over. This is the same idea as a PostgreSQL server's postmaster.pid; it holds
 * on a local file system, which is where an embedded database belongs.
 */

/** Who holds a data directory: written into the lock file. */
export interface LockHolder {
  pid: number;
  /** The server, or a command of the CLI (`custos create-user` …). */
  role: "server" | "cli";
  command: string;
  hostname: string;
  startedAt: string;
  /** Linux's boot id: a pid from before the last boot is no longer the same process. */
  bootId?: string;
}

/** What a process asks the lock for. */
export type LockRequest = Pick<LockHolder, "role" | "command">;

/** Refused: another live process holds the data directory. The message says which and what to do. */
export class DataDirLockedError extends Error {
  override name = "DataDirLockedError";
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly holder: LockHolder,
    requester: LockRequest,
  ) {
    super(lockedMessage(dataDir, lockFile, holder, requester));
  }
}

function lockedMessage(dataDir: string, lockFile: string, holder: LockHolder, requester: LockRequest): string {
  const who =
    holder.role === "server"
      ? `the Custos server (pid ${holder.pid}, started ${holder.startedAt})`
      : `the command “custos ${holder.command}” (pid ${holder.pid}, started ${holder.startedAt})`;
  const elsewhere = holder.hostname !== hostname() ? ` on host ${holder.hostname}` : "";
  const what = requester.role === "server" ? "Custos cannot start" : `“custos ${requester.command}” cannot run`;
  const advice =
    holder.role === "server"
      ? requester.role === "cli"
        ? "Stop the server first, or do this through the running server's API or pages."
        : "Stop the running server first; two processes on one embedded database would lose each other's writes."
      : "Wait for that command to finish, then try again.";
  return (
    `${what}: the data directory ${dataDir} is in use by ${who}${elsewhere}. ` +
    `The embedded database allows one process at a time. ${advice} ` +
    `If no Custos process is running, delete the lock file ${lockFile}.`
  );
}

/** A held lock; `release` is idempotent. */
export interface DataDirLock {
  path: string;
  release(): void;
}

const LOCK_NAME = "custos.lock";
/** Directories this process holds: a second open in the same process is refused too. */
const heldHere = new Set<string>();

function currentBootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The holder recorded in a lock file; null when the file is gone, "unreadable" when it holds no valid record. */
function readHolder(path: string): LockHolder | null | "unreadable" {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  try {
    const holder = JSON.parse(text) as LockHolder;
    return Number.isInteger(holder.pid) && holder.pid > 0 ? holder : "unreadable";
  } catch {
    return "unreadable";
  }
}

/** True while the process that wrote `holder` may still run. */
function holderIsAlive(holder: LockHolder, dataDir: string): boolean {
  if (holder.pid === process.pid) return heldHere.has(dataDir);
  const bootId = currentBootId();
  if (holder.bootId && bootId && holder.bootId !== bootId) return false;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, under another user
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the data directory's lock for this process, or throws {@link DataDirLockedError}. A stale
 * lock (its holder no longer runs) is taken over. The lock is released by `release()`, and on
 * process exit should that not happen.
 */
export function lockDataDir(dataDir: string, request: LockRequest): DataDirLock {
  const path = join(dataDir, LOCK_NAME);
  const mine: LockHolder = {
    pid: process.pid,
    role: request.role,
    command: request.command,
    hostname: hostname(),
    startedAt: new Date().toISOString(),
    bootId: currentBootId(),
  };
  const record = JSON.stringify(mine) + "\n";
  const temp = `${path}.${process.pid}.tmp`;
  for (let attempt = 0; attempt < 10; attempt++) {
    writeFileSync(temp, record, { mode: 0o644 });
    try {
      linkSync(temp, path);
      unlinkSync(temp);
      return held(dataDir, path, mine);
    } catch (err) {
      unlinkSync(temp);
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = readHolder(path);
    if (holder === null) continue;
    if (holder !== "unreadable" && holderIsAlive(holder, dataDir)) throw new DataDirLockedError(dataDir, path, holder, request);
    // stale: move it aside (atomic), and make sure what moved is the stale lock and not the lock
    // of a process that took it over a moment ago
    const aside = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw err;
    }
    const moved = readHolder(aside);
    if (moved !== null && moved !== "unreadable" && holderIsAlive(moved, dataDir)) {
      try {
        linkSync(aside, path);
      } catch (err) {
        // a third process holds it now: it is held either way
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      } finally {
        unlinkSync(aside);
      }
      throw new DataDirLockedError(dataDir, path, moved, request);
    }
    unlinkSync(aside);
  }
  throw new Error(`Could not take the lock ${path}: it kept changing hands.`);
}

function held(dataDir: string, path: string, mine: LockHolder): DataDirLock {
  heldHere.add(dataDir);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    heldHere.delete(dataDir);
    process.off("exit", release);
    const current = readHolder(path);
    // only our own lock: never one another process took over meanwhile
    if (current !== null && current !== "unreadable" && current.pid === mine.pid && current.startedAt === mine.startedAt) {
      try {
        unlinkSync(path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
  };
  process.on("exit", release);
  return { path, release };
}
