import type { FC } from "hono/jsx";
import { natureDetailText } from "../messages/natures";
import { arrivalLabels } from "../../core/records/vocabulary";
import { formatTime as fmtTime } from "../../lib/time";
import { recordsAreasOf } from "../../core/records/access";
import { classificationLabels, type Classification } from "../../core/auth/permissions";
import type { getRecordView } from "../../core/records/retrieve";
import type { RecordListRow } from "../../core/records/repo";
import {
  DISPOSITIONS,
  dispositionLabels,
  externalTypeLabels,
  natureLabels,
  RETENTION_TRIGGERS,
  RETENTION_UNITS,
  recordStatusLabels,
  sourceKindLabels,
  triggerLabels,
  unitLabels,
  type Disposition,
  type ExternalDocumentType,
  type RecordStatus,
  type RetentionTrigger,
  type RetentionUnit,
} from "../../core/records/vocabulary";
import type { RecordClassRow } from "../../db/schema/records";
import { pick, type Locale, type MessageKey } from "../i18n";
import { ClassificationSelect, DepartmentSelect, Pager } from "../components";
import { History, historyLines } from "../history";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";

export type Person = { id: string; displayName: string; username: string };
export type Department = { id: string; code: string; name: string };
export const cls = (page: PageContext, level: string) => pick(page.locale, classificationLabels[level as Classification]);
export const className = (page: PageContext, c: Pick<RecordClassRow, "name" | "nameEn">) => (page.locale === "en" ? c.nameEn : c.name);

/** "10 年 · 起算：文件日期 · 到期鉴定" */
export function retentionText(page: PageContext, c: Pick<RecordClassRow, "retentionAmount" | "retentionUnit" | "trigger" | "disposition">): string {
  const period = c.retentionUnit === "permanent" ? page.t("rec_permanent") : `${c.retentionAmount} ${pick(page.locale, unitLabels[c.retentionUnit as RetentionUnit])}`;
  return `${period} · ${pick(page.locale, triggerLabels[c.trigger as RetentionTrigger])} · ${pick(page.locale, dispositionLabels[c.disposition as Disposition])}`;
}

/** The links between the pages of the records area. */
export const RecordsNav: FC<{ page: PageContext }> = ({ page }) => {
  const may = page.principal ? recordsAreasOf(page.principal) : { cases: false, holds: false, disposal: false, import: false };
  const items: [string, MessageKey, boolean][] = [
    ["/records", "sub_records", true],
    ["/records/external", "sub_external", true],
    ["/records/cases", "sub_cases", may.cases],
    ["/records/holds", "sub_holds", may.holds],
    ["/records/disposal", "sub_disposal", may.disposal],
    ["/records/plan", "sub_plan", true],
    ["/records/import", "sub_import", may.import],
  ];
  return (
    <nav class="subnav" aria-label={page.t("rec_title")}>
      {items.filter(([, , shown]) => shown).map(([href, key]) => (
        <a href={href} aria-current={page.path === href ? "page" : undefined}>
          {page.t(key)}
        </a>
      ))}
    </nav>
  );
};

export const StatusTag: FC<{ page: PageContext; status: string }> = ({ page, status }) => (
  <span class={`tag ${status === "active" ? "ok" : status === "destroyed" ? "bad" : ""}`}>{pick(page.locale, recordStatusLabels[status as RecordStatus])}</span>
);

