import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { DomainError } from "../../../src/core/errors";
import { compareRevisions, getTemplate, listTemplates, loadTemplateCatalog, TemplateDefinitionError, type DocumentTemplate } from "../../../src/core/templates";
import { makeWorkDir } from "./support";

const work = makeWorkDir();
afterAll(() => work.cleanup());

const EXPECTED = {
  "exit-ip-agreement": { clause: "7.3.2.5", title: "离职知识产权协议" },
  "ip-declaration": { clause: "7.3.2.4", title: "知识产权声明" },
  "non-compete": { clause: "7.3.2.4", title: "竞业限制协议" },
  "policy-acknowledgement": { clause: "4.2.1", title: "方针确认书" },
} as const;

function allText(t: DocumentTemplate): { zh: string; en: string } {
  const texts = t.body.flatMap((s) => [s.heading, ...s.paragraphs]);
  return { zh: texts.map((x) => x.zh).join("\n"), en: texts.map((x) => x.en).join("\n") };
}

/** Writes a template folder of its own for the loader tests. */
function writeCatalog(name: string, files: Record<string, unknown>): URL {
  const root = join(work.dir, name);
  for (const [path, json] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), typeof json === "string" ? json : JSON.stringify(json));
  }
  return pathToFileURL(`${root}/`);
}

async function minimalTemplate(overrides: Partial<DocumentTemplate> = {}): Promise<DocumentTemplate> {
  const base = await getTemplate("policy-acknowledgement");
  return { ...structuredClone(base), ...overrides };
}

describe("template catalog", () => {
  it("loads every template in templates/ and lists the latest revision of each with all revisions", async () => {
    const listings = await listTemplates();
    expect(listings.map((l) => l.id)).toEqual(expect.arrayContaining(Object.keys(EXPECTED)));
    for (const listing of listings) {
      const expected = EXPECTED[listing.id as keyof typeof EXPECTED];
      if (expected) expect(listing.latest).toMatchObject({ clause: expected.clause, title: { zh: expected.title } });
      expect(listing.revisions.length).toBeGreaterThanOrEqual(1);
      expect(listing.revisions.at(-1)).toBe(listing.latest);
      expect(await getTemplate(listing.id)).toBe(listing.latest);
      expect(await getTemplate(listing.id, listing.latest.revision)).toBe(listing.latest);
    }
  });

  it("states in every template that the Chinese text prevails, and every template names its employee", async () => {
    for (const { latest } of await listTemplates()) {
      const text = allText(latest);
      expect(text.zh).toContain("以中文文本为准");
      expect(text.en).toContain("the Chinese text prevails");
      expect(latest.fields.find((f) => f.name === "employeeName")?.required).toBe(true);
      expect(latest.signatureLines[0]!.role).toBe("employee");
    }
  });

  it("keeps the legal limits in the templates: non-compete at most 24 months, the one-year rule after leaving", async () => {
    const nonCompete = await getTemplate("non-compete");
    const months = nonCompete.fields.find((f) => f.name === "restrictionMonths")!;
    expect(months).toMatchObject({ type: "number", required: true, max: 24, integer: true });
    expect(allText(nonCompete).zh).toContain("第二十四条");
    for (const name of ["restrictedScope", "restrictedRegion", "monthlyCompensation", "liquidatedDamages"]) {
      expect(nonCompete.fields.find((f) => f.name === name)?.required).toBe(true);
    }
    const exit = allText(await getTemplate("exit-ip-agreement")).zh;
    expect(exit).toContain("劳动关系终止后一年内");
    expect(exit).toContain("《中华人民共和国专利法实施细则》第十三条");
    expect(allText(await getTemplate("ip-declaration")).zh).toContain("商业秘密");
  });

  it("answers NOT_FOUND for an unknown template or revision", async () => {
    await expect(getTemplate("no-such-template")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(getTemplate("ip-declaration", "99")).rejects.toBeInstanceOf(DomainError);
    await expect(getTemplate("ip-declaration", "99")).rejects.toMatchObject({ code: "NOT_FOUND", details: { templateId: "ip-declaration", revision: "99" } });
  });

  it("orders revisions numerically and serves the highest as latest", async () => {
    expect(["10", "2", "1", "2.1"].sort(compareRevisions)).toEqual(["1", "2", "2.1", "10"]);
    const t = await minimalTemplate();
    const dir = writeCatalog("revisions", {
      "policy-acknowledgement/1.json": { ...t, revision: "1" },
      "policy-acknowledgement/2.json": { ...t, revision: "2" },
      "policy-acknowledgement/10.json": { ...t, revision: "10", effectiveFrom: "2027-01-01" },
    });
    const catalog = await loadTemplateCatalog(dir);
    expect(catalog.get("policy-acknowledgement").revision).toBe("10");
    expect(catalog.get("policy-acknowledgement", "2").revision).toBe("2");
    expect(catalog.list()[0]!.revisions.map((r) => r.revision)).toEqual(["1", "2", "10"]);
  });

  it("refuses a template file that is malformed or inconsistent, naming the file and the problem", async () => {
    const t = await minimalTemplate();
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ["not-json", { "policy-acknowledgement/1.json": "{ nope" }, /policy-acknowledgement\/1\.json is not valid JSON/],
      ["unknown-placeholder", { "policy-acknowledgement/1.json": { ...t, body: [{ heading: { zh: "一", en: "1" }, paragraphs: [{ zh: "{{salary}}", en: "{{salary}}" }] }] } }, /placeholder \{\{salary\}\} names no field/],
      ["wrong-folder", { "other-name/1.json": t }, /differs from its folder/],
      ["wrong-file", { "policy-acknowledgement/3.json": t }, /differs from its file name/],
      ["bad-type", { "policy-acknowledgement/1.json": { ...t, fields: [{ ...t.fields[0], type: "checkbox" }] } }, /fields\.0\.type/],
      ["missing-english", { "policy-acknowledgement/1.json": { ...t, title: { zh: "方针确认书" } } }, /title\.en/],
      ["duplicate-field", { "policy-acknowledgement/1.json": { ...t, fields: [...t.fields, t.fields[0]] } }, /declared twice/],
    ];
    for (const [name, files, message] of cases) {
      const load = loadTemplateCatalog(writeCatalog(name, files));
      await expect(load, name).rejects.toBeInstanceOf(TemplateDefinitionError);
      await expect(load, name).rejects.toThrow(message);
    }
  });

  it("hands out frozen templates, so no caller can change the cached catalog", async () => {
    const t = await getTemplate("ip-declaration");
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.fields[0])).toBe(true);
    expect(() => {
      (t.fields as unknown as unknown[]).push({});
    }).toThrow(TypeError);
  });
});
