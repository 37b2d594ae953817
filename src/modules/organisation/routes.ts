import { createRoute, z } from "@hono/zod-openapi";
import { requirePrincipal } from "../../core/auth/guard";
import { presentItem } from "../../core/items/routes";
import { ctxOf } from "../../http/env";
import { errors, json } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { measurement } from "./objective";
import { policyAcknowledgement } from "./policy";
import { acknowledgePolicy, listIndicators, listMeasurements, policyCoverage } from "./service";

const Label = z.object({ zh: z.string(), en: z.string() });
const IdParam = z.object({ id: z.string() });
const Person = z.object({ userId: z.string(), displayName: z.string(), departmentId: z.string().nullable() });
const Coverage = z
  .object({
    policy: z.object({ id: z.string(), number: z.string(), revision: z.string(), state: z.string(), current: z.boolean() }),
    staff: z.number().int(),
    acknowledgedCount: z.number().int(),
    coverage: z.number(),
    acknowledged: z.array(Person.extend({ acknowledgedOn: z.string(), number: z.string() })),
    notYet: z.array(Person),
  })
  .openapi("PolicyCoverage");
const Item = z.object({ id: z.string(), number: z.string(), state: z.string(), data: z.record(z.string(), z.unknown()) }).passthrough();

/** The organisation module's own routes: acknowledging the policy, its coverage, the indicators and an objective's measurements. */
export function organisationRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: "post",
      path: "/policy/{id}/acknowledge",
      tags: ["organisation"],
      summary: "确认方针 Acknowledge the current policy (once per person and revision)",
      request: { params: IdParam },
      responses: { 201: json(Item, "The acknowledgement record"), 401: errors[401], 404: errors[404], 409: json(z.any(), "Not the current revision, not issued, or already acknowledged") },
    }),
    async (c) => c.json(presentItem(policyAcknowledgement, await acknowledgePolicy(ctxOf(c), c.req.valid("param").id)) as never, 201),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/policy/{id}/coverage",
      tags: ["organisation"],
      summary: "方针确认覆盖情况 Who has and has not acknowledged this revision, computed now",
      request: { params: IdParam },
      responses: { 200: json(Coverage, "Coverage"), 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => c.json(await policyCoverage(ctxOf(c), c.req.valid("param").id), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/objective/{id}/measurements",
      tags: ["organisation"],
      summary: "目标测量记录 The measurements of an objective, newest first",
      request: { params: IdParam },
      responses: { 200: json(z.object({ items: z.array(Item) }), "Measurements"), 401: errors[401], 404: errors[404] },
    }),
    async (c) => c.json({ items: (await listMeasurements(ctxOf(c), c.req.valid("param").id)).map((m) => presentItem(measurement, m)) } as never, 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/indicators",
      tags: ["organisation"],
      summary: "可选计算指标 The indicators an objective may be measured by",
      responses: { 200: json(z.object({ indicators: z.array(z.object({ id: z.string(), label: Label, unit: z.string() })) }), "Indicators"), 401: errors[401] },
    }),
    (c) => {
      requirePrincipal(ctxOf(c));
      return c.json({ indicators: listIndicators() }, 200);
    },
  );
  return app;
}
