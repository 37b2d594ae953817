import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdir, readdir, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "../../../src/core/storage/blob-store";
import { LocalBlobStore } from "../../../src/core/storage/local";
import { S3BlobStore } from "../../../src/core/storage/s3";
import { DomainError } from "../../../src/core/errors";
import { startS3Server } from "../../support/s3";

const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) parts.push(chunk);
  return Buffer.concat(parts);
}

/** A body of `total` bytes produced chunk by chunk, never held whole. */
async function* generated(total: number, chunk = 1024 * 1024): AsyncGenerator<Uint8Array> {
  const block = Buffer.alloc(chunk, 0x5a);
  let sent = 0;
  while (sent < total) {
    const n = Math.min(chunk, total - sent);
    block[0] = sent % 251;
    yield n === chunk ? Buffer.from(block) : block.subarray(0, n);
    sent += n;
  }
}

async function expectDomainError(p: Promise<unknown>, code: string) {
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe(code);
}

interface Backend {
  store: BlobStore;
  /** Replaces the stored bytes behind the store's back (bit rot, tampering). */
  corrupt(sha256: string, bytes: Buffer): Promise<void>;
  /** Leftover temporary objects/files after operations. */
  leftovers(): Promise<number>;
  /** Leaves a temp file/object as a crash would, last written `ageMs` ago; returns its name. */
  leave(bytes: Uint8Array, ageMs?: number): Promise<string>;
  /** The names of the temp files/objects there are. */
  tempNames(): Promise<string[]>;
}

const HOURS = 3_600_000;

function suite(name: string, make: () => Promise<Backend & { close(): Promise<void> }>) {
  describe(`${name} blob store`, () => {
    let backend: Backend & { close(): Promise<void> };
    beforeAll(async () => {
      backend = await make();
    });
    afterAll(async () => backend.close());

    it("stores bytes under the SHA-256 it computes and streams them back", async () => {
      const bytes = Buffer.from("知识产权管理手册 — revision A\n".repeat(100));
      const put = await backend.store.put(bytes);
      expect(put).toEqual({ sha256: sha(bytes), size: bytes.length, created: true });
      expect(await readAll(await backend.store.get(put.sha256))).toEqual(bytes);
      expect(Buffer.from(await backend.store.getBytes(put.sha256))).toEqual(bytes);
      expect(await backend.store.stat(put.sha256)).toEqual({ size: bytes.length });
    });

    it("never overwrites: the same bytes again are recognised, not rewritten", async () => {
      const bytes = randomBytes(1000);
      const first = await backend.store.put(bytes);
      const second = await backend.store.put(bytes);
      expect(first.created).toBe(true);
      expect(second).toEqual({ ...first, created: false });
    });

    it("checks a digest the client announced and stores nothing when it does not match", async () => {
      const bytes = randomBytes(2048);
      await expectDomainError(backend.store.put(bytes, { expectedSha256: sha(Buffer.from("other")) }), "DIGEST_MISMATCH");
      expect(await backend.store.stat(sha(bytes))).toBeNull();
      const ok = await backend.store.put(bytes, { expectedSha256: sha(bytes).toUpperCase() });
      expect(ok.sha256).toBe(sha(bytes));
      expect(await backend.leftovers()).toBe(0);
    });

    it("refuses a body over the size limit and keeps nothing of it", async () => {
      await expectDomainError(backend.store.put(generated(3 * 1024 * 1024), { maxBytes: 2 * 1024 * 1024 }), "PAYLOAD_TOO_LARGE");
      expect(await backend.leftovers()).toBe(0);
    });

    it("streams a large body through hashing without holding it in memory", async () => {
      const total = 48 * 1024 * 1024;
      const hash = createHash("sha256");
      for await (const c of generated(total)) hash.update(c);
      const expected = hash.digest("hex");
      const before = process.memoryUsage().rss;
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const put = await backend.store.put(generated(total));
      clearInterval(timer);
      expect(put.sha256).toBe(expected);
      expect(put.size).toBe(total);
      // bounded: far less than the body (multipart parts are 8 MiB, two in flight)
      expect(peak - before).toBeLessThan(total);
      const stored = await backend.store.verify(put.sha256);
      expect(stored).toMatchObject({ ok: true, size: total });
    });

    it("detects bytes that no longer match their name", async () => {
      const bytes = Buffer.from("court judgment (2026) 京73民初123号");
      const put = await backend.store.put(bytes);
      await backend.corrupt(put.sha256, Buffer.from("court judgment (2026) 京73民初124号"));
      const fixity = await backend.store.verify(put.sha256);
      expect(fixity.ok).toBe(false);
      expect(fixity.missing).toBe(false);
      expect(fixity.actualSha256).not.toBe(put.sha256);
      await expectDomainError(backend.store.getBytes(put.sha256), "INTEGRITY_FAILURE");
    });

    it("reports a missing blob as NOT_FOUND, and deletes for real", async () => {
      const bytes = randomBytes(64);
      const put = await backend.store.put(bytes);
      await backend.store.delete(put.sha256);
      expect(await backend.store.stat(put.sha256)).toBeNull();
      await expectDomainError(backend.store.get(put.sha256), "NOT_FOUND");
      expect(await backend.store.verify(put.sha256)).toMatchObject({ ok: false, missing: true });
    });

    it("rejects names that are not SHA-256 digests (no path tricks)", async () => {
      await expectDomainError(backend.store.get("../../etc/passwd"), "VALIDATION_FAILED");
    });

    it("deletes with the bytes every temp leftover holding them, whole or in part, and the dead ones; a fresh unrelated one stays", async () => {
      const bytes = randomBytes(200_000);
      const put = await backend.store.put(bytes);
      const whole = await backend.leave(bytes);
      const cutOff = await backend.leave(bytes.subarray(0, 70_000));
      const dead = await backend.leave(randomBytes(100), 2 * HOURS);
      const fresh = await backend.leave(randomBytes(100));
      const sameSizeOther = await backend.leave(randomBytes(70_000));
      expect(await backend.tempNames()).toEqual(expect.arrayContaining([whole, cutOff, dead, fresh, sameSizeOther]));
      await backend.store.delete(put.sha256);
      const left = await backend.tempNames();
      expect(left).toEqual(expect.arrayContaining([fresh, sameSizeOther]));
      expect(left).not.toContain(whole);
      expect(left).not.toContain(cutOff);
      expect(left).not.toContain(dead);
      expect(await backend.store.stat(put.sha256)).toBeNull();
      await backend.store.cleanUpTemp({ exclusive: true });
    });

    it("passes its health check", async () => {
      await expect(backend.store.check()).resolves.toBeUndefined();
    });
  });
}

