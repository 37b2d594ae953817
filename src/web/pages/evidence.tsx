import type { FC } from "hono/jsx";
import { clauseRequirement } from "../messages/clauses";
import { evidenceFileRoleWords, wordFor } from "../messages/terms";
import { formatTime as fmtTime } from "../../lib/time";
import type { AuditEventRow } from "../../db/schema/audit";
import type { AuditorGrantRow, ClauseRow } from "../../db/schema/evidence";
import type { DocumentCategoryRow } from "../../db/schema/documents";
import { classificationLabels, type Classification } from "../../core/auth/permissions";
import type { DepartmentRow } from "../../core/organisation/repo";
import type { MatrixRow } from "../../core/evidence/matrix";
import type { EvidenceHit } from "../../core/evidence/search";
import type { Label } from "../../core/audit/events";
import type { EvidenceItem } from "../../core/evidence/types";
import { pick, type MessageKey } from "../i18n";
import { ClassificationSelect, DepartmentSelect } from "../components";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";
import { describeEvent, fieldName, History, historyLines, objectTypeName, shortValue, type HistoryEvent } from "../history";
import { OBJECT_PAGES } from "../history-labels";

/** A kind of evidence as the page offers it: its name and the names of its states (from its source). */
export interface EvidenceKindOption {
  kind: string;
  label: Label;
  states: Readonly<Record<string, Label>>;
}

const kindLabel = (page: PageContext, kinds: EvidenceKindOption[], kind: string) => {
  const option = kinds.find((k) => k.kind === kind);
  return option ? pick(page.locale, option.label) : kind;
};

/** A state in the reader's language, as the kind's source names it (an audit event's action as it is). */
function stateLabel(page: PageContext, kinds: EvidenceKindOption[], kind: string, state: string): string {
  const label = kinds.find((k) => k.kind === kind)?.states[state] ?? page.eventType(state)?.label;
  return label ? pick(page.locale, label) : state;
}

/**
 * The state filter: the states of the chosen kind, or of every kind grouped by kind (states differ
 * per kind; a state two kinds share filters both). Audit events are filtered by their action, typed.
 */
