import type { FC } from "hono/jsx";
import { formatTime as fmtTime } from "../../lib/time";
import type { getContractView } from "../../core/contracts/service";
import {
  checklistLabels,
  CONTRACT_STATUSES,
  CONTRACT_TYPES,
  contractStatusLabels,
  contractTypeLabels,
  IP_TERMS,
  ipTermLabels,
  REVIEW_DECISIONS,
  REVIEW_RESULTS,
  reviewDecisionLabels,
  reviewResultLabels,
  type ChecklistItem,
  type ContractStatus,
  type ContractType,
} from "../../core/contracts/vocabulary";
import { MEANINGS, type Meaning } from "../../core/signatures/sign-pdf";
import type { ContractRow } from "../../db/schema/contracts";
import { pick, type MessageKey } from "../i18n";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";
import { ClassificationSelect, Pager } from "../components";
import { History, historyLines } from "../history";
import { cls, type Person } from "./records";

const StatusTag: FC<{ page: PageContext; status: string }> = ({ page, status }) => (
  <span class={`tag ${status === "approved" || status === "signed" || status === "in-force" ? "ok" : ""}`} data-testid="contract-status">
    {pick(page.locale, contractStatusLabels[status as ContractStatus])}
  </span>
);

const parties = (c: ContractRow) => (c.counterparties as { name: string }[]).map((p) => p.name).join("、");

