/** Bytes in, bytes out: a body may be a web stream, a Node stream, any async iterable or a buffer. */
export type BlobBody = AsyncIterable<Uint8Array> | Uint8Array;

/** What a stored blob is: its SHA-256 (lower-case hex), its size, and whether this put created it. */
export interface PutResult {
  sha256: string;
  size: number;
  created: boolean;
}

export interface PutOptions {
  /** If the client announced a digest, it is checked against what we computed; a mismatch stores nothing. */
  expectedSha256?: string;
  /** Refuse (and store nothing) once the body grows past this many bytes. */
  maxBytes?: number;
}

/** The result of re-hashing a stored blob. */
export interface FixityResult {
  sha256: string;
  ok: boolean;
  actualSha256?: string;
  size?: number;
  missing: boolean;
}

/**
 * Content-addressed blob storage. Blobs are named by the SHA-256 we compute while they stream in;
 * a blob is never overwritten, and only a disposition deletes one.
 */
export interface BlobStore {
  readonly kind: "local" | "s3";
  /** Streams `body` into storage while hashing it; the bytes never sit in memory whole. */
  put(body: BlobBody, options?: PutOptions): Promise<PutResult>;
  /** Streams a blob out; throws NOT_FOUND if it does not exist. */
  get(sha256: string): Promise<ReadableStream<Uint8Array>>;
  /** Reads a (small) blob into memory and checks its hash; throws INTEGRITY_FAILURE on mismatch. */
  getBytes(sha256: string): Promise<Uint8Array>;
  /** Size of the blob, or null if absent. */
  stat(sha256: string): Promise<{ size: number } | null>;
  /** Re-reads and re-hashes a blob. */
  verify(sha256: string): Promise<FixityResult>;
  /**
   * Deletes the bytes for real, with every copy the store holds of them: the blob, and what an
   * interrupted write left behind that holds them whole or in part (a temp file, a temp object, an
   * incomplete multipart upload). A write in progress in this process is left alone: it stores
   * new bytes. Only dispositions (destruction) call this.
   */
  delete(sha256: string): Promise<void>;
  /**
   * Removes what interrupted writes (a crash, a kill) left behind, once at start-up. `exclusive`:
   * no other process can be writing to this store (the embedded data directory is locked by this
   * one), so everything left is dead; otherwise only what nobody has touched for
   * {@link STALE_TEMP_MS} is (another instance may be writing the rest).
   */
  cleanUpTemp(options: { exclusive: boolean }): Promise<TempCleanup>;
  /** Proves the store is reachable and writable (for /healthz). */
  check(): Promise<void>;
}

/** What a clean-up of temp leftovers removed. */
export interface TempCleanup {
  /** Temp files or objects deleted. */
  removed: number;
  /** Their bytes (as far as the store tells). */
  bytes: number;
  /** Incomplete multipart uploads aborted (S3). */
  abortedUploads: number;
  /** What could not be cleaned and why (for the start-up log). */
  notes?: string[];
}

/**
 * A temp file or upload nobody has written to for this long is dead: a live write touches it with
 * every chunk, and an HTTP upload ends long before (Node's request timeout is 5 minutes).
 */
export const STALE_TEMP_MS = 60 * 60 * 1000;

export const SHA256_HEX = /^[0-9a-f]{64}$/;
