import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream, writeFileSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { safeName } from "../../../src/core/audit-package/manifest";
import { ZipFormatError, ZipReader } from "../../../src/core/audit-package/zip/reader";
import { zipStream, type WrittenZipEntry, type ZipEntry } from "../../../src/core/audit-package/zip/writer";
import { makeTempDir } from "../signatures/support/validators";

const tmp = makeTempDir("custos-zip-");
afterAll(() => tmp.cleanup());

/** Streams a ZIP to a file with backpressure, sampling the process's memory while it goes. */
async function writeZip(path: string, entries: ZipEntry[] | AsyncIterable<ZipEntry>, onEntry?: (e: WrittenZipEntry) => void): Promise<{ peakRssGrowth: number }> {
  const out = createWriteStream(path);
  const base = process.memoryUsage().rss;
  let peak = base;
  for await (const chunk of zipStream(entries, new Date("2026-03-02T01:00:00Z"), onEntry)) {
    if (!out.write(chunk)) await once(out, "drain");
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  out.end();
  await once(out, "finish");
  return { peakRssGrowth: peak - base };
}

const python = (script: string, ...args: string[]) => execFileSync("python3", ["-c", script, ...args], { encoding: "utf8" }).trim();

describe("zip writer and reader", () => {
  it("writes stored entries with UTF-8 names that unzip and Python read, and reads them back (and deflated ones)", async () => {
    const path = join(tmp.dir, "small.zip");
    async function* chunks() {
      for (let i = 0; i < 40; i++) yield Buffer.alloc(50_000, i);
    }
    const written: WrittenZipEntry[] = [];
    await writeZip(
      path,
      [
        { name: "清单/说明.txt", data: Buffer.from("知识产权") },
        { name: "evidence/记录 一/文件.pdf", data: chunks(), size: 2_000_000 },
        { name: "empty.txt", data: new Uint8Array(0) },
      ],
      (e) => written.push(e),
    );
    expect(written.map((e) => [e.name, e.size])).toEqual([
      ["清单/说明.txt", 12],
      ["evidence/记录 一/文件.pdf", 2_000_000],
      ["empty.txt", 0],
    ]);
    const t = spawnSync("unzip", ["-t", path], { encoding: "utf8" });
    expect(t.status, t.stdout).toBe(0);
    expect(t.stdout).toContain("evidence/记录 一/文件.pdf");
    expect(python("import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.testzip(), [i.filename for i in z.infolist()])", path)).toBe(
      "None ['清单/说明.txt', 'evidence/记录 一/文件.pdf', 'empty.txt']",
    );
    const zip = await ZipReader.open(path);
    const opened = await zip.openEntry(zip.entries[1]!);
    let crc = 0;
    for await (const c of opened.chunks) crc = crc32(c, crc);
    expect(opened.crcOk()).toBe(true);
    expect(crc >>> 0).toBe(written[1]!.crc32);
    expect((await zip.readEntry(zip.entries[0]!)).toString("utf8")).toBe("知识产权");
    await zip.close();

    writeFileSync(join(tmp.dir, "说明.txt"), "知识产权管理规范".repeat(1000));
    execFileSync("zip", ["-q", "-9", "deflated.zip", "说明.txt"], { cwd: tmp.dir });
    const deflated = await ZipReader.open(join(tmp.dir, "deflated.zip"));
    expect(deflated.entries[0]!.method).toBe(8);
    const inflated = await deflated.openEntry(deflated.entries[0]!);
    const parts: Uint8Array[] = [];
    for await (const c of inflated.chunks) parts.push(c);
    expect(Buffer.concat(parts).toString("utf8")).toBe("知识产权管理规范".repeat(1000));
    expect(inflated.crcOk()).toBe(true);
    await deflated.close();
  });

  it("writes ZIP64 records past 65 535 entries", async () => {
    const path = join(tmp.dir, "many.zip");
    const count = 70_000;
    function* many(): Generator<ZipEntry> {
      for (let i = 0; i < count; i++) yield { name: `records/${String(i).padStart(6, "0")}.txt`, data: Buffer.from(`记录 ${i}`) };
    }
    await writeZip(path, many() as unknown as ZipEntry[]);
    expect(python("import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(len(z.infolist()), z.read('records/069999.txt').decode())", path)).toBe(`${count} 记录 69999`);
    const zip = await ZipReader.open(path);
    expect(zip.entries.length).toBe(count);
    expect((await zip.readEntry(zip.entries[count - 1]!)).toString("utf8")).toBe("记录 69999");
    await zip.close();
  });

  it("streams an entry beyond 4 GiB, and entries after it, in bounded memory; unzip, Python and the reader agree", { timeout: 300_000 }, async () => {
    const path = join(tmp.dir, "big.zip");
    const block = Buffer.alloc(16 * 1024 * 1024, 0x5a);
    const blocks = 257; // 4 GiB + 16 MiB
    async function* big() {
      for (let i = 0; i < blocks; i++) yield block;
    }
    const size = block.length * blocks;
    const { peakRssGrowth } = await writeZip(path, [
      { name: "big.bin", data: big(), size },
      { name: "after.txt", data: Buffer.from("after the 4 GiB mark") },
    ]);
    // the writer holds nothing back: memory does not grow with the archive
    expect(peakRssGrowth).toBeLessThan(200 * 1024 * 1024);
    const listing = spawnSync("unzip", ["-l", path], { encoding: "utf8" });
    expect(listing.stdout).toContain(String(size));
    expect(python("import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); print(z.getinfo('big.bin').file_size, z.read('after.txt').decode())", path)).toBe(`${size} after the 4 GiB mark`);
    const zip = await ZipReader.open(path);
    expect(zip.entries.map((e) => [e.name, e.size])).toEqual([
      ["big.bin", size],
      ["after.txt", 20],
    ]);
    expect(zip.entries[1]!.localHeaderOffset).toBeGreaterThan(2 ** 32);
    expect((await zip.readEntry(zip.entries[1]!)).toString()).toBe("after the 4 GiB mark");
    await zip.close();
  });

  it("refuses unsafe names and a body that is not the size it announced; the reader refuses what is not a ZIP", async () => {
    for (const name of ["../escape.txt", "/abs.txt", "a/../b", "a\\b", "", "a//b"]) {
      await expect(writeZip(join(tmp.dir, "bad.zip"), [{ name, data: Buffer.from("x") }])).rejects.toThrow(/not a safe path/);
    }
    async function* short() {
      yield Buffer.from("abc");
    }
    await expect(writeZip(join(tmp.dir, "bad.zip"), [{ name: "a.txt", data: short(), size: 10 }])).rejects.toThrow(/announced 10 bytes but has 3/);
    writeFileSync(join(tmp.dir, "plain.txt"), "not a zip at all, just text that is long enough");
    await expect(ZipReader.open(join(tmp.dir, "plain.txt"))).rejects.toBeInstanceOf(ZipFormatError);
  });

  it("makes names every system accepts", () => {
    expect(safeName('合同/协议:"草案"?')).toBe("合同_协议_草案_");
    expect(safeName("..")).toBe("_");
    expect(safeName("  报告.  ")).toBe("报告");
    expect(safeName("知".repeat(100), 10)).toBe("知".repeat(10));
    expect(safeName("a\u0000b\nc")).toBe("a_b_c");
  });
});
