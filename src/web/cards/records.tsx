import type { FC } from "hono/jsx";
import { hasRole } from "../../core/auth/permissions";
import { listContracts } from "../../core/contracts/service";
import { REVIEWER_ROLES } from "../../core/contracts/vocabulary";
import { getDisposal, listDisposals, listDueRecords } from "../../core/records/disposal";
import { listOpenIncidents } from "../../core/records/fixity";
import { HOLD_READ_ROLES } from "../../core/records/vocabulary";
import type { DashboardCardProvider } from "./index";

/**
 * Records: what is due for disposal (and held), disposals waiting for my approval, and open
 * integrity incidents from the fixity check.
 */
export const recordsCard: DashboardCardProvider = async (ctx, page) => {
  const p = ctx.principal;
  if (!p || !hasRole(p, ...HOLD_READ_ROLES)) return null;
  const due = await listDueRecords(ctx);
  const pending = [];
  for (const d of (await listDisposals(ctx)).filter((x) => x.status === "pending")) {
    if ((await getDisposal(ctx, d.id)).mayDecide) pending.push(d);
  }
  const incidents = hasRole(p, "admin", "ip-manager", "auditor") ? await listOpenIncidents(ctx) : [];
  if (due.length === 0 && pending.length === 0 && incidents.length === 0) return null;
  const t = page.t;
  return (
    <section class="card" data-testid="records-card">
      <h2>{t("card_records")}</h2>
      {due.length > 0 && (
        <p>
          <a href="/records/disposal">{t("card_due", { n: due.length, held: due.filter((d) => d.holds.length > 0).length })}</a>
        </p>
      )}
      {pending.length > 0 && (
        <>
          <p>{t("card_pendingDisposals", { n: pending.length })}</p>
          <ul>
            {pending.map((d) => (
              <li>
                <a href={`/records/disposals/${d.id}`}>{d.number}</a>
              </li>
            ))}
          </ul>
        </>
      )}
      {incidents.length > 0 && (
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
      )}
    </section>
  );
};

/** Contracts waiting for my IP review, and approved contracts waiting to be signed. */
export const contractsCard: DashboardCardProvider = async (ctx, page) => {
  const p = ctx.principal;
  if (!p) return null;
  const inReview = hasRole(p, ...REVIEWER_ROLES) ? await listContracts(ctx, { status: "ip-review" }) : [];
  const approved = await listContracts(ctx, { status: "approved" });
  if (inReview.length === 0 && approved.length === 0) return null;
  const t = page.t;
  return (
    <section class="card" data-testid="contracts-card">
      <h2>{t("ctr_title")}</h2>
      <ContractList heading={t("ctr_review")} contracts={inReview} />
      <ContractList heading={t("ctr_sendForSigning")} contracts={approved} />
    </section>
  );
};

/** Up to eight contracts under a heading, each linked to its page; nothing when there are none. */
const ContractList: FC<{ heading: string; contracts: { id: string; number: string; title: string }[] }> = ({ heading, contracts }) =>
  contracts.length === 0 ? null : (
    <>
      <p>{heading}</p>
      <ul>
        {contracts.slice(0, 8).map((c) => (
          <li>
            <a href={`/contracts/${c.id}`}>
              {c.number} {c.title}
            </a>
          </li>
        ))}
      </ul>
    </>
  );