const StateFilter: FC<{ page: PageContext; options: EvidenceKindOption[]; kind?: string; value?: string }> = ({ page, options, kind, value }) => {
  const chosen = options.find((k) => k.kind === kind);
  if (chosen && Object.keys(chosen.states).length === 0) return <input name="state" value={value ?? ""} placeholder={page.t("ev_stateAction")} />;
  const kinds = options.filter((k) => (!kind || k.kind === kind) && Object.keys(k.states).length > 0);
  const offered = kinds.some((k) => value !== undefined && value in k.states);
  // kinds with the same states (records and external documents) share one group: the same three
  // options listed twice would filter the same way
  const groups: { labels: EvidenceKindOption["label"][]; states: EvidenceKindOption["states"] }[] = [];
  for (const k of kinds) {
    const same = groups.find((g) => JSON.stringify(g.states) === JSON.stringify(k.states));
    if (same) same.labels.push(k.label);
    else groups.push({ labels: [k.label], states: k.states });
  }
  let marked = false;
  const selected = (s: string) => (s === value && !marked ? (marked = true) : false);
  return (
    <select name="state">
      <option value="">{page.t("ev_any")}</option>
      {value && !offered && (
        <option value={value} selected>
          {value}
        </option>
      )}
      {groups.map((g) => (
        <optgroup label={g.labels.map((l) => pick(page.locale, l)).join(" / ")}>
          {Object.entries(g.states).map(([s, label]) => (
            <option value={s} selected={selected(s)}>
              {pick(page.locale, label)}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
};

/** Search across everything, with a selection that becomes an audit package. */
export const EvidenceSearchPage: FC<{
  page: PageContext;
  query: Record<string, string>;
  result: { total: number; capped: boolean; hits: EvidenceHit[] } | null;
  clauses: ClauseRow[];
  departments: DepartmentRow[];
  people: { id: string; displayName: string }[];
  kinds: EvidenceKindOption[];
  grantNote?: string;
  flash?: Flash;
}> = ({ page, query, result, clauses, departments, people, kinds, grantNote, flash }) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={t("ev_title")} flash={flash}>
      <h1>{t("ev_title")}</h1>
      {grantNote && <p class="flash ok">{grantNote}</p>}
      <p>
        <a href="/evidence/matrix">{t("ev_matrix")}</a> · <a href="/audit/packages">{t("ev_exportClauses")}</a>
      </p>
      <form class="card grid" method="get" action="/evidence" role="search">
        <label>
          {t("ev_q")}
          <input name="q" value={query.q ?? ""} />
        </label>
        <label>
          {t("ev_kind")}
          <select name="kind">
            <option value="">{t("ev_any")}</option>
            {kinds.map((k) => (
              <option value={k.kind} selected={query.kind === k.kind}>
                {pick(locale, k.label)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("ev_clause")}
          <select name="clause">
            <option value="">{t("ev_any")}</option>
            {clauses.map((c) => (
              <option value={c.id} selected={query.clause === c.id}>
                {c.id} {c.titleZh}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("ev_from")}
          <input type="date" name="from" value={query.from ?? ""} />
        </label>
        <label>
          {t("ev_to")}
          <input type="date" name="to" value={query.to ?? ""} />
        </label>
        <label>
          {t("ev_person")}
          <select name="person">
            <option value="">{t("ev_any")}</option>
            {people.map((p) => (
              <option value={p.id} selected={query.person === p.id}>
                {p.displayName}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("ev_department")}
          <DepartmentSelect page={page} name="department" departments={departments} value={query.department} blank={t("ev_any")} />
        </label>
        <label>
          {t("ev_state")}
          <StateFilter page={page} options={kinds} kind={query.kind} value={query.state} />
        </label>
        <label>
          {t("doc_classification")}
          <ClassificationSelect page={page} value={query.classification} blank={t("ev_any")} />
        </label>
        <div>
          <button type="submit">{t("ev_search")}</button>
        </div>
      </form>
      {result && (
        <form method="get" action="/audit/packages">
          <p class="muted">{result.capped ? t("ev_resultsCapped", { n: result.total }) : t("ev_results", { n: result.total })}</p>
          <table data-testid="evidence-results">
            <thead>
              <tr>
                <th>{t("ev_select")}</th>
                <th>{t("ev_kind")}</th>
                <th>{t("ev_reference")}</th>
                <th>{t("doc_title")}</th>
                <th>{t("ev_clause")}</th>
                <th>{t("ev_date")}</th>
                <th>{t("ev_state")}</th>
                <th>{t("doc_classification")}</th>
              </tr>
            </thead>
            <tbody>
              {result.hits.map((h) => (
                <tr>
                  <td>{h.kind !== "audit-event" && <input type="checkbox" name="ref" value={`${h.kind}:${h.id}`} aria-label={h.title} />}</td>
                  <td>{kindLabel(page, kinds, h.kind)}</td>
                  <td>{h.kind === "audit-event" ? `#${h.id}` : (h.reference ?? "")}</td>
                  <td>{h.kind === "audit-event" ? auditEventTitle(page, h.title) : <a href={`/evidence/${h.kind}/${h.id}`}>{h.title}</a>}</td>
                  <td>{h.clauses.join(", ")}</td>
                  <td>{h.date}</td>
                  <td>{stateLabel(page, kinds, h.kind, h.state)}</td>
                  <td>{pick(locale, classificationLabels[h.classification as Classification])}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <button type="submit">{t("ev_export")}</button>
          </p>
        </form>
      )}
    </Layout>
  );
};

/** Names under a count, compactly: "王芳、李娜 另 3 人". */
const Names: FC<{ names: string[]; total: number; more: (n: number) => string }> = ({ names, total, more }) =>
  names.length ? (
    <div class="muted">
      {names.join("、")}
      {total > names.length ? ` ${more(total - names.length)}` : ""}
    </div>
  ) : null;

/** The evidence matrix page. */
export const EvidenceMatrixPage: FC<{
  page: PageContext;
  period: { from?: string; to?: string };
  rows: MatrixRow[];
  summary: { clauses: number; covered: number; gaps: number };
  kinds: EvidenceKindOption[];
}> = ({ page, period, rows, summary, kinds }) => {
  const { t } = page;
  const qs = new URLSearchParams(Object.entries(period).filter(([, v]) => v) as [string, string][]).toString();
  return (
    <Layout page={page} title={t("ev_matrix")}>
      <h1>{t("ev_matrix")}</h1>
      <form class="card grid" method="get" action="/evidence/matrix">
        <label>
          {t("ev_from")}
          <input type="date" name="from" value={period.from ?? ""} />
        </label>
        <label>
          {t("ev_to")}
          <input type="date" name="to" value={period.to ?? ""} />
        </label>
        <div>
          <button type="submit">{t("ev_search")}</button>
        </div>
      </form>
      <p>
        {t("ev_covered", { covered: summary.covered, total: summary.clauses, gaps: summary.gaps })} ·{" "}
        <a href={`/api/v1/evidence/matrix?${qs}${qs ? "&" : ""}format=pdf`}>{t("ev_matrixPdf")}</a> · <a href={`/api/v1/evidence/matrix?${qs}`}>{t("ev_matrixJson")}</a>
      </p>
      <table data-testid="matrix">
        <thead>
          <tr>
            <th>{t("ev_clause")}</th>
            <th>{t("doc_title")}</th>
            <th>{t("ev_count")}</th>
            <th>{t("ev_latest")}</th>
            <th>{t("ev_people")}</th>
            <th>{t("ev_departments")}</th>
            <th>{t("ev_gaps")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>
                <a href={`/evidence?clause=${encodeURIComponent(r.clause)}${period.from ? `&from=${period.from}` : ""}${period.to ? `&to=${period.to}` : ""}`}>{r.clause}</a>
              </td>
              <td>
                {r.titleZh}
                <div class="muted">{clauseRequirement(r.clause, r.requirement, page.locale)}</div>
              </td>
              <td>
                <span class={`tag ${r.count ? "ok" : "bad"}`}>{r.count}</span>
                {Object.entries(r.byKind).map(([k, n]) => (
                  <div class="muted">
                    {kindLabel(page, kinds, k)} {n}
                  </div>
                ))}
              </td>
              <td>{r.latest ?? "—"}</td>
              <td>
                {r.people}
                <Names names={r.peopleNames} total={r.people} more={(n) => t("ev_morePeople", { n })} />
              </td>
              <td>
                {r.departments}
                <Names names={r.departmentNames} total={r.departments} more={(n) => t("ev_moreDepartments", { n })} />
              </td>
              <td>
                {r.gaps.map((g) => (
                  <div class="tag bad">{g.message}</div>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
};

/** An audit event's title in search results ("<object type> <id>"), with the type in words. */
const auditEventTitle = (page: PageContext, title: string) => {
  const [type, ...id] = title.split(" ");
  return `${objectTypeName(page, type ?? "")} ${id.join(" ")}`;
};

const isPlain = (v: unknown) => v === null || v === undefined || typeof v !== "object" || v instanceof Date || (Array.isArray(v) && v.every((x) => x === null || typeof x !== "object"));

/** A detail of an evidence item in words: plain values shortened, lists of things as small tables, things as nested facts. */
const Detail: FC<{ page: PageContext; field: string; value: unknown }> = ({ page, field, value }) => {
  if (isPlain(value)) {
    const v = shortValue(page, field, value);
    return <span title={v.title}>{v.text}</span>;
  }
  if (Array.isArray(value)) {
    const rows: Record<string, unknown>[] = value.map((x) => (x && typeof x === "object" ? (x as Record<string, unknown>) : { value: x }));
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    if (rows.length === 0) return <span>—</span>;
    return (
      <table class="compact">
        <thead>
          <tr>
            {keys.map((k) => (
              <th>{fieldName(page, k)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              {keys.map((k) => (
                <td>
                  <Detail page={page} field={k} value={r[k]} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  const o = value as Record<string, unknown>;
  if (typeof o.displayName === "string") return <span>{o.displayName}</span>;
  if (Object.keys(o).length === 0) return <span>—</span>;
  return (
    <dl class="facts">
      {Object.entries(o).map(([k, v]) => (
        <>
          <dt>{fieldName(page, k)}</dt>
          <dd>
            <Detail page={page} field={k} value={v} />
          </dd>
        </>
      ))}
    </dl>
  );
};

/** The details of an evidence item that say who signed what (shown under "signatures"). */
const SIGNATURE_FIELDS = ["signers", "signatures", "ipReview"];

/**
 * One evidence item laid out as a page: what it is (title, clauses, kind, source, dates, state,
 * classification), who is concerned, its files with download links, its details and signatures
 * in words, and the history of its objects (reads hidden unless asked for).
 */
export const EvidenceItemPage: FC<{ page: PageContext; item: EvidenceItem; events: HistoryEvent[]; kinds: EvidenceKindOption[] }> = ({ page, item, events, kinds }) => {
  const { t, locale } = page;
  const source = item.auditObjects[0];
  const sourceHref = source ? OBJECT_PAGES[source.type]?.(source.id) : undefined;
  const details = Object.entries(item.metadata).filter(([k, v]) => !SIGNATURE_FIELDS.includes(k) && v !== null && v !== undefined && v !== "");
  const signatures = Object.entries(item.metadata).filter(([k, v]) => SIGNATURE_FIELDS.includes(k) && v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
  const history = historyLines(page, events);
  const several = item.auditObjects.length > 1;
  return (
    <Layout page={page} title={item.title}>
      <p class="muted">
        <a href="/evidence">{t("ev_title")}</a> · {kindLabel(page, kinds, item.kind)}
      </p>
      <h1 class="wrap">
        {item.reference ? `${item.reference} ` : ""}
        {item.title}
      </h1>
      <section class="card">
        <dl class="facts" data-testid="evidence-facts">
          <dt>{t("ev_kind")}</dt>
          <dd>{kindLabel(page, kinds, item.kind)}</dd>
          <dt>{t("ev_clause")}</dt>
          <dd>{item.clauses.length ? item.clauses.join("、") : "—"}</dd>
          <dt>{t("ev_source")}</dt>
          <dd>{source && (sourceHref ? <a href={sourceHref}>{objectTypeName(page, source.type)} {item.reference ?? ""}</a> : objectTypeName(page, source.type))}</dd>
          <dt>{t("ev_date")}</dt>
          <dd>{item.date}</dd>
          <dt>{t("ev_state")}</dt>
          <dd>{stateLabel(page, kinds, item.kind, item.state)}</dd>
          <dt>{t("doc_classification")}</dt>
          <dd>{pick(locale, classificationLabels[item.classification])}</dd>
          <dt>{t("ev_people")}</dt>
          <dd>{item.people.length ? item.people.map((p) => p.displayName).join("、") : "—"}</dd>
        </dl>
      </section>
      <section class="card">
        <h2>{t("ev_files")}</h2>
        {item.files.length === 0 ? (
          <p class="muted">{t("hist_none")}</p>
        ) : (
          <table class="compact history-files" data-testid="evidence-files">
            <tbody>
              {item.files.map((f) => (
                <tr>
                  <td class="wrap">
                    <a href={`/api/v1/evidence/${item.kind}/${item.id}/files/${f.sha256}`} download={f.filename}>
                      {f.filename}
                    </a>
                  </td>
                  <td class="muted">{fieldName(page, f.role)}</td>
                  <td class="muted">
                    <code title={f.sha256}>{f.sha256.slice(0, 12)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {details.length > 0 && (
        <section class="card">
          <h2>{t("ev_metadata")}</h2>
          <dl class="facts" data-testid="evidence-details">
            {details.map(([k, v]) => (
              <>
                <dt>{fieldName(page, k)}</dt>
                <dd>
                  <Detail page={page} field={k} value={v} />
                </dd>
              </>
            ))}
          </dl>
        </section>
      )}
      {signatures.length > 0 && (
        <section class="card">
          <h2>{t("ev_signatures")}</h2>
          {signatures.map(([k, v]) => (
            <div data-testid="evidence-signatures">
              {signatures.length > 1 && <h3>{fieldName(page, k)}</h3>}
              <Detail page={page} field={k} value={v} />
            </div>
          ))}
        </section>
      )}
      <h2>{t("ev_history")}</h2>
      <History page={page} lines={several ? events.filter((e) => history.reads.shown || !page.eventType(e.action)?.read).map((e) => describeEvent(page, e, { target: true })) : history.lines} reads={history.reads} target={several} testId="item-history" />
    </Layout>
  );
};

/** Grants for auditors: the list, a form to grant, revocation. */
export const AuditorGrantsPage: FC<{
  page: PageContext;
  grants: { grant: AuditorGrantRow; auditorName: string }[];
  auditors: { id: string; displayName: string }[];
  clauses: ClauseRow[];
  categories: DocumentCategoryRow[];
  canGrant: boolean;
  now: Date;
  flash?: Flash;
}> = ({ page, grants, auditors, clauses, categories, canGrant, now, flash }) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={t("ev_grants")} flash={flash}>
      <h1>{t("ev_grants")}</h1>
      <table data-testid="grants">
        <thead>
          <tr>
            <th>{t("ev_auditor")}</th>
            <th>{t("ev_purpose")}</th>
            <th>{t("ev_clauses")}</th>
            <th>{t("ev_periodFrom")}</th>
            <th>{t("ev_endsAt")}</th>
            <th>{t("ev_maxClassification")}</th>
            <th>{t("ev_state")}</th>
            <th>{t("actions")}</th>
          </tr>
        </thead>
        <tbody>
          {grants.map(({ grant: g, auditorName }) => {
            const state = g.revokedAt ? "ev_revoked" : g.endsAt <= now ? "ev_ended" : "ev_active";
            return (
              <tr>
                <td>{auditorName}</td>
                <td>{g.purpose}</td>
                <td>{g.clauseIds.join(", ") || t("ev_any")}</td>
                <td>
                  {g.periodFrom ?? "—"} – {g.periodTo ?? "—"}
                </td>
                <td>{fmtTime(g.endsAt, locale)}</td>
                <td>{pick(locale, classificationLabels[g.maxClassification as Classification])}</td>
                <td>
                  <span class={`tag ${state === "ev_active" ? "ok" : ""}`}>{t(state as MessageKey)}</span>
                </td>
                <td>
                  {canGrant && state === "ev_active" && (
                    <form method="post" action={`/audit/grants/${g.id}/revoke`} class="grid">
                      <CsrfField page={page} />
                      <input name="reason" required placeholder={t("ev_revokeReason")} aria-label={t("ev_revokeReason")} />
                      <button type="submit" class="secondary">
                        {t("ev_revoke")}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {canGrant && (
        <form class="stack card" method="post" action="/audit/grants">
          <CsrfField page={page} />
          <h2>{t("ev_grantNew")}</h2>
          <label>
            {t("ev_auditor")}
            <select name="auditorId" required>
              {auditors.map((a) => (
                <option value={a.id}>{a.displayName}</option>
              ))}
            </select>
          </label>
          <label>
            {t("ev_purpose")}
            <input name="purpose" required />
          </label>
          <label>
            {t("ev_endsAt")}
            <input name="endsAt" type="date" required />
          </label>
          <fieldset>
            <legend>{t("ev_clauses")}</legend>
            {clauses.map((c) => (
              <label class="inline">
                <input type="checkbox" name="clauseIds" value={c.id} />
                {c.id} {c.titleZh}
              </label>
            ))}
          </fieldset>
          <fieldset>
            <legend>{t("ev_categories")}</legend>
            {categories.map((c) => (
              <label class="inline">
                <input type="checkbox" name="categoryIds" value={c.id} />
                {locale === "en" ? c.nameEn : c.name}
              </label>
            ))}
          </fieldset>
          <label>
            {t("ev_periodFrom")}
            <input name="periodFrom" type="date" />
          </label>
          <label>
            {t("ev_periodTo")}
            <input name="periodTo" type="date" />
          </label>
          <label>
            {t("ev_maxClassification")}
            <ClassificationSelect page={page} name="maxClassification" value="internal" />
          </label>
          <button type="submit">{t("ev_grant")}</button>
        </form>
      )}
    </Layout>
  );
};
