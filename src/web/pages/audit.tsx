import type { FC } from "hono/jsx";
import type { AuditEventRow } from "../../db/schema/audit";
import type { ChainReport } from "../../core/audit/service";
import { Layout, type PageContext } from "../layout";

/** The audit trail, newest first, with the chain verification result when asked for. */
export const AuditPage: FC<{
  page: PageContext;
  events: AuditEventRow[];
  chain: ChainReport | null;
  olderHref: string | null;
  filter: { objectType?: string; objectId?: string; actorId?: string; action?: string };
}> = ({ page, events, chain, olderHref, filter }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("audit_title")}>
      <h1>{t("audit_title")}</h1>
      <p>
        <a class="button secondary" href="/audit?verify=1">
          {t("audit_verify")}
        </a>
      </p>
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
      {chain && (
        <div class={`flash ${chain.ok ? "ok" : "error"}`} data-testid="chain-report">
          {chain.ok
            ? t("dashboard_audit_ok", { n: chain.checked })
            : t("dashboard_audit_broken", { seq: chain.firstBroken?.seq ?? "?", message: chain.firstBroken?.message ?? "" })}{" "}
          <span class="muted">({chain.durationMs} ms)</span>
        </div>
      )}
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
              <td>{e.occurredAt.toISOString().replace("T", " ").slice(0, 19)}Z</td>
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
                <pre class="json">{JSON.stringify(e.data)}</pre>
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
    </Layout>
  );
};
