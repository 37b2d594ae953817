import { createRoute, z } from "@hono/zod-openapi";
import type { ItemLinkRow, ItemRow } from "../../db/schema/items";
import { ctxOf } from "../../http/env";
import { errors, json, jsonBody, Ok } from "../../http/openapi";
import { createRouter } from "../../http/router";
import { requirePrincipal } from "../auth/guard";
import { CLASSIFICATIONS } from "../auth/permissions";
import type { ServiceContext } from "../context";
import { notFound } from "../errors";
import type { Registry } from "../registry";
import { splitTypeId, type RecordType, type Transition } from "./define";
import type { Field } from "./fields";
import { renderItemPdf } from "./pdf";
import { addItemLink, createItem, createSchema, enteredFields, getItemView, listItemsOfType, loadVisibleItem, removeItemLink, takeAction, transitionSchema, updateItem, type HistoryEntry } from "./service";

const Label = z.strictObject({ zh: z.string(), en: z.string() });
const iso = z.string().openapi({ format: "date-time" });
const day = z.string().openapi({ format: "date" });

const schemaName = (type: RecordType<any>) =>
  type.id
    .split(/[.-]/)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

/** The metadata of a type, every field optional (an item's data at any step of its workflow). */
function dataSchema(type: RecordType<any>) {
  return z.object(Object.fromEntries(Object.entries(type.fields).map(([k, f]) => [k, (f as Field<any>).schema.optional()]))).strict();
}

/** What an edit may change: the entered fields, each optional. */
function editSchema(type: RecordType<any>) {
  return z.object(Object.fromEntries(enteredFields(type).map(([k, f]) => [k, f.schema.optional()]))).strict();
}

function itemSchema(type: RecordType<any>) {
  return z
    .object({
      id: z.string(),
      type: z.literal(type.id),
      number: z.string(),
      state: z.string(),
      stateLabel: Label,
      title: z.string(),
      itemDate: day,
      dueOn: day.nullable(),
      ownerId: z.string().nullable(),
      departmentId: z.string().nullable(),
      classification: z.enum(CLASSIFICATIONS),
      people: z.array(z.string()),
      data: dataSchema(type),
      version: z.number().int(),
      pending: z.strictObject({ action: z.string(), by: z.string(), at: iso }).nullable(),
      signatureRequestId: z.string().nullable(),
      recordId: z.string().nullable(),
      closedAt: iso.nullable(),
      createdBy: z.string(),
      createdAt: iso,
      updatedAt: iso,
    })
    .strict()
    .openapi(schemaName(type));
}

/** An item as the API shows it (no search text; dates as ISO strings). */
export function presentItem(type: RecordType<any>, item: ItemRow) {
  const pending = item.pending as { action: string; by: string; at: string } | null;
  return {
    id: item.id,
    type: item.type,
    number: item.number,
    state: item.state,
    stateLabel: type.workflow?.states[item.state] ?? { zh: item.state, en: item.state },
    title: item.title,
    itemDate: item.itemDate,
    dueOn: item.dueOn,
    ownerId: item.ownerId,
    departmentId: item.departmentId,
    classification: item.classification as (typeof CLASSIFICATIONS)[number],
    people: item.people,
    data: item.data as Record<string, unknown>,
    version: item.version,
    pending: pending ? { action: pending.action, by: pending.by, at: pending.at } : null,
    signatureRequestId: item.signatureRequestId,
    recordId: item.recordId,
    closedAt: item.closedAt?.toISOString() ?? null,
    createdBy: item.createdBy,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
  };
}

const LinkSchema = z
  .object({
    id: z.string(),
    direction: z.enum(["to", "from"]),
    kind: z.string(),
    targetId: z.string(),
    relation: z.string().nullable(),
    display: z.string().nullable(),
  })
  .strict()
  .strict().openapi("ItemLink");

