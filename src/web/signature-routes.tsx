import { Hono } from "hono";
import { hasRole } from "../core/auth/permissions";
import { requirePrincipal } from "../core/auth/guard";
import { DomainError } from "../core/errors";
import { getSignatureRequest, listMySignatureRequests, loadVisibleRequest } from "../core/signatures/requests/access";
import { createSignatureRequest, REQUESTER_ROLES } from "../core/signatures/requests/create";
import { myReadOfCurrent } from "../core/signatures/requests/read";
import { createSigningLink, openSigningLink } from "../core/signatures/requests/links";
import { cancelSignatureRequest, declineAsSigner, signAsSigner } from "../core/signatures/requests/sign";
import { CreateSignatureRequestInput } from "../core/signatures/schemas";
import { setSigningPin, signingPinStatus } from "../core/signatures/signer-keys";
import { verifyUploadedPdf } from "../core/signatures/verify";
import { archiveChainOfRequest } from "../core/signatures/archive-view";
import { getTemplate, listTemplates } from "../core/templates/index";
import { listDirectory } from "../core/users/service";
import { CLASSIFICATIONS } from "../core/auth/permissions";

/**
 * /static/signer-picker.js: on the new-request form, offers as signers only people cleared for the
 * classification chosen (the page is rendered for the classification it was given; this follows
 * later changes, and a signer who is no longer cleared is unselected). The server checks the same.
 */
const signerPickerScript = `"use strict";
(function () {
  var levels = ${JSON.stringify(CLASSIFICATIONS)};
  var level = document.querySelector('form select[name="classification"]');
  if (!level) return;
  function follow() {
    var needed = levels.indexOf(level.value);
    document.querySelectorAll("select[data-signer-picker]").forEach(function (picker) {
      picker.querySelectorAll("option[data-clearance]").forEach(function (o) {
        o.disabled = levels.indexOf(o.dataset.clearance) < needed;
        if (o.disabled && o.selected) picker.value = "";
      });
    });
  }
  level.addEventListener("change", follow);
  follow();
})();
`;
import { ctxOf, type AppContext, type AppEnv } from "../http/env";
import { validationError } from "../http/errors";
import type { MessageKey } from "./i18n";
import type { Flash } from "./layout";
import { errorStatusOf, errorText, field, pageContext, pinInput, readForm, readFormWithFile, readUploadForm, storeFormFile } from "./page";
import { CeremonyPage, NewSignatureRequestPage, SignatureInboxPage, SignatureRequestPage, VerifyPage, type TemplateOption } from "./pages/signatures";

async function templateOptions(): Promise<TemplateOption[]> {
  return (await listTemplates()).map(({ latest: t }) => ({
    id: t.id,
    revision: t.revision,
    title: t.title,
    fields: t.fields.map((f) => ({ name: f.name, label: f.label, type: f.type, required: !!f.required })),
  }));
}

