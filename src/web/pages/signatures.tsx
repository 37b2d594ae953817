import type { FC } from "hono/jsx";
import { DocumentReader } from "../pdf-reader";
import { bindingWords, chainWords, changeKindWords, proofWords, revocationSourceWords, revocationWords, wordFor } from "../messages/terms";
import { INDICATION_TEXT, SUB_INDICATION_TEXT } from "../../core/signatures/validation/vocabulary";
import { formatTime as fmtTime } from "../../lib/time";
import { CLASSIFICATIONS, classificationLabels, clearedFor, type Classification } from "../../core/auth/permissions";
import type { SignatureRequestViewData } from "../../core/signatures/requests/view";
import type { ArchiveVersionView } from "../../core/signatures/archive-view";
import { MEANINGS, type Meaning } from "../../core/signatures/sign-pdf";
import type { HeldMatch, SignatureReport } from "../../core/signatures/verify";
import { pick, type MessageKey } from "../i18n";
import { ClassificationSelect } from "../components";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";
import { SigningPinForm } from "./account";


const StatusTag: FC<{ page: PageContext; status: string }> = ({ page, status }) => (
  <span class={`tag ${status === "completed" ? "ok" : status === "declined" || status === "cancelled" ? "bad" : ""}`}>
    {page.t(`sig_status_${status}` as MessageKey)}
  </span>
);

