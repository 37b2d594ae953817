import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import Busboy from "busboy";
import { DomainError } from "../core/errors";
import { bidiControlsIn, bidiMessage } from "../core/text";
import type { BlobStore } from "../core/storage/blob-store";

/** How much of a multipart body is read ahead to find its first field (the CSRF token). */
const PEEK_LIMIT = 16 * 1024;

/** The boundary of a multipart/form-data content type, or null. */
function boundaryOf(contentType: string): string | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2] ?? null) : null;
}

/**
 * Reads the first part of a multipart/form-data body without consuming it: returns that part's
 * field name and value (when it is a small text field) and a request whose body replays what was
 * read and then the rest of the stream. Forms put their CSRF token first, so checking it never
 * buffers the file behind it.
 */
export async function peekFirstField(request: Request): Promise<{ field: { name: string; value: string } | null; request: Request }> {
  const boundary = boundaryOf(request.headers.get("content-type") ?? "");
  if (!boundary || !request.body) return { field: null, request };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let field: { name: string; value: string } | null = null;
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    const head = Buffer.concat(chunks);
    const start = head.indexOf(`--${boundary}\r\n`);
    const headersEnd = start < 0 ? -1 : head.indexOf("\r\n\r\n", start);
    const end = headersEnd < 0 ? -1 : head.indexOf(delimiter, headersEnd + 4);
    if (end >= 0) {
      const headers = head.subarray(start, headersEnd).toString("utf8");
      const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
      if (name !== undefined && !/filename=/i.test(headers)) field = { name, value: head.subarray(headersEnd + 4, end).toString("utf8") };
      break;
    }
    if (size >= PEEK_LIMIT) break;
  }
  let replayed = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!replayed) {
        replayed = true;
        for (const c of chunks) controller.enqueue(c);
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const replay = new Request(request.url, { method: request.method, headers: request.headers, body, duplex: "half" } as RequestInit);
  return { field, request: replay };
}

/** A file of a form, already streamed into blob storage (hashed on the way, never held whole in memory). */
export interface StagedFile {
  filename: string;
  mediaType: string;
  sha256: string;
  size: number;
  /** The bytes themselves, when the form was read with files held in memory. */
  bytes?: Uint8Array;
}

/**
 * What happens to a form's files: streamed into blob storage (forms that keep them), held in
 * memory up to the limit (a PDF to verify, which is parsed whole anyway), or read and dropped
 * (forms that take no file: nothing is stored for them).
 */
export type FileHandling = "store" | "memory" | "discard";

/** A form's text fields (repeated names as arrays) and its non-empty files, by field name. */
export interface StreamedForm {
  values: Record<string, string | string[]>;
  files: Record<string, StagedFile>;
}

/** At most this many text fields, each at most this long: a form is not a place for bulk data. */
const FIELD_LIMITS = { fields: 1000, fieldSize: 1024 * 1024 };

/**
 * Reads a multipart/form-data body as a stream: text fields are collected, each file part is
 * handled as it arrives (see {@link FileHandling}; at most `maxFileBytes` each, beyond that
 * PAYLOAD_TOO_LARGE). The first failure stops the reading and fails the form; a file stored before
 * it stays only as an unreferenced, content-addressed blob. Empty file inputs are left out. A
 * malformed or cut-off body is VALIDATION_FAILED.
 */
export async function readMultipartForm(request: Request, storage: BlobStore, maxFileBytes: number, handling: FileHandling = "store"): Promise<StreamedForm> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!request.body || !boundaryOf(contentType)) throw new DomainError("VALIDATION_FAILED", "The form could not be read (not multipart/form-data).");
  const values: Record<string, string | string[]> = {};
  const files: Record<string, StagedFile> = {};
  const pending: Promise<void>[] = [];
  const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  const busboy = Busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8", limits: FIELD_LIMITS });
  let fail: (err: unknown) => void = () => {};
  let failure: unknown = null;
  const done = new Promise<void>((resolve, reject) => {
    busboy.on("close", resolve);
    busboy.on("error", (err: Error) => reject(new DomainError("VALIDATION_FAILED", `The form could not be read: ${err.message}.`)));
    // the first failure ends the reading: nothing more is stored, and the request is answered now
    fail = (err) => {
      source.unpipe(busboy);
      source.destroy();
      // ends the file stream being read too, so a storage write in progress fails and cleans up
      busboy.destroy(err instanceof Error ? err : new Error(String(err)));
      reject(err);
    };
  });
  busboy.on("field", (name, value, info) => {
    if (info.valueTruncated) fail(new DomainError("PAYLOAD_TOO_LARGE", `The form field “${name}” is too long.`));
    const existing = values[name];
    values[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  });
  busboy.on("fieldsLimit", () => fail(new DomainError("PAYLOAD_TOO_LARGE", "The form has too many fields.")));
  busboy.on("file", (name, stream, info) => {
    const filename = info.filename;
    if (!filename) {
      stream.resume();
      return;
    }
    const mediaType = info.mimeType || "application/octet-stream";
    // refused before a byte is stored: a name that displays as something else ("\u202Efdp.exe" shows as "exe.pdf")
    const controls = bidiControlsIn(filename);
    if (controls) {
      // ending the form ends this file's stream with the same error, which is answered already
      stream.on("error", () => undefined);
      stream.resume();
      fail(new DomainError("VALIDATION_FAILED", `The name of the file in “${name}”: ${bidiMessage(controls)}.`, { field: name }));
      return;
    }
    if (handling === "discard") {
      stream.resume();
      return;
    }
    const read =
      handling === "memory"
        ? collect(stream as AsyncIterable<Uint8Array>, maxFileBytes).then((bytes) => ({ sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length, bytes }))
        : storage.put(stream as AsyncIterable<Uint8Array>, { maxBytes: maxFileBytes }).then(({ sha256, size }) => ({ sha256, size }));
    pending.push(
      read.then(
        (got) => {
          if (got.size > 0) files[name] = { filename, mediaType, ...got };
        },
        (err: unknown) => {
          failure ??= err;
          fail(err);
        },
      ),
    );
  });
  source.on("error", (err) => fail(new DomainError("VALIDATION_FAILED", `The form could not be read: ${err.message}.`)));
  source.pipe(busboy);
  await done;
  await Promise.all(pending);
  // a file whose storage failed after the last byte was read (the form had been read by then)
  if (failure) throw failure;
  return { values, files };
}

/** Reads a stream into memory, refusing (PAYLOAD_TOO_LARGE) past `maxBytes`. */
async function collect(stream: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new DomainError("PAYLOAD_TOO_LARGE", `The file is larger than the allowed ${Math.round(maxBytes / 1048576)} MB.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
