import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { S3Config } from "../../config";
import { DomainError, notFound } from "../errors";
import { STALE_TEMP_MS, type BlobBody, type BlobStore, type FixityResult, type PutOptions, type PutResult, type TempCleanup } from "./blob-store";
import { assertSha256, checkExpectedDigest, collectVerified, hashingTap, rehash } from "./hashing";

/** S3 refuses a single CopyObject above 5 GiB; uploads are capped well below it by CUSTOS_MAX_UPLOAD_MB. */
const MAX_SINGLE_COPY = 5 * 1024 ** 3;

/**
 * Blobs in an S3-compatible bucket under `blobs/<sha256>`. The body streams (multipart, 8 MiB
 * parts, two in flight) to a temporary key while it is hashed; once the digest is known the object
 * is copied server-side to its content address, unless that address already exists, and the
 * temporary object is removed. Memory stays bounded whatever the size. A crash leaves the
 * temporary object, or an incomplete multipart upload whose parts hold the bytes: both are removed
 * once stale ({@link cleanUpTemp} at start-up; the bucket may be shared by several instances, so
 * by age), and a destruction removes any that holds the destroyed bytes ({@link delete}).
 */
export class S3BlobStore implements BlobStore {
  readonly kind = "s3" as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  /** Temp keys this process is writing right now: never a leftover. */
  private readonly writing = new Set<string>();

