import { readdir, readFile } from "node:fs/promises";
import { DomainError } from "../errors";
import { listPlaceholders, ORGANISATION_PLACEHOLDERS } from "./placeholders";
import { documentTemplateSchema, type DocumentTemplate } from "./schema";

/** The `templates/` folder at the package root. */
export const TEMPLATES_DIRECTORY = new URL("../../../templates/", import.meta.url);

/** One template: its latest revision and every revision, oldest first. */
export interface TemplateListing {
  id: string;
  latest: DocumentTemplate;
  revisions: readonly DocumentTemplate[];
}

/** Every template of one folder, validated and frozen. */
export interface TemplateCatalog {
  /** All templates by id, each with its latest and all revisions. */
  list(): TemplateListing[];
  /**
   * One revision of a template, the latest when `revision` is left out.
   * @throws DomainError `NOT_FOUND` for an unknown template or revision.
   */
  get(id: string, revision?: string): DocumentTemplate;
}

/** A template file that is not a valid template; a fault of the deployment, not of a caller. */
export class TemplateDefinitionError extends Error {
  override name = "TemplateDefinitionError";
}

/** Orders revisions numerically, segment by segment ("2" < "2.1" < "10"). */
export function compareRevisions(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Rules zod cannot express: names unique, placeholders and `notBefore` refer to declared fields. */
function consistencyProblems(template: DocumentTemplate): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  for (const field of template.fields) {
    if (names.has(field.name)) problems.push(`field "${field.name}" is declared twice`);
    names.add(field.name);
  }
  for (const field of template.fields) {
    if (field.notBefore !== undefined && template.fields.find((f) => f.name === field.notBefore)?.type !== "date") {
      problems.push(`field "${field.name}": notBefore "${field.notBefore}" is not a date field`);
    }
    if (field.type !== "date" && field.notBefore !== undefined) problems.push(`field "${field.name}": notBefore applies to dates only`);
    if (field.type !== "number" && (field.min !== undefined || field.max !== undefined || field.integer !== undefined)) {
      problems.push(`field "${field.name}": min, max and integer apply to numbers only`);
    }
  }
  const known = new Set<string>([...names, ...ORGANISATION_PLACEHOLDERS]);
  const texts = template.body.flatMap((s) => [s.heading, ...s.paragraphs]).flatMap((t) => [t.zh, t.en]);
  for (const name of new Set(texts.flatMap(listPlaceholders))) {
    if (!known.has(name)) problems.push(`placeholder {{${name}}} names no field`);
  }
  return problems;
}

async function loadTemplateFile(file: URL, folder: string, fileName: string): Promise<DocumentTemplate> {
  const where = `templates/${folder}/${fileName}`;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (err) {
    throw new TemplateDefinitionError(`${where} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = documentTemplateSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new TemplateDefinitionError(`${where} is not a valid template: ${issues.join("; ")}`);
  }
  const template = parsed.data;
  const problems = consistencyProblems(template);
  if (template.id !== folder) problems.push(`id "${template.id}" differs from its folder "${folder}"`);
  if (`${template.revision}.json` !== fileName) problems.push(`revision "${template.revision}" differs from its file name`);
  if (problems.length > 0) throw new TemplateDefinitionError(`${where} is not a valid template: ${problems.join("; ")}`);
  return deepFreeze(template);
}

/**
 * Reads and validates every `<id>/<revision>.json` under `directory`. Any invalid file
 * fails the whole load with a {@link TemplateDefinitionError} naming the file and problem.
 */
export async function loadTemplateCatalog(directory: URL = TEMPLATES_DIRECTORY): Promise<TemplateCatalog> {
  const folders = (await readdir(directory, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const byId = new Map<string, DocumentTemplate[]>();
  for (const folder of folders) {
    const folderUrl = new URL(`${folder}/`, directory);
    const files = (await readdir(folderUrl)).filter((f) => f.endsWith(".json"));
    const revisions = await Promise.all(files.map((f) => loadTemplateFile(new URL(f, folderUrl), folder, f)));
    if (revisions.length === 0) continue;
    revisions.sort((a, b) => compareRevisions(a.revision, b.revision));
    byId.set(folder, revisions);
  }
  const listings: TemplateListing[] = [...byId].map(([id, revisions]) => ({ id, latest: revisions.at(-1)!, revisions: Object.freeze(revisions) }));
  return {
    list: () => listings.map((l) => ({ ...l })),
    get(id, revision) {
      const revisions = byId.get(id);
      if (!revisions) throw new DomainError("NOT_FOUND", `There is no document template "${id}".`, { templateId: id });
      if (revision === undefined) return revisions.at(-1)!;
      const found = revisions.find((t) => t.revision === revision);
      if (!found) throw new DomainError("NOT_FOUND", `Template "${id}" has no revision "${revision}".`, { templateId: id, revision });
      return found;
    },
  };
}

let defaultCatalog: Promise<TemplateCatalog> | undefined;

function catalog(): Promise<TemplateCatalog> {
  if (!defaultCatalog) {
    defaultCatalog = loadTemplateCatalog();
    defaultCatalog.catch(() => {
      defaultCatalog = undefined;
    });
  }
  return defaultCatalog;
}

/** Every template of the package's `templates/` folder (read once, then cached), by id. */
export async function listTemplates(): Promise<TemplateListing[]> {
  return (await catalog()).list();
}

/**
 * One template revision from the package's `templates/` folder; the latest (highest)
 * revision when `revision` is left out.
 *
 * @throws DomainError `NOT_FOUND` for an unknown template id or revision.
 */
export async function getTemplate(id: string, revision?: string): Promise<DocumentTemplate> {
  return (await catalog()).get(id, revision);
}
