import { Hono } from "hono";
import { requirePrincipal } from "../core/auth/guard";
import { hasRole } from "../core/auth/permissions";
import { DomainError } from "../core/errors";
import { listDepartments } from "../core/organisation/service";
import { resolveRecordNumbers } from "../core/records/access";
import { closeCaseFile, getCaseFile, listCaseFiles, openCaseFile } from "../core/records/cases";
import { addRecordLink, correctRecord, removeRecordLink, retainRecord } from "../core/records/correct";
import { declareExternalDocument, declareRecord } from "../core/records/declare";
import { cancelDisposal, decideDisposal, getDisposal, listDisposals, listDueRecords, proposeDisposal } from "../core/records/disposal";
import { createRecordClass, deleteRecordClass, getRecordClass, listFilePlan, updateRecordClass } from "../core/records/file-plan";
import { getHoldReport, listLegalHolds, placeLegalHold, releaseLegalHold } from "../core/records/holds";
import { getImportBatch, startImport } from "../core/records/import/service";
import { recordRetentionEvent } from "../core/records/retention";
import { lastRetentionSweep } from "../core/records/sweep";
import { getRecordView, searchRecordList } from "../core/records/retrieve";
import {
  CaseInput,
  CloseCaseInput,
  CorrectRecordInput,
  DeclareRecordInput,
  ExternalDocumentInput,
  HoldInput,
  LinkInput,
  Paging,
  ProposeDisposalInput,
  RecordClassInput,
  RecordClassPatch,
  RecordQuery,
  RetainInput,
} from "../core/records/schemas";
import { LEGAL_ROLES, RECORD_WRITE_ROLES } from "../core/records/vocabulary";
import { listDirectory } from "../core/users/service";
import { ctxOf, type AppContext, type AppEnv } from "../http/env";
import { validationError } from "../http/errors";
import type { MessageKey } from "./i18n";
import type { Flash } from "./layout";
import { withActorNames } from "./history";
import { errorStatusOf, errorText, pageContext, parseForm, readFormWithFile, stagedBody, storeFormFile } from "./page";
import { CasePage, CasesPage, ExternalDocumentsPage, HoldPage, HoldsPage, NewExternalDocumentPage } from "./pages/records-legal";
import { DisposalDetailPage, DisposalPage, ImportPage, ImportProgressPage } from "./pages/records-disposal";
import { ClassEditPage, FilePlanPage, NewRecordPage, RecordPage, RecordSearchPage } from "./pages/records";

/** Drops empty fields so optional inputs stay absent. */
const present = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ""));

const MESSAGES: Record<string, MessageKey> = {
  declared: "rec_new",
  corrected: "rec_corrected",
  proposed: "disp_proposed",
  linked: "rec_done_linked",
  unlinked: "rec_done_unlinked",
  retained: "rec_done_retained",
  approved: "disp_done_approved",
  rejected: "disp_done_rejected",
  cancelled: "disp_done_cancelled",
  opened: "case_done_opened",
  closed: "case_done_closed",
  placed: "hold_done_placed",
  released: "hold_done_released",
  classCreated: "plan_done_created",
  classDeleted: "plan_done_deleted",
};

