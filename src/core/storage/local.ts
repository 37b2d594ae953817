import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, lstat, mkdir, open, readdir, rm, stat, unlink, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { DomainError, notFound } from "../errors";
import { STALE_TEMP_MS, type BlobBody, type BlobStore, type FixityResult, type PutOptions, type PutResult, type TempCleanup } from "./blob-store";
import { assertSha256, checkExpectedDigest, collectVerified, hashingTap, rehash } from "./hashing";

/** A file in `root/tmp/` that no write of this process is using. */
interface Leftover {
  path: string;
  size: number;
  mtimeMs: number;
}

/**
 * Blobs on the local file system under `root/blobs/ab/cd/<sha256>`. A put streams into
 * `root/tmp/`, fsyncs, then hard-links the file into place: `link` fails rather than overwrite,
 * so an existing blob is never touched. A crash leaves at most a stray temp file, which may hold
 * a record's bytes: it is removed at the next start ({@link cleanUpTemp}), and a destruction
 * removes any that holds the destroyed bytes ({@link delete}).
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = "local" as const;
  /** Temp files this process is writing right now: never a leftover. */
  private readonly writing = new Set<string>();

  constructor(private readonly root: string) {}

  private get tmpDir(): string {
    return join(this.root, "tmp");
  }

  private pathOf(sha256: string): string {
    return join(this.root, "blobs", sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(body: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    const tmpDir = join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const tmpPath = join(tmpDir, `${randomUUID()}.part`);
    const tap = hashingTap(body, options);
    this.writing.add(tmpPath);
    let handle: FileHandle;
    try {
      handle = await open(tmpPath, "wx", 0o600);
    } catch (err) {
      this.writing.delete(tmpPath);
      throw err;
    }
    try {
      try {
        for await (const chunk of tap.chunks) {
          let offset = 0;
          while (offset < chunk.byteLength) {
            const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
            offset += bytesWritten;
          }
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const sha256 = tap.digest();
      checkExpectedDigest(sha256, options);
      const finalPath = this.pathOf(sha256);
      await mkdir(join(finalPath, ".."), { recursive: true });
      let created = true;
      try {
        await link(tmpPath, finalPath);
        await fsyncDir(join(finalPath, ".."));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        created = false;
      }
      return { sha256, size: tap.size(), created };
    } finally {
      await rm(tmpPath, { force: true });
      this.writing.delete(tmpPath);
    }
  }

  async get(sha256: string): Promise<ReadableStream<Uint8Array>> {
    assertSha256(sha256);
    const path = this.pathOf(sha256);
    if (!(await this.stat(sha256))) throw notFound("The stored file");
    return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  }

  async getBytes(sha256: string): Promise<Uint8Array> {
    return collectVerified(sha256, (await this.get(sha256)) as unknown as AsyncIterable<Uint8Array>);
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    assertSha256(sha256);
    try {
      const s = await stat(this.pathOf(sha256));
      return { size: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  }

  async verify(sha256: string): Promise<FixityResult> {
    if (!(await this.stat(sha256))) return { sha256, ok: false, missing: true };
    return rehash(sha256, createReadStream(this.pathOf(sha256)));
  }

  async delete(sha256: string): Promise<void> {
    assertSha256(sha256);
    // temp copies first, compared with the blob while it is still there: if this stops half way,
    // the retry finds the blob and does both again
    await this.removeTempCopies(sha256);
    try {
      await unlink(this.pathOf(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }

  async cleanUpTemp(options: { exclusive: boolean }): Promise<TempCleanup> {
    const result: TempCleanup = { removed: 0, bytes: 0, abortedUploads: 0 };
    for (const leftover of await this.leftovers()) {
      if (!options.exclusive && !isStale(leftover)) continue;
      await this.removeLeftover(leftover, result);
    }
    return result;
  }

  /**
   * Removes the temp leftovers that hold the bytes of `sha256` whole or as their beginning (a
   * write cut off part way), and any that is dead (stale). A leftover that another instance
   * sharing this directory may still be writing is removed only if it holds these bytes: they are
   * being destroyed.
   */
  private async removeTempCopies(sha256: string): Promise<void> {
    const blob = await this.stat(sha256);
    const result: TempCleanup = { removed: 0, bytes: 0, abortedUploads: 0 };
    for (const leftover of await this.leftovers()) {
      const holds = blob !== null && leftover.size > 0 && leftover.size <= blob.size && (await this.startsWith(sha256, leftover));
      if (holds || isStale(leftover)) await this.removeLeftover(leftover, result);
    }
  }

  /** True when the blob's first `leftover.size` bytes are the leftover's bytes. */
  private async startsWith(sha256: string, leftover: Leftover): Promise<boolean> {
    const digest = async (stream: AsyncIterable<Uint8Array>) => {
      const hash = createHash("sha256");
      for await (const chunk of stream) hash.update(chunk);
      return hash.digest("hex");
    };
    try {
      const [head, copy] = await Promise.all([
        digest(createReadStream(this.pathOf(sha256), { start: 0, end: leftover.size - 1 })),
        digest(createReadStream(leftover.path)),
      ]);
      return head === copy;
    } catch (err) {
      // removed meanwhile (its write finished, or another clean-up took it)
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw err;
    }
  }

  /** The files under `root/tmp/` that no write of this process is using. */
  private async leftovers(): Promise<Leftover[]> {
    let names: string[];
    try {
      names = await readdir(this.tmpDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    const out: Leftover[] = [];
    for (const name of names) {
      const path = join(this.tmpDir, name);
      if (this.writing.has(path)) continue;
      try {
        const s = await lstat(path);
        if (s.isFile()) out.push({ path, size: s.size, mtimeMs: s.mtimeMs });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
    return out;
  }

  private async removeLeftover(leftover: Leftover, result: TempCleanup): Promise<void> {
    try {
      await unlink(leftover.path);
      result.removed++;
      result.bytes += leftover.size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }

  async check(): Promise<void> {
    const dir = join(this.root, "tmp");
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `health-${randomUUID()}`);
    this.writing.add(probe);
    try {
      const handle = await open(probe, "wx", 0o600);
      await handle.close();
    } catch (err) {
      throw new DomainError("UNAVAILABLE", `Blob storage at ${this.root} is not writable: ${(err as Error).message}`);
    } finally {
      await rm(probe, { force: true });
      this.writing.delete(probe);
    }
  }
}

/** Nobody has written to it for {@link STALE_TEMP_MS}: whoever wrote it is gone. */
function isStale(leftover: Leftover): boolean {
  return Date.now() - leftover.mtimeMs >= STALE_TEMP_MS;
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
