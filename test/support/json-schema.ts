/**
 * A small JSON Schema (2020-12, the subset the OpenAPI generator emits) validator for the contract
 * test. It is stricter than the standard on one point: an object schema that lists `properties`
 * and says nothing about `additionalProperties` is closed, so a response carrying a field the
 * contract does not declare (an internal column, key material) fails. `{}` (anything) is reported
 * where a response schema is required to say something.
 */
export type JsonSchema = Record<string, unknown>;

export interface SchemaProblem {
  path: string;
  message: string;
}

export function validateJson(root: { components?: { schemas?: Record<string, JsonSchema> } }, schema: JsonSchema, value: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  check(schema, value, "$", problems, root.components?.schemas ?? {});
  return problems;
}

function resolve(schema: JsonSchema, named: Record<string, JsonSchema>): JsonSchema {
  let s = schema;
  for (let i = 0; i < 20 && typeof s.$ref === "string"; i++) {
    const name = s.$ref.replace("#/components/schemas/", "");
    const target = named[name];
    if (!target) throw new Error(`unresolvable $ref ${s.$ref}`);
    const { $ref: _ref, ...rest } = s;
    s = { ...target, ...rest };
  }
  // an extended object (`Base.extend({...})`) is emitted as allOf [Base, {more properties}]: one object
  if (Array.isArray(s.allOf)) {
    const parts = (s.allOf as JsonSchema[]).map((p) => resolve(p, named));
    if (parts.every((p) => p.type === "object" || p.properties)) {
      const { allOf: _allOf, ...rest } = s;
      return {
        ...rest,
        type: "object",
        properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), rest.properties ?? {}),
        required: [...new Set(parts.flatMap((p) => (p.required as string[]) ?? []))],
        ...(parts.some((p) => p.additionalProperties === false) || rest.additionalProperties === false ? { additionalProperties: false } : {}),
      };
    }
  }
  return s;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(declared: string, actual: string): boolean {
  return declared === actual || (declared === "number" && actual === "integer");
}

function check(raw: JsonSchema, value: unknown, path: string, out: SchemaProblem[], named: Record<string, JsonSchema>): void {
  const schema = resolve(raw, named);
  const actual = typeOf(value);
  if (schema.anyOf || schema.oneOf) {
    const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[];
    const results = options.map((option) => {
      const p: SchemaProblem[] = [];
      check(option, value, path, p, named);
      return p;
    });
    if (!results.some((p) => p.length === 0)) {
      const best = results.reduce((a, b) => (b.length < a.length ? b : a));
      out.push(...best);
    }
  }
  for (const part of (schema.allOf as JsonSchema[] | undefined) ?? []) check(part, value, path, out, named);
  if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) out.push({ path, message: `expected ${JSON.stringify(schema.const)}, got ${JSON.stringify(value)}` });
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push({ path, message: `${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}` });
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (schema.nullable === true) types.push("null");
    if (!types.some((t) => matchesType(t, actual))) {
      out.push({ path, message: `expected ${types.join(" | ")}, got ${actual}` });
      return;
    }
  }
  if (actual === "string") {
    const s = value as string;
    if (typeof schema.minLength === "number" && s.length < schema.minLength) out.push({ path, message: `shorter than ${schema.minLength}` });
    if (typeof schema.maxLength === "number" && s.length > schema.maxLength) out.push({ path, message: `longer than ${schema.maxLength}` });
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(s)) out.push({ path, message: `${JSON.stringify(s)} does not match ${schema.pattern}` });
  }
  if (actual === "number" || actual === "integer") {
    const n = value as number;
    if (typeof schema.minimum === "number" && n < schema.minimum) out.push({ path, message: `below ${schema.minimum}` });
    if (typeof schema.maximum === "number" && n > schema.maximum) out.push({ path, message: `above ${schema.maximum}` });
  }
  if (actual === "array") {
    const items = value as unknown[];
    if (schema.items && typeof schema.items === "object") items.forEach((item, i) => check(schema.items as JsonSchema, item, `${path}[${i}]`, out, named));
    if (typeof schema.minItems === "number" && items.length < schema.minItems) out.push({ path, message: `fewer than ${schema.minItems} items` });
  }
  if (actual === "object") {
    const obj = value as Record<string, unknown>;
    const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? undefined;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in obj)) out.push({ path, message: `missing required property "${key}"` });
    for (const [key, v] of Object.entries(obj)) {
      if (properties && key in properties) {
        check(properties[key]!, v, `${path}.${key}`, out, named);
      } else if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
        check(schema.additionalProperties as JsonSchema, v, `${path}.${key}`, out, named);
      } else if (schema.additionalProperties === false || (properties && schema.additionalProperties === undefined)) {
        out.push({ path, message: `undeclared property "${key}"` });
      }
    }
  }
}

/** True for a schema that says nothing (`{}`, z.any(), z.unknown()). */
export function saysNothing(schema: JsonSchema | undefined): boolean {
  return !schema || Object.keys(schema).filter((k) => k !== "description" && k !== "example").length === 0;
}

/**
 * Paths inside a schema where an object lists properties but does not close itself with
 * `additionalProperties: false` (i.e. its zod schema is not `.strict()`).
 */
export function openObjects(root: { components?: { schemas?: Record<string, JsonSchema> } }, raw: JsonSchema, path = "$", seen = new Set<string>()): string[] {
  const named = root.components?.schemas ?? {};
  if (typeof raw.$ref === "string") {
    if (seen.has(raw.$ref)) return [];
    seen.add(raw.$ref);
    return openObjects(root, named[raw.$ref.replace("#/components/schemas/", "")] ?? {}, raw.$ref.replace("#/components/schemas/", ""), seen);
  }
  const schema = resolve(raw, named);
  const found: string[] = [];
  // an object that names its fields and still takes others (`z.looseObject`, or no word at all) is not strict
  if (schema.properties && schema.additionalProperties !== false) found.push(path);
  for (const [k, v] of Object.entries((schema.properties as Record<string, JsonSchema>) ?? {})) found.push(...openObjects(root, v, `${path}.${k}`, seen));
  if (schema.items && typeof schema.items === "object") found.push(...openObjects(root, schema.items as JsonSchema, `${path}[]`, seen));
  for (const key of ["anyOf", "oneOf", "allOf"]) for (const part of (schema[key] as JsonSchema[] | undefined) ?? []) found.push(...openObjects(root, part, path, seen));
  if (schema.additionalProperties && typeof schema.additionalProperties === "object") found.push(...openObjects(root, schema.additionalProperties as JsonSchema, `${path}.*`, seen));
  return found;
}
