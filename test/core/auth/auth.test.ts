import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { requireReauth, THROTTLE } from "../../../src/core/auth/service";
import { sessions } from "../../../src/db/schema/users";
import { auditEvents } from "../../../src/db/schema/audit";
import { DomainError } from "../../../src/core/errors";
import { errorCode, startHarness, type Client } from "../../support/app";

const h = await startHarness();

describe("password sign-in", () => {
  it("signs in, sets an HttpOnly SameSite=Lax cookie, and audits it", async () => {
    const user = await h.user({ displayName: "张三" });
    const client = h.anonymous();
    const res = await client.post("/api/v1/auth/sign-in", { username: user.username, password: user.password });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith("custos_session="))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const body = (await res.json()) as { user: { displayName: string }; csrfToken: string };
    expect(body.user.displayName).toBe("张三");
    expect(body.csrfToken).toBeTruthy();
    const me = await client.get("/api/v1/me");
    expect(((await me.json()) as { username: string }).username).toBe(user.username);
    const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, user.id));
    expect(events.map((e) => e.action)).toContain("auth.signed_in");
  });

  it("marks the cookie Secure behind TLS", async () => {
    const user = await h.user();
    const res = await h.app.request("https://custos.example/api/v1/auth/sign-in", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: user.username, password: user.password }),
    });
    expect(res.headers.getSetCookie().join()).toMatch(/Secure/);
  });

  it("stores only a hash of the session token", async () => {
    const user = await h.user();
    const client = await h.signIn(user);
    const token = client.cookies.get("custos_session")!;
    const rows = await h.deps.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).not.toBe(token);
    expect(rows[0]!.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it("answers a wrong password and an unknown user alike, and audits the failure", async () => {
    const user = await h.user();
    const wrong = await h.anonymous().post("/api/v1/auth/sign-in", { username: user.username, password: "not the password" });
    const unknown = await h.anonymous().post("/api/v1/auth/sign-in", { username: "nobody-here", password: "whatever123" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = (await wrong.json()) as { error: { code: string; message: string } };
    const b = (await unknown.json()) as { error: { code: string; message: string } };
    expect(a.error.code).toBe("INVALID_CREDENTIALS");
    expect(a.error.message).toBe(b.error.message);
    const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "auth.sign_in_failed"));
    expect(events.map((e) => e.objectId)).toEqual(expect.arrayContaining([user.id, "username:nobody-here"]));
  });

  it("locks a username after repeated failures, even for the right password, until the lock ends", async () => {
    const user = await h.user();
    for (let i = 0; i < THROTTLE.perUser; i++) {
      await h.anonymous().post("/api/v1/auth/sign-in", { username: user.username, password: `wrong-${i}` });
    }
    const locked = await h.anonymous().post("/api/v1/auth/sign-in", { username: user.username, password: user.password });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await errorCode(locked)).toBe("TOO_MANY_ATTEMPTS");
    h.clock.advance(THROTTLE.lockMs + 1000);
    const after = await h.anonymous().post("/api/v1/auth/sign-in", { username: user.username, password: user.password });
    expect(after.status).toBe(200);
  });

  it("refuses a deactivated user", async () => {
    const admin = await h.signIn(await h.user({ roles: ["admin"] }));
    const user = await h.user();
    const client = await h.signIn(user);
    expect((await admin.patch(`/api/v1/users/${user.id}`, { active: false })).status).toBe(200);
    expect(await errorCode(await client.get("/api/v1/me"))).toBe("UNAUTHENTICATED");
    const again = await h.anonymous().post("/api/v1/auth/sign-in", { username: user.username, password: user.password });
    expect(await errorCode(again)).toBe("INVALID_CREDENTIALS");
  });
});

describe("sessions", () => {
  it("sign-out ends the session", async () => {
    const client = await h.signIn(await h.user());
    const token = client.cookies.get("custos_session")!;
    expect((await client.post("/api/v1/auth/sign-out")).status).toBe(200);
    const replay = await h.app.request("/api/v1/me", { headers: { cookie: `custos_session=${token}` } });
    expect(replay.status).toBe(401);
  });

  it("treats an expired session as signed out", async () => {
    const user = await h.user();
    const client = await h.signIn(user);
    await h.deps.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, user.id));
    const res = await client.get("/api/v1/me");
    expect(res.status).toBe(401);
    expect(await errorCode(res)).toBe("UNAUTHENTICATED");
  });

  it("sends people without a session to the sign-in page", async () => {
    const res = await h.app.request("/", { headers: { accept: "text/html" } });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/sign-in?next=%2F");
  });
});