/** A table of records (search results, case records, hold report, disposal list). */
export const RecordTable: FC<{ page: PageContext; rows: (RecordListRow & { underHold?: boolean })[]; testId: string; select?: boolean }> = ({ page, rows, testId, select }) => {
  const { t } = page;
  if (rows.length === 0) return <p class="muted">{t("rec_none")}</p>;
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          {select && <th></th>}
          <th>{t("rec_number")}</th>
          <th>{t("rec_recordTitle")}</th>
          <th>{t("rec_class")}</th>
          <th>{t("rec_date")}</th>
          <th>{t("rec_classification")}</th>
          <th>{t("rec_status")}</th>
          <th>{t("rec_due")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            {select && (
              <td>
                <input type="checkbox" name="recordIds" value={r.record.id} aria-label={r.record.number} />
              </td>
            )}
            <td>
              <a href={`/records/${r.record.id}`}>{r.record.number}</a>
            </td>
            <td>
              {r.record.title} {r.underHold && <span class="tag bad">{t("rec_underHold")}</span>}
            </td>
            <td>
              {r.classCode} <span class="muted">{page.locale === "en" ? r.classNameEn : r.className}</span>
            </td>
            <td>{r.record.recordDate}</td>
            <td>{cls(page, r.record.classification)}</td>
            <td>
              <StatusTag page={page} status={r.record.status} />
            </td>
            <td>{r.record.dueOn ?? t("rec_dueNone")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

export const ClassSelect: FC<{ page: PageContext; classes: RecordClassRow[]; value?: string; blank?: string; name?: string }> = ({ page, classes, value, blank, name = "classId" }) => (
  <select name={name}>
    {blank !== undefined && <option value="">{blank}</option>}
    {classes.map((c) => (
      <option value={c.id} selected={value === c.id}>
        {c.code} {className(page, c)}
      </option>
    ))}
  </select>
);

export const PaperFields: FC<{ page: PageContext; values: Record<string, string> }> = ({ page, values }) => (
  <fieldset>
    <legend>{page.t("rec_paper")}</legend>
    <div class="grid">
      <label>
        {page.t("rec_room")}
        <input name="paperRoom" maxlength={100} value={values.paperRoom ?? ""} />
      </label>
      <label>
        {page.t("rec_cabinet")}
        <input name="paperCabinet" maxlength={100} value={values.paperCabinet ?? ""} />
      </label>
      <label>
        {page.t("rec_box")}
        <input name="paperBox" maxlength={100} value={values.paperBox ?? ""} />
      </label>
    </div>
  </fieldset>
);

/** Search and results. */
export const RecordSearchPage: FC<{
  page: PageContext;
  query: Record<string, string>;
  result: { total: number; items: (RecordListRow & { underHold: boolean })[] };
  paging: { limit: number; offset: number };
  classes: RecordClassRow[];
  canDeclare: boolean;
  flash?: Flash;
}> = ({ page, query, result, paging, classes, canDeclare, flash }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("rec_title")} flash={flash}>
      <h1>{t("rec_title")}</h1>
      <RecordsNav page={page} />
      {canDeclare && (
        <p>
          <a class="button" href="/records/new">
            {t("rec_new")}
          </a>
        </p>
      )}
      <form class="card grid" method="get" action="/records" role="search">
        <label>
          {t("rec_q")}
          <input name="q" value={query.q ?? ""} />
        </label>
        <label>
          {t("rec_class")}
          <ClassSelect page={page} classes={classes} value={query.classId} blank={t("rec_anyClass")} />
        </label>
        <label>
          {t("rec_clause")}
          <input name="clause" value={query.clause ?? ""} placeholder="7.3.2.4" />
        </label>
        <label>
          {t("rec_status")}
          <select name="status">
            <option value="">{t("rec_any")}</option>
            {(["active", "destroyed", "transferred"] as const).map((s) => (
              <option value={s} selected={query.status === s}>
                {pick(page.locale, recordStatusLabels[s])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("rec_dateFrom")}
          <input type="date" name="dateFrom" value={query.dateFrom ?? ""} />
        </label>
        <label>
          {t("rec_dateTo")}
          <input type="date" name="dateTo" value={query.dateTo ?? ""} />
        </label>
        <label>
          {t("rec_triggerFrom")}
          <input type="date" name="triggerFrom" value={query.triggerFrom ?? ""} />
        </label>
        <label>
          {t("rec_triggerTo")}
          <input type="date" name="triggerTo" value={query.triggerTo ?? ""} />
        </label>
        <div>
          <button type="submit">{t("rec_search")}</button>
        </div>
      </form>
      <p class="muted">{t("rec_total", { n: result.total })}</p>
      <RecordTable page={page} rows={result.items} testId="records" />
      <Pager page={page} path="/records" query={query} total={result.total} offset={paging.offset} limit={paging.limit} />
    </Layout>
  );
};

/** Declare a record from an upload or a paper original. */
export const NewRecordPage: FC<{ page: PageContext; classes: RecordClassRow[]; people: Person[]; departments: Department[]; values?: Record<string, string>; flash?: Flash }> = ({
  page,
  classes,
  people,
  departments,
  values = {},
  flash,
}) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("rec_new")} flash={flash}>
      <h1>{t("rec_new")}</h1>
      <RecordsNav page={page} />
      <form class="stack card" method="post" action="/records/new" enctype="multipart/form-data">
        <CsrfField page={page} />
        <label>
          {t("rec_class")}
          <ClassSelect page={page} classes={classes} value={values.classId} />
        </label>
        <label>
          {t("rec_recordTitle")}
          <input name="title" maxlength={300} required value={values.title ?? ""} />
        </label>
        <label>
          {t("rec_date")}
          <input name="recordDate" type="date" required value={values.recordDate ?? ""} />
        </label>
        <label>
          {t("rec_author")}
          <input name="author" maxlength={200} required value={values.author ?? ""} />
        </label>
        <label>
          {t("rec_department")}
          <DepartmentSelect page={page} name="departmentId" departments={departments} value={values.departmentId} blank="—" />
        </label>
        <label>
          {t("rec_classification")}
          <ClassificationSelect page={page} value={values.classification} blank="—" />
        </label>
        <label>
          {t("rec_person")}
          <select name="personId">
            <option value="">{t("rec_noPerson")}</option>
            {people.map((u) => (
              <option value={u.id} selected={values.personId === u.id}>
                {u.displayName} ({u.username})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("rec_description")}
          <textarea name="description" maxlength={4000} rows={2}>
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

type RecordView = Awaited<ReturnType<typeof getRecordView>>;

const natureClass = (s: string) => (s === "pass" ? "ok" : s === "fail" ? "bad" : "");

/** One record: everything known about it, and the forms to correct and link it. */
/** A link kind's name in the reader's language (the kind itself if it is no longer registered). */
const labelOfKind = (locale: Locale, kinds: { kind: string; label: { zh: string; en: string } }[], kind: string) => {
  const found = kinds.find((k) => k.kind === kind);
  return found ? pick(locale, found.label) : kind;
};

export const RecordPage: FC<{
  page: PageContext;
  view: RecordView;
  classes: RecordClassRow[];
  mayRetain: boolean;
  flash?: Flash;
}> = ({ page, view, classes, mayRetain, flash }) => {
  const { t, locale } = page;
  const { record: r, recordClass: c } = view;
  const n = r.natures as Record<string, { status: string; detail: string }> & { format: string; checkedAt: string };
  return (
    <Layout page={page} title={`${r.number} ${r.title}`} flash={flash}>
      <h1>
        {r.number} {r.title}
      </h1>
      <RecordsNav page={page} />
      <p>
        <StatusTag page={page} status={r.status} /> <span class="tag">{cls(page, r.classification)}</span>{" "}
        {view.underHold && (
          <span class="tag bad" data-testid="hold-tag">
            {t("rec_underHold")}
          </span>
        )}
        {view.holds.map((h) =>
          page.principal && recordsAreasOf(page.principal).holds ? (
            <a href={`/records/holds/${h.id}`} class="muted">
              {" "}
              {h.matter}
            </a>
          ) : (
            <span class="muted"> {h.matter}</span>
          ),
        )}
      </p>
      {view.destruction && <div class="flash error">{t("rec_destroyed", { at: fmtTime(r.disposedAt, locale) })}</div>}
      <div class="grid">
        <section class="card">
          <h2>{t("rec_metadata")}</h2>
          <dl class="facts" data-testid="metadata">
            <dt>{t("rec_class")}</dt>
            <dd>
              {c.code} {className(page, c)} · {t("rec_clause")} {c.clause}
            </dd>
            <dt>{t("rec_date")}</dt>
            <dd>{r.recordDate}</dd>
            <dt>{t("rec_author")}</dt>
            <dd>{r.author}</dd>
            {r.description && (
              <>
                <dt>{t("rec_description")}</dt>
                <dd>{r.description}</dd>
              </>
            )}
            <dt>{t("rec_source")}</dt>
            <dd>
              {sourceKindLabels[r.sourceKind] ? pick(locale, sourceKindLabels[r.sourceKind]!) : r.sourceKind}
              {r.sourceId && r.sourceKind === "signature-request" ? (
                <>
                  {" · "}
                  <a href={`/signatures/${r.sourceId}`}>{r.sourceId}</a>
                </>
              ) : r.sourceId ? (
                <span class="muted"> · {r.sourceId}</span>
              ) : (
                ""
              )}
            </dd>
            <dt>{t("rec_declaredBy")}</dt>
            <dd>
              {view.declaredByName} · {fmtTime(r.declaredAt, locale)}
            </dd>
          </dl>
        </section>
        <section class="card">
          <h2>{t("rec_retention")}</h2>
          <dl class="facts" data-testid="retention">
            <dt>{t("plan_period")}</dt>
            <dd>{retentionText(page, c)}</dd>
            <dt>{t("rec_triggerDate")}</dt>
            <dd>{r.triggerDate ?? t("rec_triggerPending")}</dd>
            <dt>{t("rec_due")}</dt>
            <dd>{c.retentionUnit === "permanent" ? t("rec_permanent") : (r.dueOn ?? "—")}</dd>
            {r.retainUntil && (
              <>
                <dt>{t("rec_retainUntil")}</dt>
                <dd>
                  {r.retainUntil} · {r.retainReason}
                </dd>
              </>
            )}
            {view.disposal && (
              <>
                <dt>{t("rec_inDisposal")}</dt>
                <dd>
                  <a href={`/records/disposals/${view.disposal.id}`}>{view.disposal.number}</a> · {t(`disp_status_${view.disposal.status}` as MessageKey)}
                </dd>
              </>
            )}
          </dl>
          <h2>{t("rec_custody")}</h2>
          <dl class="facts">
            {r.contentSha256 && (
              <>
                <dt>{t("rec_electronic")}</dt>
                <dd>
                  {r.status !== "destroyed" ? <a href={`/api/v1/records/${r.id}/content`}>{r.contentFilename}</a> : r.contentFilename} · {r.contentSize} B
                  <br />
                  <code class="muted">{r.contentSha256}</code>
                </dd>
              </>
            )}
            {view.paperLocation && (
              <>
                <dt>{t("rec_paper")}</dt>
                <dd>{view.paperLocation}</dd>
              </>
            )}
          </dl>
        </section>
      </div>
      {view.external && (
        <section class="card" data-testid="external">
          <h2>{t("ext_source")}</h2>
          <dl class="facts">
            <dt>{t("ext_type")}</dt>
            <dd>{pick(locale, externalTypeLabels[view.external.docType as ExternalDocumentType])}</dd>
            <dt>{t("ext_issuer")}</dt>
            <dd>{view.external.issuer}</dd>
            <dt>{t("ext_reference")}</dt>
            <dd>{view.external.referenceNumber ?? "—"}</dd>
            <dt>{t("ext_issuedOn")}</dt>
            <dd>{view.external.issuedOn}</dd>
            <dt>{t("ext_obtainedOn")}</dt>
            <dd>{view.external.obtainedOn}</dd>
            <dt>{t("ext_arrival")}</dt>
            <dd>
              {view.external.arrivalMethod in arrivalLabels ? pick(locale, arrivalLabels[view.external.arrivalMethod as keyof typeof arrivalLabels]) : view.external.arrivalMethod}
              {view.external.arrivalDetail ? ` · ${view.external.arrivalDetail}` : ""}
            </dd>
            <dt>{t("ext_receivedBy")}</dt>
            <dd>{view.external.receivedByName}</dd>
          </dl>
        </section>
      )}
      <section class="card">
        <h2>{t("rec_natures")}</h2>
        <p class="muted">
          {n.format} · {fmtTime(n.checkedAt, locale)}
        </p>
        <table data-testid="natures">
          <thead>
            <tr>
              <th>{t("rec_nature")}</th>
              <th>{t("rec_result")}</th>
              <th>{t("rec_detail")}</th>
            </tr>
          </thead>
          <tbody>
            {(["authenticity", "integrity", "usability", "security"] as const).map((k) => (
              <tr>
                <td>{pick(locale, natureLabels[k])}</td>
                <td>
                  <span class={`tag ${natureClass(n[k]!.status)}`}>{t(`rec_${n[k]!.status}` as MessageKey)}</span>
                </td>
                <td>{natureDetailText(n[k]!.detail, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card">
        <h2>{t("rec_links")}</h2>
        {view.links.length > 0 && (
          <table data-testid="links">
            <tbody>
              {view.links.map((l) => (
                <tr>
                  <td>{labelOfKind(locale, view.linkKinds, l.kind)}</td>
                  <td>{l.kind === "case" ? <a href={`/records/cases/${l.targetId}`}>{l.display ?? l.targetId}</a> : l.kind === "contract" ? <a href={`/contracts/${l.targetId}`}>{l.display ?? l.targetId}</a> : l.kind === "record" ? <a href={`/records/${l.targetId}`}>{l.display ?? l.targetId}</a> : (l.display ?? l.targetId)}</td>
                  <td>
                    {view.mayCorrect && (
                      <form method="post" action={`/records/${r.id}/links/${l.id}/remove`} class="inline">
                        <CsrfField page={page} />
                        <input type="hidden" name="reason" value="removed on the record page" />
                        <button type="submit" class="secondary">
                          {t("rec_removeLink")}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {view.mayCorrect && (
          <form method="post" action={`/records/${r.id}/links`} class="grid">
            <CsrfField page={page} />
            <label>
              {t("rec_linkKind")}
              <select name="kind">
                {view.linkKinds.map((k) => (
                  <option value={k.kind}>{pick(locale, k.label)}</option>
                ))}
              </select>
            </label>
            <label>
              {t("rec_targetId")}
              <input name="targetId" required />
            </label>
            <div>
              <button type="submit" class="secondary">
                {t("rec_addLink")}
              </button>
            </div>
          </form>
        )}
      </section>
      {view.mayCorrect && (
        <details class="card">
          <summary>{t("rec_correct")}</summary>
          <form class="stack" method="post" action={`/records/${r.id}/correct`}>
            <CsrfField page={page} />
            <label>
              {t("rec_class")}
              <ClassSelect page={page} classes={classes} value={r.classId} />
            </label>
            <label>
              {t("rec_recordTitle")}
              <input name="title" maxlength={300} value={r.title} />
            </label>
            <label>
              {t("rec_date")}
              <input name="recordDate" type="date" value={r.recordDate} />
            </label>
            <label>
              {t("rec_author")}
              <input name="author" maxlength={200} value={r.author} />
            </label>
            <label>
              {t("rec_classification")}
              <ClassificationSelect page={page} value={r.classification} />
            </label>
            <PaperFields page={page} values={{ paperRoom: r.paperRoom ?? "", paperCabinet: r.paperCabinet ?? "", paperBox: r.paperBox ?? "" }} />
            <label>
              {t("rec_reason")}
              <input name="reason" required />
            </label>
            <button type="submit">{t("rec_save")}</button>
          </form>
        </details>
      )}
      {mayRetain && (
        <details class="card">
          <summary>{t("rec_retain")}</summary>
          <form class="stack" method="post" action={`/records/${r.id}/retain`}>
            <CsrfField page={page} />
            <label>
              {t("rec_retainUntil")}
              <input name="until" type="date" required />
            </label>
            <label>
              {t("rec_reason")}
              <input name="reason" required />
            </label>
            <button type="submit">{t("rec_retain")}</button>
          </form>
        </details>
      )}
      <section>
        <h2>{t("rec_history")}</h2>
        <History page={page} {...historyLines(page, view.history)} />
      </section>
    </Layout>
  );
};

/** The file plan. */
export const FilePlanPage: FC<{ page: PageContext; classes: (RecordClassRow & { recordCount: number })[]; canEdit: boolean; people: Person[]; flash?: Flash }> = ({ page, classes, canEdit, people, flash }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("plan_title")} flash={flash}>
      <h1>{t("plan_title")}</h1>
      <RecordsNav page={page} />
      {canEdit && (
        <p>
          <a class="button" href="/records/plan/new">
            {t("plan_new")}
          </a>
        </p>
      )}
      <table data-testid="file-plan">
        <thead>
          <tr>
            <th>{t("plan_code")}</th>
            <th>{t("plan_name")}</th>
            <th>{t("plan_clause")}</th>
            <th>{t("plan_period")}</th>
            <th>{t("plan_defaultClassification")}</th>
            <th>{t("plan_count")}</th>
            {canEdit && <th>{t("actions")}</th>}
          </tr>
        </thead>
        <tbody>
          {classes.map((c) => (
            <tr>
              <td>{c.code}</td>
              <td>
                {className(page, c)}
                {c.templateId && <span class="tag">{c.templateId}</span>}
              </td>
              <td>{c.clause}</td>
              <td>{retentionText(page, c)}</td>
              <td>{cls(page, c.defaultClassification)}</td>
              <td>
                <a href={`/records?classId=${c.id}`}>{c.recordCount}</a>
              </td>
              {canEdit && (
                <td>
                  <a href={`/records/plan/${c.id}`}>{t("plan_edit")}</a>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && (
        <section class="card">
          <h2>{t("plan_events")}</h2>
          <p class="muted">{t("plan_eventsHelp")}</p>
          <form method="post" action="/records/plan/employment-end" class="grid">
            <CsrfField page={page} />
            <label>
              {t("plan_leaver")}
              <select name="subjectId" required>
                {people.map((u) => (
                  <option value={u.id}>
                    {u.displayName} ({u.username})
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t("plan_leftOn")}
              <input name="occurredOn" type="date" required />
            </label>
            <div>
              <button type="submit">{t("plan_recordEvent")}</button>
            </div>
          </form>
        </section>
      )}
    </Layout>
  );
};

/** Create or edit a record class. */
export const ClassEditPage: FC<{ page: PageContext; recordClass: (RecordClassRow & { recordCount: number }) | null; values?: Record<string, string>; flash?: Flash }> = ({ page, recordClass, values, flash }) => {
  const { t, locale } = page;
  const v: Record<string, string> = values ?? (recordClass ? Object.fromEntries(Object.entries(recordClass).map(([k, x]) => [k, x === null || x === undefined ? "" : String(x)])) : {});
  const editing = !!recordClass;
  return (
    <Layout page={page} title={editing ? `${recordClass!.code} ${className(page, recordClass!)}` : t("plan_new")} flash={flash}>
      <h1>{editing ? `${recordClass!.code} ${className(page, recordClass!)}` : t("plan_new")}</h1>
      <RecordsNav page={page} />
      <form class="stack card" method="post" action={editing ? `/records/plan/${recordClass!.id}` : "/records/plan/new"}>
        <CsrfField page={page} />
        {!editing && (
          <label>
            {t("plan_code")}
            <input name="code" maxlength={40} required value={v.code ?? ""} />
          </label>
        )}
        <label>
          {t("plan_name")}
          <input name="name" maxlength={200} required value={v.name ?? ""} />
        </label>
        <label>
          {t("plan_nameEn")}
          <input name="nameEn" maxlength={200} required value={v.nameEn ?? ""} />
        </label>
        <label>
          {t("plan_clause")}
          <input name="clause" required value={v.clause ?? ""} />
        </label>
        <div class="grid">
          <label>
            {t("plan_amount")}
            <input name="retentionAmount" type="number" min="1" max="1200" value={v.retentionAmount ?? ""} />
          </label>
          <label>
            {t("plan_unit")}
            <select name="retentionUnit">
              {RETENTION_UNITS.map((u) => (
                <option value={u} selected={v.retentionUnit === u}>
                  {pick(locale, unitLabels[u])}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label>
          {t("plan_trigger")}
          <select name="trigger">
            {RETENTION_TRIGGERS.map((x) => (
              <option value={x} selected={v.trigger === x}>
                {pick(locale, triggerLabels[x])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("plan_disposition")}
          <select name="disposition">
            {DISPOSITIONS.map((x) => (
              <option value={x} selected={v.disposition === x}>
                {pick(locale, dispositionLabels[x])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("plan_defaultClassification")}
          <ClassificationSelect page={page} name="defaultClassification" value={v.defaultClassification} />
        </label>
        {editing && (
          <label>
            {t("rec_reason")}
            <input name="reason" required value={values?.reason ?? ""} />
            <span class="muted">{t("plan_reasonHelp")}</span>
          </label>
        )}
        <button type="submit">{editing ? t("users_save") : t("plan_create")}</button>
      </form>
      {editing && (
        <form method="post" action={`/records/plan/${recordClass!.id}/delete`}>
          <CsrfField page={page} />
          <button type="submit" class="secondary">
            {t("plan_delete")}
          </button>
        </form>
      )}
    </Layout>
  );
};
