import type { FC } from "hono/jsx";
import { DocumentReader } from "../pdf-reader";
import { periodicOutcomeWords, reviewOutcomeWords, reviewRoleWords, wordFor } from "../messages/terms";
import { dayOf, formatTime as fmtTime } from "../../lib/time";
import type { AuditEventRow } from "../../db/schema/audit";
import type { DocumentCategoryRow, DocumentRevisionRow, DocumentRow } from "../../db/schema/documents";
import { classificationLabels, roleLabels, type Classification, type Role } from "../../core/auth/permissions";
import type { DepartmentRow } from "../../core/organisation/repo";
import { formatDocumentNumber } from "../../core/documents/numbering";
import { MEANINGS, type Meaning } from "../../core/signatures/sign-pdf";
import { pick, type MessageKey } from "../i18n";
import { ClassificationSelect, DepartmentSelect, Pager } from "../components";
import { describeEvent, History, type HistoryEvent } from "../history";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";

type Person = { id: string; displayName: string; username: string; departmentId: string | null };
const stateLabel = (page: PageContext, state: string) => page.t(`doc_state_${state}` as MessageKey);
const catName = (page: PageContext, c: Pick<DocumentCategoryRow, "name" | "nameEn"> | undefined) => (c ? (page.locale === "en" ? c.nameEn : c.name) : "");

export interface RegisterRow {
  document: DocumentRow;
  effectiveLabel: string | null;
  effectiveDate: string | null;
  openState: string | null;
}

