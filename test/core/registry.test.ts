import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { readerPolicy } from "../../src/core/access/policy";
import { auditEvent } from "../../src/core/audit/events";
import { appendAuditEvents, audit, AuditEventError } from "../../src/core/audit/service";
import { inTransaction, systemContext, UnauditedWriteError } from "../../src/core/context";
import { coreExtensions, createRegistry } from "../../src/core/extensions";
import { Registry, RegistryError } from "../../src/core/registry";
import { auditEvents } from "../../src/db/schema/audit";
import { rowsOf } from "../../src/db/sql";
import { startHarness } from "../support/app";

const widgetEvent = auditEvent("widget.made", "widget", { zh: "做了", en: "Made" }, z.strictObject({ size: z.number() }));
const widgets = { name: "widgets", events: [widgetEvent], policies: [readerPolicy("widget", () => true)] };
const h = await startHarness({ extensions: [widgets] });

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(path)));
    else if (/\.tsx?$/.test(entry.name)) out.push(path);
  }
  return out;
}

describe("the registry's invariants", () => {
  it("every object type a registered audit event names has an access policy", () => {
    const registry = createRegistry();
    for (const event of registry.auditEvents) {
      for (const type of [event.objectType, ...(event.alsoOn ?? [])]) expect(registry.policy(type), `${event.action} → ${type}`).toBeDefined();
    }
    const orphan = auditEvent("orphan.happened", "orphan", { zh: "孤儿", en: "Orphan" }, z.object({}));
    expect(() => new Registry([...coreExtensions, { name: "bad", events: [orphan] }])).toThrow(RegistryError);
  });

  it("refuses two areas claiming the same kind of thing", () => {
    expect(() => new Registry([...coreExtensions, { name: "copy", policies: [readerPolicy("record", () => true)] }])).toThrow(/declared twice/);
    expect(() => new Registry([...coreExtensions, { name: "copy", signatureSources: [{ kind: "template" }] }])).toThrow(/declared twice/);
  });

  it("every kind of signature request the code opens has a registered source (its completion hooks)", async () => {
    const kinds = new Set<string>();
    for (const file of await sourceFiles("src")) {
      const text = await readFile(file, "utf8");
      if (!text.includes("openSignatureRequest(")) continue;
      for (const m of text.matchAll(/sourceKind: "([a-z-]+)"/g)) kinds.add(m[1]!);
    }
    expect(kinds.size).toBeGreaterThan(3);
    const registered = createRegistry().signatureSources.map((s) => s.kind);
    for (const kind of kinds) expect(registered, kind).toContain(kind);
    // the API's own kinds: a template, an uploaded file
    expect(registered).toEqual(expect.arrayContaining(["template", "file"]));
  });

  it("every kind of background job the code enqueues is registered", async () => {
    const registered = createRegistry().jobDefinitions.map((j) => j.kind);
    for (const file of await sourceFiles("src")) {
      const text = await readFile(file, "utf8");
      for (const m of text.matchAll(/defineJob\(\{\s*kind: "([a-z-]+)"/g)) expect(registered, `${file}: ${m[1]}`).toContain(m[1]);
    }
    expect(registered).toEqual(expect.arrayContaining(["retention-sweep", "fixity-check", "audit-package", "csv-import", "signing-reminders", "revision-activation", "archive-timestamps"]));
  });
});

describe("audit events are typed and appended at commit", () => {
  const ctx = () => systemContext(h.deps);

  it("appends the events of a transaction when it commits, and none when it rolls back", async () => {
    await inTransaction(ctx(), async (t) => audit(t, widgetEvent, "w-1", { size: 1 }));
    await expect(
      inTransaction(ctx(), async (t) => {
        audit(t, widgetEvent, "w-2", { size: 2 });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    const rows = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "widget.made"));
    expect(rows.map((r) => r.objectId)).toEqual(["w-1"]);
  });

  it("refuses an event whose type is not registered, or whose data does not fit its schema", async () => {
    const stranger = auditEvent("widget.unregistered", "widget", { zh: "未登记", en: "Unregistered" }, z.object({}));
    await expect(inTransaction(ctx(), async (t) => audit(t, stranger, "w-3", {}))).rejects.toThrow(AuditEventError);
    await expect(inTransaction(ctx(), async (t) => audit(t, widgetEvent, "w-4", { size: "big" } as never))).rejects.toThrow(/does not fit its schema/);
    await expect(inTransaction(ctx(), async (t) => audit(t, widgetEvent, "w-5", { size: 5, extra: true } as never))).rejects.toThrow(AuditEventError);
    const rows = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "widget.made"));
    expect(rows.map((r) => r.objectId)).not.toContain("w-4");
  });

  it("refuses a write transaction that records no event, and undoes what it wrote", async () => {
    await expect(
      inTransaction(ctx(), async (t) => {
        await t.db.execute(sql`insert into departments (id, code, name, created_at, updated_at) values ('dep_unaudited', 'UNAUD', '未审计', now(), now())`);
      }),
    ).rejects.toThrow(UnauditedWriteError);
    const left = rowsOf<{ n: number }>(await h.deps.db.execute(sql`select count(*)::int as n from departments where id = 'dep_unaudited'`));
    expect(left[0]!.n).toBe(0);
  });

  it("shows events about an object type without a policy only to administrators cleared top-secret (fail closed)", async () => {
    await h.deps.db.transaction((tx) =>
      appendAuditEvents(tx, h.deps.clock, [
        { action: "legacy.thing_changed", objectType: "legacy_thing", objectId: "lt-1", data: { note: "FAIL-CLOSED-MARKER" }, actor: { userId: null, label: "old version" }, request: { ip: null, userAgent: null, requestId: null } },
      ]),
    );
    const secretAdmin = await h.signIn(await h.user({ roles: ["admin"], clearance: "confidential" }));
    const topAdmin = await h.signIn(await h.user({ roles: ["admin"], clearance: "top-secret" }));
    expect(await (await secretAdmin.get("/api/v1/audit/events?objectType=legacy_thing")).text()).not.toContain("FAIL-CLOSED-MARKER");
    expect(await (await secretAdmin.get("/api/v1/evidence/search?kind=audit-event&q=FAIL-CLOSED")).text()).not.toContain("FAIL-CLOSED-MARKER");
    expect(await (await topAdmin.get("/api/v1/audit/events?objectType=legacy_thing")).text()).toContain("FAIL-CLOSED-MARKER");
  });
});
