import type { FC } from "hono/jsx";
import type { DepartmentRow } from "../../core/organisation/repo";
import { DepartmentSelect } from "../components";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";

/** Organisation units and a form to add one. */
export const DepartmentsPage: FC<{
  page: PageContext;
  departments: DepartmentRow[];
  values?: Record<string, string>;
  flash?: Flash;
}> = ({ page, departments, values = {}, flash }) => {
  const { t } = page;
  const byId = new Map(departments.map((d) => [d.id, d]));
  return (
    <Layout page={page} title={t("departments_title")} flash={flash}>
      <h1>{t("departments_title")}</h1>
      <table data-testid="departments">
        <thead>
          <tr>
            <th>{t("departments_code")}</th>
            <th>{t("departments_name")}</th>
            <th>{t("departments_nameEn")}</th>
            <th>{t("departments_parent")}</th>
            <th>{t("departments_duties")}</th>
          </tr>
        </thead>
        <tbody>
          {departments.map((d) => (
            <tr>
              <td>{d.code}</td>
              <td>{d.name}</td>
              <td>{d.nameEn ?? ""}</td>
              <td>{d.parentId ? (byId.get(d.parentId)?.name ?? "") : ""}</td>
              <td>{d.ipDuties ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("departments_new")}</h2>
      <form class="stack card" method="post" action="/admin/departments">
        <CsrfField page={page} />
        <label>
          {t("departments_code")}
          <input name="code" maxlength={32} required value={values.code ?? ""} />
        </label>
        <label>
          {t("departments_name")}
          <input name="name" maxlength={100} required value={values.name ?? ""} />
        </label>
        <label>
          {t("departments_nameEn")}
          <input name="nameEn" maxlength={100} value={values.nameEn ?? ""} />
        </label>
        <label>
          {t("departments_parent")}
          <DepartmentSelect page={page} name="parentId" departments={departments} value={values.parentId} blank={t("users_none")} />
        </label>
        <label>
          {t("departments_duties")}
          <textarea name="ipDuties" maxlength={4000} rows={3}>
            {values.ipDuties ?? ""}
          </textarea>
        </label>
        <button type="submit">{t("departments_create")}</button>
      </form>
    </Layout>
  );
};
