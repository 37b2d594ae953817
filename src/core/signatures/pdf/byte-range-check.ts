import type { PdfRevision } from "./pdf-revisions";

/** One finding about a signature's byte range. */
export interface CoverageAnomaly {
  /**
   * BYTE_RANGE_MISSING, BYTE_RANGE_MALFORMED (not four non-negative integers),
   * BYTE_RANGE_NOT_AT_START, BYTE_RANGE_OVERLAP (ranges overlap or are out of order),
   * BYTE_RANGE_BEYOND_FILE, CONTENTS_NOT_FOUND, GAP_NOT_CONTENTS (the unsigned gap is not
   * exactly the /Contents hex string), TAIL_UNCOVERED (bytes of the signature's own
   * revision after the range), BYTE_RANGE_PAST_REVISION (the range reaches into later
   * revisions).
   */
  code: string;
  message: string;
}

/** How a signature's /ByteRange covers the file. */
export interface ByteRangeCoverage {
  /** Starts at 0, exactly one gap that is exactly /Contents, ends at the end of its revision. */
  wellFormed: boolean;
  /** The range covers its whole revision except /Contents. */
  coversRevision: boolean;
  /** The range covers the whole file except /Contents (no later updates). */
  coversWholeFile: boolean;
  anomalies: CoverageAnomaly[];
  /** The signed ranges as [start, end) pairs, when the values are usable. */
  signedRanges: [number, number][];
}

/**
 * Checks a /ByteRange against the /Contents string it should exclude, the end of the
 * signature's revision and the file length.
 */
export function checkByteRange(
  byteRange: (number | null)[] | undefined,
  contentsSpan: [number, number] | undefined,
  revision: PdfRevision,
  fileLength: number,
): ByteRangeCoverage {
  const anomalies: CoverageAnomaly[] = [];
  const result = (signedRanges: [number, number][], coversWholeFile: boolean): ByteRangeCoverage => ({
    wellFormed: anomalies.length === 0,
    coversRevision: anomalies.length === 0,
    coversWholeFile: anomalies.length === 0 && coversWholeFile,
    anomalies,
    signedRanges,
  });
  if (!byteRange) {
    anomalies.push({ code: "BYTE_RANGE_MISSING", message: "the signature has no readable /ByteRange" });
    return result([], false);
  }
  const values = byteRange.filter((v): v is number => v !== null);
  if (byteRange.length !== 4 || values.length !== 4) {
    anomalies.push({
      code: "BYTE_RANGE_MALFORMED",
      message: values.length !== byteRange.length ? "/ByteRange holds values that are not non-negative integers" : `/ByteRange has ${byteRange.length} values, expected 4 (two ranges around /Contents)`,
    });
    const pairs: [number, number][] = [];
    if (values.length === byteRange.length && values.length % 2 === 0) {
      for (let i = 0; i < values.length; i += 2) pairs.push([values[i]!, values[i]! + values[i + 1]!]);
    }
    return result(pairs.every(([s, e]) => e <= fileLength && s <= e) ? pairs : [], false);
  }
  const [a, b, c, d] = values as [number, number, number, number];
  const ranges: [number, number][] = [
    [a, a + b],
    [c, c + d],
  ];
  if (a !== 0) anomalies.push({ code: "BYTE_RANGE_NOT_AT_START", message: `the first range starts at ${a}, not at 0: the bytes before it are not signed` });
  if (c < a + b) anomalies.push({ code: "BYTE_RANGE_OVERLAP", message: `the second range (from ${c}) starts before the first ends (${a + b})` });
  if (c + d > fileLength) anomalies.push({ code: "BYTE_RANGE_BEYOND_FILE", message: `the range ends at ${c + d}, past the end of the file (${fileLength})` });
  if (!contentsSpan) {
    anomalies.push({ code: "CONTENTS_NOT_FOUND", message: "the /Contents hex string of the signature was not found" });
  } else if (a + b !== contentsSpan[0] || c !== contentsSpan[1]) {
    const gap = `[${a + b}, ${c})`;
    const contents = `[${contentsSpan[0]}, ${contentsSpan[1]})`;
    const larger = a + b <= contentsSpan[0] && c >= contentsSpan[1];
    anomalies.push({
      code: "GAP_NOT_CONTENTS",
      message: larger
        ? `the unsigned gap ${gap} is larger than /Contents ${contents}: ${contentsSpan[0] - (a + b) + (c - contentsSpan[1])} bytes besides the signature are not signed`
        : `the unsigned gap ${gap} is not the /Contents string ${contents}`,
    });
  }
  const end = c + d;
  if (end < revision.eofEnd) {
    anomalies.push({ code: "TAIL_UNCOVERED", message: `bytes ${end}–${revision.eofEnd} at the end of the signature's revision are not signed` });
  } else if (end > revision.end) {
    anomalies.push({ code: "BYTE_RANGE_PAST_REVISION", message: `the range ends at ${end}, inside a later revision (its own ends at ${revision.end})` });
  }
  const usable = ranges.every(([s, e]) => s >= 0 && s <= e && e <= fileLength);
  return result(usable ? ranges : [], end >= fileLength || (revision.end >= fileLength && end >= revision.eofEnd));
}