describe("CSRF", () => {
  it("refuses a cookie-authenticated change without the session's CSRF token", async () => {
    const client = await h.signIn(await h.user());
    const token = client.csrfToken;
    client.csrfToken = undefined;
    const res = await client.post("/api/v1/me/tokens", { name: "script" });
    expect(res.status).toBe(403);
    expect(await errorCode(res)).toBe("CSRF_FAILED");
    const forged = await client.post("/api/v1/me/tokens", { name: "script" }, { "x-csrf-token": "forged" });
    expect(await errorCode(forged)).toBe("CSRF_FAILED");
    client.csrfToken = token;
    expect((await client.post("/api/v1/me/tokens", { name: "script" })).status).toBe(201);
  });

  it("accepts the token as a form field and refuses a form without it", async () => {
    const client = await h.signIn(await h.user());
    const without = await client.form("/account/tokens", { name: "a" }, { csrf: false });
    expect(without.status).toBe(403);
    const withToken = await client.form("/account/tokens", { name: "a" });
    expect(withToken.status).toBe(200);
  });

  it("refuses a sign-in form posted from another site", async () => {
    const user = await h.user();
    const res = await h.app.request("/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example", accept: "text/html" },
      body: new URLSearchParams({ username: user.username, password: user.password }),
    });
    expect(res.status).toBe(403);
  });

  it("refuses an anonymous sign-in with Origin: null (login CSRF from a sandboxed frame or a local file) or a garbled Origin", async () => {
    const user = await h.user();
    for (const origin of ["null", "not a url"]) {
      const form = await h.app.request("/sign-in", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin, accept: "text/html" },
        body: new URLSearchParams({ username: user.username, password: user.password }),
      });
      expect(form.status, `form, Origin: ${origin}`).toBe(403);
      expect(form.headers.getSetCookie().join()).not.toContain("custos_session=");
      const api = await h.anonymous().post("/api/v1/auth/sign-in", { username: user.username, password: user.password }, { origin });
      expect(api.status, `API, Origin: ${origin}`).toBe(403);
      expect(await errorCode(api)).toBe("CSRF_FAILED");
    }
    const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, user.id));
    expect(events.map((e) => e.action)).not.toContain("auth.signed_in");
    // the form posted from Custos's own page still signs in
    const own = await h.app.request("http://localhost/sign-in", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost", accept: "text/html" },
      body: new URLSearchParams({ username: user.username, password: user.password }),
    });
    expect(own.status).toBe(303);
    expect(own.headers.getSetCookie().join()).toContain("custos_session=");
    // and browsers send that Origin only if our pages let them: under "Referrer-Policy: no-referrer"
    // Chromium posts our own sign-in form with "Origin: null", which the rule above refuses
    const page = await h.app.request("/sign-in", { headers: { accept: "text/html" } });
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
  });
});

describe("API tokens", () => {
  it("authenticates scripts with a bearer token until it is revoked", async () => {
    const user = await h.user();
    const client = await h.signIn(user);
    const created = (await (await client.post("/api/v1/me/tokens", { name: "nightly export" })).json()) as { id: string; token: string };
    expect(created.token).toMatch(/^cat_/);
    const bearer = { authorization: `Bearer ${created.token}` };
    const me = await h.app.request("/api/v1/me", { headers: bearer });
    expect(me.status).toBe(200);
    // bearer requests need no CSRF token
    const another = await h.app.request("/api/v1/me/tokens", {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: JSON.stringify({ name: "second" }),
    });
    expect(another.status).toBe(201);
    const listed = (await (await client.get("/api/v1/me/tokens")).json()) as { tokens: Record<string, unknown>[] };
    expect(listed.tokens).toHaveLength(2);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect((await client.delete(`/api/v1/me/tokens/${created.id}`)).status).toBe(200);
    const after = await h.app.request("/api/v1/me", { headers: bearer });
    expect(after.status).toBe(401);
    expect(await errorCode(await client.delete(`/api/v1/me/tokens/${created.id}`))).toBe("NOT_FOUND");
  });

  it("refuses an expired token and a malformed header", async () => {
    const client = await h.signIn(await h.user());
    const created = (await (await client.post("/api/v1/me/tokens", { name: "short", expiresInDays: 1 })).json()) as { token: string };
    h.clock.advance(2 * 86_400_000);
    expect((await h.app.request("/api/v1/me", { headers: { authorization: `Bearer ${created.token}` } })).status).toBe(401);
    expect((await h.app.request("/api/v1/me", { headers: { authorization: "Basic abc" } })).status).toBe(401);
  });

  it("cannot revoke someone else's token", async () => {
    const alice = await h.signIn(await h.user());
    const bob = await h.signIn(await h.user());
    const created = (await (await alice.post("/api/v1/me/tokens", { name: "alice" })).json()) as { id: string };
    expect(await errorCode(await bob.delete(`/api/v1/me/tokens/${created.id}`))).toBe("NOT_FOUND");
  });
});

