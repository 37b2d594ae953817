import { Hono } from "hono";
import { myReadOfCurrent } from "../core/signatures/requests/read";
import { requirePrincipal } from "../core/auth/guard";
import { hasRole } from "../core/auth/permissions";
import { acknowledgementStatus, requireAcknowledgement } from "../core/documents/acknowledgements";
import { documentHistoryPage, documentIdOfRevision, mayAct } from "../core/documents/access";
import { generateIpManual } from "../core/documents/ip-manual";
import { recordPeriodicReview } from "../core/documents/periodic-review";
import { createDocument, getCurrentByNumber, getDocumentDetail, grantDocumentAccess, listCategories, recordHandover, searchDocuments, updateCategory } from "../core/documents/register";
import { attachRevisionFile, createRevision, decideRevision, discardDraft, reviewCandidates, submitForReview, updateDraft, withdrawDocument } from "../core/documents/revisions";
import { CreateDocumentInput, PeriodicReviewInput, SearchQuery, SubmitForReviewInput, UpdateCategoryInput } from "../core/documents/schemas";
import { requireRole } from "../core/auth/guard";
import { notFound } from "../core/errors";
import { categoryFormValues, DocumentCategoriesPage, DocumentCategoryPage, type CategoryFormValues } from "./pages/document-categories";
import { DomainError } from "../core/errors";
import { contentDisposition } from "../core/files/routes";
import { listDepartments } from "../core/organisation/service";
import { listDirectory } from "../core/users/service";
import { ctxOf, type AppContext, type AppEnv } from "../http/env";
import { localDate } from "../core/documents/numbering";
import { validationError } from "../http/errors";
import type { MessageKey } from "./i18n";
import type { Flash } from "./layout";
import { historyOfRows, wantsReads, withActorNames } from "./history";
import type { ServiceContext } from "../core/context";
import type { AuditEventRow } from "../db/schema/audit";
import { errorStatusOf, errorText, field, fields, pageContext, readForm, readUploadForm, stagedBody } from "./page";
import { DocumentPage, DocumentRegisterPage, NewDocumentPage, RevisionReviewPage } from "./pages/documents";

