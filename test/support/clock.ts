import type { Clock } from "../../src/core/context";

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(private current = new Date("2026-03-02T01:00:00.000Z")) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
