import type { FC } from "hono/jsx";
import { formatTime as fmtTime } from "../../lib/time";
import { recordsAreasOf } from "../../core/records/access";
import type { getCaseFile } from "../../core/records/cases";
import type { getHoldReport } from "../../core/records/holds";
import type { RecordListRow } from "../../core/records/repo";
import { ARRIVAL_METHODS, arrivalLabels, CASE_KINDS, caseKindLabels, EXTERNAL_DOCUMENT_TYPES, externalTypeLabels, type CaseKind } from "../../core/records/vocabulary";
import type { CaseFileRow, LegalHoldRow, RecordClassRow } from "../../db/schema/records";
import { pick } from "../i18n";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";
import { ClassificationSelect } from "../components";
import { ClassSelect, cls, PaperFields, RecordsNav, RecordTable, type Person } from "./records";

/** External documents: the list (records with a source) and the way to file one. */
export const ExternalDocumentsPage: FC<{ page: PageContext; rows: (RecordListRow & { underHold: boolean })[]; query: Record<string, string>; canFile: boolean; flash?: Flash }> = ({
  page,
  rows,
  query,
  canFile,
  flash,
}) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={t("ext_title")} flash={flash}>
      <h1>{t("ext_title")}</h1>
      <RecordsNav page={page} />
      {canFile && (
        <p>
          <a class="button" href="/records/external/new">
            {t("ext_new")}
          </a>
        </p>
      )}
      <form class="card grid" method="get" action="/records/external" role="search">
        <label>
          {t("rec_q")}
          <input name="q" value={query.q ?? ""} />
        </label>
        <label>
          {t("ext_type")}
          <select name="externalType">
            <option value="">{t("rec_any")}</option>
            {EXTERNAL_DOCUMENT_TYPES.map((x) => (
              <option value={x} selected={query.externalType === x}>
                {pick(locale, externalTypeLabels[x])}
              </option>
            ))}
          </select>
        </label>
        <div>
          <button type="submit">{t("rec_search")}</button>
        </div>
      </form>
      <RecordTable page={page} rows={rows} testId="external-documents" />
    </Layout>
  );
};

