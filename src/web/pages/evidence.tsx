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
  const label = kinds.find((k) => k.kind === kind)?.states[state];
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
                  <td>{h.reference ?? ""}</td>
                  <td>{h.kind === "audit-event" ? h.title : <a href={`/evidence/${h.kind}/${h.id}`}>{h.title}</a>}</td>
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

/** One evidence item: metadata, files as stored, and the full history of its objects. */
export const EvidenceItemPage: FC<{ page: PageContext; item: EvidenceItem; events: AuditEventRow[]; kinds: EvidenceKindOption[] }> = ({ page, item, events, kinds }) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={item.title}>
      <h1>
        {item.reference ? `${item.reference} ` : ""}
        {item.title}
      </h1>
      <p>
        <span class="tag">{kindLabel(page, kinds, item.kind)}</span>
        <span class="tag">{pick(locale, classificationLabels[item.classification])}</span>
        <span class="tag">
          {t("ev_clause")} {item.clauses.join(", ")}
        </span>
        <span class="tag">{item.date}</span>
        <span class="tag">{stateLabel(page, kinds, item.kind, item.state)}</span>
      </p>
      <section class="card">
        <h2>{t("ev_files")}</h2>
        <ul>
          {item.files.map((f) => (
            <li>
              <a href={`/api/v1/evidence/${item.kind}/${item.id}/files/${f.sha256}`}>{f.filename}</a> <span class="muted">({wordFor(evidenceFileRoleWords, f.role, locale)})</span>{" "}
              <code class="muted">{f.sha256}</code>
            </li>
          ))}
        </ul>
      </section>
      <section class="card">
        <h2>{t("ev_metadata")}</h2>
        <p>
          {t("ev_people")}: {item.people.map((p) => p.displayName).join("、")}
        </p>
        <pre class="json">{JSON.stringify(item.metadata, null, 2)}</pre>
      </section>
      <h2>{t("ev_history")}</h2>
      <table data-testid="item-history">
        <thead>
          <tr>
            <th>#</th>
            <th>{t("audit_when")}</th>
            <th>{t("audit_who")}</th>
            <th>{t("audit_action")}</th>
            <th>{t("audit_details")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td>{e.seq}</td>
              <td>{fmtTime(e.occurredAt, locale)}</td>
              <td>{e.actorLabel}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                <pre class="json">{JSON.stringify(e.data)}</pre>
                <code class="muted">{e.hash.slice(0, 16)}…</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