const RequestTable: FC<{ page: PageContext; rows: SignatureRequestViewData[]; testId: string }> = ({ page, rows, testId }) => {
  const { t, locale } = page;
  if (rows.length === 0) return <p class="muted">{t("sig_none")}</p>;
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th>{t("sig_title")}</th>
          <th>{t("sig_status")}</th>
          <th>{t("sig_signers")}</th>
          <th>{t("sig_due")}</th>
          <th>{t("actions")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr>
            <td>{r.title}</td>
            <td>
              <StatusTag page={page} status={r.status} />
              {r.overdue && <span class="tag bad">{t("sig_overdue")}</span>}
            </td>
            <td>
              {r.signers.map((s) => (
                <div>
                  {s.position}. {s.user.displayName} · {pick(locale, MEANINGS[s.meaning as Meaning])} ·{" "}
                  <span class="muted">{t(`sig_signer_${s.status}` as MessageKey)}</span>
                </div>
              ))}
            </td>
            <td>{fmtTime(r.dueAt, locale)}</td>
            <td>
              {r.myTurn ? (
                <a class="button" href={`/signatures/${r.id}/sign`}>
                  {t("sig_signNow")}
                </a>
              ) : (
                <a href={`/signatures/${r.id}`}>{t("sig_open")}</a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

/** The signature inbox. */
export const SignatureInboxPage: FC<{
  page: PageContext;
  inbox: { toSign: SignatureRequestViewData[]; waitingForOthers: SignatureRequestViewData[]; done: SignatureRequestViewData[] };
  canRequest: boolean;
  flash?: Flash;
}> = ({ page, inbox, canRequest, flash }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("sig_inbox")} flash={flash}>
      <h1>{t("sig_inbox")}</h1>
      <p>
        {canRequest && (
          <a class="button" href="/signatures/new">
            {t("sig_new")}
          </a>
        )}{" "}
        <a href="/signatures/verify">{t("nav_verify")}</a>
      </p>
      <h2>{t("sig_toSign")}</h2>
      <RequestTable page={page} rows={inbox.toSign} testId="to-sign" />
      <h2>{t("sig_waiting")}</h2>
      <RequestTable page={page} rows={inbox.waitingForOthers} testId="waiting" />
      <h2>{t("sig_done")}</h2>
      <RequestTable page={page} rows={inbox.done} testId="done" />
    </Layout>
  );
};

/** A template as the request form needs it. */
export interface TemplateOption {
  id: string;
  revision: string;
  title: { zh: string; en: string };
  fields: { name: string; label: { zh: string; en: string }; type: string; required: boolean }[];
}

/** Form to send a document for signature: a template with its fields, or an uploaded PDF; ordered signers. */
export const NewSignatureRequestPage: FC<{
  page: PageContext;
  templates: TemplateOption[];
  chosen: TemplateOption | null;
  users: { id: string; displayName: string; username: string; clearance: Classification }[];
  values?: Record<string, string>;
  flash?: Flash;
}> = ({ page, templates, chosen, users, values = {}, flash }) => {
  const { t, locale } = page;
  const signerRows = [0, 1, 2, 3];
  const level = (CLASSIFICATIONS as readonly string[]).includes(values.classification ?? "") ? (values.classification as Classification) : "internal";
  return (
    <Layout page={page} title={t("sig_new")} flash={flash}>
      <h1>{t("sig_new")}</h1>
      <form class="card" method="get" action="/signatures/new">
        <label>
          {t("sig_chooseTemplate")}
          <select name="template">
            <option value="">{t("sig_upload")}</option>
            {templates.map((tpl) => (
              <option value={tpl.id} selected={chosen?.id === tpl.id}>
                {pick(locale, tpl.title)} ({tpl.id} · {tpl.revision})
              </option>
            ))}
          </select>
        </label>{" "}
        <button type="submit" class="secondary">
          {t("sig_open")}
        </button>
      </form>
      <form class="stack card" method="post" action="/signatures/new" enctype="multipart/form-data">
        <CsrfField page={page} />
        <input type="hidden" name="template" value={chosen?.id ?? ""} />
        <label>
          {t("sig_title")}
          <input name="title" required value={values.title ?? (chosen ? pick(locale, chosen.title) : "")} />
        </label>
        {chosen ? (
          <fieldset>
            <legend>
              {t("sig_fields")} — {pick(locale, chosen.title)}
            </legend>
            {chosen.fields.map((f) => (
              <label>
                {pick(locale, f.label)}
                {f.required ? " *" : ""}
                {f.type === "textarea" ? (
                  <textarea name={`field.${f.name}`} rows={3}>
                    {values[`field.${f.name}`] ?? ""}
                  </textarea>
                ) : (
                  <input
                    name={`field.${f.name}`}
                    type={f.type === "date" ? "date" : f.type === "number" ? "number" : "text"}
                    required={f.required}
                    value={values[`field.${f.name}`] ?? ""}
                  />
                )}
              </label>
            ))}
          </fieldset>
        ) : (
          <label>
            {t("sig_upload")}
            <input name="file" type="file" accept="application/pdf" required />
          </label>
        )}
        <label>
          {t("sig_classification")}
          <ClassificationSelect page={page} value={values.classification ?? "internal"} />
        </label>
        <label>
          {t("sig_due")}
          <input name="dueAt" type="date" value={values.dueAt ?? ""} />
        </label>
        <fieldset>
          <legend>{t("sig_signers")}</legend>
          {signerRows.map((i) => (
            <div class="grid">
              <label>
                {t("sig_signer")} {i + 1}
                <select name={`signer.${i}.userId`} data-signer-picker>
                  <option value="">—</option>
                  {users.map((u) => (
                    // only people cleared for the request's classification can sign it; the script
                    // /static/signer-picker.js follows the classification as it is changed
                    <option
                      value={u.id}
                      data-clearance={u.clearance}
                      disabled={!clearedFor(u.clearance, level)}
                      selected={values[`signer.${i}.userId`] === u.id && clearedFor(u.clearance, level)}
                    >
                      {u.displayName} ({u.username}) · {pick(locale, classificationLabels[u.clearance])}
                    </option>
                  ))}
                </select>
              </label>
              <label>
                {t("sig_meaning")}
                <select name={`signer.${i}.meaning`}>
                  {(Object.keys(MEANINGS) as Meaning[]).map((m) => (
                    <option value={m} selected={(values[`signer.${i}.meaning`] ?? "signed") === m}>
                      {MEANINGS[m].zh} {MEANINGS[m].en}
                    </option>
                  ))}
                </select>
              </label>
              <label class="inline">
                <input type="checkbox" name={`signer.${i}.visibleStamp`} value="1" checked={values[`signer.${i}.visibleStamp`] !== "0"} />
                {t("sig_visibleStamp")}
              </label>
            </div>
          ))}
        </fieldset>
        <p class="muted">{t("sig_signersCleared")}</p>
        <button type="submit">{t("sig_create")}</button>
      </form>
      <script src="/static/signer-picker.js" defer />
    </Layout>
  );
};

/** One request: signers and their status, downloads allowed to the caller, requester actions. */
export const SignatureRequestPage: FC<{ page: PageContext; request: SignatureRequestViewData; isRequester: boolean; archive?: ArchiveVersionView[] | null; flash?: Flash }> = ({
  page,
  request,
  isRequester,
  archive,
  flash,
}) => {
  const { t, locale } = page;
  const mine = request.signers.find((s) => s.id === request.mySignerId);
  return (
    <Layout page={page} title={request.title} flash={flash}>
      <h1>{request.title}</h1>
      <p>
        <StatusTag page={page} status={request.status} /> {request.overdue && <span class="tag bad">{t("sig_overdue")}</span>}{" "}
        <span class="muted">
          {pick(locale, classificationLabels[request.classification as keyof typeof classificationLabels])} · {request.id}
          {request.source.templateId ? ` · ${t("sig_template")} ${request.source.templateId} ${request.source.templateRevision}` : ""}
        </span>
      </p>
      <table data-testid="signers">
        <thead>
          <tr>
            <th>#</th>
            <th>{t("sig_signer")}</th>
            <th>{t("sig_meaning")}</th>
            <th>{t("sig_status")}</th>
            <th>{t("actions")}</th>
          </tr>
        </thead>
        <tbody>
          {request.signers.map((s) => (
            <tr>
              <td>{s.position}</td>
              <td>{s.user.displayName}</td>
              <td>{pick(locale, MEANINGS[s.meaning as Meaning])}</td>
              <td>
                {t(`sig_signer_${s.status}` as MessageKey)} {s.signedAt ? fmtTime(s.signedAt, locale) : ""}
                {s.declineReason ? ` — ${s.declineReason}` : ""}
                {s.reminderCount > 0 && <span class="tag">{t("sig_reminders", { n: s.reminderCount })}</span>}
              </td>
              <td>
                {isRequester && request.status === "pending" && (s.status === "ready" || s.status === "waiting") && (
                  <form method="post" action={`/signatures/${request.id}/signers/${s.id}/link`}>
                    <CsrfField page={page} />
                    <button type="submit" class="secondary">
                      {t("sig_link")}
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {request.myTurn && (
          <a class="button" href={`/signatures/${request.id}/sign`}>
            {t("sig_signNow")}
          </a>
        )}{" "}
        {request.status === "completed" && <a href={`/api/v1/signature-requests/${request.id}/document?version=final`}>{t("sig_download_final")}</a>}{" "}
        {mine?.status === "signed" && request.status !== "completed" && (
          <a href={`/api/v1/signature-requests/${request.id}/document?version=my-copy`}>{t("sig_download_mine")}</a>
        )}{" "}
        {isRequester && <a href={`/api/v1/signature-requests/${request.id}/document?version=original`}>{t("sig_download_original")}</a>}
      </p>
      {archive && <ArchiveChain page={page} versions={archive} />}
      {isRequester && request.status === "pending" && (
        <form class="stack card" method="post" action={`/signatures/${request.id}/cancel`}>
          <CsrfField page={page} />
          <label>
            {t("sig_cancelReason")}
            <input name="reason" required />
          </label>
          <button type="submit" class="secondary">
            {t("sig_cancel")}
          </button>
        </form>
      )}
    </Layout>
  );
};

/** The archive time-stamp chain of a signed result (administrators): each version, when and by which TSA it was stamped. */
const ArchiveChain: FC<{ page: PageContext; versions: ArchiveVersionView[] }> = ({ page, versions }) => {
  const { t, locale } = page;
  return (
    <section data-testid="archive-chain">
      <h2>{t("sig_archive")}</h2>
      <p class="muted">{t("sig_archive_help")}</p>
      {versions.length === 0 ? (
        <p class="muted">{t("sig_archive_none")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t("sig_archive_version")}</th>
              <th>{t("sig_archive_reason")}</th>
              <th>{t("sig_archive_time")}</th>
              <th>{t("sig_archive_tsa")}</th>
              <th>{t("sig_archive_until")}</th>
              <th>{t("sig_archive_algorithm")}</th>
              <th>SHA-256</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr>
                <td>{v.sequence}</td>
                <td>{t(`sig_archive_reason_${v.reason.replace("-", "_")}` as MessageKey)}</td>
                <td>{fmtTime(v.genTime, locale)}</td>
                <td>
                  {v.tsaSubject} <span class="muted">({v.tsaSerial})</span>
                </td>
                <td>{fmtTime(v.tsaNotAfter, locale)}</td>
                <td>
                  {v.digestAlgorithm.toUpperCase()}
                  {v.keyBits ? ` · RSA ${v.keyBits}` : ""}
                </td>
                <td>
                  <code title={v.sha256}>{v.sha256.slice(0, 12)}…</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
};

/** The signing ceremony: read → consent → re-authenticate → sign; or decline with a reason. */
export const CeremonyPage: FC<{ page: PageContext; request: SignatureRequestViewData; readAt: Date | null; pinSet: boolean; flash?: Flash }> = ({
  page,
  request,
  readAt,
  pinSet,
  flash,
}) => {
  const { t, locale } = page;
  const mine = request.signers.find((s) => s.id === request.mySignerId)!;
  const docUrl = `/api/v1/signature-requests/${request.id}/document?version=current`;
  return (
    <Layout page={page} title={t("sig_ceremony")} flash={flash}>
      <h1>
        {t("sig_ceremony")}: {request.title}
      </h1>
      <p>
        {t("sig_meaning")}: <strong>{pick(locale, MEANINGS[mine.meaning as Meaning])}</strong>
      </p>
      <section class="card">
        <h2>{t("sig_step1")}</h2>
        <p class="muted">{t("sig_step1_help")}</p>
        <DocumentReader page={page} src={docUrl} readUrl={`/api/v1/signature-requests/${request.id}/read`} title={request.title} readAt={readAt ? fmtTime(readAt, locale) : null} />
      </section>
      {pinSet ? (
        <form class="stack card" method="post" action={`/signatures/${request.id}/sign`}>
          <CsrfField page={page} />
          <h2>{t("sig_step2")}</h2>
          <label class="inline">
            <input type="checkbox" name="consent" value="1" required />
            {t("sig_consent")}
          </label>
          <h2>{t("sig_step3")}</h2>
          <label>
            {t("sig_pin")}
            <input name="pin" type="password" autocomplete="off" required />
          </label>
          <p class="muted">{t("sig_pinHelp")}</p>
          <button type="submit">{t("sig_sign")}</button>
        </form>
      ) : (
        <section class="stack">
          <h2>{t("account_pinSet")}</h2>
          <p data-testid="pin-first">
            <strong>{t("sig_pinFirst")}</strong>
          </p>
          <SigningPinForm page={page} action={`/signatures/${request.id}/signing-pin`} pinSetAt={null} />
        </section>
      )}
      <form class="stack card" method="post" action={`/signatures/${request.id}/decline`}>
        <CsrfField page={page} />
        <label>
          {t("sig_declineReason")}
          <textarea name="reason" rows={2} required />
        </label>
        <button type="submit" class="secondary">
          {t("sig_decline")}
        </button>
      </form>
    </Layout>
  );
};

type VerifyResult = { sha256: string; ok: boolean; signatures: SignatureReport[]; held: HeldMatch };

/** Upload a PDF; see a report per signature. */
export const VerifyPage: FC<{ page: PageContext; result?: VerifyResult; flash?: Flash }> = ({ page, result, flash }) => {
  const { t } = page;
  const yesNo = (v: boolean | null | undefined) => (v === null || v === undefined ? "—" : v ? "✓" : "✗");
  return (
    <Layout page={page} title={t("verify_title")} flash={flash}>
      <h1>{t("verify_title")}</h1>
      <p class="muted">{t("verify_help")}</p>
      <form class="stack card" method="post" action="/signatures/verify" enctype="multipart/form-data">
        <CsrfField page={page} />
        <label>
          {t("verify_file")}
          <input name="file" type="file" accept="application/pdf" required />
        </label>
        <button type="submit">{t("verify_submit")}</button>
      </form>
      {result && (
        <section data-testid="verify-result">
          <div class={`flash ${result.ok ? "ok" : "error"}`}>{result.ok ? t("verify_ok") : t("verify_bad")}</div>
          <p>
            SHA-256 <code>{result.sha256}</code> — {result.held.held ? t("verify_held") : t("verify_notHeld")}
            {result.held.requestId && (
              <>
                {" "}
                <a href={`/signatures/${result.held.requestId}`}>{result.held.requestId}</a>
              </>
            )}
          </p>
          {result.held.as === "marked-copy" && result.held.revision && (
            <div class={`flash ${result.held.revision.issuedByCustos ? "ok" : "error"}`} data-testid="marked-copy">
              <p>{t(result.held.revision.issuedByCustos ? "verify_markedCopy" : "verify_appendedCopy", { number: result.held.revision.number, label: result.held.revision.label })}</p>
              <p>
                {t("verify_signedOriginal")}: <a href={`/documents/${result.held.revision.documentId}`}>{result.held.revision.number} {result.held.revision.label}</a> · SHA-256{" "}
                <code>{result.held.revision.signedSha256}</code> · <a href={`/api/v1/revisions/${result.held.revision.id}/signed-pdf`}>{t("verify_signedOriginalDownload")}</a>
              </p>
            </div>
          )}
          {result.signatures.map((s) => (
            <div class="card">
              <h2>
                {s.index + 1}. {s.signerName ?? "?"} {s.reason ? `· ${s.reason}` : ""} <span class={`tag ${s.ok ? "ok" : "bad"}`}>{s.ok ? "✓" : "✗"}</span>
              </h2>
              <table>
                <tbody>
                  <tr data-testid="indication">
                    <th>{t("verify_indication")}</th>
                    <td>
                      <strong>
                        {pick(page.locale, INDICATION_TEXT[s.indication])} {s.indication}
                      </strong>
                      {s.subIndication && (
                        <>
                          {" "}
                          / <code>{s.subIndication}</code> — {pick(page.locale, SUB_INDICATION_TEXT[s.subIndication])}
                        </>
                      )}
                      <br />
                      {pick(page.locale, s.message)}
                      {s.reasons.length > 0 && (
                        <ul>
                          {s.reasons.map((r) => (
                            <li>{pick(page.locale, r)}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                  <tr>
                    <th>{t("verify_poe")}</th>
                    <td>
                      {s.bestSignatureTime
                        ? `${fmtTime(s.bestSignatureTime, page.locale)} (${wordFor(proofWords, s.proofOfExistence, page.locale)})`
                        : `${t("verify_noPoe")} ${fmtTime(s.validationTime, page.locale)}`}
                    </td>
                  </tr>
                  <tr>
                    <th>{t("verify_integrity")}</th>
                    <td>
                      {t("verify_digest")} {yesNo(s.integrity.digestMatches)} · {t("verify_signatureValue")} {yesNo(s.integrity.signatureValid)}
                    </td>
                  </tr>
                  <tr>
                    <th>{t("verify_chain")}</th>
                    <td>
                      {wordFor(chainWords, s.chain, page.locale)} — {s.certificate.subject} ({t("verify_serial")} {s.certificate.serialNumber})
                    </td>
                  </tr>
                  <tr>
                    <th>{t("verify_revocation")}</th>
                    <td>
                      {wordFor(revocationWords, s.revocation.status, page.locale)}
                      {s.revocation.revokedAt ? ` ${fmtTime(s.revocation.revokedAt, page.locale)} (${s.revocation.reason})` : ""} · {wordFor(revocationSourceWords, s.revocation.source, page.locale)}
                      {s.revocation.issuedAt ? ` ${fmtTime(s.revocation.issuedAt, page.locale)}` : ""}
                      {s.revocation.source !== "none" && s.revocation.status === "good" && !s.revocation.fresh ? t("verify_stale") : ""}
                    </td>
                  </tr>
                  <tr>
                    <th>{t("verify_binding")}</th>
                    <td>{wordFor(bindingWords, s.signingCertificateBinding, page.locale)}</td>
                  </tr>
                  <tr>
                    <th>{t("verify_timestamp")}</th>
                    <td>{s.timestamp ? `${yesNo(s.timestamp.valid)} ${fmtTime(s.timestamp.genTime, page.locale)} ${s.timestamp.tsa ?? ""}` : "—"}</td>
                  </tr>
                  <tr>
                    <th>{t("verify_coverage")}</th>
                    <td>
                      {s.coverage.wellFormed ? "✓" : "✗"} {s.coverage.coversWholeFile ? t("verify_wholeFile") : t("verify_revisionOnly")} {s.coverage.anomalies.join(", ")}
                    </td>
                  </tr>
                  <tr>
                    <th>{t("verify_changes")}</th>
                    <td>
                      {wordFor(changeKindWords, s.changesAfter.kind, page.locale)}
                      {s.changesAfter.details.length > 0 && (
                        <ul>
                          {s.changesAfter.details.map((d) => (
                            <li>{d}</li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                </tbody>
              </table>
              {s.problems.length > 0 && (
                <ul>
                  {s.problems.map((p) => (
                    <li>
                      <code>{p.code}</code> {p.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ))}
        </section>
      )}
    </Layout>
  );
};
