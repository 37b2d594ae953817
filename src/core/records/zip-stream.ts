import { Zip, ZipPassThrough } from "fflate";

/** One file of a zip package: its path in the package and its bytes (streamed or in memory). */
export interface ZipEntry {
  name: string;
  data: AsyncIterable<Uint8Array> | Uint8Array;
}

/**
 * A zip archive produced as a stream (entries stored, not recompressed: PDFs and images are
 * compressed already), so a transfer package of any size goes to blob storage without being held
 * in memory.
 */
export async function* zipStream(entries: Iterable<ZipEntry> | AsyncIterable<ZipEntry>, mtime: Date): AsyncIterable<Uint8Array> {
  const queue: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else queue.push(chunk);
  });
  const drain = function* () {
    if (failure) throw failure;
    while (queue.length) yield queue.shift()!;
  };
  for await (const entry of entries) {
    const file = new ZipPassThrough(entry.name);
    file.mtime = mtime;
    zip.add(file);
    if (entry.data instanceof Uint8Array) {
      file.push(entry.data, true);
    } else {
      for await (const chunk of entry.data) {
        file.push(chunk);
        yield* drain();
      }
      file.push(new Uint8Array(0), true);
    }
    yield* drain();
  }
  zip.end();
  yield* drain();
}
