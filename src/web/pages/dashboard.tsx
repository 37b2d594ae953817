import type { FC } from "hono/jsx";
import { classificationLabels, roleLabels, type Classification, type Role } from "../../core/auth/permissions";
import type { ChainReport } from "../../core/audit/service";
import { pick } from "../i18n";
import { Layout, type Flash, type PageContext } from "../layout";

/**
 * The signed-in home page. It shows only real data: who you are and, for admins and auditors, the
 * state of the audit chain. Later areas add their own cards (due reviews, signature inbox …).
 */
export const DashboardPage: FC<{
  page: PageContext;
  departmentName: string | null;
  chain: ChainReport | null;
  flash?: Flash;
}> = ({ page, departmentName, chain, flash }) => {
  const { t, principal, locale } = page;
  if (!principal) return null;
  return (
    <Layout page={page} title={t("dashboard_title")} flash={flash}>
      <h1>{t("dashboard_title")}</h1>
      <p>{t("dashboard_welcome", { name: principal.displayName })}</p>
      <div class="grid">
        <section class="card">
          <h2>{t("dashboard_roles")}</h2>
          {principal.roles.map((r) => (
            <span class="tag">{pick(locale, roleLabels[r as Role])}</span>
          ))}
          <p>
            {t("dashboard_clearance")}: <strong>{pick(locale, classificationLabels[principal.clearance as Classification])}</strong>
          </p>
          <p>
            {t("dashboard_department")}: {departmentName ?? t("users_none")}
          </p>
        </section>
        {chain && (
          <section class="card" data-testid="audit-chain">
            <h2>{t("dashboard_audit")}</h2>
            {chain.ok ? (
              <p>
                <span class="tag ok">{t("dashboard_audit_ok", { n: chain.checked })}</span>
              </p>
            ) : (
              <p>
                <span class="tag bad">
                  {t("dashboard_audit_broken", { seq: chain.firstBroken?.seq ?? "?", message: chain.firstBroken?.message ?? "" })}
                </span>
              </p>
            )}
            <p class="muted">
              <a href="/audit">{t("nav_audit")}</a>
            </p>
          </section>
        )}
      </div>
    </Layout>
  );
};
