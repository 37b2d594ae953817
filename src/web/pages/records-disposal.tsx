import type { FC } from "hono/jsx";
import { importErrorText } from "../messages/import-errors";
import { roleLabels, type Role } from "../../core/auth/permissions";
import { formatTime as fmtTime } from "../../lib/time";
import type { getDisposal, listDisposals, listDueRecords } from "../../core/records/disposal";
import type { getImportBatch } from "../../core/records/import/service";
import { dispositionLabels, type Disposition } from "../../core/records/vocabulary";
import { pick, type MessageKey } from "../i18n";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";
import { cls, RecordsNav, RecordTable } from "./records";

/** The disposal list (records due) with the proposal form, and the disposals so far. */
export const DisposalPage: FC<{
  page: PageContext;
  due: Awaited<ReturnType<typeof listDueRecords>>;
  disposals: Awaited<ReturnType<typeof listDisposals>>;
  canPropose: boolean;
  lastSweep: Date | null;
  flash?: Flash;
}> = ({ page, due, disposals, canPropose, lastSweep, flash }) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={t("disp_title")} flash={flash}>
      <h1>{t("disp_title")}</h1>
      <RecordsNav page={page} />
      {lastSweep && <p class="muted">{t("disp_lastSweep", { at: fmtTime(lastSweep, locale) })}</p>}
      <h2>{t("disp_due")}</h2>
      {due.length === 0 ? (
        <p class="muted">{t("disp_dueNone")}</p>
      ) : (
        <form method="post" action="/records/disposals" class="stack-wide">
          <CsrfField page={page} />
          <table data-testid="due">
            <thead>
              <tr>
                <th></th>
                <th>{t("rec_number")}</th>
                <th>{t("rec_recordTitle")}</th>
                <th>{t("rec_class")}</th>
                <th>{t("rec_due")}</th>
                <th>{t("rec_disposition")}</th>
                <th>{t("rec_classification")}</th>
              </tr>
            </thead>
            <tbody>
              {due.map((d) => (
                <tr>
                  <td>{canPropose && d.holds.length === 0 && !d.inDisposal && <input type="checkbox" name="recordIds" value={d.record.id} aria-label={d.record.number} />}</td>
                  <td>
                    <a href={`/records/${d.record.id}`}>{d.record.number}</a>
                  </td>
                  <td>
                    {d.record.title}
                    {d.holds.length > 0 && (
                      <span class="tag bad" title={d.holds.map((h) => h.matter).join("; ")}>
                        {t("disp_held")}
                      </span>
                    )}
                    {d.inDisposal && <span class="tag">{d.inDisposal}</span>}
                  </td>
                  <td>{d.classCode}</td>
                  <td>{d.record.dueOn}</td>
                  <td>{pick(locale, dispositionLabels[d.disposition as Disposition])}</td>
                  <td>{cls(page, d.record.classification)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {canPropose && (
            <div class="stack card">
              <h2>{t("disp_propose")}</h2>
              <label>
                {t("disp_action")}
                <select name="action">
                  <option value="destroy">{t("disp_destroy")}</option>
                  <option value="transfer">{t("disp_transfer")}</option>
                </select>
              </label>
              <label>
                {t("disp_reason")}
                <textarea name="reason" rows={2} required></textarea>
              </label>
              <label>
                {t("disp_recipient")}
                <input name="recipient" />
              </label>
              <button type="submit">{t("disp_propose")}</button>
            </div>
          )}
        </form>
      )}
      <h2>{t("disp_list")}</h2>
      <table data-testid="disposals">
        <thead>
          <tr>
            <th>{t("disp_number")}</th>
            <th>{t("disp_action")}</th>
            <th>{t("case_status")}</th>
            <th>{t("plan_count")}</th>
            <th>{t("hold_placedAt")}</th>
          </tr>
        </thead>
        <tbody>
          {disposals.map((d) => (
            <tr>
              <td>
                <a href={`/records/disposals/${d.id}`}>{d.number}</a>
              </td>
              <td>{d.action === "destroy" ? t("disp_destroy") : t("disp_transfer")}</td>
              <td>{t(`disp_status_${d.status}` as MessageKey)}</td>
              <td>{d.items}</td>
              <td>
                {d.proposedByName} · {fmtTime(d.proposedAt, locale)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
};

/** One disposal: records, approvals (and the form to give one), deletions, certificate. */
export const DisposalDetailPage: FC<{ page: PageContext; view: Awaited<ReturnType<typeof getDisposal>>; flash?: Flash }> = ({ page, view, flash }) => {
  const { t, locale } = page;
  const d = view.disposal;
  return (
    <Layout page={page} title={`${t("disp_number")} ${d.number}`} flash={flash}>
      <h1>
        {t("disp_number")} {d.number}
      </h1>
      <RecordsNav page={page} />
      <dl class="facts card" data-testid="disposal">
        <dt>{t("disp_action")}</dt>
        <dd>
          {d.action === "destroy" ? t("disp_destroy") : `${t("disp_transfer")} → ${d.recipient}`}
        </dd>
        <dt>{t("case_status")}</dt>
        <dd>
          <span class="tag">{t(`disp_status_${d.status}` as MessageKey)}</span>
        </dd>
        <dt>{t("disp_reason")}</dt>
        <dd>{d.reason}</dd>
        <dt>{t("hold_placedAt")}</dt>
        <dd>
          {view.proposedByName} · {fmtTime(d.proposedAt, page.locale)}
        </dd>
      </dl>
      {d.status === "completed" && (
        <p>
          <a class="button" href={`/api/v1/disposals/${d.id}/certificate`}>
            {d.action === "destroy" ? t("disp_certificate") : t("disp_transferList")}
          </a>{" "}
          {d.action === "transfer" && <a href={`/api/v1/disposals/${d.id}/package`}>{t("disp_package")}</a>}{" "}
          {d.certificateRecordId && <a href={`/records/${d.certificateRecordId}`}>{t("rec_title")}</a>}
        </p>
      )}
      <RecordTable page={page} rows={view.records} testId="disposal-records" />
      <h2>{t("disp_approvals")}</h2>
      <ul data-testid="approvals">
        {view.approvals.map((a) => (
          <li>
            {a.role in roleLabels ? pick(page.locale, roleLabels[a.role as Role]) : a.role} · {a.name} · {a.decision === "approved" ? t("disp_approve") : t("disp_reject")} · {fmtTime(a.decidedAt, page.locale)} {a.comment ?? ""}
          </li>
        ))}
      </ul>
      {d.status === "pending" && view.isProposer && (
        <p class="muted" data-testid="own-proposal">
          {t("disp_ownProposal")}
        </p>
      )}
      {d.status === "pending" && view.otherApprovers.length > 0 && (
        <section data-testid="other-approvers">
          <h3>{t("disp_whoElse")}</h3>
          <ul>
            {view.otherApprovers.map((a) => (
              <li>
                {a.people.length > 0 ? (
                  t("disp_whoFor", { role: pick(locale, roleLabels[a.role as Role]), names: a.people.map((x) => x.displayName).join(locale === "en" ? ", " : "、") })
                ) : (
                  <>
                    {t("disp_nobodyFor", { role: pick(locale, roleLabels[a.role as Role]) })} <a href="/admin/users">/admin/users</a>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {view.mayDecide && (
        <form class="stack card" method="post" action={`/records/disposals/${d.id}/decision`}>
          <h2>{t("disp_decide")}</h2>
          <CsrfField page={page} />
          <label>
            {t("disp_comment")}
            <input name="comment" />
          </label>
          <label>
            {t("disp_password")}
            <input name="password" type="password" required autocomplete="current-password" />
          </label>
          <div>
            <button type="submit" name="decision" value="approved">
              {t("disp_approve")}
            </button>{" "}
            <button type="submit" name="decision" value="rejected" class="secondary">
              {t("disp_reject")}
            </button>
          </div>
        </form>
      )}
      {view.mayCancel && (
        <form class="stack card" method="post" action={`/records/disposals/${d.id}/cancel`}>
          <CsrfField page={page} />
          <label>
            {t("rec_reason")}
            <input name="reason" required />
          </label>
          <button type="submit" class="secondary">
            {t("disp_cancel")}
          </button>
        </form>
      )}
      {view.purges.length > 0 && (
        <>
          <h2>{t("disp_purged")}</h2>
          <table data-testid="purges">
            <tbody>
              {view.purges.map((p) => (
                <tr>
                  <td>
                    <code>{p.sha256}</code>
                  </td>
                  <td>{p.storageKind ?? ""}</td>
                  <td>{fmtTime(p.purgedAt, page.locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Layout>
  );
};

/** The CSV import form. */
export const ImportPage: FC<{ page: PageContext; kind: string; flash?: Flash }> = ({ page, kind, flash }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("imp_title")} flash={flash}>
      <h1>{t("imp_title")}</h1>
      <RecordsNav page={page} />
      <form class="stack card" method="post" action="/records/import" enctype="multipart/form-data">
        <CsrfField page={page} />
        <label>
          {t("imp_kind")}
          <select name="kind">
            <option value="records" selected={kind === "records"}>
              {t("imp_records")}
            </option>
            <option value="contracts" selected={kind === "contracts"}>
              {t("imp_contracts")}
            </option>
          </select>
        </label>
        <label>
          {t("imp_mode")}
          <select name="mode">
            <option value="valid-rows">{t("imp_validRows")}</option>
            <option value="all-or-nothing">{t("imp_allOrNothing")}</option>
          </select>
        </label>
        <label>
          {t("imp_file")}
          <input name="file" type="file" accept=".csv,text/csv" required />
        </label>
        <p class="muted">{t("imp_help")}</p>
        <button type="submit">{t("imp_start")}</button>
      </form>
    </Layout>
  );
};

/** An import's progress (the page refreshes itself while rows are being imported) and its failed rows. */
export const ImportProgressPage: FC<{ page: PageContext; view: Awaited<ReturnType<typeof getImportBatch>>; ignored: string[]; flash?: Flash }> = ({ page, view, ignored, flash }) => {
  const { t } = page;
  const b = view.batch;
  const running = b.status === "queued" || b.status === "running";
  return (
    <Layout page={page} title={t("imp_progress")} flash={flash} refreshSeconds={running ? 1 : undefined}>
      <h1>
        {t("imp_progress")} · {b.filename}
      </h1>
      <RecordsNav page={page} />
      <section class="card" data-testid="import-progress">
        <p>
          <span class="tag">{t(`imp_status_${b.status}` as MessageKey)}</span> {t("imp_counts", { total: b.totalRows, imported: b.importedRows, failed: b.failedRows })}
        </p>
        <progress max={b.totalRows} value={b.processedRows} aria-label={t("imp_progress")}>
          {view.percent}%
        </progress>
        <p class="muted">{view.percent}%</p>
        {b.error && <p class="field-error">{importErrorText(b.error, page.locale)}</p>}
        {ignored.length > 0 && <p class="muted">{t("imp_ignored", { cols: ignored.join("、") })}</p>}
        <p>
          <a href={`/api/v1/imports/${b.id}/report.csv`}>{t("imp_report")}</a>
        </p>
      </section>
      {view.failedRows.length > 0 && (
        <>
          <h2>{t("imp_failedRows")}</h2>
          <table data-testid="failed-rows">
            <thead>
              <tr>
                <th>{t("imp_line")}</th>
                <th>{t("imp_error")}</th>
              </tr>
            </thead>
            <tbody>
              {view.failedRows.map((r) => (
                <tr>
                  <td>{r.line}</td>
                  <td>{r.error ? importErrorText(r.error, page.locale) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Layout>
  );
};
