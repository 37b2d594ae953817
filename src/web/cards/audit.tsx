import { hasRole } from "../../core/auth/permissions";
import { auditChainHead } from "../../core/audit/access";
import type { DashboardCardProvider } from "./index";

/** For admins and auditors: how long the audit chain is, and a link to verify it. */
export const auditCard: DashboardCardProvider = async (ctx, page) => {
  if (!ctx.principal || !hasRole(ctx.principal, "admin", "auditor")) return null;
  const head = await auditChainHead(ctx);
  return (
    <section class="card" data-testid="audit-chain">
      <h2>{page.t("dashboard_audit")}</h2>
      <p>{page.t("dashboard_audit_length", { n: head?.seq ?? 0 })}</p>
      <p class="muted">
        <code>{head?.hash.slice(0, 16) ?? "—"}…</code>
      </p>
      <p>
        <a href="/audit?verify=1">{page.t("audit_verify")}</a>
      </p>
    </section>
  );
};
