import { createRoute, z } from "@hono/zod-openapi";
import { ctxOf } from "../../http/env";
import { errors, json } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { requirePrincipal } from "../auth/guard";
import { getOrganisationProfile } from "../organisation/service";
import { getTemplate, listTemplates, renderTemplateDocx, renderTemplatePdf, validateTemplateValues } from "./index";
import { contentDisposition } from "../files/routes";

const Localized = z.strictObject({ zh: z.string(), en: z.string() });
const TemplateSummary = z
  .object({
    id: z.string(),
    revision: z.string(),
    revisions: z.array(z.string()),
    clause: z.string(),
    title: Localized,
    fields: z.array(z.strictObject({ name: z.string(), label: Localized, type: z.string(), required: z.boolean() })),
  })
  .strict().openapi("Template");

/** The document templates (IP declaration, non-compete …): list, and a preview rendering as PDF or DOCX. */
export function templateRoutes() {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: "get",
      path: "/templates",
      tags: ["templates"],
      summary: "Every template with its latest revision and fields",
      responses: { 200: json(z.strictObject({ templates: z.array(TemplateSummary) }), "Templates"), 401: errors[401] },
    }),
    async (c) => {
      requirePrincipal(ctxOf(c));
      const templates = (await listTemplates()).map(({ latest, revisions }) => ({
        id: latest.id,
        revision: latest.revision,
        revisions: revisions.map((r) => r.revision),
        clause: latest.clause,
        title: latest.title,
        fields: latest.fields.map((f) => ({ name: f.name, label: f.label, type: f.type, required: !!f.required })),
      }));
      return c.json({ templates }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/templates/{id}/render",
      tags: ["templates"],
      summary: "Render a template with field values, as PDF (default) or DOCX, without sending it for signature",
      request: {
        params: z.object({ id: z.string() }),
        query: z.object({ revision: z.string().optional(), format: z.enum(["pdf", "docx"]).default("pdf") }),
        body: { required: true, content: { "application/json": { schema: z.object({ values: z.record(z.string(), z.unknown()) }) } } },
      },
      responses: {
        200: { description: "The rendered document", content: { "application/pdf": { schema: z.any() } } },
        400: errors[400],
        401: errors[401],
        404: errors[404],
      },
    }),
    async (c) => {
      const ctx = ctxOf(c);
      requirePrincipal(ctx);
      const { id } = c.req.valid("param");
      const { revision, format } = c.req.valid("query");
      const template = await getTemplate(id, revision);
      const values = validateTemplateValues(template, c.req.valid("json").values);
      const options = { organisation: await getOrganisationProfile(ctx.db), createdAt: ctx.clock.now() };
      const name = `${template.title.zh}（${template.id} 第${template.revision}版）`;
      if (format === "docx") {
        const bytes = await renderTemplateDocx(template, values, options);
        return c.body(new Uint8Array(bytes), 200, {
          "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "content-disposition": contentDisposition("attachment", `${name}.docx`),
        });
      }
      const bytes = await renderTemplatePdf(template, values, options);
      return c.body(new Uint8Array(bytes), 200, {
        "content-type": "application/pdf",
        "content-disposition": contentDisposition("inline", `${name}.pdf`),
      });
    },
  );

  return app;
}