  constructor(config: S3Config) {
    const clientConfig: S3ClientConfig = {
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
    };
    if (config.accessKeyId && config.secretAccessKey) {
      clientConfig.credentials = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey };
    }
    this.client = new S3Client(clientConfig);
    this.bucket = config.bucket;
  }

  private keyOf(sha256: string): string {
    return `blobs/${sha256}`;
  }

  async put(body: BlobBody, options: PutOptions = {}): Promise<PutResult> {
    const tap = hashingTap(body, options);
    const tmpKey = `${TMP_PREFIX}${randomUUID()}`;
    this.writing.add(tmpKey);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: tmpKey, Body: Readable.from(tap.chunks) },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
      const sha256 = tap.digest();
      checkExpectedDigest(sha256, options);
      const size = tap.size();
      if (size > MAX_SINGLE_COPY) {
        throw new DomainError("PAYLOAD_TOO_LARGE", "Blobs above 5 GiB are not supported on S3 storage.");
      }
      let created = false;
      if (!(await this.stat(sha256))) {
        await this.client.send(
          new CopyObjectCommand({
            Bucket: this.bucket,
            Key: this.keyOf(sha256),
            CopySource: `${this.bucket}/${tmpKey}`,
          }),
        );
        created = true;
      }
      return { sha256, size, created };
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: tmpKey })).catch(() => undefined);
      this.writing.delete(tmpKey);
    }
  }

  async get(sha256: string): Promise<ReadableStream<Uint8Array>> {
    assertSha256(sha256);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
      if (!out.Body) throw notFound("The stored file");
      return out.Body.transformToWebStream() as ReadableStream<Uint8Array>;
    } catch (err) {
      if (isMissing(err)) throw notFound("The stored file");
      throw err;
    }
  }

  async getBytes(sha256: string): Promise<Uint8Array> {
    return collectVerified(sha256, (await this.get(sha256)) as unknown as AsyncIterable<Uint8Array>);
  }

  async stat(sha256: string): Promise<{ size: number } | null> {
    assertSha256(sha256);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
      return { size: head.ContentLength ?? 0 };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async verify(sha256: string): Promise<FixityResult> {
    if (!(await this.stat(sha256))) return { sha256, ok: false, missing: true };
    return rehash(sha256, (await this.get(sha256)) as unknown as AsyncIterable<Uint8Array>);
  }

  async delete(sha256: string): Promise<void> {
    assertSha256(sha256);
    // temp copies first, compared with the blob while it is still there (a retry does both again)
    const blob = await this.stat(sha256);
    const result = emptyCleanup();
    for (const object of await this.tempObjects()) {
      const holds = blob !== null && object.size > 0 && object.size <= blob.size && (await this.sameBytes(sha256, object));
      if (holds || isStale(object.lastModified)) await this.removeTempObject(object.key, result);
    }
    await this.eachIncompleteUpload(result, async (upload) => {
      if (await upload.stale()) return true;
      // a multipart upload's first part is at least 5 MiB: it holds these bytes if it starts with them
      const first = await upload.firstPart();
      return blob !== null && first !== null && first.size <= blob.size && (await this.rangeMd5(sha256, first.size)) === first.etag;
    });
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
  }

  async cleanUpTemp(_options: { exclusive: boolean }): Promise<TempCleanup> {
    const result = emptyCleanup();
    for (const object of await this.tempObjects()) {
      if (isStale(object.lastModified)) await this.removeTempObject(object.key, result);
    }
    await this.eachIncompleteUpload(result, (upload) => upload.stale());
    return result;
  }

  /** The objects under `tmp/` that no write of this process is using. */
  private async tempObjects(): Promise<{ key: string; size: number; lastModified: Date }[]> {
    const out: { key: string; size: number; lastModified: Date }[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: TMP_PREFIX, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (o.Key && !this.writing.has(o.Key)) out.push({ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified ?? new Date(0) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  private async removeTempObject(key: string, result: TempCleanup): Promise<void> {
    const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })).catch((err: unknown) => {
      if (isMissing(err)) return null;
      throw err;
    });
    if (!head) return;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    result.removed++;
    result.bytes += head.ContentLength ?? 0;
  }

  /** True when the temp object's bytes are the blob's first `object.size` bytes. */
  private async sameBytes(sha256: string, object: { key: string; size: number }): Promise<boolean> {
    const digest = async (key: string, range?: string) => {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }));
      const hash = createHash("sha256");
      for await (const chunk of out.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
      return hash.digest("hex");
    };
    try {
      const [copy, head] = await Promise.all([digest(object.key), digest(this.keyOf(sha256), `bytes=0-${object.size - 1}`)]);
      return copy === head;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  /** The MD5 (hex, as S3 gives a part's ETag) of the blob's first `size` bytes. */
  private async rangeMd5(sha256: string, size: number): Promise<string> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256), Range: `bytes=0-${size - 1}` }));
    const hash = createHash("md5");
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) hash.update(chunk);
    return hash.digest("hex");
  }

  /**
   * Aborts the incomplete multipart uploads under `tmp/` (not this process's own) for which
   * `shouldAbort` says so. A store that cannot list them (some S3-compatible servers) is noted in
   * the result: a bucket lifecycle rule (AbortIncompleteMultipartUpload) then does the work.
   */
  private async eachIncompleteUpload(result: TempCleanup, shouldAbort: (upload: IncompleteUpload) => Promise<boolean>): Promise<void> {
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    do {
      let page;
      try {
        page = await this.client.send(
          new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: TMP_PREFIX, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
        );
      } catch (err) {
        if (!isNotImplemented(err)) throw err;
        result.notes = [...(result.notes ?? []), `The S3 store of bucket ${this.bucket} cannot list incomplete multipart uploads; add a lifecycle rule that aborts them (AbortIncompleteMultipartUpload).`];
        return;
      }
      for (const u of page.Uploads ?? []) {
        if (!u.Key || !u.UploadId || this.writing.has(u.Key)) continue;
        const { Key: key, UploadId: uploadId } = u;
        const initiated = u.Initiated ?? new Date(0);
        let parts: { PartNumber?: number; Size?: number; ETag?: string; LastModified?: Date }[] | null = null;
        const listParts = async () => (parts ??= (await this.client.send(new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))).Parts ?? []);
        const upload: IncompleteUpload = {
          // dead when it started long ago and no part has come for as long
          stale: async () => isStale(initiated) && (await listParts()).every((p) => isStale(p.LastModified ?? new Date(0))),
          firstPart: async () => {
            const first = (await listParts()).find((p) => p.PartNumber === 1);
            return first?.Size && first.ETag ? { size: first.Size, etag: first.ETag.replace(/"/g, "") } : null;
          },
        };
        if (await shouldAbort(upload)) {
          await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
          result.abortedUploads++;
        }
      }
      keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
      uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
    } while (keyMarker);
  }

  async check(): Promise<void> {
    const key = `${TMP_PREFIX}health-${randomUUID()}`;
    this.writing.add(key);
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: "ok" }));
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      throw new DomainError("UNAVAILABLE", `S3 bucket ${this.bucket} is not reachable: ${(err as Error).message}`);
    } finally {
      this.writing.delete(key);
    }
  }

  /** Stops the client's sockets (tests and shutdown). */
  destroy(): void {
    this.client.destroy();
  }
}

/** Where puts stream to before their digest is known. */
const TMP_PREFIX = "tmp/";

/** An incomplete multipart upload under `tmp/`, as {@link S3BlobStore} judges it. */
interface IncompleteUpload {
  stale(): Promise<boolean>;
  firstPart(): Promise<{ size: number; etag: string } | null>;
}

function emptyCleanup(): TempCleanup {
  return { removed: 0, bytes: 0, abortedUploads: 0 };
}

function isStale(lastTouched: Date): boolean {
  return Date.now() - lastTouched.getTime() >= STALE_TEMP_MS;
}

function isNotImplemented(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NotImplemented" || e.Code === "NotImplemented" || e.$metadata?.httpStatusCode === 501;
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
}
