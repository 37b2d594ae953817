import { DomainError } from "../../errors";

/**
 * CSV as people export it from Excel or WPS: UTF-8 (with or without BOM), comma or tab
 * separated, quoted fields with doubled quotes and line breaks inside, CRLF or LF.
 */

/** Decodes UTF-8 strictly; anything else is BAD_ENCODING with a hint of what it probably is and how to fix it. */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, bad).reduce((n, b) => (b === 0x0a ? n + 1 : n), 1);
    let guess = "";
    try {
      new TextDecoder("gb18030", { fatal: true }).decode(bytes);
      guess = " It looks like GBK/GB18030 (the Chinese Windows default).";
    } catch {
      guess = bytes[0] === 0xff || bytes[0] === 0xfe ? " It looks like UTF-16." : "";
    }
    throw new DomainError(
      "BAD_ENCODING",
      `The file is not UTF-8 text: the byte at offset ${bad} (line ${line}) is not valid UTF-8.${guess} Save it as “CSV UTF-8 (逗号分隔)” and import it again.`,
      { offset: bad, line },
    );
  }
}

function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return i;
}

/** One parsed row with the line of the file it starts on (the header is line 1). */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** Parses CSV text into rows; empty lines are skipped. Unbalanced quotes are a clear error. */
export function parseCsv(text: string): CsvRow[] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? "\t" : ",";
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const endRow = () => {
    cells.push(cell);
    if (cells.some((c) => c.trim() !== "")) rows.push({ line: rowLine, cells });
    cells = [];
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === "\n") line++;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === "") {
      quoted = true;
      cell = "";
    } else if (ch === delimiter) {
      cells.push(cell);
      cell = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      cell += ch;
    }
  }
  if (quoted) throw new DomainError("VALIDATION_FAILED", `Line ${rowLine}: a quoted field is not closed (a " is missing).`, { line: rowLine });
  if (cell !== "" || cells.length) endRow();
  return rows;
}

/** Writes rows as CSV (UTF-8 with BOM, so Excel opens Chinese correctly). */
export function toCsv(rows: string[][]): string {
  const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return "\ufeff" + rows.map((r) => r.map(quote).join(",")).join("\r\n") + "\r\n";
}
