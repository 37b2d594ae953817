import type { AuditEventType } from "../core/audit/events";
import type { Child, FC } from "hono/jsx";
import type { Principal } from "../core/auth/permissions";
import type { Locale, Translate } from "./i18n";

/** What every page knows about the request it renders for. */
export interface PageContext {
  t: Translate;
  locale: Locale;
  principal: Principal | null;
  csrfToken: string | null;
  path: string;
  /** The request's query string without the "?" (links that change one parameter keep the others). */
  search: string;
  /** The registered audit event type of an action (its label in both languages, whether it is a read). */
  eventType: (action: string) => AuditEventType<any> | undefined;
  /** Whether any management-system module is installed (its menu entry is shown). */
  hasModules: boolean;
}

/** A flash message shown above the page content. */
export interface Flash {
  kind: "ok" | "error";
  text: string;
  secret?: string;
}

const NavLink: FC<{ href: string; path: string; children: Child }> = ({ href, path, children }) => (
  <a href={href} aria-current={path === href || (href !== "/" && path.startsWith(href)) ? "page" : undefined}>
    {children}
  </a>
);

/** The page frame: top bar with navigation, who is signed in, language switch and sign-out. */
export const Layout: FC<{ page: PageContext; title: string; flash?: Flash; refreshSeconds?: number; children?: Child }> = ({
  page,
  title,
  flash,
  refreshSeconds,
  children,
}) => {
  const { t, principal, path } = page;
  const isAdmin = principal?.roles.includes("admin") ?? false;
  return (
    <html lang={page.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t("appShort")}`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        {refreshSeconds !== undefined && <meta http-equiv="refresh" content={String(refreshSeconds)} />}
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">
            {t("appShort")}
          </a>
          <nav>
            {principal && (
              <>
                <NavLink href="/" path={path}>
                  {t("nav_dashboard")}
                </NavLink>
                <NavLink href="/documents" path={path}>
                  {t("nav_documents")}
                </NavLink>
                {principal.auditScope !== null && (
                  <NavLink href="/evidence" path={path}>
                    {t("nav_evidence")}
                  </NavLink>
                )}
                <NavLink href="/signatures" path={path}>
                  {t("nav_signatures")}
                </NavLink>
                <NavLink href="/records" path={path}>
                  {t("nav_records")}
                </NavLink>
                <NavLink href="/contracts" path={path}>
                  {t("nav_contracts")}
                </NavLink>
                {page.hasModules && (
                  <NavLink href="/m" path={path}>
                    {t("nav_modules")}
                  </NavLink>
                )}
                {isAdmin && (
                  <>
                    <NavLink href="/admin/users" path={path}>
                      {t("nav_users")}
                    </NavLink>
                    <NavLink href="/admin/departments" path={path}>
                      {t("nav_departments")}
                    </NavLink>
                    <NavLink href="/admin/organisation" path={path}>
                      {t("nav_organisation")}
                    </NavLink>
                  </>
                )}
                {(isAdmin || principal.roles.includes("auditor")) && (
                  <NavLink href="/audit" path={path}>
                    {t("nav_audit")}
                  </NavLink>
                )}
                <NavLink href="/api/docs" path={path}>
                  {t("nav_api")}
                </NavLink>
              </>
            )}
          </nav>
          <div class="who">
            <a href={`${path}?lang=${page.locale === "en" ? "zh-CN" : "en"}`} hreflang={page.locale === "en" ? "zh-CN" : "en"}>
              {t("language")}
            </a>
            {principal && (
              <>
                <a href="/account">{principal.displayName}</a>
                <form method="post" action="/sign-out">
                  <input type="hidden" name="_csrf" value={page.csrfToken ?? ""} />
                  <button type="submit">{t("signOut")}</button>
                </form>
              </>
            )}
          </div>
        </header>
        <main>
          {flash && (
            <div class={`flash ${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
              {flash.text}
              {flash.secret && (
                <>
                  {" "}
                  <code class="secret" data-testid="secret">
                    {flash.secret}
                  </code>
                </>
              )}
            </div>
          )}
          {children}
        </main>
      </body>
    </html>
  );
};

/** A hidden CSRF field for forms posted with the session cookie. */
export const CsrfField: FC<{ page: PageContext }> = ({ page }) => (
  <input type="hidden" name="_csrf" value={page.csrfToken ?? ""} />
);
