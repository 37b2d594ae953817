import { hasRole } from "../../core/auth/permissions";
import { evidenceMatrix } from "../../core/evidence/matrix";
import { listOpenIncidents } from "../../core/records/fixity";
import type { DashboardCardProvider } from "./index";

/**
 * For IP managers and admins: how many clause rows of the standard have evidence (the evidence
 * matrix of the year so far, with its gaps), and the integrity incidents still open.
 */
export const overviewCard: DashboardCardProvider = async (ctx, page) => {
  const p = ctx.principal;
  if (!p || !hasRole(p, "ip-manager", "admin")) return null;
  const t = page.t;
  const matrix = hasRole(p, "ip-manager") ? await evidenceMatrix(ctx, {}) : null;
  const incidents = await listOpenIncidents(ctx);
  if (!matrix && incidents.length === 0) return null;
  return (
    <section class="card" data-testid="overview">
      <h2>{t("dash_overview")}</h2>
      {matrix && (
        <p data-testid="coverage">
          <a href="/evidence/matrix">{t("dash_coverage", { covered: matrix.summary.covered, clauses: matrix.summary.clauses })}</a>
          {matrix.summary.gaps > 0 && <span class="tag bad">{t("dash_gaps", { n: matrix.summary.gaps })}</span>}
          <br />
          <meter min={0} max={matrix.summary.clauses} value={matrix.summary.covered} />
        </p>
      )}
      {incidents.length > 0 ? (
        <div class="flash error" data-testid="incidents">
          <strong>{t("card_incidents")}</strong>
          <ul>
            {incidents.map((i) => (
              <li>
                {t(`inc_problem_${i.problem}` as "inc_problem_missing")} · <code>{i.sha256.slice(0, 16)}…</code>
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="muted">{t("dash_noIncidents")}</p>
      )}
    </section>
  );
};
