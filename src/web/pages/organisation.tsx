import type { FC } from "hono/jsx";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";

/** The organisation's name: the first-run step for the first administrator, and where it is changed later. */
export const OrganisationPage: FC<{
  page: PageContext;
  organisation: { name: string; nameEn: string | null; named: boolean };
  firstRun: boolean;
  values?: { name?: string; nameEn?: string };
  flash?: Flash;
}> = ({ page, organisation, firstRun, values, flash }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("org_title")} flash={flash}>
      <h1>{t("org_title")}</h1>
      {firstRun && (
        <p class="card" data-testid="first-run">
          {t("org_firstRun")}
        </p>
      )}
      <p>
        {t("org_current")}：<strong data-testid="organisation-name">{organisation.named ? organisation.name : `${organisation.name} — ${t("org_unnamed")}`}</strong>
      </p>
      <form class="stack card" method="post" action="/admin/organisation">
        <CsrfField page={page} />
        <label>
          {t("org_name")}
          <input name="name" required maxlength={200} value={values?.name ?? (organisation.named ? organisation.name : "")} />
        </label>
        <label>
          {t("org_nameEn")}
          <input name="nameEn" maxlength={200} value={values?.nameEn ?? (organisation.named ? (organisation.nameEn ?? "") : "")} />
        </label>
        <button type="submit">{t("org_save")}</button>
      </form>
      <p class="muted">{t("org_profileHint")}</p>
    </Layout>
  );
};
