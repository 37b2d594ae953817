import { readFile } from "node:fs/promises";
import { zipSync } from "fflate";
import { expect } from "vitest";
import type { Client } from "../../support/app";

/** The corpus of real-world PDFs (encrypted, damaged, signed by other tools), copied into test/fixtures/pdf. */
export const corpus = (name: string) => readFile(new URL(`../../fixtures/pdf/${name}`, import.meta.url)).then((b) => new Uint8Array(b));

/** Uploads bytes through POST /files and returns the file id. */
export async function upload(client: Client, bytes: Uint8Array, filename: string, classification = "internal", type = "application/octet-stream"): Promise<string> {
  const res = await client.request(`/api/v1/files?filename=${encodeURIComponent(filename)}&classification=${classification}`, {
    method: "POST",
    headers: { "content-type": type },
    body: new Uint8Array(bytes),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

/** A minimal but real DOCX (a zip with [Content_Types].xml and word/document.xml). */
export function docx(text = "知识产权培训签到表"): Uint8Array {
  const enc = new TextEncoder();
  return zipSync({
    "[Content_Types].xml": enc.encode('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'),
    "word/document.xml": enc.encode(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`),
  });
}

/** JSON of a response, failing the test with the body when the status is not the expected one. */
export async function expectJson<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

export interface RecordJson {
  id: string;
  number: string;
  status: string;
  dueOn: string | null;
  triggerDate: string | null;
  classification: string;
  contentSha256: string | null;
  natures: Record<string, { status: string; detail: string }> & { format: string; pages?: number };
}

/** Declares a record from bytes (uploaded first) or, without bytes, a paper record in room A. */
export async function declare(client: Client, body: Record<string, unknown>, file?: { bytes: Uint8Array; name: string }): Promise<RecordJson> {
  const fileId = file ? await upload(client, file.bytes, file.name, (body.classification as string) ?? "internal") : undefined;
  return expectJson<RecordJson>(
    await client.post("/api/v1/records", { author: "知识产权办公室", recordDate: "2026-01-15", ...(fileId ? { fileId } : { paperRoom: "档案室 A" }), ...body }),
    201,
  );
}
