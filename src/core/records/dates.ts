import type { Clock } from "../context";
import type { RetentionUnit } from "./vocabulary";

/** Custos serves Chinese enterprises: "today" and "this year" are taken in China Standard Time (UTC+8). */
export const CHINA_OFFSET_MINUTES = 480;

/** The calendar day (YYYY-MM-DD) of `at` in China Standard Time. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MINUTES * 60_000).toISOString().slice(0, 10);
}

/** Today in China Standard Time. */
export function today(clock: Clock): string {
  return chinaDay(clock.now());
}

/**
 * `day` plus a retention period, the way PostgreSQL adds an interval: a month end that does not
 * exist is clamped (2024-01-31 + 1 month = 2024-02-29). Null for a permanent period.
 */
export function addPeriod(day: string, amount: number | null, unit: RetentionUnit): string | null {
  if (unit === "permanent" || amount === null) return null;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const months = unit === "years" ? amount * 12 : amount;
  const total = y * 12 + (m - 1) + months;
  const year = Math.floor(total / 12);
  const month = total % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month + 1).padStart(2, "0")}-${String(Math.min(d, lastDay)).padStart(2, "0")}`;
}

/** True for a real calendar day written YYYY-MM-DD. */
export function isDay(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const at = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 10) === value;
}
