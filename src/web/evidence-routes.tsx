import { Hono } from "hono";
import { formatTime } from "../lib/time";
import { requirePrincipal } from "../core/auth/guard";
import { hasRole, type Classification } from "../core/auth/permissions";
import { listCategories } from "../core/documents/register";
import { listClauses } from "../core/evidence/clauses";
import { grantAuditorAccess, listAuditorGrants, revokeAuditorGrant } from "../core/evidence/grants";
import { getEvidenceItem } from "../core/evidence/items";
import { evidenceMatrix } from "../core/evidence/matrix";
import { EvidenceSearchQuery, searchEvidence } from "../core/evidence/search";
import type { ServiceContext } from "../core/context";
import { DomainError } from "../core/errors";
import { listDepartments } from "../core/organisation/service";
import { listDirectory } from "../core/users/service";
import { ctxOf, type AppContext, type AppEnv } from "../http/env";
import { validationError } from "../http/errors";
import type { Flash } from "./layout";
import { errorStatusOf, errorText, field, fields, pageContext, readForm } from "./page";
import { historyOfRows, withActorNames } from "./history";
import { AuditorGrantsPage, EvidenceItemPage, EvidenceMatrixPage, EvidenceSearchPage, type EvidenceKindOption } from "./pages/evidence";

/** The kinds of evidence the registry holds, as the pages offer them. */
const evidenceKinds = (ctx: ServiceContext): EvidenceKindOption[] => ctx.registry.evidenceSources.map(({ kind, label, states }) => ({ kind, label, states }));

/** Pages of audit retrieval: evidence search, the matrix, evidence items, auditor grants. */
export function evidencePages() {
  const app = new Hono<AppEnv>();

  app.get("/evidence", async (c) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(c.req.query())) if (v) query[k] = v;
    const page = pageContext(c);
    const grantNote = p.auditScope
      ? page.t("ev_yourGrant", { clauses: p.auditScope.clauseIds.join(", ") || "—", endsAt: formatTime(p.auditScope.endsAt, page.locale) })
      : undefined;
    let result = null;
    let flash: Flash | undefined;
    let status = 200;
    try {
      const parsed = EvidenceSearchQuery.safeParse(query);
      if (!parsed.success) throw validationError(parsed.error);
      result = await searchEvidence(ctx, parsed.data);
    } catch (err) {
      flash = { kind: "error", text: errorText(err, c.get("locale")) };
      status = errorStatusOf(err);
    }
    const people = p.auditScope !== undefined ? [] : await listDirectory(ctx);
    return c.html(
      <EvidenceSearchPage
        page={page}
        query={query}
        result={result}
        clauses={await listClauses(ctx.db)}
        departments={p.auditScope !== undefined ? [] : await listDepartments(ctx)}
        people={people}
        kinds={evidenceKinds(ctx)}
        grantNote={grantNote}
        flash={flash}
      />,
      status as 200,
    );
  });

  app.get("/evidence/matrix", async (c) => {
    const ctx = ctxOf(c);
    const period = { from: c.req.query("from") || undefined, to: c.req.query("to") || undefined };
    const matrix = await evidenceMatrix(ctx, period);
    return c.html(<EvidenceMatrixPage page={pageContext(c)} period={period} rows={matrix.rows} summary={matrix.summary} kinds={evidenceKinds(ctx)} />);
  });

  app.get("/evidence/:kind/:id", async (c) => {
    const ctx = ctxOf(c);
    const kind = c.req.param("kind");
    if (!evidenceKinds(ctx).some((k) => k.kind === kind)) throw new DomainError("NOT_FOUND", "There is no such kind of evidence.");
    const { item, events } = await getEvidenceItem(ctx, kind, c.req.param("id"));
    return c.html(<EvidenceItemPage page={pageContext(c)} item={item} events={await withActorNames(ctx, historyOfRows(events))} kinds={evidenceKinds(ctx)} />);
  });

  const grantsPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const canGrant = hasRole(p, "admin", "ip-manager");
    const auditors = canGrant ? (await listDirectory(ctx)).filter((u) => u.roles.includes("auditor")) : [];
    return c.html(
      <AuditorGrantsPage
        page={pageContext(c)}
        grants={await listAuditorGrants(ctx)}
        auditors={auditors.map((u) => ({ id: u.id, displayName: u.displayName }))}
        clauses={await listClauses(ctx.db)}
        categories={await listCategories(ctx)}
        canGrant={canGrant}
        now={ctx.clock.now()}
        flash={flash}
      />,
      status as 200,
    );
  };
  app.get("/audit/grants", (c) => grantsPage(c));
  app.post("/audit/grants", async (c) => {
    const form = await readForm(c);
    try {
      const endsAt = field(form, "endsAt");
      if (!/^\d{4}-\d{2}-\d{2}$/.test(endsAt)) throw new DomainError("VALIDATION_FAILED", "Choose the day the grant ends.", { field: "endsAt" });
      await grantAuditorAccess(ctxOf(c), {
        auditorId: field(form, "auditorId"),
        purpose: field(form, "purpose").trim(),
        endsAt: new Date(`${endsAt}T23:59:59+08:00`).toISOString(),
        clauseIds: fields(form, "clauseIds"),
        categoryIds: fields(form, "categoryIds"),
        periodFrom: field(form, "periodFrom") || undefined,
        periodTo: field(form, "periodTo") || undefined,
        maxClassification: (field(form, "maxClassification") || "internal") as Classification,
      });
      return c.redirect("/audit/grants", 303);
    } catch (err) {
      return grantsPage(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });
  app.post("/audit/grants/:id/revoke", async (c) => {
    const form = await readForm(c);
    try {
      await revokeAuditorGrant(ctxOf(c), c.req.param("id"), field(form, "reason").trim() || "-");
      return c.redirect("/audit/grants", 303);
    } catch (err) {
      return grantsPage(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });

  return app;
}
