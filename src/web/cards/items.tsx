import { splitTypeId } from "../../core/items/define";
import { itemsDueBy, itemsWaitingFor } from "../../core/items/service";
import { pick } from "../i18n";
import type { DashboardCardProvider } from "./index";

const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * The modules' work for this person: items in a state where a step is theirs to take, and items
 * they own or are named in that are due within a week or overdue.
 */
export const itemsCard: DashboardCardProvider = async (ctx, page) => {
  if (!ctx.principal || !ctx.registry.recordTypes.length) return null;
  const today = chinaDay(ctx.clock.now());
  const soon = new Date(Date.parse(`${today}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
  const waiting = await itemsWaitingFor(ctx, 20);
  const due = (await itemsDueBy(ctx, soon, 20)).filter((i) => !waiting.some((w) => w.id === i.id));
  if (!waiting.length && !due.length) return null;
  const { t, locale } = page;
  const link = (i: (typeof waiting)[number]) => {
    const type = ctx.registry.recordType(i.type)!;
    const { module, type: name } = splitTypeId(type.id);
    const state = type.workflow?.states[i.state];
    return (
      <li>
        <a href={`/m/${module}/${name}/${i.id}`}>
          {i.number} {i.title}
        </a>{" "}
        <span class="muted">
          {pick(locale, type.title)} · {state ? pick(locale, state) : i.state}
        </span>
        {i.dueOn && (
          <span class={`tag${i.dueOn < today ? " bad" : ""}`}>
            {i.dueOn < today ? t("items_overdue") : t("items_due")} {i.dueOn}
          </span>
        )}
      </li>
    );
  };
  return (
    <section class="card" data-testid="items-card">
      {waiting.length > 0 && (
        <>
          <h2>{t("items_waiting")}</h2>
          <ul>{waiting.map(link)}</ul>
        </>
      )}
      {due.length > 0 && (
        <>
          <h2>{t("items_dueSoon")}</h2>
          <ul>{due.map(link)}</ul>
        </>
      )}
    </section>
  );
};
