import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { CreateUserInput, UpdateUserInput, User } from "./schemas";
import { presentUser } from "./present";
import { createUser, getUser, listUsers, resetPassword, updateUser } from "./service";

const IdParam = z.object({ id: z.string().openapi({ example: "usr_…" }) });

/** User administration (admins), and reading your own record. */
export function userRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/users",
      tags: ["users"],
      summary: "All users (admins)",
      responses: { 200: json(z.strictObject({ users: z.array(User) }), "Users"), 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json({ users: (await listUsers(ctxOf(c))).map(presentUser) }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/users",
      tags: ["users"],
      summary: "Create a user (admins); without a password one is generated and returned once",
      request: { body: jsonBody(CreateUserInput) },
      responses: {
        201: json(z.strictObject({ user: User, password: z.string().optional() }), "Created"),
        400: errors[400],
        401: errors[401],
        403: errors[403],
        409: json(z.any(), "Username taken (ALREADY_EXISTS)"),
      },
    }),
    async (c) => {
      const created = await createUser(ctxOf(c), c.req.valid("json"));
      return c.json({ user: presentUser(created.user), ...(created.password === undefined ? {} : { password: created.password }) }, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/users/{id}",
      tags: ["users"],
      summary: "One user (admins, or yourself)",
      request: { params: IdParam },
      responses: { 200: json(User, "User"), 401: errors[401], 404: errors[404] },
    }),
    async (c) => c.json(presentUser(await getUser(ctxOf(c), c.req.valid("param").id)), 200),
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/users/{id}",
      tags: ["users"],
      summary: "Change roles, department, clearance, name, language or active flag (admins)",
      request: { params: IdParam, body: jsonBody(UpdateUserInput) },
      responses: { 200: json(User, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => c.json(presentUser(await updateUser(ctxOf(c), c.req.valid("param").id, c.req.valid("json"))), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/users/{id}/reset-password",
      tags: ["users"],
      summary: "Generate a new password (returned once); ends the user's sessions",
      request: { params: IdParam },
      responses: { 200: json(z.strictObject({ password: z.string() }), "New password"), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => c.json(await resetPassword(ctxOf(c), c.req.valid("param").id), 200),
  );

  return app;
}
