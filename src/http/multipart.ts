import { Readable } from "node:stream";
import Busboy from "busboy";
import { DomainError } from "../core/errors";
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
}

/** A form's text fields (repeated names as arrays) and its non-empty files, by field name. */
export interface StreamedForm {
  values: Record<string, string | string[]>;
  files: Record<string, StagedFile>;
}

/** At most this many text fields, each at most this long: a form is not a place for bulk data. */
const FIELD_LIMITS = { fields: 1000, fieldSize: 1024 * 1024 };

/**
 * Reads a multipart/form-data body as a stream: text fields are collected, each file part is
 * streamed into `storage` while it arrives (at most `maxFileBytes`; beyond that PAYLOAD_TOO_LARGE
 * and nothing is kept of the form). Empty file inputs are left out. A malformed body is
 * VALIDATION_FAILED.
 */
export async function readMultipartForm(request: Request, storage: BlobStore, maxFileBytes: number): Promise<StreamedForm> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!request.body || !boundaryOf(contentType)) throw new DomainError("VALIDATION_FAILED", "The form could not be read (not multipart/form-data).");
  const values: Record<string, string | string[]> = {};
  const files: Record<string, StagedFile> = {};
  const pending: Promise<void>[] = [];
  const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  const busboy = Busboy({ headers: { "content-type": contentType }, defParamCharset: "utf8", limits: FIELD_LIMITS });
  let fail: (err: unknown) => void = () => {};
  const done = new Promise<void>((resolve, reject) => {
    busboy.on("close", resolve);
    busboy.on("error", (err: Error) => reject(new DomainError("VALIDATION_FAILED", `The form could not be read: ${err.message}.`)));
    // the first failure ends the reading: nothing more is stored, and the request is answered now
    fail = (err) => {
      source.unpipe(busboy);
      source.destroy();
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
    pending.push(
      storage.put(stream as AsyncIterable<Uint8Array>, { maxBytes: maxFileBytes }).then(
        (put) => {
          if (put.size > 0) files[name] = { filename, mediaType: info.mimeType || "application/octet-stream", sha256: put.sha256, size: put.size };
        },
        (err: unknown) => fail(err),
      ),
    );
  });
  source.on("error", (err) => fail(new DomainError("VALIDATION_FAILED", `The form could not be read: ${err.message}.`)));
  source.pipe(busboy);
  await done;
  await Promise.all(pending);
  return { values, files };
}
