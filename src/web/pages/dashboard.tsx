import type { Child, FC } from "hono/jsx";
import { classificationLabels, roleLabels, type Classification, type Role } from "../../core/auth/permissions";
import { pick } from "../i18n";
import { Layout, type Flash, type PageContext } from "../layout";

/**
 * The signed-in home page: who you are, then one card per area with real work for you (signature
 * inbox, due reviews, incidents …). Areas contribute cards in src/web/cards/; there are no fake widgets.
 */
export const DashboardPage: FC<{ page: PageContext; departmentName: string | null; cards: Child[]; flash?: Flash }> = ({
  page,
  departmentName,
  cards,
  flash,
}) => {
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
        {cards}
      </div>
    </Layout>
  );
};
