import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { requirePrincipal } from "../auth/guard";
import { CreateDepartmentInput, Department, OrganisationProfile, UpdateOrganisationInput } from "./schemas";
import { createDepartment, getOrganisationProfile, isOrganisationNamed, listDepartments, updateOrganisationProfile } from "./service";

/** The organisation's name and its units. */
export function organisationRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/organisation",
      tags: ["organisation"],
      summary: "The organisation's name, as certificates, PDFs and packages carry it (named: false until an admin names it)",
      responses: { 200: json(OrganisationProfile, "Organisation"), 401: errors[401] },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      requirePrincipal(ctx);
      return c.json({ ...(await getOrganisationProfile(ctx.db)), named: await isOrganisationNamed(ctx.db) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/organisation",
      tags: ["organisation"],
      summary: "Name or rename the organisation (admins); later certificates, PDFs and packages carry the new name",
      request: { body: jsonBody(UpdateOrganisationInput) },
      responses: { 200: json(OrganisationProfile, "Renamed"), 400: errors[400], 401: errors[401], 403: errors[403] },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      return c.json({ ...(await updateOrganisationProfile(ctx, c.req.valid("json"))), named: true }, 200);
    },
  );

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