/** The register with filters. */
export const ContractsPage: FC<{
  page: PageContext;
  contracts: (ContractRow & { ownerName: string })[];
  total: number;
  offset: number;
  limit: number;
  query: Record<string, string>;
  canCreate: boolean;
  flash?: Flash;
}> = ({
  page,
  contracts,
  total,
  offset,
  limit,
  query,
  canCreate,
  flash,
}) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={t("ctr_title")} flash={flash}>
      <h1>{t("ctr_title")}</h1>
      {canCreate && (
        <p>
          <a class="button" href="/contracts/new">
            {t("ctr_new")}
          </a>{" "}
          <a href="/records/import?kind=contracts">{t("ctr_import")}</a>
        </p>
      )}
      <form class="card grid" method="get" action="/contracts" role="search">
        <label>
          {t("rec_q")}
          <input name="q" value={query.q ?? ""} />
        </label>
        <label>
          {t("ctr_type")}
          <select name="type">
            <option value="">{t("rec_any")}</option>
            {CONTRACT_TYPES.map((x) => (
              <option value={x} selected={query.type === x}>
                {pick(locale, contractTypeLabels[x])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("ctr_status")}
          <select name="status">
            <option value="">{t("rec_any")}</option>
            {CONTRACT_STATUSES.map((x) => (
              <option value={x} selected={query.status === x}>
                {pick(locale, contractStatusLabels[x])}
              </option>
            ))}
          </select>
        </label>
        <div>
          <button type="submit">{t("rec_search")}</button>
        </div>
      </form>
      {contracts.length === 0 ? (
        <p class="muted">{t("ctr_none")}</p>
      ) : (
        <table data-testid="contracts">
          <thead>
            <tr>
              <th>{t("ctr_number")}</th>
              <th>{t("ctr_name")}</th>
              <th>{t("ctr_type")}</th>
              <th>{t("ctr_counterparty")}</th>
              <th>{t("ctr_status")}</th>
              <th>{t("ctr_endOn")}</th>
              <th>{t("ctr_owner")}</th>
            </tr>
          </thead>
          <tbody>
            {contracts.map((c) => (
              <tr>
                <td>
                  <a href={`/contracts/${c.id}`}>{c.number}</a>
                </td>
                <td>{c.title}</td>
                <td>{pick(locale, contractTypeLabels[c.type as ContractType])}</td>
                <td>{parties(c)}</td>
                <td>
                  <StatusTag page={page} status={c.status} />
                </td>
                <td>{c.endOn ?? ""}</td>
                <td>{c.ownerName}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager page={page} path="/contracts" query={query} total={total} offset={offset} limit={limit} />
    </Layout>
  );
};

/** A new register entry with its text. */
export const NewContractPage: FC<{ page: PageContext; values?: Record<string, string>; flash?: Flash }> = ({ page, values = {}, flash }) => {
  const { t, locale } = page;
  return (
    <Layout page={page} title={t("ctr_new")} flash={flash}>
      <h1>{t("ctr_new")}</h1>
      <form class="stack card" method="post" action="/contracts/new" enctype="multipart/form-data">
        <CsrfField page={page} />
        <label>
          {t("ctr_number")}
          <input name="number" maxlength={60} value={values.number ?? ""} placeholder="HT2026-0001" />
        </label>
        <label>
          {t("ctr_name")}
          <input name="title" maxlength={300} required value={values.title ?? ""} />
        </label>
        <label>
          {t("ctr_type")}
          <select name="type">
            {CONTRACT_TYPES.map((x) => (
              <option value={x} selected={values.type === x}>
                {pick(locale, contractTypeLabels[x])}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("ctr_counterparties")}
          <textarea name="counterparties" rows={2} required>
            {values.counterparties ?? ""}
          </textarea>
        </label>
        <div class="grid">
          <label>
            {t("ctr_value")}
            <input name="valueAmount" value={values.valueAmount ?? ""} inputmode="decimal" placeholder="1,200,000.00" />
          </label>
          <label>
            {t("ctr_currency")}
            <input name="currency" value={values.currency ?? "CNY"} />
          </label>
        </div>
        <div class="grid">
          <label>
            {t("ctr_effectiveOn")}
            <input name="effectiveOn" type="date" value={values.effectiveOn ?? ""} />
          </label>
          <label>
            {t("ctr_endOn")}
            <input name="endOn" type="date" value={values.endOn ?? ""} />
          </label>
        </div>
        <label>
          {t("rec_classification")}
          <ClassificationSelect page={page} value={values.classification ?? "internal"} />
        </label>
        <fieldset>
          <legend>{t("ctr_ipTerms")}</legend>
          {IP_TERMS.map((k) => (
            <label>
              {pick(locale, ipTermLabels[k])}
              <textarea name={`ipTerms.${k}`} rows={2}>
                {values[`ipTerms.${k}`] ?? ""}
              </textarea>
            </label>
          ))}
        </fieldset>
        <label>
          {t("ctr_notes")}
          <textarea name="notes" maxlength={4000} rows={2}>
            {values.notes ?? ""}
          </textarea>
        </label>
        <label>
          {t("ctr_draft")}
          <input name="file" type="file" accept="application/pdf,.pdf,.docx" />
          <span class="muted">{t("ctr_draftHelp")}</span>
        </label>
        <button type="submit">{t("ctr_create")}</button>
      </form>
    </Layout>
  );
};

/** One contract: register entry, IP terms, the IP review gate and its form, signing, status, history. */
export const ContractPage: FC<{ page: PageContext; view: Awaited<ReturnType<typeof getContractView>>; people: Person[]; flash?: Flash }> = ({ page, view, people, flash }) => {
  const { t, locale } = page;
  const c = view.contract;
  const terms = c.ipTerms as Record<string, string>;
  return (
    <Layout page={page} title={`${c.number} ${c.title}`} flash={flash}>
      <h1>
        {c.number} {c.title}
      </h1>
      <p>
        <StatusTag page={page} status={c.status} /> <span class="tag">{cls(page, c.classification)}</span>
      </p>
      <div class="grid">
        <dl class="facts card">
          <dt>{t("ctr_type")}</dt>
          <dd>{pick(locale, contractTypeLabels[c.type as ContractType])}</dd>
          <dt>{t("ctr_counterparty")}</dt>
          <dd>{parties(c)}</dd>
          <dt>{t("ctr_value")}</dt>
          <dd>{c.valueAmount ? `${c.valueAmount} ${c.currency}` : "—"}</dd>
          <dt>{t("ctr_effectiveOn")}</dt>
          <dd>{c.effectiveOn ?? "—"}</dd>
          <dt>{t("ctr_endOn")}</dt>
          <dd>{c.endOn ?? "—"}</dd>
          <dt>{t("ctr_signedOn")}</dt>
          <dd>{c.signedOn ?? "—"}</dd>
          <dt>{t("ctr_owner")}</dt>
          <dd>{view.ownerName}</dd>
          <dt>{t("ctr_draft")}</dt>
          <dd>{c.draftFilename ? `${c.draftFilename} · ${c.draftSha256?.slice(0, 16)}…` : "—"}</dd>
          {c.signedRecordId && (
            <>
              <dt>{t("ctr_signedRecord")}</dt>
              <dd>
                <a href={`/records/${c.signedRecordId}`} data-testid="signed-record">
                  {t("rec_title")}
                </a>
              </dd>
            </>
          )}
        </dl>
        <dl class="facts card">
          {IP_TERMS.map((k) => (
            <>
              <dt>{pick(locale, ipTermLabels[k])}</dt>
              <dd>{terms[k] ?? "—"}</dd>
            </>
          ))}
        </dl>
      </div>
      {(c.status === "draft" || c.status === "ip-review") && <p class="muted">{t("ctr_gate")}</p>}
      {view.may.edit && (
        <form class="stack card" method="post" action={`/contracts/${c.id}/draft`} enctype="multipart/form-data">
          <CsrfField page={page} />
          <label>
            {t("ctr_draft")}
            <input name="file" type="file" accept="application/pdf,.pdf,.docx" required />
          </label>
          <button type="submit" class="secondary">
            {t("ctr_attach")}
          </button>
        </form>
      )}
      {view.may.submit && (
        <form method="post" action={`/contracts/${c.id}/submit`}>
          <CsrfField page={page} />
          <button type="submit">{t("ctr_submit")}</button>
        </form>
      )}
      {view.may.returnToDraft && (
        <form class="stack" method="post" action={`/contracts/${c.id}/return-to-draft`} data-testid="return-to-draft">
          <CsrfField page={page} />
          <label>
            {t("ctr_returnReason")} <input name="reason" required maxlength={2000} />
          </label>
          <button type="submit" class="secondary">
            {t("ctr_returnToDraft")}
          </button>
        </form>
      )}
      {view.pendingReview && view.pendingReview.reviewerId === page.principal?.id && view.pendingReview.signatureRequestId && (
        <p>
          <a class="button" href={`/signatures/${view.pendingReview.signatureRequestId}/sign`}>
            {t("ctr_signNow")}
          </a>
        </p>
      )}
      {view.may.review && (
        <form class="stack card" method="post" action={`/contracts/${c.id}/review`} data-testid="review-form">
          <h2>{t("ctr_review")}</h2>
          <p class="muted">{t("ctr_reviewHelp")}</p>
          <CsrfField page={page} />
          <table>
            <thead>
              <tr>
                <th>{t("ctr_item")}</th>
                <th>{t("ctr_result")}</th>
                <th>{t("ctr_note")}</th>
              </tr>
            </thead>
            <tbody>
              {view.checklist.map((item) => (
                <tr>
                  <td>{pick(locale, checklistLabels[item as ChecklistItem])}</td>
                  <td>
                    <select name={`result.${item}`} aria-label={pick(locale, checklistLabels[item as ChecklistItem])}>
                      {REVIEW_RESULTS.map((r) => (
                        <option value={r}>{pick(locale, reviewResultLabels[r])}</option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <input name={`note.${item}`} aria-label={`${t("ctr_note")} ${pick(locale, checklistLabels[item as ChecklistItem])}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <label>
            {t("ctr_findings")}
            <textarea name="findings" rows={3} required></textarea>
          </label>
          <label>
            {t("ctr_decision")}
            <select name="decision">
              {REVIEW_DECISIONS.map((d) => (
                <option value={d}>{pick(locale, reviewDecisionLabels[d])}</option>
              ))}
            </select>
          </label>
          <label>
            {t("ctr_conditions")}
            <textarea name="conditions" rows={2}></textarea>
          </label>
          <button type="submit">{t("ctr_recordReview")}</button>
        </form>
      )}
      {view.may.sign && (
        <div class="grid">
          <form class="stack card" method="post" action={`/contracts/${c.id}/signing`}>
            <h2>{t("ctr_sendForSigning")}</h2>
            <CsrfField page={page} />
            {[0, 1, 2].map((i) => (
              <div class="grid">
                <label>
                  {t("ctr_signers")} {i + 1}
                  <select name={`signer.${i}`}>
                    <option value="">—</option>
                    {people.map((u) => (
                      <option value={u.id}>
                        {u.displayName} ({u.username})
                      </option>
                    ))}
                  </select>
                </label>
                <label>
                  {t("sig_meaning")}
                  <select name={`meaning.${i}`}>
                    {(Object.keys(MEANINGS) as Meaning[]).map((m) => (
                      <option value={m} selected={m === "signed"}>
                        {MEANINGS[m].zh} {MEANINGS[m].en}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
            ))}
            <button type="submit">{t("ctr_send")}</button>
          </form>
          <form class="stack card" method="post" action={`/contracts/${c.id}/scan`} enctype="multipart/form-data">
            <h2>{t("ctr_scan")}</h2>
            <CsrfField page={page} />
            <label>
              {t("ctr_signedOn")}
              <input name="signedOn" type="date" required />
            </label>
            <label>
              {t("rec_file")}
              <input name="file" type="file" required />
            </label>
            <button type="submit" class="secondary">
              {t("ctr_scanUpload")}
            </button>
          </form>
        </div>
      )}
      {view.signing && (
        <p>
          {t("ctr_signing")}: <a href={`/signatures/${view.signing.id}`}>{view.signing.id}</a> · {t(`sig_status_${view.signing.status}` as MessageKey)}
        </p>
      )}
      {view.may.advance && (
        <form class="card grid" method="post" action={`/contracts/${c.id}/status`}>
          <CsrfField page={page} />
          <label>
            {t("ctr_toStatus")}
            <select name="status">
              {(["in-force", "expired", "terminated"] as const)
                .filter((s) => s !== c.status)
                .map((s) => (
                  <option value={s}>{pick(locale, contractStatusLabels[s])}</option>
                ))}
            </select>
          </label>
          <label>
            {t("ctr_on")}
            <input name="on" type="date" required />
          </label>
          <label>
            {t("rec_reason")}
            <input name="reason" />
          </label>
          <div>
            <button type="submit">{t("ctr_apply")}</button>
          </div>
        </form>
      )}
      <h2>{t("ctr_reviews")}</h2>
      <table data-testid="reviews">
        <tbody>
          {view.reviews.map((r) => (
            <tr>
              <td>{fmtTime(r.createdAt, locale)}</td>
              <td>{r.reviewerName}</td>
              <td>{pick(locale, reviewDecisionLabels[r.decision as keyof typeof reviewDecisionLabels])}</td>
              <td>{t(`ctr_review_${r.status === "awaiting-signature" ? "awaiting" : r.status}` as MessageKey)}</td>
              <td>{r.recordId && <a href={`/records/${r.recordId}`}>{t("rec_title")}</a>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("rec_history")}</h2>
      <History page={page} {...historyLines(page, view.history)} />
    </Layout>
  );
};