/** Pages of the signature area: inbox, new request, request, ceremony, links, verification. */
export function signaturePages() {
  const app = new Hono<AppEnv>();

  const inbox = async (c: AppContext, flash?: Flash) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    return c.html(
      <SignatureInboxPage page={pageContext(c)} inbox={await listMySignatureRequests(ctx)} canRequest={hasRole(p, ...REQUESTER_ROLES)} flash={flash} />,
    );
  };
  app.get("/signatures", (c) => inbox(c));
  app.get("/static/signer-picker.js", (c) => c.body(signerPickerScript, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" }));

  const newPage = async (c: AppContext, templateId: string | undefined, extra: { values?: Record<string, string>; flash?: Flash } = {}, status = 200) => {
    const ctx = ctxOf(c);
    const templates = await templateOptions();
    const chosen = templateId ? (templates.find((t) => t.id === templateId) ?? null) : null;
    return c.html(
      <NewSignatureRequestPage page={pageContext(c)} templates={templates} chosen={chosen} users={await listDirectory(ctx)} {...extra} />,
      status as 200,
    );
  };
  app.get("/signatures/new", (c) => newPage(c, c.req.query("template") || undefined));

  app.post("/signatures/new", async (c) => {
    const ctx = ctxOf(c);
    const { values, file } = await readFormWithFile(c);
    const templateId = values.template || undefined;
    try {
      let source: CreateSignatureRequestInput["source"];
      if (templateId) {
        const tpl = await getTemplate(templateId);
        const fieldValues: Record<string, unknown> = {};
        for (const f of tpl.fields) {
          const v = values[`field.${f.name}`];
          if (v !== undefined && v !== "") fieldValues[f.name] = f.type === "number" ? Number(v) : v;
        }
        source = { kind: "template", templateId, values: fieldValues };
      } else {
        if (!file) throw new DomainError("VALIDATION_FAILED", "Choose a PDF file to upload.");
        const stored = await storeFormFile(c, file, values.classification, "document.pdf");
        source = { kind: "file", fileId: stored.id };
      }
      const signers = [0, 1, 2, 3]
        .filter((i) => values[`signer.${i}.userId`])
        .map((i) => ({ userId: values[`signer.${i}.userId`]!, meaning: values[`signer.${i}.meaning`], visibleStamp: values[`signer.${i}.visibleStamp`] === "1" }));
      const parsed = CreateSignatureRequestInput.safeParse({
        title: values.title,
        classification: values.classification,
        dueAt: values.dueAt ? new Date(`${values.dueAt}T23:59:59+08:00`).toISOString() : undefined,
        source,
        signers,
      });
      if (!parsed.success) throw validationError(parsed.error);
      const created = await createSignatureRequest(ctx, parsed.data);
      return c.redirect(`/signatures/${created.id}?msg=created`, 303);
    } catch (err) {
      return newPage(c, templateId, { values, flash: { kind: "error", text: errorText(err, c.get("locale")) } }, errorStatusOf(err));
    }
  });

  app.get("/signatures/verify", (c) => c.html(<VerifyPage page={pageContext(c)} />));

  app.post("/signatures/verify", async (c) => {
    const ctx = ctxOf(c);
    requirePrincipal(ctx);
    try {
      // verifying keeps nothing: the PDF is held in memory (it is parsed whole anyway), as in the API
      const file = (await readUploadForm(c, "memory")).files.file;
      if (!file?.bytes) throw new DomainError("VALIDATION_FAILED", "Choose a PDF file to verify.");
      const result = await verifyUploadedPdf(ctx, file.bytes);
      return c.html(<VerifyPage page={pageContext(c)} result={result} />);
    } catch (err) {
      return c.html(<VerifyPage page={pageContext(c)} flash={{ kind: "error", text: errorText(err, c.get("locale")) }} />, errorStatusOf(err) as 400);
    }
  });

  /** What an action did, said on the request's page it returns to (?msg=…). */
  const DONE: Record<string, MessageKey> = { created: "sig_created", signed: "sig_signed", declined: "sig_done_declined", cancelled: "sig_done_cancelled" };
  const requestPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const id = c.req.param("id")!;
    const { rel } = await loadVisibleRequest(ctx, id);
    const page = pageContext(c);
    const done = DONE[c.req.query("msg") ?? ""];
    const f = flash ?? (done ? { kind: "ok" as const, text: page.t(done) } : undefined);
    return c.html(
      <SignatureRequestPage page={page} request={await getSignatureRequest(ctx, id)} isRequester={rel.isRequester} archive={await archiveChainOfRequest(ctx, id)} flash={f} />,
      status as 200,
    );
  };
  app.get("/signatures/:id", (c) => requestPage(c));

  const ceremony = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const id = c.req.param("id")!;
    const request = await getSignatureRequest(ctx, id);
    if (!request.myTurn) return c.redirect(`/signatures/${id}`, 303);
    const pin = await signingPinStatus(ctx);
    const page = pageContext(c);
    const shown = flash ?? (c.req.query("msg") === "pin" && pin.set ? { kind: "ok" as const, text: page.t("sig_pinSaved") } : undefined);
    return c.html(<CeremonyPage page={page} request={request} readAt={await myReadOfCurrent(ctx, id)} pinSet={pin.set} flash={shown} />, status as 200);
  };
  app.get("/signatures/:id/sign", (c) => ceremony(c));

  // no signing PIN yet: the ceremony asks for one first, then comes back to sign
  app.post("/signatures/:id/signing-pin", async (c) => {
    const form = await readForm(c);
    const page = pageContext(c);
    if (field(form, "pin") !== field(form, "confirmPin")) return ceremony(c, { kind: "error", text: page.t("account_pinMismatch") }, 400);
    try {
      await setSigningPin(ctxOf(c), pinInput(form));
    } catch (err) {
      return ceremony(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
    return c.redirect(`/signatures/${c.req.param("id")}/sign?msg=pin`, 303);
  });

  app.post("/signatures/:id/sign", async (c) => {
    const ctx = ctxOf(c);
    const body = await c.req.parseBody();
    try {
      if (body.consent !== "1") throw new DomainError("VALIDATION_FAILED", pageContext(c).t("sig_step2"));
      await signAsSigner(ctx, c.req.param("id"), { pin: typeof body.pin === "string" ? body.pin : "", consent: true });
      return c.redirect(`/signatures/${c.req.param("id")}?msg=signed`, 303);
    } catch (err) {
      return ceremony(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });

  app.post("/signatures/:id/decline", async (c) => {
    const body = await c.req.parseBody();
    try {
      await declineAsSigner(ctxOf(c), c.req.param("id"), field(body as Record<string, string>, "reason").trim());
      return c.redirect(`/signatures/${c.req.param("id")}?msg=declined`, 303);
    } catch (err) {
      return ceremony(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });

  app.post("/signatures/:id/cancel", async (c) => {
    const body = await c.req.parseBody();
    try {
      await cancelSignatureRequest(ctxOf(c), c.req.param("id"), field(body as Record<string, string>, "reason").trim() || "-");
      return c.redirect(`/signatures/${c.req.param("id")}?msg=cancelled`, 303);
    } catch (err) {
      return requestPage(c, { kind: "error", text: errorText(err, c.get("locale")) }, errorStatusOf(err));
    }
  });

  app.post("/signatures/:id/signers/:signerId/link", async (c) => {
    const link = await createSigningLink(ctxOf(c), c.req.param("id"), c.req.param("signerId"));
    const page = pageContext(c);
    const origin = new URL(c.req.url).origin;
    return requestPage(c, { kind: "ok", text: `${page.t("sig_linkCreated")} ${link.signer.displayName}`, secret: `${origin}${link.path}` });
  });

  app.get("/sign/:token", async (c) => {
    const { requestId } = await openSigningLink(ctxOf(c), c.req.param("token"));
    return c.redirect(`/signatures/${requestId}/sign`, 303);
  });

  return app;
}
