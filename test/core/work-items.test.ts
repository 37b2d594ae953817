import { describe, expect, it } from "vitest";
import type { ServiceContext } from "../../src/core/context";
import { createRegistry } from "../../src/core/extensions";
import { extensionWorkItems } from "../../src/core/work";

describe("work items contributed by extensions", () => {
  it("collects every extension's waiting and due items for the caller, and skips (and logs) one that fails", async () => {
    const errors: unknown[] = [];
    const registry = createRegistry([
      { name: "alpha", workItems: async () => ({ waiting: [{ area: { zh: "甲", en: "Alpha" }, title: "审批 A", href: "/a" }] }) },
      { name: "broken", workItems: async () => { throw new Error("boom"); } },
      { name: "beta", workItems: async () => ({ due: [{ area: { zh: "乙", en: "Beta" }, title: "到期 B", href: "/b", dueOn: "2026-12-01", overdue: true }] }) },
    ]);
    const ctx = { registry, logger: { error: (...args: unknown[]) => errors.push(args), info: () => {}, warn: () => {} } } as unknown as ServiceContext;
    const work = await extensionWorkItems(ctx);
    expect(work.waiting.map((w) => w.href)).toEqual(["/a"]);
    expect(work.due).toEqual([expect.objectContaining({ href: "/b", overdue: true })]);
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain("broken");
  });
});
