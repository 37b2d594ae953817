import { createRoute, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { requirePrincipal } from "../../../src/core/auth/guard";
import { defineModule, defineRecordType } from "../../../src/core/items/define";
import { text } from "../../../src/core/items/fields";
import { listItemsByFields } from "../../../src/core/items/service";
import { ctxOf } from "../../../src/http/env";
import { json } from "../../../src/http/openapi";
import { createRouter } from "../../../src/http/router";
import { startHarness } from "../../support/app";
import { expectJson } from "../records/support";

/**
 * What the framework gives a module beyond its generated API: its own routes under
 * /api/v1/m/<name>, a lookup of items by metadata values for its own rules, and the record of an
 * item of a type without a workflow (made at once, and pointed to by the item).
 */
const note = defineRecordType({
  id: "notes.note",
  numberPrefix: "NT",
  title: { zh: "备忘", en: "Note" },
  clauses: ["4.1"],
  fields: { topic: text({ zh: "主题", en: "Topic" }), body: text({ zh: "内容", en: "Body" }) },
  describe: (m) => ({ title: m.topic, date: "2026-03-02" }),
  classification: "internal",
  retention: { code: "TEST-NOTE", period: { years: 1 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"] },
});

function notesRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({ method: "get", path: "/topics/{topic}/count", tags: ["notes"], summary: "Notes on a topic", request: { params: z.object({ topic: z.string() }) }, responses: { 200: json(z.object({ count: z.number() }), "Count") } }),
    async (c) => {
      const ctx = ctxOf(c);
      requirePrincipal(ctx);
      return c.json({ count: (await listItemsByFields(ctx.db, note.id, { topic: c.req.valid("param").topic })).length }, 200);
    },
  );
  return app;
}

const notes = defineModule({ name: "notes", title: { zh: "备忘", en: "Notes" }, recordTypes: [note], extension: { routes: notesRoutes } });
const h = await startHarness({ modules: [notes] });
const manager = await h.signIn(await h.user({ roles: ["ip-manager"] }));

describe("a module's own routes and lookups", () => {
  it("mounts the module's routes beside its generated ones, documented, behind sign-in", async () => {
    await expectJson(await manager.post("/api/v1/m/notes/note", { data: { topic: "专利", body: "甲" } }), 201);
    await expectJson(await manager.post("/api/v1/m/notes/note", { data: { topic: "专利", body: "乙" } }), 201);
    await expectJson(await manager.post("/api/v1/m/notes/note", { data: { topic: "商标", body: "丙" } }), 201);
    expect(await expectJson(await manager.get(`/api/v1/m/notes/topics/${encodeURIComponent("专利")}/count`), 200)).toEqual({ count: 2 });
    expect((await h.anonymous().get(`/api/v1/m/notes/topics/x/count`)).status).toBe(401);
    const openapi = (await (await h.app.request("/api/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(["/api/v1/m/notes/note", "/api/v1/m/notes/topics/{topic}/count"]));
  });

  it("makes an item of a type without a workflow a record at once, and the item points to it", async () => {
    const item = await expectJson<{ id: string; recordId: string | null; closedAt: string | null }>(await manager.post("/api/v1/m/notes/note", { data: { topic: "记录", body: "丁" } }), 201);
    expect(item.recordId).toMatch(/^rec_/);
    expect(item.closedAt).toBeTruthy();
    const record = await expectJson<{ record: { id: string; sourceId: string } }>(await manager.get(`/api/v1/records/${item.recordId}`), 200);
    expect(record.record).toMatchObject({ id: item.recordId, sourceId: item.id });
  });
});
