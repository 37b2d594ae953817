import type { FC } from "hono/jsx";
import { CLASSIFICATIONS, ROLES, classificationLabels, roleLabels, type Classification, type Role } from "../../core/auth/permissions";
import type { DepartmentRow } from "../../core/organisation/repo";
import type { PublicUser } from "../../core/users/service";
import { pick } from "../i18n";
import { DepartmentSelect } from "../components";
import { CsrfField, Layout, type Flash, type PageContext } from "../layout";

/** The values a user form shows (after a failed post they are the ones typed). */
export interface UserFormValues {
  username?: string;
  displayName?: string;
  email?: string;
  roles?: string[];
  departmentId?: string;
  position?: string;
  clearance?: string;
  locale?: string;
  active?: boolean;
}

const UserFields: FC<{ page: PageContext; values: UserFormValues; departments: DepartmentRow[]; isNew: boolean }> = ({
  page,
  values,
  departments,
  isNew,
}) => {
  const { t, locale } = page;
  return (
    <>
      {isNew && (
        <label>
          {t("username")}
          <input name="username" maxlength={64} required value={values.username ?? ""} autocomplete="off" />
        </label>
      )}
      <label>
        {t("users_displayName")}
        <input name="displayName" maxlength={100} required value={values.displayName ?? ""} />
      </label>
      <label>
        {t("users_email")}
        <input name="email" type="email" value={values.email ?? ""} />
      </label>
      {isNew && (
        <label>
          {t("password")} <span class="muted">({t("users_passwordOptional")})</span>
          <input name="password" type="password" autocomplete="new-password" />
        </label>
      )}
      <fieldset>
        <legend>{t("users_roles")}</legend>
        {ROLES.map((r) => (
          <label class="inline">
            <input type="checkbox" name="roles" value={r} checked={values.roles?.includes(r) ?? false} />
            {pick(locale, roleLabels[r])}
          </label>
        ))}
      </fieldset>
      <label>
        {t("users_department")}
        <DepartmentSelect page={page} name="departmentId" departments={departments} value={values.departmentId} blank={t("users_none")} />
      </label>
      <label>
        {t("users_position")}
        <input name="position" maxlength={100} value={values.position ?? ""} />
      </label>
      <label>
        {t("users_clearance")}
        <select name="clearance">
          {CLASSIFICATIONS.map((c) => (
            <option value={c} selected={(values.clearance ?? "internal") === c}>
              {pick(locale, classificationLabels[c])} ({c})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("users_locale")}
        <select name="locale">
          <option value="zh-CN" selected={(values.locale ?? "zh-CN") === "zh-CN"}>
            简体中文
          </option>
          <option value="en" selected={values.locale === "en"}>
            English
          </option>
        </select>
      </label>
    </>
  );
};

/** The user list with a form to create one. */
export const UsersPage: FC<{
  page: PageContext;
  users: PublicUser[];
  departments: DepartmentRow[];
  values?: UserFormValues;
  flash?: Flash;
}> = ({ page, users, departments, values, flash }) => {
  const { t, locale } = page;
  const deptName = new Map(departments.map((d) => [d.id, d.name]));
  return (
    <Layout page={page} title={t("users_title")} flash={flash}>
      <h1>{t("users_title")}</h1>
      <table data-testid="users">
        <thead>
          <tr>
            <th>{t("username")}</th>
            <th>{t("users_displayName")}</th>
            <th>{t("users_roles")}</th>
            <th>{t("users_department")}</th>
            <th>{t("users_clearance")}</th>
            <th>{t("users_active")}</th>
            <th>{t("actions")}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr>
              <td>{u.username}</td>
              <td>{u.displayName}</td>
              <td>
                {u.roles.map((r) => (
                  <span class="tag">{pick(locale, roleLabels[r as Role])}</span>
                ))}
              </td>
              <td>{u.departmentId ? deptName.get(u.departmentId) : ""}</td>
              <td>{pick(locale, classificationLabels[u.clearance as Classification])}</td>
              <td>{u.active ? t("yes") : <span class="tag bad">{t("users_inactive")}</span>}</td>
              <td>
                <a href={`/admin/users/${u.id}`}>{t("users_edit")}</a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t("users_new")}</h2>
      <form class="stack card" method="post" action="/admin/users">
        <CsrfField page={page} />
        <UserFields page={page} values={values ?? { roles: ["employee"] }} departments={departments} isNew />
        <button type="submit">{t("users_create")}</button>
      </form>
    </Layout>
  );
};

/** Edit one user: roles, department, clearance, active; reset the password. */
export const UserEditPage: FC<{
  page: PageContext;
  user: PublicUser;
  departments: DepartmentRow[];
  values?: UserFormValues;
  flash?: Flash;
}> = ({ page, user, departments, values, flash }) => {
  const { t } = page;
  const v: UserFormValues = values ?? {
    displayName: user.displayName,
    email: user.email ?? "",
    roles: user.roles,
    departmentId: user.departmentId ?? "",
    position: user.position ?? "",
    clearance: user.clearance,
    locale: user.locale,
    active: user.active,
  };
  return (
    <Layout page={page} title={user.username} flash={flash}>
      <h1>
        {user.displayName} <span class="muted">({user.username})</span>
      </h1>
      <form class="stack card" method="post" action={`/admin/users/${user.id}`}>
        <CsrfField page={page} />
        <UserFields page={page} values={v} departments={departments} isNew={false} />
        <label class="inline">
          <input type="checkbox" name="active" value="1" checked={v.active ?? true} />
          {t("users_active")}
        </label>
        <button type="submit">{t("users_save")}</button>
      </form>
      <form class="card" method="post" action={`/admin/users/${user.id}/reset-password`}>
        <CsrfField page={page} />
        <button type="submit" class="secondary">
          {t("users_resetPassword")}
        </button>
      </form>
      <form class="card" method="post" action={`/admin/users/${user.id}/reset-signing-pin`}>
        <CsrfField page={page} />
        <p class="muted">{t("users_resetPinHelp")}</p>
        <button type="submit" class="secondary">
          {t("users_resetPin")}
        </button>
      </form>
    </Layout>
  );
};
