import { createHash, randomBytes } from "node:crypto";
import { open, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { VERIFY_BEFORE_SERVING } from "../../../src/core/files/service";
import { auditEvents } from "../../../src/db/schema/audit";
import { blobs, files } from "../../../src/db/schema/files";
import { errorCode, startHarness } from "../../support/app";

const h = await startHarness({ config: { maxUploadBytes: 4 * 1024 * 1024 } });
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function upload(client: Awaited<ReturnType<typeof h.signIn>>, bytes: Buffer, query = "filename=%E5%88%A4%E5%86%B3%E4%B9%A6.pdf", headers: Record<string, string> = {}) {
  return client.request(`/api/v1/files?${query}`, {
    method: "POST",
    headers: { "content-type": "application/pdf", ...headers },
    body: new Uint8Array(bytes),
  });
}

describe("files", () => {
  it("streams an upload to storage under the SHA-256 we compute, and serves it back verified", async () => {
    const client = await h.signIn(await h.user());
    const bytes = Buffer.from("%PDF-1.7\n判决书\n%%EOF\n");
    const res = await upload(client, bytes);
    expect(res.status).toBe(201);
    const file = (await res.json()) as { id: string; sha256: string; size: number; filename: string };
    expect(file).toMatchObject({ sha256: sha(bytes), size: bytes.length, filename: "判决书.pdf" });
    const down = await client.get(`/api/v1/files/${file.id}/content`);
    expect(down.status).toBe(200);
    expect(down.headers.get("content-disposition")).toContain("filename*=UTF-8''%E5%88%A4%E5%86%B3%E4%B9%A6.pdf");
    expect(Buffer.from(await down.arrayBuffer())).toEqual(bytes);
  });

  it("refuses bytes that do not match the announced digest and stores nothing", async () => {
    const client = await h.signIn(await h.user());
    const bytes = Buffer.from("contract scan");
    const res = await upload(client, bytes, "filename=a.pdf", { "x-content-sha256": sha(Buffer.from("something else")) });
    expect(res.status).toBe(422);
    expect(await errorCode(res)).toBe("DIGEST_MISMATCH");
    expect(await h.deps.storage.stat(sha(bytes))).toBeNull();
    expect(await h.deps.db.select().from(blobs).where(eq(blobs.sha256, sha(bytes)))).toHaveLength(0);
  });

  it("refuses a file name with control characters", async () => {
    const client = await h.signIn(await h.user());
    expect(await errorCode(await upload(client, Buffer.from("x"), "filename=bad%00name.pdf"))).toBe("VALIDATION_FAILED");
  });

  it("refuses an upload over the limit with 413", async () => {
    const client = await h.signIn(await h.user());
    const res = await upload(client, Buffer.alloc(5 * 1024 * 1024, 1), "filename=big.bin");
    expect(res.status).toBe(413);
    expect(await errorCode(res)).toBe("PAYLOAD_TOO_LARGE");
  });

  it("hides a file from other users and from anyone below its classification", async () => {
    const owner = await h.signIn(await h.user({ clearance: "secret" }));
    const res = await upload(owner, Buffer.from("secret file"), "filename=s.txt&classification=secret");
    const file = (await res.json()) as { id: string };
    const other = await h.signIn(await h.user({ clearance: "top-secret" }));
    expect(await errorCode(await other.get(`/api/v1/files/${file.id}`))).toBe("NOT_FOUND");
    const lowAdmin = await h.signIn(await h.user({ roles: ["admin"], clearance: "internal" }));
    expect(await errorCode(await lowAdmin.get(`/api/v1/files/${file.id}/content`))).toBe("NOT_FOUND");
    const highAdmin = await h.signIn(await h.user({ roles: ["admin"], clearance: "secret" }));
    expect((await highAdmin.get(`/api/v1/files/${file.id}`)).status).toBe(200);
    const low = await h.signIn(await h.user({ clearance: "internal" }));
    expect(await errorCode(await upload(low, Buffer.from("x"), "filename=x&classification=secret"))).toBe("NOT_FOUND");
    expect(await errorCode(await h.anonymous().get(`/api/v1/files/${file.id}`))).toBe("UNAUTHENTICATED");
  });

  it("reports altered stored bytes as an integrity failure, audited, and serves nothing", async () => {
    const client = await h.signIn(await h.user());
    const bytes = Buffer.from("律师函 original");
    const file = (await (await upload(client, bytes, "filename=letter.pdf")).json()) as { id: string; sha256: string };
    const path = join(h.dataDir, "blobs", file.sha256.slice(0, 2), file.sha256.slice(2, 4), file.sha256);
    await writeFile(path, "律师函 altered!");
    const res = await client.get(`/api/v1/files/${file.id}/content`);
    expect(res.status).toBe(409);
    expect(await errorCode(res)).toBe("INTEGRITY_FAILURE");
    const incidents = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "blob.integrity_failed"));
    expect(incidents.map((e) => e.objectId)).toContain(file.sha256);
    // the metadata is intact
    expect(await h.deps.db.select().from(files).where(eq(files.id, file.id))).toHaveLength(1);
  });

  it("re-hashes a large file while serving it: the last bytes are held back, and altered bytes end in an error, never a complete copy", async () => {
    const hb = await startHarness(); // the default upload limit (this file's harness allows 4 MB)
    const client = await hb.signIn(await hb.user());
    const bytes = randomBytes(VERIFY_BEFORE_SERVING + 4096);
    const uploaded = await upload(client, bytes, "filename=scan.tif");
    const file = (await uploaded.json()) as { id: string; sha256: string };
    expect(uploaded.status, JSON.stringify(file)).toBe(201);
    const intact = await client.get(`/api/v1/files/${file.id}/content`);
    expect(createHash("sha256").update(new Uint8Array(await intact.arrayBuffer())).digest("hex")).toBe(file.sha256);

    const path = join(hb.dataDir, "blobs", file.sha256.slice(0, 2), file.sha256.slice(2, 4), file.sha256);
    const handle = await open(path, "r+");
    await handle.write(Buffer.from([bytes[1000]! ^ 0xff]), 0, 1, 1000);
    await handle.close();
    const res = await client.get(`/api/v1/files/${file.id}/content`);
    expect(res.status).toBe(200);
    let received = 0;
    const read = (async () => {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength;
    })();
    await expect(read).rejects.toMatchObject({ code: "INTEGRITY_FAILURE" });
    expect(received).toBeLessThan(bytes.length);
    const incidents = await hb.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "blob.integrity_failed"));
    expect(incidents.map((e) => e.objectId)).toContain(file.sha256);
  });

  it("leaves at most an unreferenced blob when the database write fails after the bytes are stored", async () => {
    const client = await h.signIn(await h.user());
    const bytes = Buffer.from("crash between blob and commit");
    // the database fails the transaction after storage.put has stored the bytes
    await h.deps.db.execute(sql`
      create function fail_crash() returns trigger language plpgsql as $$
      begin if new.filename = 'crash.pdf' then raise exception 'simulated crash'; end if; return new; end $$`);
    await h.deps.db.execute(sql`create trigger files_crash before insert on files for each row execute function fail_crash()`);
    const res = await upload(client, bytes, "filename=crash.pdf");
    expect(res.status).toBe(500);
    expect(await h.deps.storage.stat(sha(bytes))).toEqual({ size: bytes.length });
    expect(await h.deps.db.select().from(files).where(eq(files.sha256, sha(bytes)))).toHaveLength(0);
    expect(await readdir(join(h.dataDir, "tmp"))).toEqual([]);
  });
});
