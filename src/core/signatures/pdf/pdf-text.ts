import { PDFHexString, PDFString } from "pdf-lib";

/** A PDF text string: literal when plain ASCII, UTF-16BE hex otherwise (Chinese names). */
export function textString(value: string): PDFString | PDFHexString {
  return /^[\x20-\x7e]*$/.test(value) && !/[()\\]/.test(value) ? PDFString.of(value) : PDFHexString.fromText(value);
}

/** A PDF date string, D:YYYYMMDDHHmmSS+hh'mm', in the given offset from UTC (minutes; default 0 = Z). */
export function pdfDate(date: Date, offsetMinutes = 0): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const base = `D:${p(local.getUTCFullYear(), 4)}${p(local.getUTCMonth() + 1)}${p(local.getUTCDate())}${p(local.getUTCHours())}${p(local.getUTCMinutes())}${p(local.getUTCSeconds())}`;
  if (offsetMinutes === 0) return `${base}Z`;
  const sign = offsetMinutes > 0 ? "+" : "-";
  const abs = Math.abs(offsetMinutes);
  return `${base}${sign}${p(Math.floor(abs / 60))}'${p(abs % 60)}'`;
}

/** Parses a PDF date string (D:YYYYMMDDHHmmSSOHH'mm'); undefined when unreadable. */
export function parsePdfDate(text: string): Date | undefined {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?/.exec(text.trim());
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2] ?? 1) - 1, Number(m[3] ?? 1), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
  const offset = m[8] ? (m[8] === "-" ? -1 : 1) * (Number(m[9]) * 60 + Number(m[10] ?? 0)) : 0;
  const d = new Date(t - offset * 60_000);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