const HistorySchema = z
  .object({
    version: z.number().int(),
    action: z.string(),
    label: Label,
    state: z.string(),
    at: iso,
    by: z.string().nullable(),
    byName: z.string().nullable(),
    comment: z.string().nullable(),
    changes: z.array(z.object({ field: z.string(), label: Label, before: z.unknown(), after: z.unknown() }).strict()),
  })
  .strict()
  .strict().openapi("ItemHistoryEntry");

const ActionSchema = z
  .object({ action: z.string(), label: Label, to: z.string(), inputs: z.array(z.string()), requires: z.array(z.string()), comment: z.enum(["required", "optional", "none"]), signs: z.boolean() })
  .strict()
  .strict().openapi("ItemAction");

export function presentAction(t: Transition<any>) {
  return { action: t.action, label: t.label, to: t.to, inputs: [...(t.inputs ?? [])], requires: [...(t.requires ?? [])], comment: t.comment ?? ("none" as const), signs: !!t.sign?.length };
}

const presentHistory = (h: HistoryEntry) => ({ ...h, at: h.at.toISOString() });
const presentLink = (l: { id: string; direction: "to" | "from"; kind: string; targetId: string; relation: string | null; display: string | null }) => l;
const presentNewLink = (l: ItemLinkRow) => ({ id: l.id, direction: "to" as const, kind: l.kind, targetId: l.targetId, relation: l.relation, display: null });

const FieldSchema = z
  .object({
    name: z.string(),
    label: Label,
    widget: z.string(),
    required: z.boolean(),
    indexed: z.boolean(),
    choices: z.array(z.strictObject({ value: z.string(), label: Label })).optional(),
    roles: z.array(z.string()).optional(),
    computed: z.boolean().optional(),
  })
  .strict();
const TypeSchema = z
  .object({
    id: z.string(),
    module: z.string(),
    path: z.string(),
    title: Label,
    clauses: z.array(z.string()),
    classification: z.enum(CLASSIFICATIONS),
    fields: z.array(FieldSchema),
    states: z.record(z.string(), Label),
    initial: z.string(),
    final: z.array(z.string()),
    transitions: z.array(z.object({ action: z.string(), label: Label, from: z.array(z.string()), to: z.string(), roles: z.array(z.string()), signs: z.boolean() }).strict()),
  })
  .strict()
  .strict().openapi("RecordType");

/** A record type as its catalogue entry: what a client needs to build forms and follow the workflow. */
export function presentType(type: RecordType<any>) {
  const { module, type: name } = splitTypeId(type.id);
  return {
    id: type.id,
    module,
    path: `/api/v1/m/${module}/${name}`,
    title: type.title,
    clauses: [...type.clauses],
    classification: type.classification,
    fields: Object.entries(type.fields).map(([k, f]) => {
      const field = f as Field<any>;
      return {
        name: k,
        label: field.label,
        widget: field.widget,
        required: field.options.required,
        indexed: !!field.options.indexed,
        ...(field.options.choices ? { choices: field.options.choices.map((c) => ({ value: c.value, label: c.label })) } : {}),
        ...(field.options.roles ? { roles: [...field.options.roles] } : {}),
        ...(field.options.computed ? { computed: true } : {}),
      };
    }),
    states: type.workflow?.states ?? { recorded: { zh: "已登记", en: "Recorded" } },
    initial: type.workflow?.initial ?? "recorded",
    final: [...(type.workflow?.final ?? ["recorded"])],
    transitions: (type.workflow?.transitions ?? []).map((t) => ({
      action: t.action,
      label: t.label,
      from: typeof t.from === "string" ? [t.from] : [...t.from],
      to: t.to,
      roles: [...(t.roles ?? [])],
      signs: !!t.sign?.length,
    })),
  };
}

