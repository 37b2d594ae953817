import type { FC } from "hono/jsx";
import type { DocumentCategoryRow } from "../../db/schema/documents";
import { ROLES, roleLabels, type Role } from "../../core/auth/permissions";
import { pick } from "../i18n";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";

const roleNames = (page: PageContext, roles: string[]) => roles.map((r) => pick(page.locale, roleLabels[r as Role] ?? { zh: r, en: r })).join(page.locale === "en" ? ", " : "、");
const catTitle = (page: PageContext, c: DocumentCategoryRow) => (page.locale === "en" ? c.nameEn : c.name);

/** The document categories with who drafts, reviews and approves in each (admins), each linked to its rules form. */
export const DocumentCategoriesPage: FC<{ page: PageContext; categories: DocumentCategoryRow[]; flash?: Flash }> = ({ page, categories, flash }) => {
  const { t } = page;
  return (
    <Layout page={page} title={t("cat_title")} flash={flash}>
      <h1>{t("cat_title")}</h1>
      <p class="muted">{t("cat_intro")}</p>
      <div class="scroll">
        <table data-testid="categories">
          <thead>
            <tr>
              <th>{t("cat_name")}</th>
              <th>{t("cat_numberPattern")}</th>
              <th>{t("cat_draftRoles")}</th>
              <th>{t("cat_reviewRoles")}</th>
              <th>{t("cat_approveRoles")}</th>
              <th>{t("cat_selfApproval")}</th>
              <th>{t("cat_reviewMonths")}</th>
            </tr>
          </thead>
          <tbody>
            {categories.map((c) => (
              <tr>
                <td>
                  <a href={`/admin/document-categories/${c.id}`}>{catTitle(page, c)}</a>
                </td>
                <td>
                  <code>{c.numberPattern}</code>
                </td>
                <td>{roleNames(page, c.draftRoles)}</td>
                <td>{roleNames(page, c.reviewRoles)}</td>
                <td>{roleNames(page, c.approveRoles)}</td>
                <td>{c.allowSelfApproval ? t("cat_yes") : t("cat_no")}</td>
                <td>{c.defaultReviewMonths}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
};

/** The values the rules form shows: the category's, or what was just submitted when it was refused. */
export interface CategoryFormValues {
  name: string;
  nameEn: string;
  numberPattern: string;
  labelScheme: string;
  clauses: string;
  draftRoles: string[];
  reviewRoles: string[];
  approveRoles: string[];
  allowSelfApproval: boolean;
  acknowledgeable: boolean;
  defaultReviewMonths: string;
}

export const categoryFormValues = (c: DocumentCategoryRow): CategoryFormValues => ({
  name: c.name,
  nameEn: c.nameEn,
  numberPattern: c.numberPattern,
  labelScheme: c.labelScheme,
  clauses: c.clauses.join(", "),
  draftRoles: c.draftRoles,
  reviewRoles: c.reviewRoles,
  approveRoles: c.approveRoles,
  allowSelfApproval: c.allowSelfApproval,
  acknowledgeable: c.acknowledgeable,
  defaultReviewMonths: String(c.defaultReviewMonths),
});

const RoleBoxes: FC<{ page: PageContext; name: string; legend: string; checked: string[] }> = ({ page, name, legend, checked }) => (
  <fieldset>
    <legend>{legend}</legend>
    {ROLES.map((r) => (
      <label class="inline">
        <input type="checkbox" name={name} value={r} checked={checked.includes(r)} /> {pick(page.locale, roleLabels[r])}
      </label>
    ))}
  </fieldset>
);

/** One category's rules (admins; every change is audited with the old and new values). */
export const DocumentCategoryPage: FC<{ page: PageContext; category: DocumentCategoryRow; values: CategoryFormValues; flash?: Flash }> = ({ page, category, values, flash }) => {
  const { t } = page;
  return (
    <Layout page={page} title={`${t("cat_title")} · ${catTitle(page, category)}`} flash={flash}>
      <p>
        <a href="/admin/document-categories">← {t("cat_title")}</a>
      </p>
      <h1>{catTitle(page, category)}</h1>
      <form class="stack card" method="post" action={`/admin/document-categories/${category.id}`} data-testid="category-form">
        <CsrfField page={page} />
        <label>
          {t("cat_name")}
          <input name="name" required value={values.name} />
        </label>
        <label>
          {t("cat_nameEn")}
          <input name="nameEn" required value={values.nameEn} />
        </label>
        <label>
          {t("cat_numberPattern")}
          <input name="numberPattern" required value={values.numberPattern} />
          <span class="muted">{t("cat_numberHint")}</span>
        </label>
        <label>
          {t("cat_labelScheme")}
          <select name="labelScheme">
            <option value="alpha" selected={values.labelScheme === "alpha"}>
              A, B, C …
            </option>
            <option value="numeric" selected={values.labelScheme === "numeric"}>
              1.0, 1.1 …
            </option>
          </select>
        </label>
        <label>
          {t("cat_clauses")}
          <input name="clauses" required value={values.clauses} />
        </label>
        <RoleBoxes page={page} name="draftRoles" legend={t("cat_draftRoles")} checked={values.draftRoles} />
        <RoleBoxes page={page} name="reviewRoles" legend={t("cat_reviewRoles")} checked={values.reviewRoles} />
        <RoleBoxes page={page} name="approveRoles" legend={t("cat_approveRoles")} checked={values.approveRoles} />
        <label class="inline">
          <input type="checkbox" name="allowSelfApproval" value="1" checked={values.allowSelfApproval} /> {t("cat_selfApproval")}
        </label>
        <label class="inline">
          <input type="checkbox" name="acknowledgeable" value="1" checked={values.acknowledgeable} /> {t("cat_acknowledgeable")}
        </label>
        <label>
          {t("cat_reviewMonths")}
          <input name="defaultReviewMonths" type="number" min="1" max="120" required value={values.defaultReviewMonths} />
        </label>
        <button type="submit">{t("cat_save")}</button>
      </form>
    </Layout>
  );
};
