import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { S3Config } from "../../config";
import { DomainError, notFound } from "../errors";
import type { BlobBody, BlobStore, FixityResult, PutOptions, PutResult } from "./blob-store";
import { assertSha256, checkExpectedDigest, collectVerified, hashingTap, rehash } from "./hashing";

/** S3 refuses a single CopyObject above 5 GiB; uploads are capped well below it by CUSTOS_MAX_UPLOAD_MB. */
const MAX_SINGLE_COPY = 5 * 1024 ** 3;

/**
 * Blobs in an S3-compatible bucket under `blobs/<sha256>`. The body streams (multipart, 8 MiB
 * parts, two in flight) to a temporary key while it is hashed; once the digest is known the object
 * is copied server-side to its content address, unless that address already exists, and the
 * temporary object is removed. Memory stays bounded whatever the size.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = "s3" as const;
  private readonly client: S3Client;
  private readonly bucket: string;

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
    const tmpKey = `tmp/${randomUUID()}`;
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
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }));
  }

  async check(): Promise<void> {
    const key = `tmp/health-${randomUUID()}`;
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: "ok" }));
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      throw new DomainError("UNAVAILABLE", `S3 bucket ${this.bucket} is not reachable: ${(err as Error).message}`);
    }
  }

  /** Stops the client's sockets (tests and shutdown). */
  destroy(): void {
    this.client.destroy();
  }
}

function isMissing(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404;
}
