import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3Config } from "../../src/config";

/** A real S3 protocol server (s3rver) on a loopback port, with one empty bucket. */
export async function startS3Server(bucket = "custos-test"): Promise<{ config: S3Config; directory: string; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "custos-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = (await server.run()) as { port: number };
  return {
    /** Where the server keeps the bucket's objects (and the parts of incomplete uploads) on disk. */
    directory: dir,
    config: {
      endpoint: `http://127.0.0.1:${address.port}`,
      region: "us-east-1",
      bucket,
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
      forcePathStyle: true,
    },
    async stop() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
