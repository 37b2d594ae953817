import { describe, expect, it } from "vitest";
import { startHarness } from "../support/app";

const h = await startHarness();
const client = await h.signIn(await h.user({ roles: ["admin"] }));

describe("errors", () => {
  it("answers malformed JSON with 400 MALFORMED_JSON and a request id", async () => {
    const res = await client.request("/api/v1/departments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"code": "X", "name": ',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
    expect(body.error.code).toBe("MALFORMED_JSON");
    expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("answers a JSON route sent text or a form with 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const me = (await (await client.get("/api/v1/me")).json()) as { id: string };
    const attempts: [string, string, string, string][] = [
      ["POST", "/api/v1/departments", "text/plain", "code=X"],
      ["POST", "/api/v1/departments", "application/x-www-form-urlencoded", "code=X&name=Y"],
      ["PATCH", `/api/v1/users/${me.id}`, "text/plain", '{"displayName":"X"}'],
      ["POST", "/api/v1/me/tokens", "multipart/form-data; boundary=b", '--b\r\ncontent-disposition: form-data; name="name"\r\n\r\nx\r\n--b--\r\n'],
    ];
    for (const [method, path, type, body] of attempts) {
      const res = await client.request(path, { method, headers: { "content-type": type }, body });
      expect(res.status, `${method} ${path} as ${type}`).toBe(415);
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
      expect(error.message).toContain("application/json");
    }
    // the anonymous sign-in too
    const signIn = await h.anonymous().request("/api/v1/auth/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=a&password=b",
    });
    expect(signIn.status).toBe(415);
  });

  it("answers an oversized JSON body with 413 before reading it all", async () => {
    const res = await client.request("/api/v1/departments", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: "X", name: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers unknown routes with 404: JSON for the API, a page for people", async () => {
    const api = await client.get("/api/v1/nothing-here");
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    const page = await client.get("/nothing-here", { accept: "text/html" });
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("页面不存在");
  });

  it("names each invalid field", async () => {
    const res = await client.post("/api/v1/departments", { code: "bad code!", name: "" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: { issues: { path: string }[] } } };
    expect(body.error.details.issues.map((i) => i.path).sort()).toEqual(["code", "name"]);
  });

  it("reports database and storage health", async () => {
    const res = await h.app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { database: { ok: true }, storage: { ok: true } } });
  });

  it("publishes the OpenAPI description and a readable docs page", async () => {
    const doc = (await (await h.app.request("/api/openapi.json")).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    for (const path of ["/api/v1/auth/sign-in", "/api/v1/users", "/api/v1/users/{id}", "/api/v1/files", "/api/v1/audit/verify"]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
    const page = await client.get("/api/docs", { accept: "text/html" });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/api/v1/audit/verify");
    // the page's own words and the groups are in the reader's language
    for (const words of ["调用时以 API 令牌认证", "<h2>受控文件</h2>", "<h2>电子签名</h2>", "请求体"]) expect(html).toContain(words);
    expect(html).not.toContain("Authenticate with");
    const en = await (await client.get("/api/docs?lang=en", { accept: "text/html" })).text();
    expect(en).toContain("<h2>Controlled documents</h2>");
    await client.get("/?lang=zh-CN", { accept: "text/html" });
  });
});
