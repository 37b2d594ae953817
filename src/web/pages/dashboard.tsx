import type { Child, FC } from "hono/jsx";
import { classificationLabels, roleLabels, type Classification, type Role } from "../../core/auth/permissions";
import type { WorkItem } from "../../core/work";
import { pick } from "../i18n";
import { Layout, type Flash, type PageContext } from "../layout";

/** The steps of the getting-started guide, each with where it is done and whether it is. */
export interface StartStep {
  key: "name" | "departments" | "people" | "procedure";
  /** Where it is done; null when that page is not the viewer's (an admin's step seen by an IP manager). */
  href: string | null;
  done: boolean;
}

/**
 * The signed-in home page as a work list: what waits for me (from every area and module, with
 * links), what is overdue or due soon, then the cards (the IP manager's evidence coverage and
 * incidents, my signature requests, the audit chain), and who I am, small, at the bottom. While
 * the organisation is not set up, a getting-started guide comes first for admins and IP managers.
 */
export const DashboardPage: FC<{
  page: PageContext;
  departmentName: string | null;
  work: { waiting: WorkItem[]; due: WorkItem[] };
  start: StartStep[] | null;
  cards: Child[];
  flash?: Flash;
}> = ({ page, departmentName, work, start, cards, flash }) => {
  const { t, principal, locale } = page;
  if (!principal) return null;
  const text = (v: WorkItem["title"]) => (typeof v === "string" ? v : pick(locale, v));
  const Item: FC<{ item: WorkItem }> = ({ item }) => (
    <li>
      <a href={item.href}>{text(item.title)}</a> <span class="muted">{pick(locale, item.area)}</span>
      {item.overdue ? (
        <span class="tag bad">
          {t("dash_overdue")}
          {item.dueOn ? ` ${item.dueOn}` : ""}
        </span>
      ) : (
        item.dueOn && <span class="tag">{t("dash_dueOn", { day: item.dueOn })}</span>
      )}
    </li>
  );
  return (
    <Layout page={page} title={t("dashboard_title")} flash={flash}>
      <h1>{t("dashboard_title")}</h1>
      <p>{t("dashboard_welcome", { name: principal.displayName })}</p>
      {start && (
        <section class="card" data-testid="getting-started">
          <h2>{t("dash_start")}</h2>
          <p class="muted">{t("dash_startIntro")}</p>
          <ol>
            {start.map((s) => (
              <li data-step={s.key} data-done={s.done ? "yes" : "no"}>
                {s.done ? "☑ " : "☐ "}
                {s.href ? <a href={s.href}>{t(`dash_step_${s.key}`)}</a> : t(`dash_step_${s.key}`)}
                {s.done && <span class="tag ok">{t("dash_stepDone")}</span>}
              </li>
            ))}
          </ol>
        </section>
      )}
      <section class="card" data-testid="waiting">
        <h2>
          {t("dash_waiting")} <span class="tag">{work.waiting.length}</span>
        </h2>
        {work.waiting.length === 0 ? (
          <p class="muted">{t("dash_waitingNone")}</p>
        ) : (
          <ul>
            {work.waiting.map((i) => (
              <Item item={i} />
            ))}
          </ul>
        )}
      </section>
      <section class="card" data-testid="due">
        <h2>
          {t("dash_due")} <span class="tag">{work.due.length}</span>
        </h2>
        {work.due.length === 0 ? (
          <p class="muted">{t("dash_dueNone")}</p>
        ) : (
          <ul>
            {work.due.map((i) => (
              <Item item={i} />
            ))}
          </ul>
        )}
      </section>
      {cards.length > 0 && <div class="grid">{cards}</div>}
      <p class="muted" data-testid="me">
        {t("dash_me")}: {t("dashboard_roles")}{" "}
        {principal.roles.map((r) => (
          <span class="tag">{pick(locale, roleLabels[r as Role])}</span>
        ))}{" "}
        · {t("dashboard_clearance")}: {pick(locale, classificationLabels[principal.clearance as Classification])} · {t("dashboard_department")}: {departmentName ?? t("users_none")}
      </p>
    </Layout>
  );
};
