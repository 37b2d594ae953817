import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents } from "../../../src/db/schema/audit";
import { ensureInitialAdmin } from "../../../src/core/users/service";
import { errorCode, startHarness } from "../../support/app";

const h = await startHarness();
const admin = await h.signIn(await h.user({ roles: ["admin"], clearance: "top-secret" }));

describe("user administration", () => {
  it("creates a user with roles, department and clearance, audited with the values", async () => {
    const dept = (await (await admin.post("/api/v1/departments", { code: "IPO", name: "知识产权部", nameEn: "IP Office" })).json()) as {
      id: string;
    };
    const res = await admin.post("/api/v1/users", {
      username: "Wang.Wu",
      displayName: "王五",
      password: "a good long password",
      roles: ["ip-manager", "employee"],
      departmentId: dept.id,
      clearance: "secret",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { user: { id: string; username: string; roles: string[]; clearance: string }; password?: string };
    expect(body.user).toMatchObject({ username: "wang.wu", roles: ["ip-manager", "employee"], clearance: "secret" });
    expect(body.password).toBeUndefined();
    expect(JSON.stringify(body)).not.toContain("passwordHash");
    const [event] = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, body.user.id));
    expect(event!.action).toBe("user.created");
    expect(event!.data).toMatchObject({ after: { username: "wang.wu", clearance: "secret", departmentId: dept.id } });
  });

  it("refuses a taken username, bad input and an unknown department with clear codes", async () => {
    const base = { displayName: "A", password: "a good long password", roles: ["employee"] };
    expect((await admin.post("/api/v1/users", { ...base, username: "dup" })).status).toBe(201);
    const dup = await admin.post("/api/v1/users", { ...base, username: "DUP" });
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { error: { message: string } }).error.message).toMatch(/username/i);
    const bad = await admin.post("/api/v1/users", { ...base, username: "x y", roles: ["wizard"] });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { error: { code: string; details: { issues: { path: string }[] } } };
    expect(badBody.error.code).toBe("VALIDATION_FAILED");
    expect(badBody.error.details.issues.map((i) => i.path)).toEqual(expect.arrayContaining(["username", "roles.0"]));
    const weak = await admin.post("/api/v1/users", { ...base, username: "weakpw", password: "weakpw12345" });
    expect(await errorCode(weak)).toBe("VALIDATION_FAILED");
    const dept = await admin.post("/api/v1/users", { ...base, username: "nodept", departmentId: "dep_missing" });
    expect(await errorCode(dept)).toBe("INVALID_REFERENCE");
  });

  it("is for admins only; others see only themselves", async () => {
    const employee = await h.user();
    const client = await h.signIn(employee);
    expect(await errorCode(await client.get("/api/v1/users"))).toBe("FORBIDDEN");
    expect(await errorCode(await client.post("/api/v1/users", { username: "x1", displayName: "x", roles: ["admin"] }))).toBe("FORBIDDEN");
    expect((await client.get(`/api/v1/users/${employee.id}`)).status).toBe(200);
    const other = await h.user();
    expect(await errorCode(await client.get(`/api/v1/users/${other.id}`))).toBe("NOT_FOUND");
    expect(await errorCode(await client.patch(`/api/v1/users/${employee.id}`, { roles: ["admin"] }))).toBe("FORBIDDEN");
  });

  it("records before and after of a change; deactivation ends the user's sessions", async () => {
    const user = await h.user({ roles: ["employee"] });
    const session = await h.signIn(user);
    const res = await admin.patch(`/api/v1/users/${user.id}`, { roles: ["employee", "legal"], clearance: "confidential" });
    expect(res.status).toBe(200);
    const events = await h.deps.db.select().from(auditEvents).where(eq(auditEvents.objectId, user.id));
    const update = events.find((e) => e.action === "user.updated")!;
    expect(update.data).toEqual({
      before: { roles: ["employee"], clearance: "internal" },
      after: { roles: ["employee", "legal"], clearance: "confidential" },
    });
    await admin.patch(`/api/v1/users/${user.id}`, { active: false });
    expect((await session.get("/api/v1/me")).status).toBe(401);
  });

  it("does not let an admin lock themselves out", async () => {
    const me = (await (await admin.get("/api/v1/me")).json()) as { id: string };
    expect(await errorCode(await admin.patch(`/api/v1/users/${me.id}`, { active: false }))).toBe("INVALID_STATE");
    expect(await errorCode(await admin.patch(`/api/v1/users/${me.id}`, { roles: ["employee"] }))).toBe("INVALID_STATE");
  });

  it("resets a password: old sessions end, the new one works once changed", async () => {
    const user = await h.user();
    const old = await h.signIn(user);
    const res = await admin.post(`/api/v1/users/${user.id}/reset-password`);
    const { password } = (await res.json()) as { password: string };
    expect((await old.get("/api/v1/me")).status).toBe(401);
    const fresh = await h.signIn({ ...user, password });
    expect(await errorCode(await fresh.get("/api/v1/departments"))).toBe("PASSWORD_CHANGE_REQUIRED");
  });
});

describe("the first administrator", () => {
  it("is created once on an empty database, even when two instances start at the same moment", async () => {
    const fresh = await startHarness();
    const results = await Promise.all([ensureInitialAdmin(fresh.deps), ensureInitialAdmin(fresh.deps)]);
    const created = results.filter((r) => r !== null);
    expect(created).toHaveLength(1);
    expect(created[0]!.username).toBe("admin");
    expect(await ensureInitialAdmin(fresh.deps)).toBeNull();
    const admin = await fresh.signIn({ id: "", username: "admin", password: created[0]!.password } as never);
    expect(await errorCode(await admin.get("/api/v1/departments"))).toBe("PASSWORD_CHANGE_REQUIRED");
  });
});
