/**
 * The one way a moment is shown to a person, on web pages and in PDFs: in the organisation's time
 * zone (CUSTOS_TIMEZONE, default Asia/Shanghai), always labelled with that zone, e.g.
 * "2026-12-07 20:50 (北京时间 UTC+8)" or "2026-12-07 20:50 (China Standard Time, UTC+8)".
 * Stored and API values stay UTC ISO strings; only what a person reads is converted.
 */

export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

let displayZone = DEFAULT_TIME_ZONE;

/** True when the runtime knows the IANA zone name. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Sets the zone times are shown in (from the configuration, once at start-up). */
export function setDisplayTimeZone(zone: string): void {
  if (!isTimeZone(zone)) throw new RangeError(`unknown time zone ${zone}`);
  displayZone = zone;
}

export function displayTimeZone(): string {
  return displayZone;
}

type Lang = "zh-CN" | "en" | "zh" | string;

const partsCache = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = partsCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "longOffset",
    });
    partsCache.set(zone, f);
  }
  return f;
}

interface Parts {
  date: string;
  minute: string;
  second: string;
  /** "+08:00" */
  offset: string;
}

function partsOf(d: Date, zone: string): Parts {
  const p: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(d)) p[part.type] = part.value;
  const gmt = p.timeZoneName ?? "GMT";
  const offset = gmt === "GMT" ? "+00:00" : gmt.replace(/^GMT/, "");
  const date = `${p.year}-${p.month}-${p.day}`;
  return { date, minute: `${date} ${p.hour}:${p.minute}`, second: `${date} ${p.hour}:${p.minute}:${p.second}`, offset };
}

/** "UTC+8", "UTC+5:30", "UTC". */
function utcOffset(offset: string): string {
  if (offset === "+00:00") return "UTC";
  const [, sign, h, m] = /^([+-])(\d\d):(\d\d)$/.exec(offset) ?? [];
  if (!sign) return "UTC";
  return `UTC${sign}${Number(h)}${m === "00" ? "" : `:${m}`}`;
}

/** The zone's label in the language: "北京时间 UTC+8" / "China Standard Time, UTC+8". */
export function zoneLabel(locale: Lang, d: Date = new Date(), zone = displayZone): string {
  const offset = utcOffset(partsOf(d, zone).offset);
  const zh = locale.startsWith("zh");
  if (zone === "Asia/Shanghai" || zone === "Asia/Chongqing" || zone === "PRC") return zh ? `北京时间 ${offset}` : `China Standard Time, ${offset}`;
  const name = new Intl.DateTimeFormat(zh ? "zh-CN" : "en", { timeZone: zone, timeZoneName: "long" }).formatToParts(d).find((p) => p.type === "timeZoneName")?.value;
  return name ? (zh ? `${name} ${offset}` : `${name}, ${offset}`) : offset;
}

/** A moment to the minute with its zone: "2026-12-07 20:50 (北京时间 UTC+8)"; "" for none. */
export function formatTime(d: Date | string | null | undefined, locale: Lang, options: { seconds?: boolean; zone?: string } = {}): string {
  if (d === null || d === undefined || d === "") return "";
  const at = typeof d === "string" ? new Date(d) : d;
  if (Number.isNaN(at.getTime())) return "";
  const zone = options.zone ?? displayZone;
  const p = partsOf(at, zone);
  return `${options.seconds ? p.second : p.minute} (${zoneLabel(locale, at, zone)})`;
}

/** The calendar day of a moment in the display zone, "2026-12-07" (no label: a day is a day). */
export function dayOf(d: Date | string, zone = displayZone): string {
  return partsOf(typeof d === "string" ? new Date(d) : d, zone).date;
}

/** A moment with its numeric offset, for documents meant to be exact: "2026-11-25 14:03:12 +08:00". */
export function formatTimeWithOffset(d: Date, zone = displayZone): string {
  const p = partsOf(d, zone);
  return `${p.second} ${p.offset}`;
}
