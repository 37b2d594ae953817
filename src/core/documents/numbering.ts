/**
 * Document numbers from a category pattern: `{seq:3}` is the sequence padded to 3 digits, `{seq}`
 * unpadded, `{year}` the year of registration. IPM-PR-{seq:3} → IPM-PR-001.
 */
export function formatDocumentNumber(pattern: string, seq: number, year: number): string {
  return pattern
    .replace(/\{seq(?::(\d))?\}/g, (_, width: string | undefined) => String(seq).padStart(Number(width ?? 0), "0"))
    .replace(/\{year\}/g, String(year));
}

/** The first revision label of a scheme: A, or 1.0. */
export function firstLabel(scheme: string): string {
  return scheme === "numeric" ? "1.0" : "A";
}

/**
 * The label after `previous`: alpha A → B … Z → AA → AB; numeric 1.0 → 1.1 (minor) or 2.0 (major).
 */
export function nextLabel(scheme: string, previous: string, major: boolean): string {
  if (scheme === "numeric") {
    const [maj, min] = previous.split(".").map(Number) as [number, number];
    return major ? `${maj + 1}.0` : `${maj}.${min + 1}`;
  }
  const chars = previous.split("");
  let i = chars.length - 1;
  while (i >= 0) {
    if (chars[i] !== "Z") {
      chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
      return chars.join("");
    }
    chars[i] = "A";
    i--;
  }
  return `A${chars.join("")}`;
}

/** `date` plus whole months, as YYYY-MM-DD (the 31st clamps to the month's last day). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d, last));
  return target.toISOString().slice(0, 10);
}

/** Today in China Standard Time (UTC+8), as YYYY-MM-DD: effective dates and review dates are local dates. */
export function localDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The date a revision took (or takes) effect: its planned date, or the day it was made effective. */
export function effectiveDateOf(revision: { effectiveDate: string | null; effectiveAt: Date | null }): string | null {
  return revision.effectiveDate ?? (revision.effectiveAt ? localDate(revision.effectiveAt) : null);
}
