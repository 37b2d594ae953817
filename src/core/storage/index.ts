import { join } from "node:path";
import type { Config } from "../../config";
import type { BlobStore } from "./blob-store";
import { LocalBlobStore } from "./local";
import { S3BlobStore } from "./s3";

export type { BlobBody, BlobStore, FixityResult, PutOptions, PutResult } from "./blob-store";
export { LocalBlobStore } from "./local";
export { S3BlobStore } from "./s3";

/** S3 when S3_BUCKET is configured, otherwise blobs under CUSTOS_DATA_DIR/blobs. */
export function createBlobStore(config: Config): BlobStore {
  return config.s3 ? new S3BlobStore(config.s3) : new LocalBlobStore(join(config.dataDir));
}
