import type { FC } from "hono/jsx";
import { formatTime as fmtTime } from "../../lib/time";
import type { AuditPackageRow } from "../../db/schema/audit-packages";
import { classificationLabels, type Classification } from "../../core/auth/permissions";
import type { EvidenceRef, EvidenceSelection } from "../../core/evidence/types";
import { formatBytes } from "../../core/storage/hashing";
import { pick, type MessageKey, type Translate } from "../i18n";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";

/** A clause row of the registry, as the form offers it. */
export interface ClauseOption {
  id: string;
  titleZh: string;
}

/** What the new-package form shows again after a refusal. */
export interface PackageFormValues {
  clauses: string[];
  from: string;
  to: string;
  refs: EvidenceRef[];
}


function selectionLabel(t: Translate, s: EvidenceSelection): string {
  const parts: string[] = [];
  if (s.refs?.length) parts.push(t("pkg_chosen", { n: s.refs.length }));
  if (s.clauses?.length) parts.push(s.clauses.join(" "));
  parts.push(s.from || s.to ? `${s.from ?? "…"} – ${s.to ?? "…"}` : t("pkg_periodAll"));
  return parts.join(" · ");
}

const StatusTag: FC<{ t: Translate; status: string }> = ({ t, status }) => (
  <span class={`tag${status === "done" ? " ok" : status === "failed" ? " bad" : ""}`} data-status={status}>
    {t(`pkg_status_${status}` as MessageKey)}
  </span>
);

/** The list of the caller's packages with the form to export a new one. */
export const AuditPackagesPage: FC<{
  page: PageContext;
  packages: (AuditPackageRow & { requesterName: string })[];
  clauses: ClauseOption[];
  values?: PackageFormValues;
  flash?: Flash;
}> = ({ page, packages, clauses, values, flash }) => {
  const { t } = page;
  const v = values ?? { clauses: [], from: "", to: "", refs: [] };
  return (
    <Layout page={page} title={t("pkg_title")} flash={flash}>
      <h1>{t("pkg_title")}</h1>
      <section class="card">
        <h2>{t("pkg_new")}</h2>
        <p class="muted">{t("pkg_intro")}</p>
        <form method="post" action="/audit/packages" class="stack-wide" data-testid="new-package">
          <CsrfField page={page} />
          {v.refs.map((r) => (
            <input type="hidden" name="ref" value={`${r.kind}:${r.id}`} />
          ))}
          {v.refs.length > 0 && <p>{t("pkg_chosen", { n: v.refs.length })}</p>}
          <fieldset>
            <legend>{t("pkg_clauses")}</legend>
            <div class="grid">
              {clauses.map((c) => (
                <label class="inline">
                  <input type="checkbox" name="clauses" value={c.id} checked={v.clauses.includes(c.id)} />
                  {c.id} {c.titleZh}
                </label>
              ))}
            </div>
          </fieldset>
          <div class="grid">
            <label>
              {t("pkg_from")}
              <input type="date" name="from" value={v.from} />
            </label>
            <label>
              {t("pkg_to")}
              <input type="date" name="to" value={v.to} />
            </label>
          </div>
          <p>
            <button type="submit">{t("pkg_export")}</button>
          </p>
        </form>
      </section>
      {packages.length === 0 ? (
        <p class="muted">{t("pkg_none")}</p>
      ) : (
        <table data-testid="packages">
          <thead>
            <tr>
              <th>{t("pkg_created")}</th>
              <th>{t("pkg_requester")}</th>
              <th>{t("pkg_selection")}</th>
              <th>{t("pkg_items")}</th>
              <th>{t("pkg_size")}</th>
              <th>{t("pkg_status")}</th>
              <th></th>
            </tr>
          </thead>
          <tbody>
            {packages.map((p) => (
              <tr>
                <td>{fmtTime(p.createdAt, page.locale)}</td>
                <td>{p.requesterName}</td>
                <td>{selectionLabel(t, p.selection as EvidenceSelection)}</td>
                <td>{p.itemsTotal ?? ""}</td>
                <td>{p.packageSize !== null ? formatBytes(p.packageSize) : ""}</td>
                <td>
                  <StatusTag t={t} status={p.status} />
                </td>
                <td>
                  <a href={`/audit/packages/${p.id}`}>{t("pkg_open")}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
};

/**
 * One package: its progress bar (kept current by /static/audit-package.js, which polls the status
 * endpoint named in data-status-url) and, once done, the download link and the package's SHA-256.
 */
export const AuditPackagePage: FC<{ page: PageContext; pkg: AuditPackageRow; fraction: number; mayDownload: boolean }> = ({ page, pkg, fraction, mayDownload }) => {
  const { t, locale } = page;
  const done = pkg.status === "done";
  const counts = (row: AuditPackageRow) =>
    t("pkg_progress_text", {
      items: `${row.itemsDone} / ${row.itemsTotal ?? "?"}`,
      files: `${row.filesDone} / ${row.filesTotal ?? "?"}`,
      bytes: `${formatBytes(row.bytesDone)} / ${row.bytesTotal !== null ? formatBytes(row.bytesTotal) : "?"}`,
    });
  return (
    <Layout page={page} title={t("pkg_title")}>
      <h1>
        {t("pkg_title")} · <code>{pkg.id}</code>
      </h1>
      <section
        class="card"
        data-testid="package"
        data-status-url={`/api/v1/audit/packages/${pkg.id}`}
        data-status={pkg.status}
        data-text-queued={t("pkg_status_queued")}
        data-text-running={t("pkg_status_running")}
        data-text-done={t("pkg_status_done")}
        data-text-failed={t("pkg_status_failed")}
        data-text-progress={t("pkg_progress_text")}
      >
        <p>
          <span data-role="status">
            <StatusTag t={t} status={pkg.status} />
          </span>{" "}
          {selectionLabel(t, pkg.selection as EvidenceSelection)}
        </p>
        <progress max={1} value={fraction} aria-label={t("pkg_progress")} data-role="bar">
          {Math.round(fraction * 100)}%
        </progress>
        <p class="muted" data-role="counts">
          {counts(pkg)}
        </p>
        <p class="field-error" data-role="error" hidden={!pkg.error || done}>
          {pkg.error && !done ? `${t("pkg_error")}: ${pkg.error}` : ""}
        </p>
        <dl class="facts" data-role="result" hidden={!done}>
          <dt>{t("pkg_sha256")}</dt>
          <dd>
            <code data-role="sha256">{pkg.packageSha256 ?? ""}</code>
          </dd>
          <dt>{t("pkg_size")}</dt>
          <dd data-role="size">{pkg.packageSize !== null ? formatBytes(pkg.packageSize) : ""}</dd>
          <dt>{t("pkg_chainHead")}</dt>
          <dd data-role="head">{pkg.chainHeadSeq !== null ? `#${pkg.chainHeadSeq} ${pkg.chainHeadHash}` : ""}</dd>
          <dt>{t("pkg_classification")}</dt>
          <dd data-role="classification">{pkg.classification ? pick(locale, classificationLabels[pkg.classification as Classification]) : ""}</dd>
        </dl>
        {mayDownload && (
          <p data-role="download" hidden={!done}>
            <a class="button" href={`/api/v1/audit/packages/${pkg.id}/download`} download={`audit-package-${pkg.id}.zip`}>
              {t("pkg_download")}
            </a>
          </p>
        )}
        <p class="muted">{t("pkg_verifyHint")}</p>
      </section>
      <script src="/static/audit-package.js" defer></script>
    </Layout>
  );
};