/** Pages of the controlled-documents area. */
export function documentPages() {
  const app = new Hono<AppEnv>();

  app.get("/documents", async (c) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const raw = c.req.query();
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) if (v) query[k] = v;
    const parsed = SearchQuery.safeParse(query);
    const search = parsed.success ? parsed.data : SearchQuery.parse({});
    const result = await searchDocuments(ctx, search);
    const categories = await listCategories(ctx);
    return c.html(
      <DocumentRegisterPage
        page={pageContext(c)}
        query={query}
        result={result}
        paging={{ limit: search.limit, offset: search.offset }}
        categories={categories}
        departments={await listDepartments(ctx)}
        canCreate={categories.some((cat) => mayAct(p, cat, "draft"))}
        isAdmin={hasRole(p, "admin")}
      />,
    );
  });

  app.get("/documents/number/:number", async (c) => {
    const current = await getCurrentByNumber(ctxOf(c), c.req.param("number"));
    return c.redirect(`/api/v1/revisions/${current.revision.id}/pdf`, 303);
  });

  const newPage = async (c: AppContext, values?: Record<string, string>, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const categories = (await listCategories(ctx)).filter((cat) => mayAct(p, cat, "draft"));
    return c.html(<NewDocumentPage page={pageContext(c)} categories={categories} departments={await listDepartments(ctx)} year={Number(localDate(ctx.clock.now()).slice(0, 4))} values={values} flash={flash} />, status as 200);
  };
  app.get("/documents/new", (c) => newPage(c));
  app.post("/documents/new", async (c) => {
    const form = await readForm(c);
    const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]));
    const parsed = CreateDocumentInput.safeParse({
      categoryId: values.categoryId,
      title: values.title,
      titleEn: values.titleEn || undefined,
      ownerDepartmentId: values.ownerDepartmentId || undefined,
      classification: values.classification || undefined,
      reviewIntervalMonths: values.reviewIntervalMonths ? Number(values.reviewIntervalMonths) : undefined,
      keywords: (values.keywords ?? "").split(/[,，、]/).map((k) => k.trim()).filter(Boolean),
    });
    try {
      if (!parsed.success) throw validationError(parsed.error);
      const created = await createDocument(ctxOf(c), parsed.data);
      return c.redirect(`/documents/${created.document.id}?msg=created`, 303);
    } catch (err) {
      return newPage(c, values, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });

  const namedHistory = async (ctx: ServiceContext, h: { events: AuditEventRow[]; hiddenReads: number }) => ({ events: await withActorNames(ctx, historyOfRows(h.events)), hiddenReads: h.hiddenReads });

  const documentPage = async (c: AppContext, id: string, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const data = await getDocumentDetail(ctx, id);
    const all = await searchDocuments(ctx, SearchQuery.parse({ limit: 200 }));
    return c.html(
      <DocumentPage
        page={pageContext(c)}
        data={data}
        people={await listDirectory(ctx)}
        departments={await listDepartments(ctx)}
        documents={all.rows.map((r) => ({ id: r.document.id, number: r.document.number, title: r.document.title }))}
        acknowledgements={await acknowledgementStatus(ctx, id)}
        history={await namedHistory(ctx, await documentHistoryPage(ctx, id, { reads: wantsReads((k) => c.req.query(k)) }))}
        showReads={wantsReads((k) => c.req.query(k))}
        isIpManager={hasRole(p, "ip-manager", "admin")}
        candidates={data.open?.state === "draft" && data.may.draft ? await reviewCandidates(ctx, data.open.id) : null}
        flash={flash ?? flashFor(c)}
      />,
      status as 200,
    );
  };
  /** What an action did, said on the document's page it returns to (?msg=…). */
  const DONE: Record<string, MessageKey> = {
    created: "doc_done_created",
    revised: "doc_done_revised",
    withdrawn: "doc_done_withdrawn",
    reviewed: "doc_done_reviewed",
    acknowledgement: "doc_done_acknowledgement",
    granted: "doc_done_granted",
    handover: "doc_done_handover",
    submitted: "doc_done_submitted",
    discarded: "doc_done_discarded",
    approved: "doc_done_approved",
    rejected: "doc_done_rejected",
  };
  const flashFor = (c: AppContext): Flash | undefined => {
    const t = pageContext(c).t;
    switch (c.req.query("msg")) {
      case "converted":
        return { kind: "ok", text: t("doc_converted") };
      case "unavailable":
        return { kind: "error", text: t("doc_conversionUnavailable") };
      case "saved":
        return { kind: "ok", text: t("users_saved") };
      default: {
        const key = DONE[c.req.query("msg") ?? ""];
        return key ? { kind: "ok", text: t(key) } : undefined;
      }
    }
  };
  app.get("/documents/:id", (c) => documentPage(c, c.req.param("id")));

  /**
   * Runs a form action on a document (route param :id is a document or revision id) and returns to
   * the document's page; on failure the page shows what went wrong with its 4xx status.
   */
  const action = (run: (c: AppContext, form: Record<string, string | string[]>) => Promise<string | void>) => async (c: AppContext) => {
    const id = c.req.param("id")!;
    const documentId = id.startsWith("rev_") ? await documentOfRevision(c, id) : id;
    const form = await readForm(c);
    try {
      const msg = await run(c, form);
      return c.redirect(`/documents/${documentId}${msg ? `?msg=${msg}` : ""}`, 303);
    } catch (err) {
      return documentPage(c, documentId, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  };
  const documentOfRevision = (c: AppContext, revisionId: string) => documentIdOfRevision(ctxOf(c), revisionId);

  app.post(
    "/documents/:id/revisions",
    action(async (c, form) => {
      await createRevision(ctxOf(c), c.req.param("id")!, { major: field(form, "major") === "1" });
      return "revised";
    }),
  );
  app.post(
    "/documents/:id/withdraw",
    action(async (c, form) => {
      await withdrawDocument(ctxOf(c), c.req.param("id")!, field(form, "reason").trim());
      return "withdrawn";
    }),
  );
  app.post(
    "/documents/:id/periodic-review",
    action(async (c, form) => {
      const parsed = PeriodicReviewInput.safeParse({ outcome: field(form, "outcome"), comments: field(form, "comments").trim(), pin: field(form, "pin") });
      if (!parsed.success) throw validationError(parsed.error);
      await recordPeriodicReview(ctxOf(c), c.req.param("id")!, parsed.data);
      return "reviewed";
    }),
  );
  app.post(
    "/documents/:id/acknowledgements",
    action(async (c, form) => {
      const departmentIds = fields(form, "departmentIds");
      if (departmentIds.length === 0) throw new DomainError("VALIDATION_FAILED", "Choose at least one department.");
      await requireAcknowledgement(ctxOf(c), c.req.param("id")!, { departmentIds });
      return "acknowledgement";
    }),
  );
  app.post(
    "/documents/:id/grants",
    action(async (c, form) => {
      await grantDocumentAccess(ctxOf(c), c.req.param("id")!, { userId: field(form, "userId"), reason: field(form, "reason").trim() });
      return "granted";
    }),
  );
  app.post(
    "/documents/:id/handovers",
    action(async (c, form) => {
      await recordHandover(ctxOf(c), c.req.param("id")!, { toDocumentId: field(form, "toDocumentId"), description: field(form, "description").trim() });
      return "handover";
    }),
  );
  app.post("/documents/:id/ip-manual", async (c) => {
    const result = await generateIpManual(ctxOf(c), c.req.param("id"));
    return c.body(new Uint8Array(result.docx), 200, {
      "content-type": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "content-disposition": contentDisposition("attachment", result.filename),
    });
  });

  app.post("/revisions/:id/files", async (c) => {
    const ctx = ctxOf(c);
    const revisionId = c.req.param("id");
    const back = await documentOfRevision(c, revisionId);
    try {
      const { files } = await readUploadForm(c);
      // a file input left empty arrives as no file: refused, never answered "saved"
      if (!files.release && !files.source) throw new DomainError("VALIDATION_FAILED", pageContext(c).t("doc_noFile"));
      let msg = "saved";
      for (const kind of ["release", "source"] as const) {
        const file = files[kind];
        if (!file) continue;
        const result = await attachRevisionFile(ctx, revisionId, { kind, body: await stagedBody(c, file), filename: file.filename, mediaType: file.mediaType });
        if (result.conversion !== "not-needed") msg = result.conversion;
      }
      return c.redirect(`/documents/${back}?msg=${msg}`, 303);
    } catch (err) {
      return documentPage(c, back, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });
  app.post(
    "/revisions/:id/draft",
    action(async (c, form) => {
      await updateDraft(ctxOf(c), c.req.param("id")!, {
        changeSummary: field(form, "changeSummary").trim() || null,
        effectiveDate: field(form, "effectiveDate") || null,
      });
      return "saved";
    }),
  );
  app.post(
    "/revisions/:id/submit",
    action(async (c, form) => {
      const parsed = SubmitForReviewInput.safeParse({ reviewerIds: fields(form, "reviewerIds"), approverId: field(form, "approverId") });
      if (!parsed.success) throw validationError(parsed.error);
      await submitForReview(ctxOf(c), c.req.param("id")!, parsed.data);
      return "submitted";
    }),
  );
  app.post(
    "/revisions/:id/discard",
    action(async (c) => {
      await discardDraft(ctxOf(c), c.req.param("id")!);
      return "discarded";
    }),
  );

  const reviewPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const revisionId = c.req.param("id")!;
    const documentId = await documentOfRevision(c, revisionId);
    const data = await getDocumentDetail(ctx, documentId);
    const revision = data.revisions.find((r) => r.id === revisionId)!;
    const me = data.reviewSigners.find((s) => s.isMe && s.status === "ready");
    if (!me || data.open?.id !== revisionId) return c.redirect(`/documents/${documentId}`, 303);
    const readAt = revision.signatureRequestId ? await myReadOfCurrent(ctx, revision.signatureRequestId) : null;
    return c.html(<RevisionReviewPage page={pageContext(c)} doc={data.document} revision={revision} meaning={me.meaning} readAt={readAt} flash={flash} />, status as 200);
  };
  app.get("/revisions/:id/review", (c) => reviewPage(c));
  app.post("/revisions/:id/decision", async (c) => {
    const form = await readForm(c);
    const revisionId = c.req.param("id");
    try {
      const decision = field(form, "decision") === "reject" ? "reject" : "approve";
      if (decision === "approve" && field(form, "consent") !== "1") throw new DomainError("VALIDATION_FAILED", pageContext(c).t("sig_step2"));
      await decideRevision(ctxOf(c), revisionId, { decision, comments: field(form, "comments").trim() || undefined, pin: field(form, "pin") || undefined });
      return c.redirect(`/documents/${await documentOfRevision(c, revisionId)}?msg=${decision === "approve" ? "approved" : "rejected"}`, 303);
    } catch (err) {
      return reviewPage(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });

  // ── category rules (admins): who drafts, reviews and approves, numbering, review interval ──
  app.get("/admin/document-categories", async (c) => {
    const ctx = ctxOf(c);
    requireRole(ctx, "admin");
    const page = pageContext(c);
    return c.html(<DocumentCategoriesPage page={page} categories={await listCategories(ctx)} flash={c.req.query("msg") === "saved" ? { kind: "ok", text: page.t("cat_saved") } : undefined} />);
  });
  const categoryPage = async (c: AppContext, values?: CategoryFormValues, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    requireRole(ctx, "admin");
    const category = (await listCategories(ctx)).find((cat) => cat.id === c.req.param("id"));
    if (!category) throw notFound("The category");
    return c.html(<DocumentCategoryPage page={pageContext(c)} category={category} values={values ?? categoryFormValues(category)} flash={flash} />, status as 200);
  };
  app.get("/admin/document-categories/:id", (c) => categoryPage(c));
  app.post("/admin/document-categories/:id", async (c) => {
    const form = await readForm(c);
    const values: CategoryFormValues = {
      name: field(form, "name"),
      nameEn: field(form, "nameEn"),
      numberPattern: field(form, "numberPattern"),
      labelScheme: field(form, "labelScheme"),
      clauses: field(form, "clauses"),
      draftRoles: fields(form, "draftRoles"),
      reviewRoles: fields(form, "reviewRoles"),
      approveRoles: fields(form, "approveRoles"),
      allowSelfApproval: field(form, "allowSelfApproval") === "1",
      acknowledgeable: field(form, "acknowledgeable") === "1",
      defaultReviewMonths: field(form, "defaultReviewMonths"),
    };
    try {
      requireRole(ctxOf(c), "admin");
      const parsed = UpdateCategoryInput.safeParse({
        ...values,
        clauses: values.clauses.split(/[,，\s]+/).filter(Boolean),
        defaultReviewMonths: Number(values.defaultReviewMonths),
      });
      if (!parsed.success) throw validationError(parsed.error);
      await updateCategory(ctxOf(c), c.req.param("id"), parsed.data);
      return c.redirect("/admin/document-categories?msg=saved", 303);
    } catch (err) {
      return categoryPage(c, values, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });

  return app;
}