describe("ending sessions and API tokens", () => {
  const DAY = 86_400_000;
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
  async function newToken(client: Client, body: Record<string, unknown> = { name: "script" }) {
    const res = await client.post("/api/v1/me/tokens", body);
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; token: string; expiresAt: string };
  }
  async function lastEvent(objectId: string, action: string) {
    const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, objectId));
    return events.filter((e) => e.action === action).at(-1);
  }

  it("changing your password ends your other sessions and revokes your API tokens, audited; this session stays", async () => {
    const user = await h.user();
    const here = await h.signIn(user);
    const elsewhere = await h.signIn(user);
    const token = await newToken(here);
    expect((await h.app.request("/api/v1/me", bearer(token.token))).status).toBe(200);
    const res = await here.post("/api/v1/me/password", { currentPassword: user.password, newPassword: "a much better password" });
    expect(res.status).toBe(200);
    expect((await here.get("/api/v1/me")).status).toBe(200);
    expect(await errorCode(await elsewhere.get("/api/v1/me"))).toBe("UNAUTHENTICATED");
    expect(await errorCode(await h.app.request("/api/v1/me", bearer(token.token)))).toBe("UNAUTHENTICATED");
    const listed = (await (await here.get("/api/v1/me/tokens")).json()) as { tokens: { id: string; revokedAt: string | null }[] };
    expect(listed.tokens.find((t) => t.id === token.id)!.revokedAt).toBeTruthy();
    expect((await lastEvent(user.id, "user.password_changed"))!.data).toEqual({ sessionsEnded: 1, tokensRevoked: [token.id] });

    // the page's form does the same
    const other = await h.signIn({ ...user, password: "a much better password" });
    const page = await here.form("/account/password", {
      currentPassword: "a much better password",
      newPassword: "yet another good password",
      confirmPassword: "yet another good password",
    });
    expect(page.status).toBe(303);
    expect((await here.get("/api/v1/me")).status).toBe(200);
    expect((await other.get("/api/v1/me")).status).toBe(401);
  });

  it("an administrator's password reset ends every session and revokes every token", async () => {
    const admin = await h.signIn(await h.user({ roles: ["admin"] }));
    const user = await h.user();
    const session = await h.signIn(user);
    const token = await newToken(session);
    expect((await admin.post(`/api/v1/users/${user.id}/reset-password`)).status).toBe(200);
    expect((await session.get("/api/v1/me")).status).toBe(401);
    expect(await errorCode(await h.app.request("/api/v1/me", bearer(token.token)))).toBe("UNAUTHENTICATED");
    expect((await lastEvent(user.id, "user.password_reset"))!.data).toEqual({ sessionsEnded: 1, tokensRevoked: [token.id] });
  });

  it("deactivation revokes the tokens, and reactivation does not bring them back", async () => {
    const admin = await h.signIn(await h.user({ roles: ["admin"] }));
    const user = await h.user();
    const session = await h.signIn(user);
    const token = await newToken(session);
    expect((await admin.patch(`/api/v1/users/${user.id}`, { active: false })).status).toBe(200);
    expect((await h.app.request("/api/v1/me", bearer(token.token))).status).toBe(401);
    expect((await lastEvent(user.id, "user.updated"))!.data).toMatchObject({ after: { active: false }, sessionsEnded: 1, tokensRevoked: [token.id] });
    expect((await admin.patch(`/api/v1/users/${user.id}`, { active: true })).status).toBe(200);
    expect(await errorCode(await h.app.request("/api/v1/me", bearer(token.token)))).toBe("UNAUTHENTICATED");
    expect((await session.get("/api/v1/me")).status).toBe(401);
    // their password still works, and new tokens do
    const back = await h.signIn(user);
    expect((await h.app.request("/api/v1/me", bearer((await newToken(back)).token))).status).toBe(200);
  });

  it("tokens live 90 days unless asked otherwise, at most 365, and are refused once expired", async () => {
    const client = await h.signIn(await h.user());
    const created = h.clock.now();
    const standard = await newToken(client);
    expect(new Date(standard.expiresAt).getTime()).toBe(created.getTime() + 90 * DAY);
    const year = await newToken(client, { name: "yearly", expiresInDays: 365 });
    expect(new Date(year.expiresAt).getTime()).toBe(created.getTime() + 365 * DAY);
    const tooLong = await client.post("/api/v1/me/tokens", { name: "forever", expiresInDays: 366 });
    expect(tooLong.status).toBe(400);
    expect(await errorCode(tooLong)).toBe("VALIDATION_FAILED");
    const page = await client.form("/account/tokens", { name: "from the page", expiresInDays: "400" });
    expect(page.status).toBe(400);

    h.clock.advance(89 * DAY);
    expect((await h.app.request("/api/v1/me", bearer(standard.token))).status).toBe(200);
    h.clock.advance(2 * DAY);
    expect(await errorCode(await h.app.request("/api/v1/me", bearer(standard.token)))).toBe("UNAUTHENTICATED");
    expect((await h.app.request("/api/v1/me", bearer(year.token))).status).toBe(200);
  });
});

