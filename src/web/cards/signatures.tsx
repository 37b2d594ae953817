import { listMySignatureRequests } from "../../core/signatures/requests/access";
import type { DashboardCardProvider } from "./index";

/** Documents waiting for your signature (overdue first), and your requests still out. */
export const signatureCard: DashboardCardProvider = async (ctx, page) => {
  const inbox = await listMySignatureRequests(ctx);
  if (inbox.toSign.length === 0 && inbox.waitingForOthers.length === 0) return null;
  const toSign = [...inbox.toSign].sort((a, b) => Number(b.overdue) - Number(a.overdue));
  return (
    <section class="card" data-testid="signature-card">
      <h2>{page.t("sig_toSign")}</h2>
      {toSign.length === 0 ? (
        <p class="muted">{page.t("sig_none")}</p>
      ) : (
        <ul>
          {toSign.slice(0, 8).map((r) => (
            <li>
              <a href={`/signatures/${r.id}/sign`}>{r.title}</a> {r.overdue && <span class="tag bad">{page.t("sig_overdue")}</span>}
            </li>
          ))}
        </ul>
      )}
      <p class="muted">
        {page.t("sig_waiting")}: {inbox.waitingForOthers.length} · <a href="/signatures">{page.t("sig_inbox")}</a>
      </p>
    </section>
  );
};
