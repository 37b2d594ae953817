import type { FC } from "hono/jsx";
import { formatTime } from "../../lib/time";
import type { AuditEventRow } from "../../db/schema/audit";
import type { ChainReport } from "../../core/audit/service";
import { Layout, type PageContext } from "../layout";

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const show = (v: unknown, locale: PageContext["locale"]) =>
  v === undefined ? "—" : typeof v === "string" ? (ISO_INSTANT.test(v) ? formatTime(v, locale, { seconds: true }) : v) : JSON.stringify(v);

/**
 * An event's details: a before/after summary as a table of the fields that changed (old and new
 * value side by side), anything else as JSON.
 */
export const EventDetails: FC<{ page: PageContext; data: unknown }> = ({ page, data }) => {
  const { t } = page;
  const d = (data ?? {}) as Record<string, unknown>;
  const before = d.before && typeof d.before === "object" ? (d.before as Record<string, unknown>) : null;
  const after = d.after && typeof d.after === "object" ? (d.after as Record<string, unknown>) : null;
  if (!before && !after) return <pre class="json">{JSON.stringify(data)}</pre>;
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  const rest = Object.fromEntries(Object.entries(d).filter(([k]) => k !== "before" && k !== "after"));
  return (
    <div>
      <table class="compact" data-testid="before-after">
        <thead>
          <tr>
            <th>{t("audit_field")}</th>
            <th>{t("audit_before")}</th>
            <th>{t("audit_after")}</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr>
              <td>
                <code>{k}</code>
              </td>
              <td class="muted">{show(before?.[k], page.locale)}</td>
              <td>{show(after?.[k], page.locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {Object.keys(rest).length > 0 && <pre class="json">{JSON.stringify(rest)}</pre>}
    </div>
  );
};

/**
 * The audit trail, newest first, with the chain verification result when asked for. Auditors who
 * are not admins see the verification only (each object's history is on its evidence page).
 */
export const AuditPage: FC<{
  page: PageContext;
  events: AuditEventRow[];
  showEvents: boolean;
  chain: ChainReport | null;
  olderHref: string | null;
  filter: { objectType?: string; objectId?: string; actorId?: string; action?: string };
}> = ({ page, events, showEvents, chain, olderHref, filter }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("audit_title")}>
      <h1>{t("audit_title")}</h1>
      <p>
        <a class="button secondary" href="/audit?verify=1">
          {t("audit_verify")}
        </a>
      </p>
      {!showEvents && <p class="muted">{t("audit_auditorNote")}</p>}
      {chain && (
        <div class={`flash ${chain.ok ? "ok" : "error"}`} data-testid="chain-report">
          {chain.ok
            ? t("dashboard_audit_ok", { n: chain.checked })
            : t("dashboard_audit_broken", { seq: chain.firstBroken?.seq ?? "?", message: chain.firstBroken?.message ?? "" })}{" "}
          <span class="muted">({chain.durationMs} ms)</span>
        </div>
      )}
      {showEvents && <AuditEvents page={page} events={events} olderHref={olderHref} filter={filter} />}
    </Layout>
  );
};

const AuditEvents: FC<{
  page: PageContext;
  events: AuditEventRow[];
  olderHref: string | null;
  filter: { objectType?: string; objectId?: string; actorId?: string; action?: string };
}> = ({ page, events, olderHref, filter }) => {
  const { t } = page;
  return (
    <>
      <form class="card grid" method="get" action="/audit">
        <label>
          {t("audit_object")} (type)
          <input name="objectType" value={filter.objectType ?? ""} />
        </label>
        <label>
          {t("audit_object")} (id)
          <input name="objectId" value={filter.objectId ?? ""} />
        </label>
        <label>
          {t("audit_who")} (user id)
          <input name="actorId" value={filter.actorId ?? ""} />
        </label>
        <label>
          {t("audit_action")}
          <input name="action" value={filter.action ?? ""} />
        </label>
        <div>
          <button type="submit">{t("ev_search")}</button>
        </div>
      </form>
      <table data-testid="audit-events">
        <thead>
          <tr>
            <th>#</th>
            <th>{t("audit_when")}</th>
            <th>{t("audit_who")}</th>
            <th>{t("audit_action")}</th>
            <th>{t("audit_object")}</th>
            <th>{t("audit_from")}</th>
            <th>{t("audit_details")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr>
              <td>{e.seq}</td>
              <td>{formatTime(e.occurredAt, page.locale, { seconds: true })}</td>
              <td>{e.actorLabel}</td>
              <td>
                <code>{e.action}</code>
              </td>
              <td>
                <a href={`/audit?objectType=${encodeURIComponent(e.objectType)}&objectId=${encodeURIComponent(e.objectId)}`}>
                  {e.objectType} <span class="muted">{e.objectId}</span>
                </a>
              </td>
              <td class="muted">{e.ip ?? ""}</td>
              <td>
                <EventDetails page={page} data={e.data} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {olderHref && (
        <p>
          <a href={olderHref}>{t("audit_older")}</a>
        </p>
      )}
    </>
  );
};