describe("re-authentication before a signature", () => {
  it("accepts the person's own password and refuses anything else, audited and throttled", async () => {
    const user = await h.user();
    const ctx = {
      ...h.deps,
      principal: null,
      actor: { userId: user.id, label: user.username },
      request: { ip: "10.0.0.9", userAgent: null, requestId: null },
    };
    await expect(requireReauth(ctx, user.password)).resolves.toBeUndefined();
    const wrong = await requireReauth(ctx, "someone else's").catch((e) => e);
    expect(wrong).toBeInstanceOf(DomainError);
    expect((wrong as DomainError).code).toBe("REAUTH_FAILED");
    for (let i = 0; i < THROTTLE.perUser; i++) await requireReauth(ctx, "wrong").catch(() => undefined);
    const locked = await requireReauth(ctx, user.password).catch((e) => e);
    expect((locked as DomainError).code).toBe("TOO_MANY_ATTEMPTS");
    const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.action, "auth.reauth_failed"));
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]!.ip).toBe("10.0.0.9");
  });
});

describe("changing one's own password", () => {
  it("throttles guesses of the current password like re-authentication: the sixth try is 429 even when right", async () => {
    const user = await h.user();
    const client = await h.signIn(user);
    for (let i = 0; i < THROTTLE.perUser; i++) {
      const wrong = await client.post("/api/v1/me/password", { currentPassword: `guess number ${i}`, newPassword: "a much better password" });
      expect(wrong.status, `try ${i + 1}`).toBe(401);
      expect(await errorCode(wrong)).toBe("REAUTH_FAILED");
    }
    const locked = await client.post("/api/v1/me/password", { currentPassword: user.password, newPassword: "a much better password" });
    expect(locked.status).toBe(429);
    expect(await errorCode(locked)).toBe("TOO_MANY_ATTEMPTS");
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    // the page's form is the same door
    const page = await client.form("/account/password", {
      currentPassword: user.password,
      newPassword: "a much better password",
      confirmPassword: "a much better password",
    });
    expect(page.status).toBe(429);
    const failures = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, user.id));
    const reauth = failures.filter((e) => e.action === "auth.reauth_failed");
    expect(reauth).toHaveLength(THROTTLE.perUser);
    expect(reauth[0]!.data).toEqual({ purpose: "password-change" });
    h.clock.advance(THROTTLE.lockMs + 1000);
    const ok = await client.post("/api/v1/me/password", { currentPassword: user.password, newPassword: "a much better password" });
    expect(ok.status).toBe(200);
  });
});

describe("generated passwords", () => {
  it("must be changed before anything else", async () => {
    const admin = await h.signIn(await h.user({ roles: ["admin"] }));
    const created = (await (
      await admin.post("/api/v1/users", { username: "newhire", displayName: "李四", roles: ["employee"] })
    ).json()) as { user: { id: string }; password: string };
    expect(created.password).toHaveLength(16);
    const client = await h.signIn({ id: created.user.id, username: "newhire", password: created.password, roles: ["employee"] });
    expect(await errorCode(await client.get("/api/v1/departments"))).toBe("PASSWORD_CHANGE_REQUIRED");
    const page = await client.get("/", { accept: "text/html" });
    expect(page.headers.get("location")).toBe("/account/password");
    const weak = await client.post("/api/v1/me/password", { currentPassword: created.password, newPassword: "short" });
    expect(await errorCode(weak)).toBe("VALIDATION_FAILED");
    const wrongCurrent = await client.post("/api/v1/me/password", { currentPassword: "nope", newPassword: "a much better password" });
    expect(await errorCode(wrongCurrent)).toBe("REAUTH_FAILED");
    const ok = await client.post("/api/v1/me/password", { currentPassword: created.password, newPassword: "a much better password" });
    expect(ok.status).toBe(200);
    expect((await client.get("/api/v1/departments")).status).toBe(200);
  });
});
