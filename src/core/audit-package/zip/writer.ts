import { crc32 } from "node:zlib";

/** One file of a ZIP archive: its path in the archive and its bytes (streamed or in memory). */
export interface ZipEntry {
  name: string;
  data: AsyncIterable<Uint8Array> | Uint8Array;
  /**
   * The size when known before the bytes stream (a stored blob's size): an entry of 4 GiB or more
   * must declare it, so that its local header announces ZIP64 sizes.
   */
  size?: number;
}

/** What was written for an entry, reported once its bytes have gone out. */
export interface WrittenZipEntry {
  name: string;
  size: number;
  crc32: number;
  /** Offset of the entry's local header in the archive. */
  offset: number;
}

const U32_MAX = 0xffffffff;
const U16_MAX = 0xffff;
const FLAG_DATA_DESCRIPTOR = 1 << 3;
const FLAG_UTF8 = 1 << 11;
/** Made by: UNIX (3), specification 4.5 (ZIP64). */
const VERSION_MADE_BY = (3 << 8) | 45;
/** Regular file, rw-r--r--, in the high half of the external attributes (UNIX convention). */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;
/** Output is gathered into chunks of about this size, so the consumer (a file, a multipart upload) sees few large writes. */
const OUTPUT_CHUNK = 1 << 20;

/** MS-DOS date and time fields (local wall-clock time by convention; we write UTC+8, China Standard Time). */
function dosDateTime(at: Date): { time: number; date: number } {
  const d = new Date(at.getTime() + 8 * 3_600_000);
  const year = Math.min(Math.max(d.getUTCFullYear(), 1980), 2107);
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | (d.getUTCSeconds() >> 1),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

/** The extended-timestamp extra field (0x5455): modification time in UTC seconds, which unzip and 7-Zip show exactly. */
function extendedTimestamp(at: Date): Buffer {
  const b = Buffer.alloc(9);
  b.writeUInt16LE(0x5455, 0);
  b.writeUInt16LE(5, 2);
  b.writeUInt8(1, 4);
  b.writeUInt32LE(Math.max(0, Math.floor(at.getTime() / 1000)) >>> 0, 5);
  return b;
}

/** A ZIP64 extended-information extra field (0x0001) holding the given 8-byte values. */
function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}

/** Rejects names that would escape the extraction directory or that no reader stores faithfully. */
function checkName(name: string): Buffer {
  if (!name || name.startsWith("/") || name.includes("\\") || name.split("/").some((part) => part === ".." || part === "." || part === "")) {
    throw new Error(`not a safe path inside a ZIP archive: ${JSON.stringify(name)}`);
  }
  const bytes = Buffer.from(name, "utf8");
  if (bytes.length > U16_MAX) throw new Error(`ZIP entry name too long: ${name.slice(0, 80)}…`);
  return bytes;
}

/**
 * A ZIP archive produced as a stream, with bounded memory whatever its size: entries are stored
 * (PDFs, images and office files are compressed already), each followed by a data descriptor with
 * its CRC-32 and size, so no byte is held back; ZIP64 records are written when an entry, an offset
 * or the entry count outgrows the classic format, so packages beyond 4 GiB or 65 535 files stay
 * valid. Names are UTF-8 (flag bit 11), which unzip, 7-Zip, Windows and macOS read as Chinese.
 *
 * Why not fflate's `Zip`: it writes no ZIP64 (archives stop at 4 GiB), and its pass-through path
 * runs at a fifth of the speed of node:zlib's native CRC-32 used here.
 *
 * @param onEntry called after each entry's bytes, with its size and CRC-32.
 */
