import { Hono } from "hono";
import { progressFraction } from "../core/audit-package/routes";
import { getAuditPackage, listAuditPackages, requestAuditPackage } from "../core/audit-package/service";
import { requirePrincipal } from "../core/auth/guard";
import { listClauses } from "../core/evidence/clauses";
import type { EvidenceRef } from "../core/evidence/types";
import { ctxOf, type AppContext, type AppEnv } from "../http/env";
import { auditPackageScript } from "./audit-package-script";
import type { Flash } from "./layout";
import { errorStatusOf, errorText, field, fields, pageContext, readForm } from "./page";
import { AuditPackagePage, AuditPackagesPage, type PackageFormValues } from "./pages/audit-packages";

/** "record:rec_…" (a search result's checkbox value) → a ref (its kind is checked by the service); anything else is dropped. */
function parseRefs(values: string[]): EvidenceRef[] {
  const refs: EvidenceRef[] = [];
  for (const v of values) {
    const at = v.indexOf(":");
    const id = v.slice(at + 1);
    if (at > 0 && id) refs.push({ kind: v.slice(0, at), id });
  }
  return refs;
}

/** Pages of audit packages: the list with the export form, one package's progress and download. */
export function auditPackagePages() {
  const app = new Hono<AppEnv>();

  app.get("/static/audit-package.js", (c) =>
    c.body(auditPackageScript, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" }),
  );

  const listPage = async (c: AppContext, values?: PackageFormValues, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    requirePrincipal(ctx);
    const clauses = (await listClauses(ctx.db)).map((r) => ({ id: r.id, titleZh: r.titleZh }));
    return c.html(<AuditPackagesPage page={pageContext(c)} packages={await listAuditPackages(ctx)} clauses={clauses} values={values} flash={flash} />, status as 200);
  };

  // a search page may link here with ?ref=kind:id … to export the results it chose
  app.get("/audit/packages", (c) => listPage(c, { clauses: c.req.queries("clause") ?? [], from: c.req.query("from") ?? "", to: c.req.query("to") ?? "", refs: parseRefs(c.req.queries("ref") ?? []) }));

  app.post("/audit/packages", async (c) => {
    const form = await readForm(c);
    const values: PackageFormValues = { clauses: fields(form, "clauses"), from: field(form, "from"), to: field(form, "to"), refs: parseRefs(fields(form, "ref")) };
    try {
      const row = await requestAuditPackage(ctxOf(c), {
        ...(values.refs.length ? { refs: values.refs } : {}),
        clauses: values.clauses,
        ...(values.from ? { from: values.from } : {}),
        ...(values.to ? { to: values.to } : {}),
      });
      return c.redirect(`/audit/packages/${row.id}`, 303);
    } catch (err) {
      return listPage(c, values, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });

  app.get("/audit/packages/:id", async (c) => {
    const ctx = ctxOf(c);
    const pkg = await getAuditPackage(ctx, c.req.param("id"));
    return c.html(<AuditPackagePage page={pageContext(c)} pkg={pkg} fraction={progressFraction(pkg)} mayDownload={pkg.requestedBy === ctx.principal?.id} />);
  });

  return app;
}
