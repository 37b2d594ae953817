import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { CreateDepartmentInput, Department } from "./schemas";
import { createDepartment, listDepartments } from "./service";

/** The organisation units. */
export function organisationRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/departments",
      tags: ["organisation"],
      summary: "All departments",
      responses: { 200: json(z.strictObject({ departments: z.array(Department) }), "Departments"), 401: errors[401] },
    }),
    async (c) => c.json({ departments: await listDepartments(ctxOf(c)) }, 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/departments",
      tags: ["organisation"],
      summary: "Create a department (admins)",
      request: { body: jsonBody(CreateDepartmentInput) },
      responses: { 201: json(Department, "Created"), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => c.json((await createDepartment(ctxOf(c), c.req.valid("json"))), 201),
  );

  return app;
}
