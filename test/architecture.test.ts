import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * The dependency rules of the code, checked on the import graph of src/ (value imports only: an
 * `import type` leaves nothing at run time and creates no cycle):
 * - no import cycles;
 * - pages and web routes call services, never repositories, the job queue or the schema;
 * - API routes call services, never repositories or the database;
 * - the core knows nothing of the web layer or of modules, and only its routes know HTTP;
 * - modules are declarations on the framework: no repositories, no database, no web layer.
 */
const ROOT = resolve(__dirname, "..");

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(ROOT, candidate);
  }
  return null;
}

/** The files each file imports values from (static imports and re-exports). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(join(ROOT, "src"))) {
    const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false, file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const targets: string[] = [];
    for (const node of source.statements) {
      let specifier: ts.Expression | undefined;
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        if (clause?.isTypeOnly) continue;
        const bindings = clause?.namedBindings;
        const onlyTypes = clause && !clause.name && bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
        if (onlyTypes) continue;
        specifier = node.moduleSpecifier;
      } else if (ts.isExportDeclaration(node)) {
        if (node.isTypeOnly) continue;
        specifier = node.moduleSpecifier;
      }
      if (specifier && ts.isStringLiteral(specifier)) {
        const target = resolveImport(file, specifier.text);
        if (target) targets.push(target);
      }
    }
    graph.set(relative(ROOT, file), targets);
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string) => {
    indexOf.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!indexOf.has(v)) visit(v);
  return found;
}

const graph = importGraph();

/** Every import from a file matching `from` to a file matching `to`, as "a -> b". */
function violations(from: (f: string) => boolean, to: (f: string) => boolean): string[] {
  return [...graph].flatMap(([file, targets]) => (from(file) ? targets.filter(to).map((t) => `${file} -> ${t}`) : []));
}

const isRepository = (f: string) => /\/repo\.tsx?$/.test(f) || f === "src/core/jobs/queue.ts" || f.startsWith("src/db/");
const isCoreRoute = (f: string) => f.startsWith("src/core/") && /\/routes\.tsx?$/.test(f);

describe("dependency rules", () => {
  it("reads the import graph (a sanity check of the parser)", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("src/app.tsx")).toContain("src/web/routes.tsx");
  });

  it("has no import cycles", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("keeps pages and web routes on services: no repositories, job queue or schema", () => {
    expect(violations((f) => f.startsWith("src/web/"), isRepository)).toEqual([]);
  });

  it("keeps API routes on services: no repositories or database", () => {
    expect(violations(isCoreRoute, isRepository)).toEqual([]);
  });

  it("keeps the core free of the web layer and of modules, and HTTP to its routes", () => {
    expect(violations((f) => f.startsWith("src/core/"), (t) => t.startsWith("src/web/") || t.startsWith("src/modules/"))).toEqual([]);
    expect(violations((f) => f.startsWith("src/core/") && !isCoreRoute(f), (t) => t.startsWith("src/http/"))).toEqual([]);
  });

  it("keeps modules declarations: no repositories, database or web layer", () => {
    expect(violations((f) => f.startsWith("src/modules/"), (t) => isRepository(t) || t.startsWith("src/web/"))).toEqual([]);
  });
});
