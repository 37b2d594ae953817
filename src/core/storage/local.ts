import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, mkdir, open, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { DomainError, notFound } from "../errors";
import type { BlobBody, BlobStore, FixityResult, PutOptions, PutResult } from "./blob-store";
import { assertSha256, checkExpectedDigest, collectVerified, hashingTap, rehash } from "./hashing";

/**
 * Blobs on the local file system under `root/blobs/ab/cd/<sha256>`. A put streams into
 * `root/tmp/`, fsyncs, then hard-links the file into place: `link` fails rather than overwrite,
 * so an existing blob is never touched, and a crash leaves at most a stray temp file.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = "local" as const;

  constructor(private readonly root: string) {}

  private pathOf(sha256: string): string {
    return join(this.root, "blobs", sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(body: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    const tmpDir = join(this.root, "tmp");
    await mkdir(tmpDir, { recursive: true });
    const tmpPath = join(tmpDir, `${randomUUID()}.part`);
    const tap = hashingTap(body, options);
    const handle = await open(tmpPath, "wx", 0o600);
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
    try {
      await unlink(this.pathOf(sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }

  async check(): Promise<void> {
    const dir = join(this.root, "tmp");
    await mkdir(dir, { recursive: true });
    const probe = join(dir, `health-${randomUUID()}`);
    try {
      const handle = await open(probe, "wx", 0o600);
      await handle.close();
    } catch (err) {
      throw new DomainError("UNAVAILABLE", `Blob storage at ${this.root} is not writable: ${(err as Error).message}`);
    } finally {
      await rm(probe, { force: true });
    }
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
