import { z } from "zod";
import { describe, expect, it } from "vitest";
import { auditEvent, readEvent } from "../../../src/core/audit/events";
import { readerPolicy } from "../../../src/core/access/policy";
import { coreExtensions, createRegistry } from "../../../src/core/extensions";
import { Registry, RegistryError } from "../../../src/core/registry";
import { installedModules } from "../../../src/modules";

const CJK = /[\u4e00-\u9fff]/;

describe("the event-name catalogue", () => {
  const registry = createRegistry(installedModules);

  it("names every registered event in Chinese and in English", () => {
    expect(registry.auditEvents.length).toBeGreaterThan(100);
    const missing = registry.auditEvents.filter((e) => !CJK.test(e.label?.zh ?? "") || !e.label?.en?.trim() || CJK.test(e.label.en) || e.label.en.includes(e.action));
    expect(missing.map((e) => e.action)).toEqual([]);
  });

  it("marks the views, opens and downloads as reads, and nothing that changes an object", () => {
    const reads = registry.readActions;
    for (const action of ["document.copy_issued", "file.downloaded", "record.content_downloaded", "evidence.opened", "evidence.file_downloaded", "signature.document_viewed", "audit_package.downloaded", "record.searched"]) {
      expect(reads, action).toContain(action);
    }
    for (const action of ["document.updated", "record.corrected", "signature.signed", "contract.created"]) expect(reads, action).not.toContain(action);
  });

  it("lets a module declare its events' names and reads without the core, and refuses an event named in one language only", () => {
    const widgets = {
      name: "widgets",
      policies: [readerPolicy("widget", () => true)],
      events: [
        auditEvent("widget.made", "widget", { zh: "制作", en: "Widget made" }, z.strictObject({}), { fields: { size: { zh: "尺寸", en: "Size" } } }),
        readEvent("widget.viewed", "widget", { zh: "查看", en: "Widget viewed" }, z.strictObject({})),
      ],
    };
    const r = new Registry([...coreExtensions, widgets]);
    expect(r.auditEvent("widget.made")?.fields?.size?.en).toBe("Size");
    expect(r.readActions).toContain("widget.viewed");
    expect(r.readActions).not.toContain("widget.made");
    const unnamed = { ...widgets, events: [auditEvent("widget.broken", "widget", { zh: "损坏", en: " " }, z.strictObject({}))] };
    expect(() => new Registry([...coreExtensions, unnamed])).toThrow(RegistryError);
  });
});