export async function* zipStream(
  entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>,
  mtime: Date,
  onEntry?: (entry: WrittenZipEntry) => void,
): AsyncGenerator<Uint8Array> {
  const { time, date } = dosDateTime(mtime);
  const timestamp = extendedTimestamp(mtime);
  const central: Buffer[] = [];
  let count = 0;
  let offset = 0;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const out = (chunk: Uint8Array) => {
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    offset += chunk.byteLength;
  };
  const flush = function* (force: boolean) {
    if (pendingBytes === 0 || (!force && pendingBytes < OUTPUT_CHUNK)) return;
    const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    yield chunk;
  };

  for await (const entry of entries) {
    const name = checkName(entry.name);
    const headerOffset = offset;
    const declaredLarge = (entry.size ?? (entry.data instanceof Uint8Array ? entry.data.byteLength : 0)) >= U32_MAX;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(declaredLarge ? 45 : 20, 4);
    local.writeUInt16LE(FLAG_DATA_DESCRIPTOR | FLAG_UTF8, 6);
    local.writeUInt16LE(0, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    // CRC-32 and sizes follow in the data descriptor; with ZIP64 both sizes read 0xFFFFFFFF here
    if (declaredLarge) {
      local.writeUInt32LE(U32_MAX, 18);
      local.writeUInt32LE(U32_MAX, 22);
    }
    const localExtra = declaredLarge ? Buffer.concat([zip64Extra([0, 0]), timestamp]) : timestamp;
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    out(local);
    out(name);
    out(localExtra);

    let crc = 0;
    let size = 0;
    if (entry.data instanceof Uint8Array) {
      crc = crc32(entry.data);
      size = entry.data.byteLength;
      out(entry.data);
      yield* flush(false);
    } else {
      for await (const chunk of entry.data) {
        crc = crc32(chunk, crc);
        size += chunk.byteLength;
        if (size >= U32_MAX && !declaredLarge) {
          throw new Error(`ZIP entry ${entry.name} reached 4 GiB without declaring its size`);
        }
        // chunks of a streamed body are passed on as they come (no copy); small ones are gathered
        if (chunk.byteLength >= OUTPUT_CHUNK) {
          yield* flush(true);
          offset += chunk.byteLength;
          yield chunk;
        } else {
          out(chunk);
          yield* flush(false);
        }
      }
    }
    if (entry.size !== undefined && entry.size !== size) {
      throw new Error(`ZIP entry ${entry.name} announced ${entry.size} bytes but has ${size}`);
    }

    const descriptor = Buffer.alloc(declaredLarge ? 24 : 16);
    descriptor.writeUInt32LE(0x08074b50, 0);
    descriptor.writeUInt32LE(crc >>> 0, 4);
    if (declaredLarge) {
      descriptor.writeBigUInt64LE(BigInt(size), 8);
      descriptor.writeBigUInt64LE(BigInt(size), 16);
    } else {
      descriptor.writeUInt32LE(size, 8);
      descriptor.writeUInt32LE(size, 12);
    }
    out(descriptor);

    const sizeTooBig = size >= U32_MAX;
    const offsetTooBig = headerOffset >= U32_MAX;
    const zip64Values = [...(sizeTooBig ? [size, size] : []), ...(offsetTooBig ? [headerOffset] : [])];
    const centralExtra = zip64Values.length ? Buffer.concat([zip64Extra(zip64Values), timestamp]) : timestamp;
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(VERSION_MADE_BY, 4);
    header.writeUInt16LE(zip64Values.length || declaredLarge ? 45 : 20, 6);
    header.writeUInt16LE(FLAG_DATA_DESCRIPTOR | FLAG_UTF8, 8);
    header.writeUInt16LE(0, 10);
    header.writeUInt16LE(time, 12);
    header.writeUInt16LE(date, 14);
    header.writeUInt32LE(crc >>> 0, 16);
    header.writeUInt32LE(sizeTooBig ? U32_MAX : size, 20);
    header.writeUInt32LE(sizeTooBig ? U32_MAX : size, 24);
    header.writeUInt16LE(name.length, 28);
    header.writeUInt16LE(centralExtra.length, 30);
    header.writeUInt16LE(0, 32);
    header.writeUInt16LE(0, 34);
    header.writeUInt16LE(0, 36);
    header.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
    header.writeUInt32LE(offsetTooBig ? U32_MAX : headerOffset, 42);
    central.push(header, name, centralExtra);
    count++;
    onEntry?.({ name: entry.name, size, crc32: crc >>> 0, offset: headerOffset });
    yield* flush(false);
  }

  const centralOffset = offset;
  for (const part of central) out(part);
  const centralSize = offset - centralOffset;
  const needZip64 = count >= U16_MAX || centralOffset >= U32_MAX || centralSize >= U32_MAX;
  if (needZip64) {
    const zip64EndOffset = offset;
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(VERSION_MADE_BY, 12);
    record.writeUInt16LE(45, 14);
    record.writeUInt32LE(0, 16);
    record.writeUInt32LE(0, 20);
    record.writeBigUInt64LE(BigInt(count), 24);
    record.writeBigUInt64LE(BigInt(count), 32);
    record.writeBigUInt64LE(BigInt(centralSize), 40);
    record.writeBigUInt64LE(BigInt(centralOffset), 48);
    out(record);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeUInt32LE(0, 4);
    locator.writeBigUInt64LE(BigInt(zip64EndOffset), 8);
    locator.writeUInt32LE(1, 16);
    out(locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(needZip64 ? U16_MAX : count, 8);
  end.writeUInt16LE(needZip64 ? U16_MAX : count, 10);
  end.writeUInt32LE(needZip64 ? U32_MAX : centralSize, 12);
  end.writeUInt32LE(needZip64 ? U32_MAX : centralOffset, 16);
  out(end);
  yield* flush(true);
}