const IdParam = z.object({ id: z.string() });
const ItemQuery = z.object({
  state: z.string().max(60).optional(),
  q: z.string().trim().max(200).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  owner: z.string().max(100).optional(),
  department: z.string().max(100).optional(),
  classification: z.enum(CLASSIFICATIONS).optional(),
  dueBefore: z.iso.date().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const Comment = z.string().trim().max(4000).optional();

/** The item `id` if it is of `type` and visible to the caller (else NOT_FOUND). */
async function itemOfType(ctx: ServiceContext, type: RecordType<any>, id: string) {
  const loaded = await loadVisibleItem(ctx, id);
  if (loaded.item.type !== type.id) throw notFound("The item");
  return loaded;
}

/**
 * The generated JSON API of every record type the registry holds: `/m/{module}/{type}` (list,
 * create), `…/{id}` (view, edit), `…/{id}/actions/{action}` (one route per workflow action, its
 * inputs documented), links and the item's PDF. OpenAPI is generated from the types' schemas.
 */
export function itemRoutes(registry: Registry) {
  const app = createRouter();
  app.openapi(
    createRoute({ method: "get", path: "/m", tags: ["modules"], summary: "The record types of the management-system modules: fields, states and actions", responses: { 200: json(z.array(TypeSchema), "Record types"), 401: errors[401] } }),
    (c) => {
      requirePrincipal(ctxOf(c));
      return c.json(registry.recordTypes.map(presentType), 200);
    },
  );
  for (const type of registry.recordTypes) {
    const { module, type: name } = splitTypeId(type.id);
    const base = `/m/${module}/${name}`;
    const tag = `${module}`;
    const Item = itemSchema(type);
    const View = z
      .object({ item: Item, history: z.array(HistorySchema), links: z.array(LinkSchema), actions: z.array(ActionSchema), mayEdit: z.boolean(), names: z.record(z.string(), z.string()) })
      .strict()
      .openapi(`${schemaName(type)}View`);
    const Create = z.object({ data: createSchema(type), classification: z.enum(CLASSIFICATIONS).optional() }).strict().openapi(`${schemaName(type)}Input`);

    app.openapi(
      createRoute({ method: "get", path: base, tags: [tag], summary: `${type.title.zh} ${type.title.en}: the register`, request: { query: ItemQuery }, responses: { 200: json(z.strictObject({ total: z.number().int(), items: z.array(Item) }).strict(), "Items you may see"), 400: errors[400], 401: errors[401] } }),
      async (c) => {
        const found = await listItemsOfType(ctxOf(c), type.id, c.req.valid("query"));
        return c.json({ total: found.total, items: found.items.map((i) => presentItem(type, i)) }, 200);
      },
    );
    app.openapi(
      createRoute({ method: "post", path: base, tags: [tag], summary: `New ${type.title.en} (${type.title.zh})`, request: { body: jsonBody(Create) }, responses: { 201: json(Item, "Created"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 422: json(z.any(), "INVALID_REFERENCE") } }),
      async (c) => {
        return c.json(presentItem(type, await createItem(ctxOf(c), type.id, c.req.valid("json"))), 201);
      },
    );
    app.openapi(
      createRoute({ method: "get", path: `${base}/{id}`, tags: [tag], summary: `A ${type.title.en}: state, history in words, links both ways, what you may do`, request: { params: IdParam }, responses: { 200: json(View, "Item"), 401: errors[401], 404: errors[404] } }),
      async (c) => {
        const ctx = ctxOf(c);
        await itemOfType(ctx, type, c.req.valid("param").id);
        const view = await getItemView(ctx, c.req.valid("param").id);
        return c.json(
          { item: presentItem(type, view.item), history: view.history.map(presentHistory), links: view.links.map(presentLink), actions: view.actions.map(presentAction), mayEdit: view.mayEdit, names: view.names },
          200,
        );
      },
    );
    app.openapi(
      createRoute({
        method: "patch",
        path: `${base}/{id}`,
        tags: [tag],
        summary: `Edit a ${type.title.en} while it may be edited`,
        request: { params: IdParam, body: jsonBody(editSchema(type)) },
        responses: { 200: json(Item, "Updated"), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404], 409: json(z.any(), "INVALID_STATE") },
      }),
      async (c) => {
        const ctx = ctxOf(c);
        await itemOfType(ctx, type, c.req.valid("param").id);
        return c.json(presentItem(type, await updateItem(ctx, c.req.valid("param").id, c.req.valid("json"))), 200);
      },
    );
    for (const t of type.workflow?.transitions ?? []) {
      if (type.workflow!.transitions.findIndex((x) => x.action === t.action) !== type.workflow!.transitions.indexOf(t)) continue;
      app.openapi(
        createRoute({
          method: "post",
          path: `${base}/{id}/actions/${t.action}`,
          tags: [tag],
          summary: `${t.label.zh} ${t.label.en}${t.sign?.length ? " (opens a signature request; the item moves when it is signed)" : ""}`,
          request: { params: IdParam, body: jsonBody(z.object({ data: transitionSchema(type, t).optional(), comment: Comment }).strict()) },
          responses: {
            200: json(Item, "The item after the action (or waiting for its signatures)"),
            400: errors[400],
            401: errors[401],
            403: errors[403],
            404: errors[404],
            409: json(z.any(), "INVALID_STATE: not allowed from the current state"),
            422: json(z.any(), "UNPROCESSABLE: a rule of the workflow refuses it"),
          },
        }),
        async (c) => {
          const ctx = ctxOf(c);
          await itemOfType(ctx, type, c.req.valid("param").id);
          const body = c.req.valid("json");
          return c.json(presentItem(type, await takeAction(ctx, c.req.valid("param").id, t.action, body)), 200);
        },
      );
    }
    app.openapi(
      createRoute({
        method: "post",
        path: `${base}/{id}/links`,
        tags: [tag],
        summary: `Link a ${type.title.en} to another item, a record, a document, a contract or a person`,
        request: { params: IdParam, body: jsonBody(z.object({ kind: z.string().min(1).max(40), targetId: z.string().min(1).max(200), relation: z.string().trim().max(200).optional() }).strict()) },
        responses: { 201: json(LinkSchema, "Linked"), 400: errors[400], 401: errors[401], 404: errors[404], 422: json(z.any(), "INVALID_REFERENCE") },
      }),
      async (c) => {
        const ctx = ctxOf(c);
        await itemOfType(ctx, type, c.req.valid("param").id);
        return c.json(presentNewLink(await addItemLink(ctx, c.req.valid("param").id, c.req.valid("json"))), 201);
      },
    );
    app.openapi(
      createRoute({
        method: "delete",
        path: `${base}/{id}/links/{linkId}`,
        tags: [tag],
        summary: "Remove a link",
        request: { params: z.object({ id: z.string(), linkId: z.string() }) },
        responses: { 200: json(Ok, "Removed"), 401: errors[401], 404: errors[404] },
      }),
      async (c) => {
        const ctx = ctxOf(c);
        const { id, linkId } = c.req.valid("param");
        await itemOfType(ctx, type, id);
        await removeItemLink(ctx, id, linkId);
        return c.json({ ok: true as const }, 200);
      },
    );
    app.openapi(
      createRoute({
        method: "get",
        path: `${base}/{id}/pdf`,
        tags: [tag],
        summary: `The ${type.title.en} as a PDF (as it stands now)`,
        request: { params: IdParam },
        responses: { 200: { description: "PDF", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } }, 401: errors[401], 404: errors[404] },
      }),
      async (c) => {
        const ctx = ctxOf(c);
        const { item } = await itemOfType(ctx, type, c.req.valid("param").id);
        const pdf = await renderItemPdf(ctx.db, type, item, item.data as Record<string, unknown>, { createdAt: item.updatedAt });
        return c.body(pdf as unknown as ArrayBuffer, 200, { "content-type": "application/pdf", "content-disposition": `inline; filename="${item.number}.pdf"` });
      },
    );
  }
  // a module's own routes, beside its types' generated ones
  for (const ext of registry.extensions) if (ext.routes && ext.recordTypes?.length) app.route(`/m/${ext.name}`, ext.routes());
  return app;
}