/** Pages of the records area: records, file plan, external documents, cases, holds, disposal, import. */
export function recordPages() {
  const app = new Hono<AppEnv>();

  const flashFrom = (c: AppContext, extra: Record<string, string | number> = {}): Flash | undefined => {
    const msg = c.req.query("msg");
    const key = msg && MESSAGES[msg];
    return key ? { kind: "ok", text: pageContext(c).t(key, extra) } : undefined;
  };
  const fail = (c: AppContext, err: unknown): Flash => ({ kind: "error", text: errorText(err, c.get("locale")) });

  // ── search ──
  app.get("/records", async (c) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v));
    const parsed = RecordQuery.safeParse(query);
    const page = Paging.safeParse(query);
    const paging = page.success ? { limit: 100, offset: page.data.offset } : { limit: 100, offset: 0 };
    const flash: Flash | undefined = parsed.success ? undefined : { kind: "error", text: errorText(validationError(parsed.error), c.get("locale")) };
    const result = await searchRecordList(ctx, parsed.success ? parsed.data : {}, paging);
    const classes = await listFilePlan(ctx);
    return c.html(<RecordSearchPage page={pageContext(c)} query={query} result={result} paging={paging} classes={classes} canDeclare={hasRole(p, ...RECORD_WRITE_ROLES)} flash={flash} />);
  });

  // ── declare ──
  const newPage = async (c: AppContext, values: Record<string, string> = {}, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    return c.html(
      <NewRecordPage page={pageContext(c)} classes={await listFilePlan(ctx)} people={await listDirectory(ctx)} departments={await listDepartments(ctx)} values={values} flash={flash} />,
      status as 200,
    );
  };
  app.get("/records/new", (c) => newPage(c));
  app.post("/records/new", async (c) => {
    const { values, file } = await readFormWithFile(c);
    try {
      const v = present(values);
      const fileId = file ? (await storeFormFile(c, file, v.classification, "upload")).id : undefined;
      const input = parseForm(DeclareRecordInput, { ...v, fileId, links: v.personId ? [{ kind: "user", targetId: v.personId }] : [] });
      const record = await declareRecord(ctxOf(c), input);
      return c.redirect(`/records/${record.id}?msg=declared`, 303);
    } catch (err) {
      return newPage(c, values, fail(c, err), errorStatusOf(err));
    }
  });

  // ── file plan ──
  const planPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    return c.html(<FilePlanPage page={pageContext(c)} classes={await listFilePlan(ctx)} canEdit={hasRole(p, "ip-manager")} people={await listDirectory(ctx)} flash={flash} />, status as 200);
  };
  app.get("/records/plan", (c) => {
    const n = c.req.query("recomputed");
    const key = c.req.query("msg") === "event" ? "plan_eventRecorded" : "plan_saved";
    return planPage(c, n !== undefined ? { kind: "ok", text: pageContext(c).t(key, { n }) } : flashFrom(c));
  });
  app.post("/records/plan/employment-end", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      const result = await recordRetentionEvent(ctxOf(c), { trigger: "employment-end", subjectId: values.subjectId ?? "", occurredOn: values.occurredOn ?? "" });
      return c.redirect(`/records/plan?msg=event&recomputed=${result.recomputed}`, 303);
    } catch (err) {
      return planPage(c, fail(c, err), errorStatusOf(err));
    }
  });
  const classNumbers = (v: Record<string, string>) => ({
    ...present(v),
    retentionAmount: v.retentionUnit === "permanent" || !v.retentionAmount ? null : Number(v.retentionAmount),
  });
  app.get("/records/plan/new", (c) => c.html(<ClassEditPage page={pageContext(c)} recordClass={null} />));
  app.post("/records/plan/new", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      await createRecordClass(ctxOf(c), parseForm(RecordClassInput, classNumbers(values)));
      return c.redirect("/records/plan?msg=classCreated", 303);
    } catch (err) {
      return c.html(<ClassEditPage page={pageContext(c)} recordClass={null} values={values} flash={fail(c, err)} />, errorStatusOf(err) as 400);
    }
  });
  app.get("/records/plan/:id", async (c) => c.html(<ClassEditPage page={pageContext(c)} recordClass={await getRecordClass(ctxOf(c), c.req.param("id"))} />));
  app.post("/records/plan/:id", async (c) => {
    const { values } = await readFormWithFile(c);
    const ctx = ctxOf(c);
    try {
      const result = await updateRecordClass(ctx, c.req.param("id"), parseForm(RecordClassPatch, classNumbers(values)));
      return c.redirect(`/records/plan?recomputed=${result.recomputed}`, 303);
    } catch (err) {
      return c.html(<ClassEditPage page={pageContext(c)} recordClass={await getRecordClass(ctx, c.req.param("id"))} values={values} flash={fail(c, err)} />, errorStatusOf(err) as 400);
    }
  });
  app.post("/records/plan/:id/delete", async (c) => {
    const ctx = ctxOf(c);
    try {
      await deleteRecordClass(ctx, c.req.param("id"));
      return c.redirect("/records/plan?msg=classDeleted", 303);
    } catch (err) {
      return c.html(<ClassEditPage page={pageContext(c)} recordClass={await getRecordClass(ctx, c.req.param("id"))} flash={fail(c, err)} />, errorStatusOf(err) as 400);
    }
  });

  // ── external documents ──
  app.get("/records/external", async (c) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v));
    const parsed = RecordQuery.safeParse(query);
    const base = parsed.success ? parsed.data : {};
    const results = await searchRecordList(ctx, { ...base, sourceKind: "external-document" }, { limit: 200, offset: 0 });
    return c.html(<ExternalDocumentsPage page={pageContext(c)} rows={results.items} query={query} canFile={hasRole(p, ...LEGAL_ROLES, "ip-staff")} />);
  });
  const externalPage = async (c: AppContext, values: Record<string, string>, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    return c.html(
      <NewExternalDocumentPage page={pageContext(c)} classes={await listFilePlan(ctx)} people={await listDirectory(ctx)} cases={await listCaseFiles(ctx)} values={values} flash={flash} />,
      status as 200,
    );
  };
  app.get("/records/external/new", (c) => externalPage(c, { caseId: c.req.query("caseId") ?? "" }));
  app.post("/records/external/new", async (c) => {
    const { values, file } = await readFormWithFile(c);
    try {
      const v = present(values);
      const fileId = file ? (await storeFormFile(c, file, v.classification, "upload")).id : undefined;
      const record = await declareExternalDocument(ctxOf(c), parseForm(ExternalDocumentInput, { ...v, fileId }));
      return c.redirect(`/records/${record.id}?msg=declared`, 303);
    } catch (err) {
      return externalPage(c, values, fail(c, err), errorStatusOf(err));
    }
  });

  // ── cases ──
  const casesPage = async (c: AppContext, values?: Record<string, string>, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    return c.html(<CasesPage page={pageContext(c)} cases={await listCaseFiles(ctx)} canOpen={hasRole(p, ...LEGAL_ROLES)} values={values} flash={flash} />, status as 200);
  };
  app.get("/records/cases", (c) => casesPage(c));
  app.post("/records/cases", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      const created = await openCaseFile(ctxOf(c), parseForm(CaseInput, present(values)));
      return c.redirect(`/records/cases/${created.id}?msg=opened`, 303);
    } catch (err) {
      return casesPage(c, values, fail(c, err), errorStatusOf(err));
    }
  });
  const casePage = async (c: AppContext, flash?: Flash, status = 200) =>
    c.html(<CasePage page={pageContext(c)} view={await getCaseFile(ctxOf(c), c.req.param("id")!)} flash={flash ?? flashFrom(c)} />, status as 200);
  app.get("/records/cases/:id", (c) => casePage(c));
  app.post("/records/cases/:id/close", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      await closeCaseFile(ctxOf(c), c.req.param("id"), parseForm(CloseCaseInput, values));
      return c.redirect(`/records/cases/${c.req.param("id")}?msg=closed`, 303);
    } catch (err) {
      return casePage(c, fail(c, err), errorStatusOf(err));
    }
  });

  // ── holds ──
  const holdsPage = async (c: AppContext, values?: Record<string, string>, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    return c.html(
      <HoldsPage page={pageContext(c)} holds={await listLegalHolds(ctx)} canPlace={hasRole(p, ...LEGAL_ROLES)} classes={await listFilePlan(ctx)} values={values} flash={flash} />,
      status as 200,
    );
  };
  app.get("/records/holds", (c) => holdsPage(c));
  app.post("/records/holds", async (c) => {
    const { values } = await readFormWithFile(c);
    const ctx = ctxOf(c);
    try {
      const v = present(values);
      const scope =
        v.scopeKind === "query"
          ? { kind: "query", query: parseForm(RecordQuery, { q: v.q, classId: v.classId, dateFrom: v.dateFrom, dateTo: v.dateTo }) }
          : { kind: "list", recordIds: await resolveRecordNumbers(ctx, (v.numbers ?? "").split(/[\s,，;；]+/)) };
      const hold = await placeLegalHold(ctx, parseForm(HoldInput, { matter: v.matter, reason: v.reason, scope }));
      return c.redirect(`/records/holds/${hold.id}?msg=placed`, 303);
    } catch (err) {
      return holdsPage(c, values, fail(c, err), errorStatusOf(err));
    }
  });
  const holdPage = async (c: AppContext, flash?: Flash, status = 200) =>
    c.html(<HoldPage page={pageContext(c)} report={await getHoldReport(ctxOf(c), c.req.param("id")!)} flash={flash ?? flashFrom(c)} />, status as 200);
  app.get("/records/holds/:id", (c) => holdPage(c));
  app.post("/records/holds/:id/release", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      await releaseLegalHold(ctxOf(c), c.req.param("id"), values.reason ?? "");
      return c.redirect(`/records/holds/${c.req.param("id")}?msg=released`, 303);
    } catch (err) {
      return holdPage(c, fail(c, err), errorStatusOf(err));
    }
  });

  // ── disposal ──
  const disposalPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    return c.html(
      <DisposalPage
        page={pageContext(c)}
        due={await listDueRecords(ctx)}
        disposals={await listDisposals(ctx)}
        canPropose={hasRole(p, "ip-manager")}
        lastSweep={await lastRetentionSweep(ctx)}
        flash={flash}
      />,
      status as 200,
    );
  };
  app.get("/records/disposal", (c) => disposalPage(c));
  app.post("/records/disposals", async (c) => {
    const { values, all } = await readFormWithFile(c);
    try {
      const v = present(values);
      const disposal = await proposeDisposal(ctxOf(c), parseForm(ProposeDisposalInput, { action: v.action, reason: v.reason, recipient: v.recipient, recordIds: all.recordIds ?? [] }));
      return c.redirect(`/records/disposals/${disposal.id}?msg=proposed`, 303);
    } catch (err) {
      return disposalPage(c, fail(c, err), errorStatusOf(err));
    }
  });
  const disposalDetail = async (c: AppContext, flash?: Flash, status = 200) => {
    const view = await getDisposal(ctxOf(c), c.req.param("id")!);
    return c.html(<DisposalDetailPage page={pageContext(c)} view={view} flash={flash ?? flashFrom(c, { number: view.disposal.number })} />, status as 200);
  };
  app.get("/records/disposals/:id", (c) => disposalDetail(c));
  app.post("/records/disposals/:id/decision", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      const decision = values.decision === "rejected" ? "rejected" : "approved";
      await decideDisposal(ctxOf(c), c.req.param("id"), { decision, comment: values.comment || undefined, password: values.password ?? "" });
      return c.redirect(`/records/disposals/${c.req.param("id")}?msg=${decision}`, 303);
    } catch (err) {
      return disposalDetail(c, fail(c, err), errorStatusOf(err));
    }
  });
  app.post("/records/disposals/:id/cancel", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      await cancelDisposal(ctxOf(c), c.req.param("id"), values.reason ?? "");
      return c.redirect(`/records/disposals/${c.req.param("id")}?msg=cancelled`, 303);
    } catch (err) {
      return disposalDetail(c, fail(c, err), errorStatusOf(err));
    }
  });

  // ── import ──
  app.get("/records/import", (c) => c.html(<ImportPage page={pageContext(c)} kind={c.req.query("kind") ?? "records"} />));
  app.post("/records/import", async (c) => {
    const { values, file } = await readFormWithFile(c);
    const ctx = ctxOf(c);
    try {
      if (!file) throw new DomainError("VALIDATION_FAILED", "Choose the CSV file to import.");
      const started = await startImport(ctx, {
        kind: values.kind === "contracts" ? "contracts" : "records",
        mode: values.mode === "all-or-nothing" ? "all-or-nothing" : "valid-rows",
        filename: file.filename || "import.csv",
        body: await stagedBody(c, file),
      });
      const ignored = started.ignoredColumns.length ? `?ignored=${encodeURIComponent(started.ignoredColumns.join("|"))}` : "";
      return c.redirect(`/records/imports/${started.batch.id}${ignored}`, 303);
    } catch (err) {
      return c.html(<ImportPage page={pageContext(c)} kind={values.kind ?? "records"} flash={fail(c, err)} />, errorStatusOf(err) as 400);
    }
  });
  app.get("/records/imports/:id", async (c) => {
    const view = await getImportBatch(ctxOf(c), c.req.param("id"));
    const ignored = (c.req.query("ignored") ?? "").split("|").filter(Boolean);
    return c.html(<ImportProgressPage page={pageContext(c)} view={view} ignored={ignored} />);
  });

  // ── one record (after the fixed paths above) ──
  const recordPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const found = await getRecordView(ctx, c.req.param("id")!);
    const view = { ...found, history: await withActorNames(ctx, found.history) };
    const today = new Date(ctx.clock.now().getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    const mayRetain = hasRole(p, "ip-manager") && view.record.status === "active" && view.recordClass.retentionUnit !== "permanent" && !!view.record.dueOn && view.record.dueOn <= today;
    const f = flash ?? (c.req.query("msg") === "declared" ? { kind: "ok" as const, text: pageContext(c).t("rec_declared", { number: view.record.number }) } : flashFrom(c));
    return c.html(<RecordPage page={pageContext(c)} view={view} classes={hasRole(p, ...RECORD_WRITE_ROLES) ? (await listFilePlan(ctx)) : []} mayRetain={mayRetain} flash={f} />, status as 200);
  };
  app.get("/records/:id", (c) => recordPage(c));
  app.post("/records/:id/correct", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      const input = parseForm(CorrectRecordInput, {
        ...present(values),
        paperRoom: values.paperRoom?.trim() || null,
        paperCabinet: values.paperCabinet?.trim() || null,
        paperBox: values.paperBox?.trim() || null,
      });
      await correctRecord(ctxOf(c), c.req.param("id"), input);
      return c.redirect(`/records/${c.req.param("id")}?msg=corrected`, 303);
    } catch (err) {
      return recordPage(c, fail(c, err), errorStatusOf(err));
    }
  });
  app.post("/records/:id/links", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      await addRecordLink(ctxOf(c), c.req.param("id"), parseForm(LinkInput, present(values)));
      return c.redirect(`/records/${c.req.param("id")}?msg=linked`, 303);
    } catch (err) {
      return recordPage(c, fail(c, err), errorStatusOf(err));
    }
  });
  app.post("/records/:id/links/:linkId/remove", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      await removeRecordLink(ctxOf(c), c.req.param("id"), c.req.param("linkId"), values.reason ?? "");
      return c.redirect(`/records/${c.req.param("id")}?msg=unlinked`, 303);
    } catch (err) {
      return recordPage(c, fail(c, err), errorStatusOf(err));
    }
  });
  app.post("/records/:id/retain", async (c) => {
    const { values } = await readFormWithFile(c);
    try {
      await retainRecord(ctxOf(c), c.req.param("id"), parseForm(RetainInput, values));
      return c.redirect(`/records/${c.req.param("id")}?msg=retained`, 303);
    } catch (err) {
      return recordPage(c, fail(c, err), errorStatusOf(err));
    }
  });

  return app;
}
