import { describe, expect, it } from "vitest";
import { CreateContractInput } from "../../src/core/contracts/schemas";
import { CreateDocumentInput } from "../../src/core/documents/schemas";
import { CreateDepartmentInput } from "../../src/core/organisation/schemas";
import { DeclareRecordInput, RecordClassInput } from "../../src/core/records/schemas";
import { CreateUserInput } from "../../src/core/users/schemas";
import { startHarness } from "../support/app";

/**
 * The inputs of the main forms carry the length limits the server enforces (`maxlength` equal to
 * the schema's `.max()`), and `required` where the schema needs a value: a person learns the limit
 * while typing, not from a refusal after posting.
 */
const h = await startHarness();
const admin = await h.signIn(await h.user({ roles: ["admin", "ip-manager", "legal"], displayName: "表单管理员", clearance: "secret" }));

/** The string schema under optional/nullable/default/preprocess wrappers, and its limits. */
function limitsOf(schema: unknown): { max?: number; required: boolean } | undefined {
  let s = schema as { _zod: { def: Record<string, unknown> }; maxLength?: number | null; minLength?: number | null } | undefined;
  let required = true;
  for (let i = 0; i < 12 && s; i++) {
    const def = s._zod.def;
    if (def.type === "string") return { max: s.maxLength ?? undefined, required: required && (s.minLength ?? 0) > 0 };
    if (def.type === "optional" || def.type === "nullable" || def.type === "default" || def.type === "prefault") required = false;
    if (def.type === "pipe") {
      const inner = limitsOf(def.in);
      if (inner?.max !== undefined) return { max: inner.max, required: required && inner.required };
      const out = limitsOf(def.out);
      return out && { max: out.max ?? inner?.max, required: required && out.required };
    }
    s = (def.innerType ?? def.schema) as typeof s;
  }
  return undefined;
}

/** Each `<input>`/`<textarea>` of the page by name: its maxlength and whether it is required. */
function inputsOf(html: string): Map<string, { maxlength?: number; required: boolean }> {
  const out = new Map<string, { maxlength?: number; required: boolean }>();
  for (const m of html.matchAll(/<(input|textarea)\b([^>]*)>/g)) {
    const attrs = m[2]!;
    const name = /\bname="([^"]+)"/.exec(attrs)?.[1];
    if (!name || /\btype="(hidden|checkbox|radio|file|submit)"/.test(attrs)) continue;
    const max = /\bmaxlength="(\d+)"/.exec(attrs)?.[1];
    out.set(name, { maxlength: max ? Number(max) : undefined, required: /\brequired(=""|\b)/.test(attrs) });
  }
  return out;
}

const forms: [string, string, { shape: Record<string, unknown> }][] = [
  ["new document", "/documents/new", CreateDocumentInput as never],
  ["declare a record", "/records/new", DeclareRecordInput as never],
  ["new contract", "/contracts/new", CreateContractInput as never],
  ["new user", "/admin/users", CreateUserInput as never],
  ["new department", "/admin/departments", CreateDepartmentInput as never],
  ["new record class", "/records/plan/new", RecordClassInput as never],
];

describe("form inputs carry the server's limits", () => {
  for (const [what, path, schema] of forms) {
    it(`the ${what} form (${path})`, async () => {
      const res = await admin.get(path, { accept: "text/html" });
      expect(res.status).toBe(200);
      const inputs = inputsOf(await res.text());
      const problems: string[] = [];
      let checked = 0;
      for (const [name, field] of Object.entries(schema.shape)) {
        const input = inputs.get(name);
        const limits = limitsOf(field);
        if (!input || !limits) continue;
        checked++;
        if (limits.max !== undefined && input.maxlength !== limits.max) problems.push(`${name}: maxlength ${input.maxlength ?? "none"}, the server allows ${limits.max}`);
        if (limits.required && !input.required) problems.push(`${name}: the server needs a value but the input is not required`);
      }
      expect(checked, "the form has inputs the schema limits").toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
  }
});