/** The register: search, filters, results. */
export const DocumentRegisterPage: FC<{
  page: PageContext;
  query: Record<string, string>;
  result: { total: number; rows: RegisterRow[] };
  paging: { limit: number; offset: number };
  categories: DocumentCategoryRow[];
  departments: DepartmentRow[];
  canCreate: boolean;
  isAdmin?: boolean;
}> = ({ page, query, result, paging, categories, departments, canCreate, isAdmin }) => {
  const { t, locale } = page;
  const cats = new Map(categories.map((c) => [c.id, c]));
  const states = ["effective", "draft", "in_review", "in_approval", "approved", "withdrawn", "no-effective"];
  return (
    <Layout page={page} title={t("doc_register")}>
      <h1>{t("doc_register")}</h1>
      {(canCreate || isAdmin) && (
        <p>
          {canCreate && (
            <a class="button" href="/documents/new">
              {t("doc_new")}
            </a>
          )}{" "}
          {isAdmin && <a href="/admin/document-categories">{t("cat_manage")}</a>}
        </p>
      )}
      <form class="card grid" method="get" action="/documents" role="search">
        <label>
          {t("doc_search")}
          <input name="q" value={query.q ?? ""} placeholder={t("doc_searchPlaceholder")} />
        </label>
        <label>
          {t("doc_category")}
          <select name="category">
            <option value="">{t("doc_any")}</option>
            {categories.map((c) => (
              <option value={c.id} selected={query.category === c.id}>
                {catName(page, c)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("doc_state")}
          <select name="state">
            <option value="">{t("doc_any")}</option>
            {states.map((s) => (
              <option value={s} selected={query.state === s}>
                {s === "withdrawn" ? t("doc_withdrawn") : s === "no-effective" ? t("doc_noEffective") : stateLabel(page, s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("doc_department")}
          <DepartmentSelect page={page} name="department" departments={departments} value={query.department} blank={t("doc_any")} />
        </label>
        <label>
          {t("doc_classification")}
          <ClassificationSelect page={page} value={query.classification} blank={t("doc_any")} />
        </label>
        <label>
          {t("doc_effectiveFrom")}
          <input type="date" name="effectiveFrom" value={query.effectiveFrom ?? ""} />
        </label>
        <label>
          {t("doc_effectiveTo")}
          <input type="date" name="effectiveTo" value={query.effectiveTo ?? ""} />
        </label>
        <div>
          <button type="submit">{t("doc_search")}</button>
        </div>
      </form>
      <p class="muted">{t("doc_results", { n: result.total })}</p>
      <table data-testid="register">
        <thead>
          <tr>
            <th>{t("doc_number")}</th>
            <th>{t("doc_title")}</th>
            <th>{t("doc_category")}</th>
            <th>{t("doc_current")}</th>
            <th>{t("doc_effectiveDate")}</th>
            <th>{t("doc_state")}</th>
            <th>{t("doc_classification")}</th>
          </tr>
        </thead>
        <tbody>
          {result.rows.map((r) => (
            <tr>
              <td>
                <a href={`/documents/${r.document.id}`}>{r.document.number}</a>
              </td>
              <td>
                {r.document.title}
                {r.document.titleEn && <div class="muted">{r.document.titleEn}</div>}
              </td>
              <td>{catName(page, cats.get(r.document.categoryId))}</td>
              <td>{r.effectiveLabel ? <a href={`/documents/number/${encodeURIComponent(r.document.number)}`}>{r.effectiveLabel}</a> : <span class="muted">—</span>}</td>
              <td>{r.effectiveDate ?? ""}</td>
              <td>
                {r.document.status === "withdrawn" ? (
                  <span class="tag bad">{t("doc_withdrawn")}</span>
                ) : r.effectiveLabel ? (
                  <span class="tag ok">{stateLabel(page, "effective")}</span>
                ) : (
                  <span class="tag">{t("doc_noEffective")}</span>
                )}
                {r.openState && <span class="tag">{stateLabel(page, r.openState)}</span>}
              </td>
              <td>{pick(locale, classificationLabels[r.document.classification as Classification])}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={page} path="/documents" query={query} total={result.total} offset={paging.offset} limit={paging.limit} />
    </Layout>
  );
};

/** Register a new document. */
export const NewDocumentPage: FC<{
  page: PageContext;
  categories: DocumentCategoryRow[];
  departments: DepartmentRow[];
  /** The year a document registered now is numbered in (for the example numbers). */
  year: number;
  values?: Record<string, string>;
  flash?: Flash;
}> = ({ page, categories, departments, year, values = {}, flash }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("doc_new")} flash={flash}>
      <h1>{t("doc_new")}</h1>
      <form class="stack card" method="post" action="/documents/new">
        <CsrfField page={page} />
        <label>
          {t("doc_category")}
          <select name="categoryId" required>
            {categories.map((c) => (
              <option value={c.id} selected={values.categoryId === c.id}>
                {catName(page, c)} ({t("doc_numberLike", { example: formatDocumentNumber(c.numberPattern, c.nextSeq, year) })})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("doc_title")}
          <input name="title" maxlength={200} required value={values.title ?? ""} />
        </label>
        <label>
          {t("doc_titleEn")}
          <input name="titleEn" maxlength={200} value={values.titleEn ?? ""} />
        </label>
        <label>
          {t("doc_department")}
          <DepartmentSelect page={page} name="ownerDepartmentId" departments={departments} value={values.ownerDepartmentId} blank="—" />
        </label>
        <label>
          {t("doc_classification")}
          <ClassificationSelect page={page} value={values.classification ?? "internal"} />
        </label>
        <label>
          {t("doc_reviewInterval")}
          <input name="reviewIntervalMonths" type="number" min="1" max="120" value={values.reviewIntervalMonths ?? ""} />
        </label>
        <label>
          {t("doc_keywords")}
          <input name="keywords" value={values.keywords ?? ""} />
        </label>
        <button type="submit">{t("doc_create")}</button>
      </form>
    </Layout>
  );
};

export interface DocumentPageData {
  document: DocumentRow;
  category: DocumentCategoryRow;
  revisions: Omit<DocumentRevisionRow, "textContent">[];
  comments: { revisionId: string; displayName: string; role: string; outcome: string; comments: string | null; createdAt: Date }[];
  open: Omit<DocumentRevisionRow, "textContent"> | null;
  effective: Omit<DocumentRevisionRow, "textContent"> | null;
  grants: { grant: { userId: string; reason: string; createdAt: Date }; displayName: string }[];
  periodicReviews: { review: { outcome: string; comments: string; createdAt: Date; nextReviewDue: string | null }; displayName: string }[];
  may: { draft: boolean; review: boolean; approve: boolean };
  reviewSigners: { displayName: string; meaning: string; status: string; signedAt: Date | null; isMe: boolean }[];
  signatures: { revisionId: string; label: string; displayName: string; meaning: string; signedAt: Date; certificateSerial: string }[];
}

/** One document: state, revisions, the revision in progress, actions, acknowledgements, history. */
export const DocumentPage: FC<{
  page: PageContext;
  data: DocumentPageData;
  people: Person[];
  departments: DepartmentRow[];
  documents: { id: string; number: string; title: string }[];
  acknowledgements: { acknowledged: { displayName: string; department: string | null; acknowledgedAt: Date | null }[]; pending: { displayName: string; department: string | null }[] };
  history: { events: HistoryEvent[]; hiddenReads: number };
  showReads: boolean;
  isIpManager: boolean;
  /** Who the draft's author may choose (eligible, cleared, not themselves when self-approval is forbidden); null when there is no draft of theirs. */
  candidates?: ReviewCandidates | null;
  flash?: Flash;
}> = ({ page, data, people, departments, documents, acknowledgements, history, showReads, isIpManager, candidates, flash }) => {
  const { t, locale } = page;
  const { document: doc, category, open, effective } = data;
  const name = new Map(people.map((p) => [p.id, p.displayName]));
  const rejection = open?.rejection as { reason?: string; byName?: string } | null | undefined;
  return (
    <Layout page={page} title={`${doc.number} ${doc.title}`} flash={flash}>
      <h1>
        {doc.number} {doc.title}
      </h1>
      <p>
        <span class="tag">{catName(page, category)}</span>
        <span class="tag">{pick(locale, classificationLabels[doc.classification as Classification])}</span>
        {doc.status === "withdrawn" && <span class="tag bad">{t("doc_withdrawn")}</span>}
        {doc.titleEn && <span class="muted"> {doc.titleEn}</span>}
      </p>
      <div class="grid">
        <section class="card" data-testid="current">
          <h2>{t("doc_current")}</h2>
          {effective ? (
            <>
              <p>
                <strong>{effective.label}</strong> · {t("doc_effectiveDate")} {effective.effectiveDate ?? (effective.effectiveAt ? dayOf(effective.effectiveAt) : "")}
              </p>
              <p>
                <a class="button" href={`/api/v1/revisions/${effective.id}/pdf`}>
                  {t("doc_downloadControlled")}
                </a>
              </p>
              <p class="muted">
                {t("doc_nextReview")}: {doc.nextReviewDue ?? "—"}
              </p>
            </>
          ) : (
            <p class="muted">{t("doc_noEffective")}</p>
          )}
        </section>
        {open && (
          <section class="card" data-testid="open-revision">
            <h2>
              {t("doc_open")}: {open.label} <span class="tag">{stateLabel(page, open.state)}</span>
            </h2>
            {rejection?.reason && <p class="flash error">{t("doc_rejected", { reason: rejection.reason, by: rejection.byName ?? "" })}</p>}
            {data.reviewSigners.length > 0 && (
              <ul>
                {data.reviewSigners.map((s) => (
                  <li>
                    {s.displayName} · {pick(locale, MEANINGS[s.meaning as Meaning])} · {page.t(`sig_signer_${s.status}` as MessageKey)}
                  </li>
                ))}
              </ul>
            )}
            {data.reviewSigners.some((s) => s.isMe && s.status === "ready") && (
              <p>
                <a class="button" href={`/revisions/${open.id}/review`}>
                  {t("doc_review")}
                </a>
              </p>
            )}
            {(open.releaseSha256 || open.signedSha256) && (
              <p>
                <a href={`/api/v1/revisions/${open.id}/pdf`}>{t("doc_download")}</a>
              </p>
            )}
          </section>
        )}
      </div>

      {open?.state === "draft" && data.may.draft && (
        <section class="card">
          <h2>
            {t("doc_revision")} {open.label}
          </h2>
          <p class="muted">
            {t("doc_source")}: {open.sourceFilename ?? "—"} · {t("doc_release")}: {open.releaseFilename ?? "—"}
          </p>
          <form class="stack" method="post" action={`/revisions/${open.id}/files`} enctype="multipart/form-data">
            <CsrfField page={page} />
            <label>
              {t("doc_release")}
              <input type="file" name="release" accept="application/pdf" />
            </label>
            <label>
              {t("doc_source")}
              <input type="file" name="source" />
            </label>
            <button type="submit" class="secondary">
              {t("doc_upload")}
            </button>
          </form>
          <form class="stack" method="post" action={`/revisions/${open.id}/draft`}>
            <CsrfField page={page} />
            <label>
              {t("doc_changeSummary")}
              <textarea name="changeSummary" rows={2}>
                {open.changeSummary ?? ""}
              </textarea>
            </label>
            <label>
              {t("doc_effectiveDate")}
              <input type="date" name="effectiveDate" value={open.effectiveDate ?? ""} />
            </label>
            <button type="submit" class="secondary">
              {t("doc_save")}
            </button>
          </form>
          {candidates && (
            <form class="stack" method="post" action={`/revisions/${open.id}/submit`} data-testid="submit-form">
              <CsrfField page={page} />
              <fieldset>
                <legend>{t("doc_reviewers")}</legend>
                {candidates.reviewers.map((p) => (
                  <label class="inline">
                    <input type="checkbox" name="reviewerIds" value={p.id} />
                    {p.displayName} <span class="muted">({p.username})</span>
                  </label>
                ))}
                {candidates.reviewers.length === 0 && (
                  <NobodyEligible page={page} testId="no-reviewers" text={t("doc_noReviewers", { roles: roleList(page, category.reviewRoles) })} categoryId={candidates.categoryId} />
                )}
              </fieldset>
              {candidates.approvers.length > 0 ? (
                <label>
                  {t("doc_approver")}
                  <select name="approverId" required>
                    <option value="">—</option>
                    {candidates.approvers.map((p) => (
                      <option value={p.id}>{p.displayName}</option>
                    ))}
                  </select>
                </label>
              ) : (
                <NobodyEligible
                  page={page}
                  testId="no-approvers"
                  text={candidates.selfApprovalForbidden ? t("doc_noApproversSelf", { roles: roleList(page, category.approveRoles) }) : t("doc_noApprovers", { roles: roleList(page, category.approveRoles) })}
                  categoryId={candidates.categoryId}
                />
              )}
              <button type="submit" disabled={candidates.reviewers.length === 0 || candidates.approvers.length === 0}>
                {t("doc_submit")}
              </button>
            </form>
          )}
          {open.seq > 1 && (
            <form method="post" action={`/revisions/${open.id}/discard`}>
              <CsrfField page={page} />
              <button type="submit" class="secondary">
                {t("doc_discard")}
              </button>
            </form>
          )}
        </section>
      )}

      <h2>{t("doc_revisions")}</h2>
      <table data-testid="revisions">
        <thead>
          <tr>
            <th>{t("doc_revision")}</th>
            <th>{t("doc_state")}</th>
            <th>{t("doc_changeSummary")}</th>
            <th>{t("doc_effectiveDate")}</th>
            <th>{t("doc_author")}</th>
            <th>{t("actions")}</th>
          </tr>
        </thead>
        <tbody>
          {data.revisions.map((r) => (
            <tr>
              <td>{r.label}</td>
              <td>
                <span class={`tag ${r.state === "effective" ? "ok" : r.state === "superseded" || r.state === "obsolete" ? "bad" : ""}`}>{stateLabel(page, r.state)}</span>
              </td>
              <td>{r.changeSummary ?? ""}</td>
              <td>{r.effectiveDate ?? (r.effectiveAt ? dayOf(r.effectiveAt) : "")}</td>
              <td>{name.get(r.draftedBy) ?? ""}</td>
              <td>{(r.releaseSha256 || r.signedSha256) && <a href={`/api/v1/revisions/${r.id}/pdf`}>{t("doc_download")}</a>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.signatures.length > 0 && (
        <>
          <h3>{t("doc_signatures")}</h3>
          <table data-testid="signatures">
            <thead>
              <tr>
                <th>{t("doc_revision")}</th>
                <th>{t("sig_signer")}</th>
                <th>{t("sig_meaning")}</th>
                <th>{t("doc_signedAt")}</th>
                <th>{t("doc_certSerial")}</th>
              </tr>
            </thead>
            <tbody>
              {data.signatures.map((s) => (
                <tr>
                  <td>{s.label}</td>
                  <td>{s.displayName}</td>
                  <td>{pick(locale, MEANINGS[s.meaning as Meaning])}</td>
                  <td>{fmtTime(s.signedAt, locale)}</td>
                  <td>
                    <code>{s.certificateSerial}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {data.comments.length > 0 && (
        <ul>
          {data.comments.map((c) => (
            <li>
              {fmtTime(c.createdAt, locale)} · {c.displayName} ({wordFor(reviewRoleWords, c.role, locale)}, {wordFor(reviewOutcomeWords, c.outcome, locale)}): {c.comments ?? ""}
            </li>
          ))}
        </ul>
      )}

      <div class="grid">
        {data.may.draft && !open && doc.status === "active" && (
          <form class="stack card" method="post" action={`/documents/${doc.id}/revisions`}>
            <CsrfField page={page} />
            <h2>{t("doc_newRevision")}</h2>
            {category.labelScheme === "numeric" && (
              <label class="inline">
                <input type="checkbox" name="major" value="1" />
                {t("doc_major")}
              </label>
            )}
            <button type="submit">{t("doc_newRevision")}</button>
          </form>
        )}
        {(data.may.review || data.may.approve) && effective && doc.status === "active" && (
          <form class="stack card" method="post" action={`/documents/${doc.id}/periodic-review`}>
            <CsrfField page={page} />
            <h2>{t("doc_periodic")}</h2>
            <label>
              {t("doc_outcome")}
              <select name="outcome">
                <option value="no-change">{t("doc_outcome_noChange")}</option>
                <option value="revise">{t("doc_outcome_revise")}</option>
                {data.may.approve && <option value="withdraw">{t("doc_outcome_withdraw")}</option>}
              </select>
            </label>
            <label>
              {t("doc_comments")}
              <textarea name="comments" rows={2} required />
            </label>
            <label>
              {t("sig_pin")}
              <input type="password" name="pin" autocomplete="off" required />
            </label>
            <p class="muted">
              <a href="/account#signing-pin">{t("sig_pinHelp")}</a>
            </p>
            <button type="submit">{t("doc_record")}</button>
          </form>
        )}
        {data.may.approve && doc.status === "active" && effective && (
          <form class="stack card" method="post" action={`/documents/${doc.id}/withdraw`}>
            <CsrfField page={page} />
            <h2>{t("doc_withdraw")}</h2>
            <label>
              {t("doc_withdrawReason")}
              <input name="reason" required />
            </label>
            <button type="submit" class="secondary">
              {t("doc_withdraw")}
            </button>
          </form>
        )}
        {category.id === "manual" && data.may.draft && doc.status === "active" && (
          <form class="stack card" method="post" action={`/documents/${doc.id}/ip-manual`}>
            <CsrfField page={page} />
            <h2>{t("doc_manual")}</h2>
            <button type="submit">{t("doc_manual")}</button>
          </form>
        )}
      </div>

      {category.acknowledgeable && effective && (
        <section class="card" data-testid="acknowledgements">
          <h2>{t("doc_ack")}</h2>
          <p>
            {t("doc_ackDone")}: {acknowledgements.acknowledged.map((a) => a.displayName).join("、") || "—"}
          </p>
          <p>
            {t("doc_ackPending")}: {acknowledgements.pending.map((a) => a.displayName).join("、") || "—"}
          </p>
          {isIpManager && (
            <form class="stack" method="post" action={`/documents/${doc.id}/acknowledgements`}>
              <CsrfField page={page} />
              <fieldset>
                <legend>{t("doc_ackDepartments")}</legend>
                {departments.map((d) => (
                  <label class="inline">
                    <input type="checkbox" name="departmentIds" value={d.id} />
                    {d.code} · {d.name}
                  </label>
                ))}
              </fieldset>
              <button type="submit">{t("doc_ackRequire")}</button>
            </form>
          )}
        </section>
      )}

      {data.may.draft && (
        <section class="card">
          <h2>{t("doc_handovers")}</h2>
          <form class="grid" method="post" action={`/documents/${doc.id}/handovers`}>
            <CsrfField page={page} />
            <label>
              {t("doc_handoverTo")}
              <select name="toDocumentId" required>
                {documents
                  .filter((d) => d.id !== doc.id)
                  .map((d) => (
                    <option value={d.id}>
                      {d.number} {d.title}
                    </option>
                  ))}
              </select>
            </label>
            <label>
              {t("doc_handoverDescription")}
              <input name="description" required />
            </label>
            <div>
              <button type="submit" class="secondary">
                {t("doc_handoverSave")}
              </button>
            </div>
          </form>
        </section>
      )}

      {isIpManager && (
        <section class="card">
          <h2>{t("doc_grants")}</h2>
          <ul>
            {data.grants.map((g) => (
              <li>
                {g.displayName} — {g.grant.reason}
              </li>
            ))}
          </ul>
          <form class="grid" method="post" action={`/documents/${doc.id}/grants`}>
            <CsrfField page={page} />
            <label>
              {t("doc_grantUser")}
              <select name="userId" required>
                {people.map((p) => (
                  <option value={p.id}>{p.displayName}</option>
                ))}
              </select>
            </label>
            <label>
              {t("doc_grantReason")}
              <input name="reason" required />
            </label>
            <div>
              <button type="submit" class="secondary">
                {t("doc_grant")}
              </button>
            </div>
          </form>
        </section>
      )}

      {data.periodicReviews.length > 0 && (
        <section class="card">
          <h2>{t("doc_periodic")}</h2>
          <ul>
            {data.periodicReviews.map((r) => (
              <li>
                {fmtTime(r.review.createdAt, locale)} · {r.displayName} · {wordFor(periodicOutcomeWords, r.review.outcome, locale)} · {r.review.comments}
              </li>
            ))}
          </ul>
        </section>
      )}

      <h2>{t("doc_history")}</h2>
      <History page={page} lines={history.events.map((e) => describeEvent(page, e))} reads={{ shown: showReads, hidden: history.hiddenReads }} />
    </Layout>
  );
};

/** The reviewer's or approver's screen: the document as it will be signed, then agree or return. */
export const RevisionReviewPage: FC<{ page: PageContext; doc: DocumentRow; revision: Omit<DocumentRevisionRow, "textContent">; meaning: string; readAt: Date | null; flash?: Flash }> = ({
  page,
  doc,
  revision,
  meaning,
  readAt,
  flash,
}) => {
  const { t, locale } = page;
  const url = `/api/v1/revisions/${revision.id}/review-copy`;
  return (
    <Layout page={page} title={t("doc_reviewTitle")} flash={flash}>
      <h1>
        {t("doc_reviewTitle")}: {doc.number} {doc.title} {revision.label}
      </h1>
      <p>
        {t("sig_meaning")}: <strong>{pick(locale, MEANINGS[meaning as Meaning])}</strong> · {t("doc_changeSummary")}: {revision.changeSummary ?? "—"}
      </p>
      <p class="muted">{t("doc_reviewHelp")}</p>
      <DocumentReader page={page} src={url} readUrl={`/api/v1/revisions/${revision.id}/read`} title={`${doc.number} ${doc.title} ${revision.label}`} readAt={readAt ? fmtTime(readAt, locale) : null} />
      <div class="grid">
        <form class="stack card" method="post" action={`/revisions/${revision.id}/decision`}>
          <CsrfField page={page} />
          <input type="hidden" name="decision" value="approve" />
          <label>
            {t("doc_comments")}
            <textarea name="comments" rows={2} />
          </label>
          <label class="inline">
            <input type="checkbox" name="consent" value="1" required />
            {t("sig_consent")}
          </label>
          <label>
            {t("sig_pin")}
            <input type="password" name="pin" autocomplete="off" required />
          </label>
          <p class="muted">
            <a href="/account#signing-pin">{t("sig_pinHelp")}</a>
          </p>
          <button type="submit">{t("doc_approve")}</button>
        </form>
        <form class="stack card" method="post" action={`/revisions/${revision.id}/decision`}>
          <CsrfField page={page} />
          <input type="hidden" name="decision" value="reject" />
          <label>
            {t("doc_rejectReasons")}
            <textarea name="comments" rows={3} required />
          </label>
          <button type="submit" class="secondary">
            {t("doc_reject")}
          </button>
        </form>
      </div>
    </Layout>
  );
};

/** The people a draft may be sent to, as {@link reviewCandidates} finds them. */
export interface ReviewCandidates {
  categoryId: string;
  selfApprovalForbidden: boolean;
  reviewers: { id: string; username: string; displayName: string }[];
  approvers: { id: string; username: string; displayName: string }[];
}

const roleList = (page: PageContext, roles: string[]) => roles.map((r) => pick(page.locale, roleLabels[r as Role] ?? { zh: r, en: r })).join(page.locale === "en" ? ", " : "、");

/** Nobody qualifies for a step: say so, and where an admin grants a role or changes the category's rules. */
const NobodyEligible: FC<{ page: PageContext; testId: string; text: string; categoryId: string }> = ({ page, testId, text, categoryId }) => (
  <p class="flash error" data-testid={testId}>
    {text} <a href="/admin/users">{page.t("doc_grantRoles")}</a> · <a href={`/admin/document-categories/${categoryId}`}>{page.t("doc_categoryRules")}</a>
  </p>
);
