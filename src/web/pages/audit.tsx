import type { FC } from "hono/jsx";
import { formatTime } from "../../lib/time";
import type { ChainReport } from "../../core/audit/service";
import { describeEvent, History, objectTypeName, type HistoryEvent } from "../history";
import { pick } from "../i18n";
import { Layout, type PageContext } from "../layout";

type Filter = { objectType?: string; objectId?: string; actorId?: string; action?: string };

/**
 * The audit trail, newest first, with the chain verification result when asked for. Auditors who
 * are not admins see the verification only (each object's history is on its evidence page).
 */
export const AuditPage: FC<{
  page: PageContext;
  events: HistoryEvent[];
  showEvents: boolean;
  chain: ChainReport | null;
  olderHref: string | null;
  filter: Filter;
  reads: { shown: boolean; hidden: number };
  catalogue: { action: string; label: { zh: string; en: string } }[];
  objectTypes: string[];
}> = ({ page, events, showEvents, chain, olderHref, filter, reads, catalogue, objectTypes }) => {
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
      {showEvents && <AuditEvents page={page} events={events} olderHref={olderHref} filter={filter} reads={reads} catalogue={catalogue} objectTypes={objectTypes} />}
    </Layout>
  );
};

const AuditEvents: FC<{
  page: PageContext;
  events: HistoryEvent[];
  olderHref: string | null;
  filter: Filter;
  reads: { shown: boolean; hidden: number };
  catalogue: { action: string; label: { zh: string; en: string } }[];
  objectTypes: string[];
}> = ({ page, events, olderHref, filter, reads, catalogue, objectTypes }) => {
  const { t, locale } = page;
  const sorted = [...catalogue].sort((a, b) => pick(locale, a.label).localeCompare(pick(locale, b.label), locale === "en" ? "en" : "zh"));
  return (
    <>
      <form class="card grid" method="get" action="/audit">
        <label>
          {t("hist_objectType")}
          <select name="objectType">
            <option value="">{t("ev_any")}</option>
            {objectTypes.map((o) => (
              <option value={o} selected={filter.objectType === o}>
                {objectTypeName(page, o)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("hist_objectId")}
          <input name="objectId" value={filter.objectId ?? ""} />
        </label>
        <label>
          {t("hist_actorId")}
          <input name="actorId" value={filter.actorId ?? ""} />
        </label>
        <label>
          {t("hist_event")}
          <select name="action">
            <option value="">{t("hist_anyEvent")}</option>
            {sorted.map((e) => (
              <option value={e.action} selected={filter.action === e.action}>
                {pick(locale, e.label)}
              </option>
            ))}
          </select>
        </label>
        {reads.shown && <input type="hidden" name="reads" value="1" />}
        <div>
          <button type="submit">{t("ev_search")}</button>
        </div>
      </form>
      <History page={page} lines={events.map((e) => describeEvent(page, e, { target: true }))} reads={filter.action ? undefined : reads} target testId="audit-events" />
      {olderHref && (
        <p>
          <a href={olderHref}>{t("audit_older")}</a>
        </p>
      )}
    </>
  );
};
