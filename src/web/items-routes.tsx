import { Hono } from "hono";
import { requirePrincipal } from "../core/auth/guard";
import { hasRole, type Classification } from "../core/auth/permissions";
import type { ServiceContext } from "../core/context";
import { DomainError, notFound } from "../core/errors";
import { splitTypeId, type RecordType } from "../core/items/define";
import type { Field } from "../core/items/fields";
import { addItemLink, createItem, getItemView, listItemsOfType, loadVisibleItem, removeItemLink, takeAction, updateItem } from "../core/items/service";
import { listDepartments } from "../core/organisation/service";
import { displayNamesOf, listDirectory } from "../core/users/service";
import { ctxOf, type AppContext, type AppEnv } from "../http/env";
import { pick } from "./i18n";
import type { Flash } from "./layout";
import { errorStatusOf, errorText, field, pageContext, readForm } from "./page";
import { ItemPage, ModulesPage, NewItemPage, RegisterPage, type Choices } from "./pages/items";

const hrefOf = (type: RecordType<any>) => {
  const { module, type: name } = splitTypeId(type.id);
  return `/m/${module}/${name}`;
};

async function choicesFor(ctx: ServiceContext): Promise<Choices> {
  const people = (await listDirectory(ctx)).map((u) => ({ id: u.id, displayName: u.displayName, roles: u.roles as string[] }));
  const departments = (await listDepartments(ctx)).map((d) => ({ id: d.id, code: d.code, name: d.name }));
  return { people, departments };
}

/** A typed value from a form's text (empty means "not given"). */
function fromForm(f: Field<any>, raw: string | string[] | undefined): unknown {
  if (f.widget === "people") return Array.isArray(raw) ? raw.filter(Boolean) : raw ? [raw] : undefined;
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (f.widget === "checkbox") return v === "true";
  if (v === undefined || v.trim() === "") return undefined;
  if (f.widget === "number") {
    const n = Number(v.replace(/[,，\s]/g, ""));
    return Number.isNaN(n) ? v : n;
  }
  return v;
}

