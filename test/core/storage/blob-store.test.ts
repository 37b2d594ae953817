import { createHash, randomBytes } from "node:crypto";
import { readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
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
}

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

    it("passes its health check", async () => {
      await expect(backend.store.check()).resolves.toBeUndefined();
    });
  });
}

suite("local", async () => {
  const dir = await mkdtemp(join(tmpdir(), "custos-blobs-"));
  const store = new LocalBlobStore(dir);
  return {
    store,
    corrupt: (sha256, bytes) => writeFile(join(dir, "blobs", sha256.slice(0, 2), sha256.slice(2, 4), sha256), bytes),
    leftovers: async () => (await readdir(join(dir, "tmp")).catch(() => [])).length,
    close: () => rm(dir, { recursive: true, force: true }),
  };
});

suite("S3", async () => {
  const s3 = await startS3Server();
  const store = new S3BlobStore(s3.config);
  const raw = new S3Client({
    region: s3.config.region,
    endpoint: s3.config.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  return {
    store,
    corrupt: async (sha256, bytes) => {
      await raw.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: `blobs/${sha256}`, Body: bytes }));
    },
    leftovers: async () => {
      const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
      const out = await raw.send(new ListObjectsV2Command({ Bucket: s3.config.bucket, Prefix: "tmp/" }));
      return out.KeyCount ?? 0;
    },
    close: async () => {
      store.destroy();
      raw.destroy();
      await s3.stop();
    },
  };
});
