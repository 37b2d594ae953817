import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json } from "../../http/openapi";
import { createRouter } from "../../http/router";
import type { FileRow } from "../../db/schema/files";
import { CLASSIFICATIONS, type Classification } from "../auth/permissions";
import { DomainError } from "../errors";
import { fileName } from "../text";
import { getFile, openFileContent, uploadFile } from "./service";

const FileSchema = z
  .object({
    id: z.string(),
    sha256: z.string(),
    size: z.number(),
    filename: z.string(),
    mediaType: z.string(),
    classification: z.enum(CLASSIFICATIONS),
    uploadedBy: z.string(),
    createdAt: z.string(),
  })
  .strict().openapi("File");

const IdParam = z.object({ id: z.string() });

/** A stored file as the API shows it: named columns only. */
export function presentFile(f: FileRow) {
  return {
    id: f.id,
    sha256: f.sha256,
    size: f.size,
    filename: f.filename,
    mediaType: f.mediaType,
    classification: f.classification as Classification,
    uploadedBy: f.uploadedBy,
    createdAt: f.createdAt.toISOString(),
  };
}

/** RFC 6266 Content-Disposition with a UTF-8 file name (Chinese names survive). */
export function contentDisposition(kind: "inline" | "attachment", filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** Streaming uploads and downloads of files. */
export function fileRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: "post",
      path: "/files",
      tags: ["files"],
      summary: "Upload a file as the raw request body; it is streamed and hashed, never held in memory",
      request: {
        query: z.object({
          filename: fileName(),
          classification: z.enum(CLASSIFICATIONS).default("internal"),
        }),
        headers: z.object({
          "x-content-sha256": z.string().optional().openapi({ description: "SHA-256 you computed; checked, not trusted" }),
        }),
        body: { content: { "application/octet-stream": { schema: z.any().openapi({ type: "string", format: "binary" }) } } },
      },
      responses: {
        201: json(FileSchema, "Stored"),
        400: errors[400],
        401: errors[401],
        413: json(z.any(), "Larger than CUSTOS_MAX_UPLOAD_MB (PAYLOAD_TOO_LARGE)"),
        422: json(z.any(), "The bytes do not match x-content-sha256 (DIGEST_MISMATCH)"),
      },
    }),
    async (c) => {
      const body = c.req.raw.body;
      if (!body) throw new DomainError("VALIDATION_FAILED", "The request has no body; send the file's bytes.");
      const q = c.req.valid("query");
      const file = await uploadFile(ctxOf(c), {
        body: body as unknown as AsyncIterable<Uint8Array>,
        filename: q.filename,
        classification: q.classification,
        mediaType: (c.req.header("content-type") ?? "application/octet-stream").split(";")[0]!.trim(),
        expectedSha256: c.req.valid("header")["x-content-sha256"],
      });
      return c.json(presentFile(file), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/files/{id}",
      tags: ["files"],
      summary: "A file's metadata",
      request: { params: IdParam },
      responses: { 200: json(FileSchema, "File"), 401: errors[401], 404: errors[404] },
    }),
    async (c) => c.json(presentFile(await getFile(ctxOf(c), c.req.valid("param").id)), 200),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/files/{id}/content",
      tags: ["files"],
      summary: "Download a file's bytes (verified against its SHA-256 first)",
      request: { params: IdParam },
      responses: {
        200: { description: "The bytes", content: { "application/octet-stream": { schema: z.any() } } },
        401: errors[401],
        404: errors[404],
        409: json(z.any(), "The stored bytes no longer match their hash (INTEGRITY_FAILURE)"),
      },
    }),
    async (c) => {
      const { file, stream } = await openFileContent(ctxOf(c), c.req.valid("param").id);
      return c.body(stream, 200, {
        "content-type": file.mediaType,
        "content-length": String(file.size),
        "content-disposition": contentDisposition("attachment", file.filename),
        "x-content-sha256": file.sha256,
      });
    },
  );

  return app;
}
