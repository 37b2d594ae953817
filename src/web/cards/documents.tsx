import { reviewsDue } from "../../core/documents/periodic-review";
import type { DashboardCardProvider } from "./index";

/** Documents whose periodic review is due within 30 days or overdue (those the person may see). */
export const documentReviewsCard: DashboardCardProvider = async (ctx, page) => {
  const due = await reviewsDue(ctx);
  if (due.length === 0) return null;
  return (
    <section class="card" data-testid="reviews-due">
      <h2>{page.t("doc_dueReviews")}</h2>
      <ul>
        {due.slice(0, 10).map((d) => (
          <li>
            <a href={`/documents/${d.id}`}>
              {d.number} {d.title}
            </a>{" "}
            <span class={`tag ${d.overdue ? "bad" : ""}`}>
              {d.overdue ? page.t("doc_overdue") : ""} {d.nextReviewDue}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
};