async function localBackend() {
  const dir = await mkdtemp(join(tmpdir(), "custos-blobs-"));
  const store = new LocalBlobStore(dir);
  return {
    dir,
    store,
    corrupt: (sha256: string, bytes: Buffer) => writeFile(join(dir, "blobs", sha256.slice(0, 2), sha256.slice(2, 4), sha256), bytes),
    leftovers: async () => (await readdir(join(dir, "tmp")).catch(() => [])).length,
    leave: async (bytes: Uint8Array, ageMs = 0) => {
      // what a put leaves when the process dies mid-way: tmp/<uuid>.part
      const name = `${randomUUID()}.part`;
      await mkdir(join(dir, "tmp"), { recursive: true });
      await writeFile(join(dir, "tmp", name), bytes);
      const at = new Date(Date.now() - ageMs);
      await utimes(join(dir, "tmp", name), at, at);
      return name;
    },
    tempNames: async () => await readdir(join(dir, "tmp")).catch(() => []),
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

suite("local", localBackend);

describe("local blob store at start-up", () => {
  it("removes every crash leftover when the data directory is its own, only the stale ones when it may be shared, never a put in progress", async () => {
    const backend = await localBackend();
    try {
      const old = await backend.leave(randomBytes(1000), 2 * HOURS);
      const recent = await backend.leave(randomBytes(1000), 60_000);
      expect(await backend.store.cleanUpTemp({ exclusive: false })).toMatchObject({ removed: 1, bytes: 1000 });
      expect(await backend.tempNames()).toEqual([recent]);
      expect(old).not.toBe(recent);

      // a put whose body is still arriving is this process's own write, not a leftover
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* slow(): AsyncGenerator<Uint8Array> {
        yield Buffer.from("first half, ");
        await gate;
        yield Buffer.from("second half");
      }
      const writing = backend.store.put(slow());
      while ((await backend.tempNames()).length < 2) await new Promise((r) => setTimeout(r, 5));
      expect(await backend.store.cleanUpTemp({ exclusive: true })).toMatchObject({ removed: 1 });
      release();
      const put = await writing;
      expect(Buffer.from(await backend.store.getBytes(put.sha256)).toString()).toBe("first half, second half");
      expect(await backend.tempNames()).toEqual([]);
    } finally {
      await backend.close();
    }
  });
});

suite("S3", async () => {
  const s3 = await startS3Server();
  return s3Backend(s3);
});

async function s3Backend(s3: Awaited<ReturnType<typeof startS3Server>>) {
  const store = new S3BlobStore(s3.config);
  const raw = new S3Client({
    region: s3.config.region,
    endpoint: s3.config.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    store,
    corrupt: async (sha256: string, bytes: Buffer) => {
      await raw.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: `blobs/${sha256}`, Body: bytes }));
    },
    leftovers: async () => {
      const out = await raw.send(new ListObjectsV2Command({ Bucket: s3.config.bucket, Prefix: "tmp/" }));
      return out.KeyCount ?? 0;
    },
    leave: async (bytes: Uint8Array, ageMs = 0) => {
      // what a put leaves when the process dies between completing the upload and removing it
      const key = `tmp/${randomUUID()}`;
      await raw.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: key, Body: bytes }));
      // the server's Last-Modified is its file's mtime: set back as time would have
      const at = new Date(Date.now() - ageMs);
      await utimes(join(s3.directory, s3.config.bucket, `${key}._S3rver_object`), at, at);
      return key;
    },
    tempNames: async () => ((await raw.send(new ListObjectsV2Command({ Bucket: s3.config.bucket, Prefix: "tmp/" }))).Contents ?? []).map((o) => o.Key!),
    close: async () => {
      store.destroy();
      raw.destroy();
      await s3.stop();
    },
  };
}

describe("S3 blob store at start-up", () => {
  it("removes the temp objects of interrupted uploads once stale (the bucket may be shared by instances), and says when it cannot list incomplete multipart uploads", async () => {
    const backend = await s3Backend(await startS3Server());
    try {
      await backend.leave(randomBytes(1000), 2 * HOURS);
      const recent = await backend.leave(randomBytes(1000), 60_000);
      const result = await backend.store.cleanUpTemp({ exclusive: true });
      expect(result).toMatchObject({ removed: 1, bytes: 1000, abortedUploads: 0 });
      expect(await backend.tempNames()).toEqual([recent]);
      // s3rver implements no ListMultipartUploads: the start-up log says what to configure instead
      expect(result.notes).toEqual([expect.stringContaining("AbortIncompleteMultipartUpload")]);
    } finally {
      await backend.close();
    }
  });
});