/** The metadata a form posted for these fields (list fields from their `field.<row>.<sub>` inputs; empty rows left out). */
export function formData(fields: [string, Field<any>][], form: Record<string, string | string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, f] of fields) {
    if (f.widget === "list" && f.options.row) {
      const rows: Record<string, unknown>[] = [];
      for (let i = 0; ; i++) {
        const subs = Object.entries(f.options.row);
        if (!subs.some(([sub]) => `${name}.${i}.${sub}` in form)) break;
        const row: Record<string, unknown> = {};
        for (const [sub, sf] of subs) {
          const v = fromForm(sf, form[`${name}.${i}.${sub}`]);
          if (v !== undefined && !(sf.widget === "checkbox" && v === false)) row[sub] = v;
        }
        if (Object.keys(row).length) {
          for (const [sub, sf] of subs) if (sf.widget === "checkbox" && row[sub] === undefined) row[sub] = false;
          rows.push(row);
        }
      }
      if (rows.length) out[name] = rows;
      continue;
    }
    const v = fromForm(f, form[name]);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/**
 * The generated pages of every record type: `/m` (the modules), `/m/{module}/{type}` (the register,
 * with filters, search and pages), `…/new` (a form from the type's fields), `…/{id}` (state,
 * fields, the actions the reader may take with their inputs, links both ways, history in words).
 */
export function itemPages() {
  const app = new Hono<AppEnv>();

  const typeOf = (c: AppContext) => {
    const type = c.get("deps").registry.recordType(`${c.req.param("module")}.${c.req.param("type")}`);
    if (!type) throw notFound("The page");
    return type;
  };

  app.get("/m", async (c) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const byModule = new Map<string, { name: string; title: { zh: string; en: string }; types: { id: string; href: string; title: { zh: string; en: string }; clauses: readonly string[]; mayCreate: boolean }[] }>();
    for (const ext of ctx.registry.extensions) {
      for (const type of ext.recordTypes ?? []) {
        const { module } = splitTypeId(type.id);
        const entry = byModule.get(module) ?? { name: module, title: ext.title ?? { zh: module, en: module }, types: [] };
        entry.types.push({ id: type.id, href: hrefOf(type), title: type.title, clauses: type.clauses, mayCreate: hasRole(p, ...type.permissions.create) });
        byModule.set(module, entry);
      }
    }
    return c.html(<ModulesPage page={pageContext(c)} modules={[...byModule.values()]} />);
  });

  const registerPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const type = typeOf(c);
    const query = Object.fromEntries(["q", "state", "from", "to"].map((k) => [k, c.req.query(k) ?? ""]).filter(([, v]) => v));
    const offset = Math.max(0, Number(c.req.query("offset") ?? 0) || 0);
    const limit = 50;
    const found = await listItemsOfType(ctx, type.id, { ...query, limit, offset } as never);
    const ids = found.items.flatMap((i) =>
      (type.columns ?? []).flatMap((col) => {
        const v = (i.data as Record<string, unknown>)[col];
        return Array.isArray(v) ? (v as string[]) : typeof v === "string" ? [v] : [];
      }),
    );
    const names = Object.fromEntries(await displayNamesOf(ctx, ids));
    return c.html(
      <RegisterPage page={pageContext(c)} type={type} href={hrefOf(type)} query={query} total={found.total} items={found.items} offset={offset} limit={limit} names={names} mayCreate={hasRole(p, ...type.permissions.create)} flash={flash} />,
      status as 200,
    );
  };
  app.get("/m/:module/:type", (c) => registerPage(c));

  const creationFields = (type: RecordType<any>) => {
    const later = new Set((type.workflow?.transitions ?? []).flatMap((t) => [...(t.inputs ?? [])]));
    return (Object.entries(type.fields) as [string, Field<any>][]).filter(([n, f]) => !later.has(n) && !f.options.computed);
  };

  app.get("/m/:module/:type/new", async (c) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const type = typeOf(c);
    if (!hasRole(p, ...type.permissions.create)) throw new DomainError("FORBIDDEN", `Only ${type.permissions.create.join(", ")} may create a ${type.title.en}.`);
    return c.html(<NewItemPage page={pageContext(c)} type={type} href={hrefOf(type)} fields={creationFields(type)} values={{}} choices={await choicesFor(ctx)} />);
  });

  app.post("/m/:module/:type", async (c) => {
    const ctx = ctxOf(c);
    const type = typeOf(c);
    const form = await readForm(c);
    const values = formData(creationFields(type), form);
    try {
      const classification = (field(form, "classification") || type.classification) as Classification;
      const created = await createItem(ctx, type.id, { data: values, classification });
      return c.redirect(`${hrefOf(type)}/${created.id}?done=created`, 303);
    } catch (err) {
      const page = pageContext(c);
      return c.html(
        <NewItemPage page={page} type={type} href={hrefOf(type)} fields={creationFields(type)} values={{ ...values, classification: field(form, "classification") }} choices={await choicesFor(ctx)} flash={{ kind: "error", text: errorText(err, page.locale) }} />,
        errorStatusOf(err) as 400,
      );
    }
  });

  const itemPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const type = typeOf(c);
    const { item } = await loadVisibleItem(ctx, c.req.param("id")!);
    if (item.type !== type.id) throw notFound("The item");
    const view = await getItemView(ctx, item.id);
    const page = pageContext(c);
    const done = c.req.query("done");
    const action = c.req.query("action");
    const label = action ? type.workflow?.transitions.find((t) => t.action === action)?.label : undefined;
    const doneFlash: Flash | undefined =
      done === "created"
        ? { kind: "ok", text: page.t("items_created", { number: item.number }) }
        : done === "action" && label
          ? { kind: "ok", text: page.t(view.item.pending ? "items_requested" : "items_done", { action: pick(page.locale, label) }) }
          : done === "saved"
            ? { kind: "ok", text: page.t("items_saved") }
            : done === "linked"
              ? { kind: "ok", text: page.t("items_linked") }
              : done === "unlinked"
                ? { kind: "ok", text: page.t("items_unlinked") }
                : undefined;
    const choices = await choicesFor(ctx);
    for (const d of choices.departments) view.names[d.id] = d.name;
    return c.html(
      <ItemPage
        page={page}
        type={type}
        href={hrefOf(type)}
        item={view.item}
        history={view.history}
        links={view.links}
        linkKinds={ctx.registry.linkKinds.map((k) => ({ kind: k.kind, label: k.label }))}
        actions={view.actions}
        mayEdit={view.mayEdit}
        names={view.names}
        choices={choices}
        flash={flash ?? doneFlash}
      />,
      status as 200,
    );
  };
  app.get("/m/:module/:type/:id", (c) => itemPage(c));

  /** Runs a posted change; on a refusal the item page is shown again with the reason. */
  const attempt = async (c: AppContext, run: (ctx: ServiceContext, form: Record<string, string | string[]>, type: RecordType<any>) => Promise<string>) => {
    const ctx = ctxOf(c);
    const type = typeOf(c);
    const form = await readForm(c);
    try {
      const query = await run(ctx, form, type);
      return c.redirect(`${hrefOf(type)}/${c.req.param("id")}?${query}`, 303);
    } catch (err) {
      return itemPage(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  };

  app.post("/m/:module/:type/:id/actions/:action", (c) =>
    attempt(c, async (ctx, form, type) => {
      const action = c.req.param("action");
      const transition = type.workflow?.transitions.find((t) => t.action === action);
      if (!transition) throw notFound(`The action ${action}`);
      const inputs = (transition.inputs ?? []).map((n) => [n, type.fields[n] as Field<any>] as [string, Field<any>]);
      await takeAction(ctx, c.req.param("id"), action, { data: formData(inputs, form), comment: field(form, "comment") || null });
      return `done=action&action=${encodeURIComponent(action)}`;
    }),
  );

  app.post("/m/:module/:type/:id/edit", (c) =>
    attempt(c, async (ctx, form, type) => {
      await updateItem(ctx, c.req.param("id"), formData(creationFields(type), form));
      return "done=saved";
    }),
  );

  app.post("/m/:module/:type/:id/links", (c) =>
    attempt(c, async (ctx, form) => {
      await addItemLink(ctx, c.req.param("id"), { kind: field(form, "kind"), targetId: field(form, "targetId").trim(), relation: field(form, "relation") || null });
      return "done=linked";
    }),
  );

  app.post("/m/:module/:type/:id/links/:linkId/delete", (c) =>
    attempt(c, async (ctx) => {
      await removeItemLink(ctx, c.req.param("id"), c.req.param("linkId"));
      return "done=unlinked";
    }),
  );

  return app;
}

