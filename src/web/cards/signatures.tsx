import { listMySignatureRequests } from "../../core/signatures/requests/access";
import type { DashboardCardProvider } from "./index";

/** How long a declined request stays on its requester's dashboard (there is no separate notice to dismiss). */
const DECLINED_SHOWN_DAYS = 30;

/**
 * My signature requests: how many are still out with others, and those a signer declined lately,
 * with who declined and why (the requester is told nowhere else). What waits for my own signature
 * is on the work list.
 */
export const signatureCard: DashboardCardProvider = async (ctx, page) => {
  const inbox = await listMySignatureRequests(ctx);
  const me = ctx.principal?.id;
  const since = ctx.clock.now().getTime() - DECLINED_SHOWN_DAYS * 86_400_000;
  const declined = inbox.done
    .filter((r) => r.status === "declined" && r.requestedBy === me)
    .map((r) => ({ request: r, by: r.signers.find((s) => s.status === "declined" && s.declinedAt) }))
    .filter(({ by }) => by && new Date(by.declinedAt!).getTime() >= since)
    .sort((a, b) => new Date(b.by!.declinedAt!).getTime() - new Date(a.by!.declinedAt!).getTime());
  if (inbox.waitingForOthers.length === 0 && declined.length === 0) return null;
  return (
    <section class="card" data-testid="signature-card">
      <h2>{page.t("sig_inbox")}</h2>
      {declined.length > 0 && (
        <>
          <h3>{page.t("sig_declinedMine")}</h3>
          <ul data-testid="declined-requests">
            {declined.slice(0, 8).map(({ request, by }) => (
              <li>
                <a href={`/signatures/${request.id}`}>{request.title}</a> <span class="tag bad">{page.t("sig_declinedTag")}</span>{" "}
                {page.t("sig_declinedBy", { name: by!.user.displayName, reason: by!.declineReason ?? "" })}
              </li>
            ))}
          </ul>
        </>
      )}
      <p class="muted">
        {page.t("sig_waiting")}: {inbox.waitingForOthers.length} · <a href="/signatures">{page.t("sig_inbox")}</a>
      </p>
    </section>
  );
};
