import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { defineModule, defineRecordType } from "../../../src/core/items/define";
import { list, number, person, text } from "../../../src/core/items/fields";
import { addItemLinkIn, createItemIn, itemsWithValue, linksOfItem } from "../../../src/core/items/service";
import { auditEvents } from "../../../src/db/schema/audit";
import { inTransaction } from "../../../src/core/context";
import { errorCode, startHarness, systemContext } from "../../support/app";
import { expectJson } from "../records/support";

/**
 * What a workflow may use besides its item: who took the step (compute, effect), the item's
 * classification, its links (guards), items by an indexed value (guards, computes), and links made
 * inside the step's transaction (effects) — declared by a module that lives only in this test.
 */
const sample = defineRecordType({
  id: "lab.sample",
  numberPrefix: "LS",
  title: { zh: "样品", en: "Sample" },
  clauses: ["13.3"],
  fields: {
    code: text({ zh: "编号", en: "Code" }).indexed(),
    tags: list({ tag: text({ zh: "标签", en: "Tag" }).indexed() }, { zh: "标签", en: "Tags" }).optional(),
    checkedBy: person({ zh: "检查人", en: "Checked by" }).optional(),
    sameCode: number({ zh: "同编号样品数", en: "Samples with this code" }, { integer: true, min: 0 }).optional(),
  },
  describe: (m) => ({ title: m.code, date: "2026-01-01" }),
  classification: "internal",
  retention: { code: "TEST-LS", period: { years: 1 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"] },
  workflow: {
    initial: "new",
    states: { new: { zh: "新", en: "New" }, checked: { zh: "已检查", en: "Checked" } },
    final: [],
    transitions: [
      {
        action: "check",
        label: { zh: "检查", en: "Check" },
        from: "new",
        to: "checked",
        roles: ["ip-manager"],
        guard: async (item, _actor, _next, t) => ((await linksOfItem(t, item.id)).length ? null : "Link something first."),
        compute: async (t, _item, next, actor) => ({ checkedBy: actor.id, sameCode: (await itemsWithValue(t, "lab.sample", "code", next.code)).length }),
        effect: async (t, item, by) => {
          const child = await createItemIn(t, "lab.sample", { data: { code: `${item.data.code}-child` }, classification: item.classification }, by);
          await addItemLinkIn(t, item.id, { kind: "item", targetId: child.id, relation: "split into" }, by);
        },
      },
    ],
  },
});

const h = await startHarness({ modules: [defineModule({ name: "lab", title: { zh: "实验室", en: "Lab" }, recordTypes: [sample] })] });
const managerUser = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "secret" });
const manager = await h.signIn(managerUser);
const base = "/api/v1/m/lab/sample";
type Item = { id: string; number: string; state: string; classification: string; data: Record<string, unknown> };

describe("what a workflow may look at and do inside its step", () => {
  it("a guard sees the item's links; a compute who took the step and items by an indexed value; an effect creates and links items as that person, as classified", async () => {
    await expectJson(await manager.post(base, { data: { code: "S-1", tags: [{ tag: "红" }] } }), 201);
    const item = await expectJson<Item>(await manager.post(base, { data: { code: "S-1", tags: [{ tag: "蓝" }] }, classification: "secret" }), 201);
    const refused = await manager.post(`${base}/${item.id}/actions/check`, {});
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toBe("Link something first.");
    const other = await expectJson<Item>(await manager.post(base, { data: { code: "S-2" } }), 201);
    await expectJson(await manager.post(`${base}/${item.id}/links`, { kind: "item", targetId: other.id }), 201);
    const checked = await expectJson<Item>(await manager.post(`${base}/${item.id}/actions/check`, {}), 200);
    expect(checked.data).toMatchObject({ checkedBy: managerUser.id, sameCode: 2 });
    const view = await expectJson<{ links: { direction: string; targetId: string; relation: string | null; display: string }[] }>(await manager.get(`${base}/${item.id}`), 200);
    const split = view.links.find((l) => l.relation === "split into")!;
    expect(split.display).toContain("S-1-child");
    const child = await expectJson<{ item: Item & { createdBy: string }; links: { direction: string; targetId: string }[] }>(await manager.get(`${base}/${split.targetId}`), 200);
    expect(child.item).toMatchObject({ classification: "secret", createdBy: managerUser.id });
    expect(child.links).toEqual([expect.objectContaining({ direction: "from", targetId: item.id })]);
    const linked = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, item.id));
    expect(linked.map((e) => e.action)).toEqual(["lab.sample.created", "lab.sample.linked", "lab.sample.linked", "lab.sample.check"]);
  });

  it("itemsWithValue finds by child rows too and refuses a field that is not indexed; addItemLinkIn refuses unknown kinds and targets", async () => {
    const ctx = systemContext(h.deps);
    await inTransaction(ctx, async (t) => {
      expect((await itemsWithValue(t, "lab.sample", "tags.tag", "蓝")).map((i) => i.data)).toEqual([expect.objectContaining({ code: "S-1" })]);
      await expect(itemsWithValue(t, "lab.sample", "checkedBy", "x")).rejects.toThrow(/not an indexed field/);
      const [first] = await itemsWithValue(t, "lab.sample", "code", "S-2");
      await expect(addItemLinkIn(t, first!.id, { kind: "planet", targetId: "x" }, managerUser.id)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
      await expect(addItemLinkIn(t, first!.id, { kind: "item", targetId: "itm_nothing" }, managerUser.id)).rejects.toMatchObject({ code: "INVALID_REFERENCE" });
      await expect(addItemLinkIn(t, first!.id, { kind: "item", targetId: first!.id }, managerUser.id)).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    }, { mayWriteNothing: true });
    expect(await errorCode(await manager.post(`${base}/itm_nothing/links`, { kind: "planet", targetId: "x" }))).toBe("NOT_FOUND");
  });
});
