import { describe, expect, it } from "vitest";
import { defineModule, defineRecordType } from "../../../src/core/items/define";
import { list, number, person, text } from "../../../src/core/items/fields";
import { listItemsOfType, transitionSchema } from "../../../src/core/items/service";
import { errorCode, startHarness } from "../../support/app";
import { expectJson } from "../records/support";

/**
 * Computed fields: a transition's `compute` fills them from live data, and no one enters them — not
 * when creating, not in an edit, not in any action's inputs. What a compute and a guard see carries
 * the item's classification. People named in the rows of a list are checked like any other.
 */
const tally = defineRecordType({
  id: "tally.count",
  numberPrefix: "TC",
  title: { zh: "计数", en: "Tally" },
  clauses: ["13.2"],
  fields: {
    subject: text({ zh: "主题", en: "Subject" }),
    helpers: list({ name: text({ zh: "事项", en: "Task" }), personId: person({ zh: "人员", en: "Person" }) }, { zh: "人员", en: "Helpers" }).optional(),
    visible: number({ zh: "可见数", en: "Visible" }, { integer: true }).computed(),
    level: text({ zh: "密级", en: "Level" }).computed(),
  },
  describe: (m) => ({ title: m.subject, date: "2026-03-01" }),
  classification: "internal",
  retention: { code: "TEST-TC", period: { years: 1 }, disposition: "destroy" },
  permissions: { create: ["ip-manager"] },
  workflow: {
    initial: "open",
    states: { open: { zh: "进行中", en: "Open" }, counted: { zh: "已计数", en: "Counted" } },
    final: ["counted"],
    editable: ["open"],
    transitions: [
      {
        action: "count",
        label: { zh: "计数", en: "Count" },
        from: "open",
        to: "counted",
        roles: ["ip-manager"],
        // how many tallies the person counting sees, and how secret this one is
        compute: async (t, item) => ({ visible: (await listItemsOfType(t, "tally.count", { limit: 1, offset: 0 })).total, level: item.classification }),
      },
    ],
  },
});

const h = await startHarness({ modules: [defineModule({ name: "tally", title: { zh: "计数", en: "Tally" }, recordTypes: [tally] })] });
const managerUser = await h.user({ roles: ["ip-manager"], clearance: "secret" });
const manager = await h.signIn(managerUser);
const base = "/api/v1/m/tally/count";

describe("computed fields", () => {
  it("are refused on create, edit and in an action's inputs, and filled by the compute", async () => {
    expect(await errorCode(await manager.post(base, { data: { subject: "x", visible: 99 } }))).toBe("VALIDATION_FAILED");
    const item = await expectJson<{ id: string }>(await manager.post(base, { data: { subject: "一" }, classification: "secret" }), 201);
    await expectJson(await manager.post(base, { data: { subject: "二" } }), 201);
    const patch = (body: unknown) => manager.request(`${base}/${item.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(await errorCode(await patch({ level: "public" }))).toBe("VALIDATION_FAILED");
    // an edit of an entered field still passes with the computed ones absent
    await expectJson(await patch({ subject: "一（改）" }), 200);
    expect(await errorCode(await manager.post(`${base}/${item.id}/actions/count`, { data: { visible: 1 } }))).toBe("VALIDATION_FAILED");
    const counted = await expectJson<{ state: string; data: Record<string, unknown> }>(await manager.post(`${base}/${item.id}/actions/count`, {}), 200);
    expect(counted).toMatchObject({ state: "counted", data: { subject: "一（改）", visible: 2, level: "secret" } });
    const types = await expectJson<{ id: string; fields: { name: string; computed?: boolean }[] }[]>(await manager.get("/api/v1/m"), 200);
    expect(types[0]!.fields.map((f) => [f.name, !!f.computed])).toEqual([["subject", false], ["helpers", false], ["visible", true], ["level", true]]);
  });

  it("cannot be a transition's input (a declaration mistake, found when its schema is built)", () => {
    expect(() => transitionSchema({ ...tally, workflow: { ...tally.workflow!, transitions: [{ ...tally.workflow!.transitions[0]!, inputs: ["visible"] }] } }, { ...tally.workflow!.transitions[0]!, inputs: ["visible"] })).toThrow(/computed/);
  });

  it("checks the people named in the rows of a list", async () => {
    expect(await errorCode(await manager.post(base, { data: { subject: "三", helpers: [{ name: "记录", personId: "usr_nobody" }] } }))).toBe("INVALID_REFERENCE");
    await expectJson(await manager.post(base, { data: { subject: "三", helpers: [{ name: "记录", personId: managerUser.id }] } }), 201);
  });
});
