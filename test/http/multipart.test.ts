import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalBlobStore } from "../../src/core/storage/local";
import { peekFirstField, readMultipartForm } from "../../src/http/multipart";

const dir = await mkdtemp(join(tmpdir(), "custos-multipart-"));
afterAll(() => rm(dir, { recursive: true, force: true }));
const store = new LocalBlobStore(dir);
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** A multipart body as a browser sends it, in the order given. */
async function encode(parts: [string, string | File][]): Promise<{ bytes: Uint8Array; type: string }> {
  const form = new FormData();
  for (const [name, value] of parts) form.append(name, value);
  const res = new Response(form);
  return { bytes: new Uint8Array(await res.arrayBuffer()), type: res.headers.get("content-type")! };
}

/** A request whose body arrives in chunks of `size` bytes (no content length), as a slow upload does. */
function chunked(bytes: Uint8Array, type: string, size: number): Request {
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + size));
      offset += size;
    },
  });
  return new Request("http://custos.test/form", { method: "POST", headers: { "content-type": type }, body, duplex: "half" } as RequestInit);
}

describe("multipart forms", () => {
  const pdf = randomBytes(300_000);
  const parts: [string, string | File][] = [
    ["_csrf", "token-值"],
    ["title", "专利许可合同"],
    ["tag", "甲"],
    ["tag", "乙"],
    ["empty", new File([], "")],
    ["file", new File([pdf], "合同.pdf", { type: "application/pdf" })],
  ];

  it("finds the first field however the body is cut into chunks, and replays the body unchanged", async () => {
    const { bytes, type } = await encode(parts);
    for (const size of [1, 7, 64, 4096, bytes.length]) {
      const { field, request } = await peekFirstField(chunked(bytes, type, size));
      expect(field).toEqual({ name: "_csrf", value: "token-值" });
      expect(new Uint8Array(await request.arrayBuffer())).toEqual(bytes);
    }
  });

  it("reports no field when the first part is a file, or when the first field is not within reach", async () => {
    const fileFirst = await encode([parts[5]!, parts[0]!]);
    expect((await peekFirstField(chunked(fileFirst.bytes, fileFirst.type, 512))).field).toBeNull();
    const long = await encode([["_csrf", "x".repeat(40_000)], parts[5]!]);
    const peeked = await peekFirstField(chunked(long.bytes, long.type, 1024));
    expect(peeked.field).toBeNull();
    expect(new Uint8Array(await peeked.request.arrayBuffer())).toEqual(long.bytes);
  });

  it("streams each file into storage and collects the fields (repeated names as lists, empty file inputs left out)", async () => {
    const { bytes, type } = await encode(parts);
    const form = await readMultipartForm(chunked(bytes, type, 8192), store, 1_000_000);
    expect(form.values).toEqual({ _csrf: "token-值", title: "专利许可合同", tag: ["甲", "乙"] });
    expect(Object.keys(form.files)).toEqual(["file"]);
    expect(form.files.file).toEqual({ filename: "合同.pdf", mediaType: "application/pdf", sha256: sha(pdf), size: pdf.length });
    expect(new Uint8Array(await store.getBytes(sha(pdf)))).toEqual(new Uint8Array(pdf));
  });

  it("refuses a file over the limit (PAYLOAD_TOO_LARGE) and keeps nothing of it; a malformed body is VALIDATION_FAILED", async () => {
    const big = randomBytes(200_000);
    const { bytes, type } = await encode([["_csrf", "t"], ["file", new File([big], "big.pdf", { type: "application/pdf" })]]);
    await expect(readMultipartForm(chunked(bytes, type, 8192), store, 100_000)).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect(await store.stat(sha(big))).toBeNull();
    const cut = bytes.slice(0, bytes.length - 60);
    await expect(readMultipartForm(chunked(cut, type, 8192), store, 1_000_000)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("holds a file in memory, or drops it, without storing anything, when asked to", async () => {
    const bytes = randomBytes(50_000);
    const body = await encode([["_csrf", "t"], ["note", "核对"], ["file", new File([bytes], "x.pdf", { type: "application/pdf" })]]);
    const held = await readMultipartForm(chunked(body.bytes, body.type, 4096), store, 1_000_000, "memory");
    expect(held.files.file).toMatchObject({ filename: "x.pdf", sha256: sha(bytes), size: bytes.length });
    expect(new Uint8Array(held.files.file!.bytes!)).toEqual(new Uint8Array(bytes));
    const dropped = await readMultipartForm(chunked(body.bytes, body.type, 4096), store, 1_000_000, "discard");
    expect(dropped).toEqual({ values: { _csrf: "t", note: "核对" }, files: {} });
    expect(await store.stat(sha(bytes))).toBeNull();
    await expect(readMultipartForm(chunked(body.bytes, body.type, 4096), store, 10_000, "memory")).rejects.toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });

  it("stops cleanly when the client goes away mid-file: the form fails and no partial file is left behind", async () => {
    const big = randomBytes(2_000_000);
    const { bytes, type } = await encode([["_csrf", "t"], ["file", new File([big], "big.pdf", { type: "application/pdf" })]]);
    let offset = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (offset > 600_000) return controller.error(new Error("connection reset"));
        controller.enqueue(bytes.slice(offset, offset + 65_536));
        offset += 65_536;
      },
    });
    const request = new Request("http://custos.test/form", { method: "POST", headers: { "content-type": type }, body, duplex: "half" } as RequestInit);
    await expect(readMultipartForm(request, store, 10_000_000)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    await new Promise((r) => setTimeout(r, 200));
    const leftovers = await readdir(join(dir, "tmp")).catch(() => [] as string[]);
    expect(leftovers.filter((f) => f.endsWith(".part"))).toEqual([]);
    expect(await store.stat(sha(big))).toBeNull();
  });
});