/** File an external document the day it arrives. */
export const NewExternalDocumentPage: FC<{
  page: PageContext;
  classes: RecordClassRow[];
  people: Person[];
  cases: CaseFileRow[];
  values?: Record<string, string>;
  flash?: Flash;
}> = ({ page, classes, people, cases, values = {}, flash }) => {
  const { t, locale } = page;
  const me = page.principal?.id;
  return (
    <Layout page={page} title={t("ext_new")} flash={flash}>
      <h1>{t("ext_new")}</h1>
      <RecordsNav page={page} />
      <form class="stack card" method="post" action="/records/external/new" enctype="multipart/form-data">
        <CsrfField page={page} />
        <label>
          {t("ext_type")}
          <select name="docType">
            {EXTERNAL_DOCUMENT_TYPES.map((x) => (
              <option value={x} selected={values.docType === x}>
                {pick(locale, externalTypeLabels[x])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("rec_recordTitle")}
          <input name="title" required value={values.title ?? ""} />
        </label>
        <label>
          {t("ext_issuer")}
          <input name="issuer" required value={values.issuer ?? ""} />
        </label>
        <label>
          {t("ext_reference")}
          <input name="referenceNumber" value={values.referenceNumber ?? ""} />
        </label>
        <div class="grid">
          <label>
            {t("ext_issuedOn")}
            <input name="issuedOn" type="date" required value={values.issuedOn ?? ""} />
          </label>
          <label>
            {t("ext_obtainedOn")}
            <input name="obtainedOn" type="date" required value={values.obtainedOn ?? ""} />
          </label>
        </div>
        <div class="grid">
          <label>
            {t("ext_arrival")}
            <select name="arrivalMethod">
              {ARRIVAL_METHODS.map((x) => (
                <option value={x} selected={values.arrivalMethod === x}>
                  {pick(locale, arrivalLabels[x])}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("ext_arrivalDetail")}
            <input name="arrivalDetail" value={values.arrivalDetail ?? ""} />
          </label>
        </div>
        <label>
          {t("ext_receivedBy")}
          <select name="receivedBy">
            {people.map((u) => (
              <option value={u.id} selected={(values.receivedBy ?? me) === u.id}>
                {u.displayName} ({u.username})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("ext_case")}
          <select name="caseId">
            <option value="">{t("ext_noCase")}</option>
            {cases
              .filter((c) => c.status === "open")
              .map((c) => (
                <option value={c.id} selected={values.caseId === c.id}>
                  {c.number} {c.title}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t("ext_ipAsset")}
          <input name="ipAsset" value={values.ipAsset ?? ""} />
        </label>
        <label>
          {t("rec_class")}
          <ClassSelect page={page} classes={classes} value={values.classId} blank="—" />
        </label>
        <label>
          {t("rec_classification")}
          <ClassificationSelect page={page} value={values.classification} blank="—" />
        </label>
        <label>
          {t("rec_description")}
          <textarea name="description" rows={2}>
            {values.description ?? ""}
          </textarea>
        </label>
        <label>
          {t("rec_file")}
          <input name="file" type="file" />
          <span class="muted">{t("rec_fileHelp")}</span>
        </label>
        <PaperFields page={page} values={values} />
        <button type="submit">{t("rec_declare")}</button>
      </form>
    </Layout>
  );
};

/** Case files and the form to open one. */
export const CasesPage: FC<{ page: PageContext; cases: (CaseFileRow & { ownerName: string })[]; canOpen: boolean; values?: Record<string, string>; flash?: Flash }> = ({
  page,
  cases,
  canOpen,
  values = {},
  flash,
}) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={t("case_title")} flash={flash}>
      <h1>{t("case_title")}</h1>
      <RecordsNav page={page} />
      <table data-testid="cases">
        <thead>
          <tr>
            <th>{t("case_number")}</th>
            <th>{t("case_name")}</th>
            <th>{t("case_kind")}</th>
            <th>{t("case_openedOn")}</th>
            <th>{t("case_owner")}</th>
            <th>{t("case_status")}</th>
          </tr>
        </thead>
        <tbody>
          {cases.map((c) => (
            <tr>
              <td>
                <a href={`/records/cases/${c.id}`}>{c.number}</a>
              </td>
              <td>{c.title}</td>
              <td>{pick(locale, caseKindLabels[c.kind as CaseKind])}</td>
              <td>{c.openedOn}</td>
              <td>{c.ownerName}</td>
              <td>
                <span class={`tag ${c.status === "open" ? "bad" : ""}`}>{c.status === "open" ? t("case_open") : t("case_closed")}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canOpen && (
        <form class="stack card" method="post" action="/records/cases">
          <h2>{t("case_new")}</h2>
          <CsrfField page={page} />
          <label>
            {t("case_number")}
            <input name="number" value={values.number ?? ""} placeholder="（京0108民初12345号）" />
          </label>
          <label>
            {t("case_name")}
            <input name="title" required value={values.title ?? ""} />
          </label>
          <label>
            {t("case_kind")}
            <select name="kind">
              {CASE_KINDS.map((k) => (
                <option value={k} selected={values.kind === k}>
                  {pick(locale, caseKindLabels[k])}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("case_counterparty")}
            <input name="counterparty" value={values.counterparty ?? ""} />
          </label>
          <label>
            {t("case_forum")}
            <input name="forum" value={values.forum ?? ""} />
          </label>
          <label>
            {t("case_ourRole")}
            <input name="ourRole" value={values.ourRole ?? ""} />
          </label>
          <label>
            {t("case_openedOn")}
            <input name="openedOn" type="date" required value={values.openedOn ?? ""} />
          </label>
          <label>
            {t("rec_classification")}
            <ClassificationSelect page={page} value={values.classification ?? "secret"} />
          </label>
          <button type="submit">{t("case_create")}</button>
        </form>
      )}
    </Layout>
  );
};

/** One case: its hold, its records, closing. */
export const CasePage: FC<{ page: PageContext; view: Awaited<ReturnType<typeof getCaseFile>>; flash?: Flash }> = ({ page, view, flash }) => {
  const { t, locale } = page;
  const c = view.case;
  return (
    <Layout page={page} title={`${c.number} ${c.title}`} flash={flash}>
      <h1>
        {c.number} {c.title}
      </h1>
      <RecordsNav page={page} />
      <dl class="facts card">
        <dt>{t("case_kind")}</dt>
        <dd>{pick(locale, caseKindLabels[c.kind as CaseKind])}</dd>
        <dt>{t("case_counterparty")}</dt>
        <dd>{c.counterparty ?? "—"}</dd>
        <dt>{t("case_forum")}</dt>
        <dd>{c.forum ?? "—"}</dd>
        <dt>{t("case_openedOn")}</dt>
        <dd>{c.openedOn}</dd>
        <dt>{t("case_owner")}</dt>
        <dd>{view.ownerName}</dd>
        <dt>{t("rec_classification")}</dt>
        <dd>{cls(page, c.classification)}</dd>
        <dt>{t("case_status")}</dt>
        <dd>
          {c.status === "open" ? t("case_open") : `${t("case_closed")} · ${c.closedOn} · ${c.outcome}`}
        </dd>
      </dl>
      {view.hold && (
        <p class="flash ok">
          {t("case_hold")}{" "}
          {page.principal && recordsAreasOf(page.principal).holds ? <a href={`/records/holds/${view.hold.id}`}>{t("hold_report")}</a> : null}
        </p>
      )}
      <h2>{t("case_records")}</h2>
      <p>
        <a href={`/records/external/new?caseId=${c.id}`}>{t("ext_new")}</a>
      </p>
      <RecordTable page={page} rows={view.records.map((r) => ({ ...r, underHold: !!view.hold }))} testId="case-records" />
      {view.mayClose && (
        <form class="stack card" method="post" action={`/records/cases/${c.id}/close`}>
          <h2>{t("case_close")}</h2>
          <CsrfField page={page} />
          <label>
            {t("case_closedOn")}
            <input name="closedOn" type="date" required />
          </label>
          <label>
            {t("case_outcome")}
            <textarea name="outcome" rows={2} required></textarea>
          </label>
          <button type="submit">{t("case_close")}</button>
        </form>
      )}
    </Layout>
  );
};

/** Legal holds and the form to place one. */
export const HoldsPage: FC<{ page: PageContext; holds: LegalHoldRow[]; canPlace: boolean; classes: RecordClassRow[]; values?: Record<string, string>; flash?: Flash }> = ({
  page,
  holds,
  canPlace,
  classes,
  values = {},
  flash,
}) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("hold_title")} flash={flash}>
      <h1>{t("hold_title")}</h1>
      <RecordsNav page={page} />
      <table data-testid="holds">
        <thead>
          <tr>
            <th>{t("hold_matter")}</th>
            <th>{t("hold_scope")}</th>
            <th>{t("hold_placedAt")}</th>
            <th>{t("case_status")}</th>
          </tr>
        </thead>
        <tbody>
          {holds.map((h) => (
            <tr>
              <td>
                <a href={`/records/holds/${h.id}`}>{h.matter}</a>
              </td>
              <td>{h.scopeKind === "list" ? t("hold_byList") : `${t("hold_byQuery")}: ${JSON.stringify(h.query)}`}</td>
              <td>{fmtTime(h.placedAt, page.locale)}</td>
              <td>
                <span class={`tag ${h.status === "active" ? "bad" : ""}`}>{h.status === "active" ? t("hold_active") : t("hold_released")}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {canPlace && (
        <form class="stack card" method="post" action="/records/holds">
          <h2>{t("hold_new")}</h2>
          <CsrfField page={page} />
          <label>
            {t("hold_matter")}
            <input name="matter" required value={values.matter ?? ""} />
          </label>
          <label>
            {t("hold_reason")}
            <textarea name="reason" rows={2} required>
              {values.reason ?? ""}
            </textarea>
          </label>
          <fieldset>
            <legend>{t("hold_scope")}</legend>
            <label class="inline">
              <input type="radio" name="scopeKind" value="list" checked={(values.scopeKind ?? "list") === "list"} /> {t("hold_byList")}
            </label>
            <textarea name="numbers" rows={3} aria-label={t("hold_records")}>
              {values.numbers ?? ""}
            </textarea>
            <label class="inline">
              <input type="radio" name="scopeKind" value="query" checked={values.scopeKind === "query"} /> {t("hold_byQuery")}
            </label>
            <p class="muted">{t("hold_queryHint")}</p>
            <div class="grid">
              <label>
                {t("rec_q")}
                <input name="q" value={values.q ?? ""} />
              </label>
              <label>
                {t("rec_class")}
                <ClassSelect page={page} classes={classes} value={values.classId} blank={t("rec_anyClass")} />
              </label>
              <label>
                {t("rec_dateFrom")}
                <input type="date" name="dateFrom" value={values.dateFrom ?? ""} />
              </label>
              <label>
                {t("rec_dateTo")}
                <input type="date" name="dateTo" value={values.dateTo ?? ""} />
              </label>
            </div>
          </fieldset>
          <button type="submit">{t("hold_place")}</button>
        </form>
      )}
    </Layout>
  );
};

/** The hold report, and releasing the hold. */
export const HoldPage: FC<{ page: PageContext; report: Awaited<ReturnType<typeof getHoldReport>>; flash?: Flash }> = ({ page, report, flash }) => {
  const { t } = page;
  const h = report.hold;
  return (
    <Layout page={page} title={`${t("hold_report")} · ${h.matter}`} flash={flash}>
      <h1>
        {t("hold_report")} · {h.matter}
      </h1>
      <RecordsNav page={page} />
      <dl class="facts card">
        <dt>{t("hold_reason")}</dt>
        <dd>{h.reason}</dd>
        <dt>{t("hold_scope")}</dt>
        <dd>{h.scopeKind === "list" ? t("hold_byList") : `${t("hold_byQuery")}: ${JSON.stringify(h.query)}`}</dd>
        <dt>{t("hold_placedAt")}</dt>
        <dd>{fmtTime(h.placedAt, page.locale)}</dd>
        <dt>{t("case_status")}</dt>
        <dd>{h.status === "active" ? t("hold_active") : `${t("hold_released")} · ${fmtTime(h.releasedAt, page.locale)} · ${h.releaseReason}`}</dd>
      </dl>
      {h.caseId && h.status === "active" && (
        <p class="muted">
          {t("hold_caseHold")} <a href={`/records/cases/${h.caseId}`}>{t("case_title")}</a>
        </p>
      )}
      <p>{t("hold_covers", { n: report.records.length })}</p>
      <RecordTable page={page} rows={report.records.map((r) => ({ ...r, underHold: h.status === "active" }))} testId="hold-records" />
      {report.mayRelease && (
        <form class="stack card" method="post" action={`/records/holds/${h.id}/release`}>
          <CsrfField page={page} />
          <label>
            {t("hold_releaseReason")}
            <input name="reason" required />
          </label>
          <button type="submit">{t("hold_release")}</button>
        </form>
      )}
    </Layout>
  );
};
