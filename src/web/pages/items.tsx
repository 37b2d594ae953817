import type { FC } from "hono/jsx";
import { formatTime as fmtTime } from "../../lib/time";
import { classificationLabels, type Classification } from "../../core/auth/permissions";
import type { Label } from "../../core/audit/events";
import type { RecordType, Transition } from "../../core/items/define";
import type { Field } from "../../core/items/fields";
import type { HistoryEntry } from "../../core/items/service";
import type { ItemRow } from "../../db/schema/items";
import { ClassificationSelect, DepartmentSelect, Pager } from "../components";
import { History, shortValue } from "../history";
import { pick, type Locale } from "../i18n";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";

/** People and departments a form may offer. */
export interface Choices {
  people: { id: string; displayName: string; roles: string[] }[];
  departments: { id: string; code: string; name: string }[];
}

/** Names of people and departments an item's values name. */
export type Names = Record<string, string>;

const stateOf = (type: RecordType<any>, state: string, locale: Locale) => {
  const label = type.workflow?.states[state];
  return label ? pick(locale, label) : state;
};

/** A value as a person reads it. */
const Value: FC<{ field: Field<any>; value: unknown; names: Names; locale: Locale }> = ({ field, value, names, locale }) => {
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) return <span class="muted">—</span>;
  switch (field.widget) {
    case "select":
      return <>{pick(locale, field.options.choices?.find((c) => c.value === value)?.label ?? { zh: String(value), en: String(value) })}</>;
    case "person":
    case "department":
      return <>{names[String(value)] ?? String(value)}</>;
    case "people":
      return <>{(value as string[]).map((v) => names[v] ?? v).join("、")}</>;
    case "checkbox":
      return <>{value ? "✓" : "—"}</>;
    case "number":
      return <>{(value as number).toLocaleString(locale)}</>;
    case "textarea":
      return <div class="prewrap">{String(value)}</div>;
    case "list": {
      const row = Object.entries(field.options.row ?? {}) as [string, Field<any>][];
      return (
        <table class="compact">
          <thead>
            <tr>
              {row.map(([, f]) => (
                <th>{pick(locale, f.label)}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {(value as Record<string, unknown>[]).map((r) => (
              <tr>
                {row.map(([k, f]) => (
                  <td>
                    <Value field={f} value={r[k]} names={names} locale={locale} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      );
    }
    default:
      return <>{String(value)}</>;
  }
};

/** One input for a field, named `name` (child rows: `field.<row>.<sub>`). */
const Input: FC<{ page: PageContext; name: string; field: Field<any>; value: unknown; choices: Choices; required: boolean }> = ({ page, name, field, value, choices, required }) => {
  const { t, locale } = page;
  const str = value === undefined || value === null ? "" : String(value);
  switch (field.widget) {
    case "textarea":
      return <textarea name={name} rows={4} maxlength={field.options.maxLength} required={required}>{str}</textarea>;
    case "date":
      return <input type="date" name={name} value={str} required={required} />;
    case "number":
      return <input name={name} inputmode="decimal" value={str} required={required} />;
    case "checkbox":
      return <input type="checkbox" name={name} value="true" checked={value === true} />;
    case "select":
      return (
        <select name={name} required={required}>
          <option value="">{t("items_choose")}</option>
          {field.options.choices?.map((c) => (
            <option value={c.value} selected={c.value === value}>
              {pick(locale, c.label)}
            </option>
          ))}
        </select>
      );
    case "person":
    case "people": {
      // only the people who may hold this role are offered
      const eligible = choices.people.filter((u) => !field.options.roles?.length || field.options.roles.some((r) => u.roles.includes(r)));
      const chosen = new Set(Array.isArray(value) ? (value as string[]) : value ? [String(value)] : []);
      return (
        <select name={name} multiple={field.widget === "people"} required={required} size={field.widget === "people" ? 5 : undefined}>
          {field.widget === "person" && <option value="">{t("items_choose")}</option>}
          {eligible.map((u) => (
            <option value={u.id} selected={chosen.has(u.id)}>
              {u.displayName}
            </option>
          ))}
        </select>
      );
    }
    case "department":
      return <DepartmentSelect page={page} name={name} departments={choices.departments} value={str} blank={t("items_choose")} />;
    default:
      return <input name={name} value={str} maxlength={field.options.maxLength} required={required} />;
  }
};

/** The inputs of a set of fields, with labels; a list field gets its rows and a few empty ones. */
export const FieldInputs: FC<{ page: PageContext; fields: [string, Field<any>][]; values: Record<string, unknown>; choices: Choices; required: (name: string) => boolean }> = ({
  page,
  fields,
  values,
  choices,
  required,
}) => {
  const { t, locale } = page;
  return (
    <>
      {fields.map(([name, field]) =>
        field.widget === "list" ? (
          <fieldset>
            <legend>{pick(locale, field.label)}</legend>
            {[...((values[name] as Record<string, unknown>[] | undefined) ?? []), {}, {}, {}].map((row, i) => (
              <div class="row-inputs">
                <span class="muted">{t("items_row", { n: i + 1 })}</span>
                {(Object.entries(field.options.row ?? {}) as [string, Field<any>][]).map(([sub, f]) => (
                  <label>
                    {pick(locale, f.label)}
                    <Input page={page} name={`${name}.${i}.${sub}`} field={f} value={row[sub]} choices={choices} required={false} />
                  </label>
                ))}
              </div>
            ))}
            <p class="muted">{t("items_addRows")}</p>
          </fieldset>
        ) : field.widget === "checkbox" ? (
          <label class="inline">
            <Input page={page} name={name} field={field} value={values[name]} choices={choices} required={false} />
            {pick(locale, field.label)}
          </label>
        ) : (
          <label>
            {pick(locale, field.label)}
            {required(name) ? " *" : ""}
            <Input page={page} name={name} field={field} value={values[name]} choices={choices} required={required(name)} />
            {field.options.help && <span class="muted">{pick(locale, field.options.help)}</span>}
          </label>
        ),
      )}
    </>
  );
};

/** The modules and their record types the person may see. */
export const ModulesPage: FC<{ page: PageContext; modules: { name: string; title: Label; types: { id: string; href: string; title: Label; clauses: readonly string[]; mayCreate: boolean }[] }[] }> = ({
  page,
  modules,
}) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={t("items_modules")}>
      <h1>{t("items_modules")}</h1>
      <p class="muted">{t("items_modulesIntro")}</p>
      <div class="grid">
        {modules.map((m) => (
          <section class="card">
            <h2>{pick(locale, m.title)}</h2>
            <ul>
              {m.types.map((type) => (
                <li>
                  <a href={type.href}>{pick(locale, type.title)}</a> <span class="muted">{type.clauses.join("、")}</span>
                  {type.mayCreate && (
                    <>
                      {" · "}
                      <a href={`${type.href}/new`}>{t("items_new")}</a>
                    </>
                  )}
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </Layout>
  );
};

/** A type's register: filters, search, the items with their state, and pages of 50. */
export const RegisterPage: FC<{
  page: PageContext;
  type: RecordType<any>;
  href: string;
  query: Record<string, string>;
  total: number;
  items: ItemRow[];
  offset: number;
  limit: number;
  names: Names;
  mayCreate: boolean;
  flash?: Flash;
}> = ({ page, type, href, query, total, items, offset, limit, names, mayCreate, flash }) => {
  const { t, locale } = page;
  const columns = (type.columns ?? []).map((c) => [c, type.fields[c] as Field<any>] as const);
  return (
    <Layout page={page} title={pick(locale, type.title)} flash={flash}>
      <h1>{pick(locale, type.title)}</h1>
      <p class="muted">
        {t("items_clauses")}: {type.clauses.join("、")} {type.description && ` · ${pick(locale, type.description)}`}
      </p>
      {mayCreate && (
        <p>
          <a class="button" href={`${href}/new`}>
            {t("items_new")}
          </a>
        </p>
      )}
      <form class="card grid" method="get" action={href} role="search">
        <label>
          {t("items_q")}
          <input name="q" value={query.q ?? ""} maxlength={200} />
        </label>
        {type.workflow && (
          <label>
            {t("items_state")}
            <select name="state">
              <option value="">{t("items_any")}</option>
              {Object.entries(type.workflow.states).map(([s, label]) => (
                <option value={s} selected={query.state === s}>
                  {pick(locale, label)}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          {t("items_from")}
          <input type="date" name="from" value={query.from ?? ""} />
        </label>
        <label>
          {t("items_to")}
          <input type="date" name="to" value={query.to ?? ""} />
        </label>
        <div>
          <button type="submit">{t("items_search")}</button>
        </div>
      </form>
      <p>{t("items_total", { n: total })}</p>
      {items.length === 0 ? (
        <p class="muted">{t("items_none")}</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>{t("items_number")}</th>
                <th>{t("items_title")}</th>
                <th>{t("items_state")}</th>
                <th>{t("items_date")}</th>
                <th>{t("items_due")}</th>
                {columns.map(([, f]) => (
                  <th>{pick(locale, f.label)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr>
                  <td>
                    <a href={`${href}/${i.id}`}>{i.number}</a>
                  </td>
                  <td>{i.title}</td>
                  <td>
                    <span class="tag">{stateOf(type, i.state, locale)}</span>
                  </td>
                  <td>{i.itemDate}</td>
                  <td>{i.dueOn ?? "—"}</td>
                  {columns.map(([name, f]) => (
                    <td>
                      <Value field={f} value={(i.data as Record<string, unknown>)[name]} names={names} locale={locale} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager page={page} path={href} query={query} total={total} offset={offset} limit={limit} />
    </Layout>
  );
};

/** The form that creates an item: every field entered at creation. */
export const NewItemPage: FC<{ page: PageContext; type: RecordType<any>; href: string; fields: [string, Field<any>][]; values: Record<string, unknown>; choices: Choices; flash?: Flash }> = ({
  page,
  type,
  href,
  fields,
  values,
  choices,
  flash,
}) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={`${t("items_new")} · ${pick(locale, type.title)}`} flash={flash}>
      <h1>
        {t("items_new")} · {pick(locale, type.title)}
      </h1>
      <form class="stack card" method="post" action={href}>
        <CsrfField page={page} />
        <FieldInputs page={page} fields={fields} values={values} choices={choices} required={(n) => (type.fields[n] as Field<any>).options.required} />
        <label>
          {t("doc_classification")}
          <ClassificationSelect page={page} value={String(values.classification ?? type.classification)} />
        </label>
        <div>
          <button type="submit">{t("items_create")}</button>
        </div>
      </form>
    </Layout>
  );
};

/** The item page: its state, its fields, what the reader may do now, its links both ways and its history in words. */
export const ItemPage: FC<{
  page: PageContext;
  type: RecordType<any>;
  href: string;
  item: ItemRow;
  history: HistoryEntry[];
  links: { id: string; direction: "to" | "from"; kind: string; targetId: string; relation: string | null; display: string | null }[];
  linkKinds: { kind: string; label: Label }[];
  actions: Transition<any>[];
  mayEdit: boolean;
  names: Names;
  choices: Choices;
  flash?: Flash;
}> = ({ page, type, href, item, history, links, linkKinds, actions, mayEdit, names, choices, flash }) => {
  const { t, locale } = page;
  const data = item.data as Record<string, unknown>;
  const fields = Object.entries(type.fields) as [string, Field<any>][];
  const pending = item.pending as { action: string } | null;
  const pendingLabel = pending ? (type.workflow?.transitions.find((tr) => tr.action === pending.action)?.label ?? { zh: pending.action, en: pending.action }) : null;
  const kindLabel = (kind: string) => pick(locale, linkKinds.find((k) => k.kind === kind)?.label ?? { zh: kind, en: kind });
  const show = (v: unknown, field: Field<any> | undefined) => (field ? <Value field={field} value={v} names={names} locale={locale} /> : <>{shortValue(page, "", v).text}</>);
  return (
    <Layout page={page} title={`${item.number} ${item.title}`} flash={flash}>
      <p class="muted">
        <a href={href}>{pick(locale, type.title)}</a>
      </p>
      <h1>
        {item.number} {item.title}
      </h1>
      <p>
        <span class="tag" data-testid="item-state">
          {stateOf(type, item.state, locale)}
        </span>{" "}
        <span class="tag">{pick(locale, classificationLabels[item.classification as Classification])}</span> {t("items_clauses")}: {type.clauses.join("、")}
        {item.dueOn && (
          <>
            {" · "}
            {t("items_due")}: {item.dueOn}
          </>
        )}
        {" · "}
        <a href={`/api/v1${href}/${item.id}/pdf`}>{t("items_pdf")}</a>
        {item.recordId && (
          <>
            {" · "}
            <a href={`/records/${item.recordId}`}>{t("items_record")}</a>
          </>
        )}
      </p>
      {pending && pendingLabel && (
        <div class="flash ok" role="status">
          {t("items_pending", { action: pick(locale, pendingLabel) })} {item.signatureRequestId && <a href={`/signatures/${item.signatureRequestId}`}>{t("items_pendingLink")}</a>}
        </div>
      )}
      <section class="card">
        <h2>{t("items_fields")}</h2>
        <table>
          <tbody>
            {fields.map(([name, f]) => (
              <tr>
                <th>{pick(locale, f.label)}</th>
                <td>{show(data[name], f)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card" data-testid="item-actions">
        <h2>{t("items_actions")}</h2>
        {actions.length === 0 && !mayEdit && <p class="muted">{t("items_noActions")}</p>}
        {actions.map((tr) => {
          const inputs = (tr.inputs ?? []).map((n) => [n, type.fields[n] as Field<any>] as [string, Field<any>]);
          return (
            <form class="stack" method="post" action={`${href}/${item.id}/actions/${tr.action}`}>
              <CsrfField page={page} />
              <h3>{pick(locale, tr.label)}</h3>
              <FieldInputs page={page} fields={inputs} values={data} choices={choices} required={(n) => (tr.requires ?? []).includes(n)} />
              {tr.comment && (
                <label>
                  {tr.comment === "required" ? t("items_commentRequired") : t("items_comment")}
                  <textarea name="comment" rows={2} maxlength={4000} required={tr.comment === "required"}></textarea>
                </label>
              )}
              {tr.sign?.length ? <p class="muted">{t("items_signs")}</p> : null}
              <div>
                <button type="submit" data-action={tr.action}>
                  {pick(locale, tr.label)}
                </button>
              </div>
            </form>
          );
        })}
        {mayEdit && (
          <details>
            <summary>{t("items_edit")}</summary>
            <form class="stack" method="post" action={`${href}/${item.id}/edit`}>
              <CsrfField page={page} />
              <FieldInputs page={page} fields={fields.filter(([n, f]) => !f.options.computed && !type.workflow?.transitions.some((tr) => tr.inputs?.includes(n)))} values={data} choices={choices} required={(n) => (type.fields[n] as Field<any>).options.required} />
              <div>
                <button type="submit">{t("items_save")}</button>
              </div>
            </form>
          </details>
        )}
      </section>
      <section class="card">
        <h2>{t("items_links")}</h2>
        {links.length > 0 && (
          <table>
            <tbody>
              {links.map((l) => (
                <tr>
                  <td>{l.direction === "to" ? t("items_linkTo") : t("items_linkFrom")}</td>
                  <td>{kindLabel(l.kind)}</td>
                  <td>{l.display}</td>
                  <td>{l.relation ?? ""}</td>
                  <td>
                    {l.direction === "to" && (
                      <form method="post" action={`${href}/${item.id}/links/${l.id}/delete`}>
                        <CsrfField page={page} />
                        <button type="submit" class="secondary">
                          {t("items_remove")}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form class="grid" method="post" action={`${href}/${item.id}/links`}>
          <CsrfField page={page} />
          <label>
            {t("items_linkKind")}
            <select name="kind">
              {linkKinds.map((k) => (
                <option value={k.kind}>{pick(locale, k.label)}</option>
              ))}
            </select>
          </label>
          <label>
            {t("items_linkTarget")}
            <input name="targetId" required maxlength={200} />
          </label>
          <label>
            {t("items_relation")}
            <input name="relation" maxlength={200} />
          </label>
          <div>
            <button type="submit">{t("items_addLink")}</button>
          </div>
        </form>
      </section>
      <section class="card">
        <h2>{t("items_history")}</h2>
        <History
          page={page}
          lines={history.map((h) => ({
            key: h.version,
            at: h.at,
            actor: h.byName ?? "—",
            event: `${pick(locale, h.label)} → ${stateOf(type, h.state, locale)}`,
            changes:
              h.action === "created"
                ? []
                : h.changes.map((c) => ({
                    field: pick(locale, c.label),
                    before: { text: "", node: show(c.before, type.fields[c.field] as Field<any>) },
                    after: { text: "", node: show(c.after, type.fields[c.field] as Field<any>) },
                  })),
            facts: [],
            note: h.comment,
          }))}
        />
      </section>
    </Layout>
  );
};
