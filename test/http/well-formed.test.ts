import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { DomainError, mapDatabaseError } from "../../src/core/errors";
import { startHarness } from "../support/app";

const h = await startHarness();
const admin = await h.signIn(await h.user({ roles: ["admin"], clearance: "top-secret" }));

/** Sends `body` as it is (JSON.stringify would keep "\udfff" as an escape too, but the point is to show the wire). */
function postJson(path: string, body: string, method = "POST") {
  return admin.request(path, { method, headers: { "content-type": "application/json" }, body });
}

async function refusal(res: Response): Promise<{ status: number; code: string; message: string; field?: string }> {
  const body = (await res.json()) as { error: { code: string; message: string; details?: { field?: string } } };
  return { status: res.status, code: body.error.code, message: body.error.message, field: body.error.details?.field };
}

describe("lone UTF-16 surrogates and text that is not UTF-8", () => {
  it("are refused in JSON bodies with 400 VALIDATION_FAILED naming the field, on several routes, and nothing is stored", async () => {
    const me = (await (await admin.get("/api/v1/me")).json()) as { id: string };
    const cases: [string, string, string, string][] = [
      ["POST", "/api/v1/departments", '{"code":"SURR1","name":"\\udfff"}', "name"],
      ["POST", "/api/v1/users", '{"username":"surrogate.user","displayName":"\\ud800 王","roles":["employee"]}', "displayName"],
      ["POST", "/api/v1/me/tokens", '{"name":"x\\udc00y"}', "name"],
      ["PATCH", `/api/v1/users/${me.id}`, '{"displayName":"ok","position":"\\udbff"}', "position"],
      ["POST", "/api/v1/documents", '{"title":"t","categoryId":"x","keywords":["fine","\\udfff"]}', "keywords.1"],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await refusal(await postJson(path, body, method));
      expect(r, `${method} ${path}`).toMatchObject({ status: 400, code: "VALIDATION_FAILED", field });
      expect(r.message).toContain(`“${field}”`);
      expect(r.message).toMatch(/broken character/);
    }
    // a broken key is refused too
    const key = await refusal(await postJson("/api/v1/departments", '{"code":"SURR2","name":"n","\\udfff":1}'));
    expect(key).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
    expect(key.message).toMatch(/field name/);
    // bytes that are not UTF-8 at all
    const bytes = await admin.request("/api/v1/departments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.concat([Buffer.from('{"code":"SURR3","name":"'), Buffer.from([0xed, 0xbf, 0xbf]), Buffer.from('"}')]),
    });
    expect(await refusal(bytes)).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });

    const departments = (await (await admin.get("/api/v1/departments")).json()) as { departments: { code: string }[] };
    expect(departments.departments.map((d) => d.code)).not.toEqual(expect.arrayContaining(["SURR1"]));
    expect(departments.departments.map((d) => d.code)).not.toContain("SURR2");
    const users = (await (await admin.get("/api/v1/users")).json()) as { users: { username: string }[] };
    expect(users.users.map((u) => u.username)).not.toContain("surrogate.user");
  });

  it("let a real surrogate pair (an emoji) through, and leave a file uploaded as JSON alone", async () => {
    const res = await postJson("/api/v1/departments", '{"code":"EMOJI","name":"部门 \\ud83d\\ude00"}');
    expect(res.status).toBe(201);
    expect(((await res.json()) as { name: string }).name).toBe("部门 😀");
    // a file's bytes are its own business: Custos stores them as sent
    const file = await admin.request("/api/v1/files?filename=data.json", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"raw":"\\udfff"}',
    });
    expect(file.status).toBe(201);
  });

  it("are refused in form bodies (percent-encoded bytes that are not UTF-8)", async () => {
    const form = await admin.request("/admin/departments", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html", "x-csrf-token": admin.csrfToken! },
      body: "code=SURR4&name=%ED%BF%BF",
    });
    expect(form.status).toBe(400);
    expect(await form.text()).toContain("“name”");
    const signIn = await h.app.request("/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=%ED%A0%80&password=whatever",
    });
    expect(await refusal(signIn)).toMatchObject({ status: 400, code: "VALIDATION_FAILED", field: "username" });
    const departments = (await (await admin.get("/api/v1/departments")).json()) as { departments: { code: string }[] };
    expect(departments.departments.map((d) => d.code)).not.toContain("SURR4");
  });

  it("are refused in query strings", async () => {
    for (const path of ["/api/v1/documents?q=%ED%BF%BF", "/api/v1/users?anything=a%ED%A0%80b", "/api/v1/files?filename=%ED%BF%BF.pdf"]) {
      const res = path.startsWith("/api/v1/files")
        ? await admin.request(path, { method: "POST", headers: { "content-type": "application/pdf" }, body: "%PDF-1.4" })
        : await admin.get(path);
      const r = await refusal(res);
      expect(r, path).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
      expect(r.message).toMatch(/query parameter/);
    }
    // Chinese, percent-encoded as UTF-8, is of course fine
    expect((await admin.get(`/api/v1/documents?q=${encodeURIComponent("知识产权")}`)).status).toBe(200);
  });
});

describe("the database error table", () => {
  it("maps 22P02 (text the column cannot hold, e.g. a lone surrogate in jsonb) to VALIDATION_FAILED", async () => {
    const err = await h.deps.db.execute(sql`select ${'{"name":"\\udfff"}'}::jsonb`).catch((e: unknown) => e);
    const mapped = mapDatabaseError(err);
    expect(mapped).toBeInstanceOf(DomainError);
    expect((mapped as DomainError).code).toBe("VALIDATION_FAILED");
    expect((mapped as DomainError).status).toBe(400);
  });
});
