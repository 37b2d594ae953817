import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { openRuntime } from "../../../src/boot";
import { loadConfig } from "../../../src/config";
import type { Logger } from "../../../src/core/context";
import { startS3Server } from "../../support/s3";

/** A logger that keeps what it is told. */
function recordingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Logger = {
    info: (message, fields) => lines.push({ level: "info", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
  return { logger, lines };
}

const dataDir = await mkdtemp(join(tmpdir(), "custos-start-"));
const s3 = await startS3Server();
afterAll(async () => {
  await s3.stop();
  await rm(dataDir, { recursive: true, force: true });
});

// opening the embedded database runs the migrations: generous on a loaded 2-core machine
describe("start-up", { timeout: 180_000 }, () => {
  it("removes what a crash left in the embedded data directory: the lock makes every leftover dead, however recent", async () => {
    // a put cut off by a crash (tmp/<uuid>.part, half a record's bytes) and one finished but never linked
    await mkdir(join(dataDir, "tmp"), { recursive: true });
    await writeFile(join(dataDir, "tmp", `${randomUUID()}.part`), randomBytes(4096));
    await writeFile(join(dataDir, "tmp", `${randomUUID()}.part`), randomBytes(1000));
    const { logger, lines } = recordingLogger();
    const runtime = await openRuntime(loadConfig({ CUSTOS_DATA_DIR: dataDir }), { logger });
    try {
      expect(runtime.deps.storage.kind).toBe("local");
      expect(await readdir(join(dataDir, "tmp"))).toEqual([]);
      expect(lines).toContainEqual({
        level: "info",
        message: "removed what interrupted uploads left in blob storage",
        fields: { storage: "local", removed: 2, bytes: 5096, abortedUploads: 0 },
      });
    } finally {
      await runtime.close();
    }
  });

  it("removes the stale temp objects of interrupted uploads from an S3 bucket, and leaves recent ones another instance may be writing", async () => {
    const raw = new S3Client({ region: "us-east-1", endpoint: s3.config.endpoint, forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
    const leave = async (ageMs: number) => {
      const key = `tmp/${randomUUID()}`;
      await raw.send(new PutObjectCommand({ Bucket: s3.config.bucket, Key: key, Body: randomBytes(2048) }));
      const at = new Date(Date.now() - ageMs);
      await utimes(join(s3.directory, s3.config.bucket, `${key}._S3rver_object`), at, at);
      return key;
    };
    await leave(3 * 3_600_000);
    const recent = await leave(5 * 60_000);
    const { logger, lines } = recordingLogger();
    const runtime = await openRuntime(
      loadConfig({
        CUSTOS_DATA_DIR: dataDir,
        S3_BUCKET: s3.config.bucket,
        S3_ENDPOINT: s3.config.endpoint,
        S3_FORCE_PATH_STYLE: "true",
        S3_ACCESS_KEY_ID: "S3RVER",
        S3_SECRET_ACCESS_KEY: "S3RVER",
      }),
      { logger },
    );
    try {
      expect(runtime.deps.storage.kind).toBe("s3");
      const left = (await raw.send(new ListObjectsV2Command({ Bucket: s3.config.bucket, Prefix: "tmp/" }))).Contents ?? [];
      expect(left.map((o) => o.Key)).toEqual([recent]);
      expect(lines).toContainEqual(expect.objectContaining({ level: "info", fields: { storage: "s3", removed: 1, bytes: 2048, abortedUploads: 0 } }));
      expect(lines).toContainEqual(expect.objectContaining({ level: "warn", message: expect.stringContaining("AbortIncompleteMultipartUpload") }));
    } finally {
      await runtime.close();
      raw.destroy();
    }
  });
});
