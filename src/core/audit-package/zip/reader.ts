import { open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import { crc32, createInflateRaw } from "node:zlib";

/** One entry of a ZIP archive as its central directory describes it. */
export interface ZipDirectoryEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** The file name was not marked UTF-8 and is not valid UTF-8 either (read as Latin-1). */
  nameNotUtf8: boolean;
}

/** The archive could not be read as a ZIP file. */
export class ZipFormatError extends Error {
  override name = "ZipFormatError";
}

const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const READ_CHUNK = 1 << 20;

/**
 * Reads a ZIP archive from a file without loading it: the central directory (ZIP64 included) is
 * parsed once, and each entry streams from its offset (stored, or deflated through node:zlib).
 * Memory stays bounded whatever the archive's size.
 */
export class ZipReader {
  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly entries: ZipDirectoryEntry[],
  ) {}

  /** Opens `path` and reads its central directory; throws ZipFormatError if it is not a ZIP archive. */
  static async open(path: string): Promise<ZipReader> {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      return new ZipReader(handle, size, await readDirectory(handle, size));
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  /** The entry's bytes as stored in the archive after its local header. */
  private async dataOffset(entry: ZipDirectoryEntry): Promise<number> {
    const header = await readAt(this.handle, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== 0x04034b50) throw new ZipFormatError(`no local header for ${entry.name} at offset ${entry.localHeaderOffset}`);
    const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + entry.compressedSize > this.size) throw new ZipFormatError(`${entry.name} runs past the end of the archive`);
    return start;
  }

  /**
   * Streams an entry's uncompressed bytes. `crcOk()` is meaningful once the stream has been read to
   * the end: whether the bytes match the CRC-32 the directory records.
   */
  async openEntry(entry: ZipDirectoryEntry): Promise<{ chunks: AsyncIterable<Uint8Array>; crcOk(): boolean }> {
    if (entry.method !== 0 && entry.method !== 8) throw new ZipFormatError(`${entry.name} uses compression method ${entry.method}, which this reader does not support`);
    const start = await this.dataOffset(entry);
    const handle = this.handle;
    let crc = 0;
    let size = 0;
    async function* raw(): AsyncGenerator<Uint8Array> {
      let position = start;
      const end = start + entry.compressedSize;
      while (position < end) {
        const length = Math.min(READ_CHUNK, end - position);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        if (bytesRead === 0) throw new ZipFormatError(`${entry.name} is cut short`);
        position += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    }
    async function* counted(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      for await (const chunk of source) {
        crc = crc32(chunk, crc);
        size += chunk.byteLength;
        yield chunk;
      }
    }
    const source: AsyncIterable<Uint8Array> = entry.method === 0 ? raw() : (Readable.from(raw(), { objectMode: false }).pipe(createInflateRaw()) as AsyncIterable<Uint8Array>);
    return { chunks: counted(source), crcOk: () => crc >>> 0 === entry.crc32 && size === entry.size };
  }

  /** Reads a (small) entry whole. */
  async readEntry(entry: ZipDirectoryEntry): Promise<Buffer> {
    const opened = await this.openEntry(entry);
    const parts: Uint8Array[] = [];
    for await (const chunk of opened.chunks) parts.push(chunk);
    return Buffer.concat(parts);
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  if (bytesRead !== length) throw new ZipFormatError("the archive is cut short");
  return buffer;
}

function decodeName(bytes: Buffer, utf8Flag: boolean): { name: string; notUtf8: boolean } {
  try {
    return { name: new TextDecoder("utf-8", { fatal: true }).decode(bytes), notUtf8: false };
  } catch {
    return { name: bytes.toString("latin1"), notUtf8: !utf8Flag };
  }
}

async function readDirectory(handle: FileHandle, size: number): Promise<ZipDirectoryEntry[]> {
  if (size < 22) throw new ZipFormatError("the file is too small to be a ZIP archive");
  const tailLength = Math.min(size, 22 + U16_MAX);
  const tail = await readAt(handle, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50 && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError("no end-of-central-directory record: not a ZIP archive, or cut short");
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  const eocdPosition = size - tailLength + eocd;
  if (count === U16_MAX || cdSize === U32_MAX || cdOffset === U32_MAX) {
    if (eocdPosition < 20) throw new ZipFormatError("ZIP64 locator missing");
    const locator = await readAt(handle, eocdPosition - 20, 20);
    if (locator.readUInt32LE(0) !== 0x07064b50) throw new ZipFormatError("ZIP64 locator missing");
    const recordOffset = Number(locator.readBigUInt64LE(8));
    const record = await readAt(handle, recordOffset, 56);
    if (record.readUInt32LE(0) !== 0x06064b50) throw new ZipFormatError("ZIP64 end-of-central-directory record missing");
    count = Number(record.readBigUInt64LE(32));
    cdSize = Number(record.readBigUInt64LE(40));
    cdOffset = Number(record.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > size) throw new ZipFormatError("the central directory points past the end of the file");
  const cd = await readAt(handle, cdOffset, cdSize);
  const entries: ZipDirectoryEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== 0x02014b50) throw new ZipFormatError(`central directory entry ${i + 1} is damaged`);
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressed = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const { name, notUtf8 } = decodeName(cd.subarray(p + 46, p + 46 + nameLength), (flags & (1 << 11)) !== 0);
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (uncompressed === U32_MAX) {
          uncompressed = Number(cd.readBigUInt64LE(q));
          q += 8;
        }
        if (compressedSize === U32_MAX) {
          compressedSize = Number(cd.readBigUInt64LE(q));
          q += 8;
        }
        if (localHeaderOffset === U32_MAX) localHeaderOffset = Number(cd.readBigUInt64LE(q));
      }
      e += 4 + len;
    }
    entries.push({ name, method, crc32: crc, compressedSize, size: uncompressed, localHeaderOffset, nameNotUtf8: notUtf8 });
    p = extraEnd + commentLength;
  }
  return entries;
}
