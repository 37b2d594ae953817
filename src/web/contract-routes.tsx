import { Hono } from "hono";
import { requirePrincipal } from "../core/auth/guard";
import { hasRole } from "../core/auth/permissions";
import { recordIpReview } from "../core/contracts/review";
import { ContractQuery, CreateContractInput, ReturnToDraftInput, ReviewInput, SendForSigningInput, StatusChangeInput } from "../core/contracts/schemas";
import { attachContractDraft, changeContractStatus, createContract, getContractView, listContracts, returnContractToDraft, submitForIpReview } from "../core/contracts/service";
import { sendContractForSigning, uploadSignedScan } from "../core/contracts/signing";
import { CONTRACT_WRITE_ROLES, IP_TERMS } from "../core/contracts/vocabulary";
import { DomainError } from "../core/errors";
import { listDirectory } from "../core/users/service";
import { ctxOf, type AppContext, type AppEnv } from "../http/env";
import type { StagedFile } from "../http/multipart";
import type { MessageKey } from "./i18n";
import type { Flash } from "./layout";
import { withActorNames } from "./history";
import { errorStatusOf, errorText, pageContext, parseForm, readFormWithFile, storeFormFile } from "./page";
import { ContractPage, ContractsPage, NewContractPage } from "./pages/contracts";

/** Pages of the contract register: list, new contract, contract (IP review, signing, status). */
export function contractPages() {
  const app = new Hono<AppEnv>();
  const fail = (c: AppContext, err: unknown): Flash => ({ kind: "error", text: errorText(err, c.get("locale")) });

  app.get("/contracts", async (c) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v));
    const parsed = ContractQuery.safeParse(query);
    const q = parsed.success ? parsed.data : ContractQuery.parse({});
    const found = await listContracts(ctx, q);
    return c.html(
      <ContractsPage page={pageContext(c)} contracts={found.items} total={found.total} offset={q.offset} limit={q.limit} query={query} canCreate={hasRole(p, ...CONTRACT_WRITE_ROLES)} />,
    );
  });

  app.get("/contracts/new", (c) => c.html(<NewContractPage page={pageContext(c)} />));
  app.post("/contracts/new", async (c) => {
    const { values, file } = await readFormWithFile(c);
    const ctx = ctxOf(c);
    try {
      const input = parseForm(CreateContractInput, {
        ...values,
        counterparties: (values.counterparties ?? "")
          .split(/\r?\n|[;；]/)
          .map((s) => s.trim())
          .filter(Boolean)
          .map((name) => ({ name })),
        ipTerms: Object.fromEntries(IP_TERMS.map((k) => [k, values[`ipTerms.${k}`] ?? ""])),
      });
      const contract = await createContract(ctx, input);
      if (file) await attachContractDraft(ctx, contract.id, (await storeFormFile(c, file, contract.classification, "contract.pdf")).id);
      return c.redirect(`/contracts/${contract.id}?msg=created`, 303);
    } catch (err) {
      return c.html(<NewContractPage page={pageContext(c)} values={values} flash={fail(c, err)} />, errorStatusOf(err) as 400);
    }
  });

  /** What an action did, said on the page it returns to (?msg=…). */
  const DONE: Record<string, MessageKey> = {
    created: "ctr_done_created",
    draft: "ctr_done_draft",
    submit: "ctr_done_submit",
    returned: "ctr_done_returned",
    signing: "ctr_done_signing",
    scan: "ctr_done_scan",
    status: "ctr_done_status",
  };
  const contractPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    const done = DONE[c.req.query("msg") ?? ""];
    const f = flash ?? (done ? { kind: "ok" as const, text: pageContext(c).t(done) } : undefined);
    const view = await getContractView(ctx, c.req.param("id")!);
    return c.html(<ContractPage page={pageContext(c)} view={{ ...view, history: await withActorNames(ctx, view.history) }} people={await listDirectory(ctx)} flash={f} />, status as 200);
  };
  app.get("/contracts/:id", (c) => contractPage(c));

  /** Runs a form action and goes back to the contract, or shows the error on it. */
  const action = (path: string, done: string, run: (c: AppContext, values: Record<string, string>, file: StagedFile | null) => Promise<string | void>) =>
    app.post(`/contracts/:id/${path}`, async (c) => {
      const { values, file } = await readFormWithFile(c);
      try {
        const next = await run(c, values, file);
        return c.redirect(next ?? `/contracts/${c.req.param("id")}?msg=${done}`, 303);
      } catch (err) {
        return contractPage(c, fail(c, err), errorStatusOf(err));
      }
    });

  action("draft", "draft", async (c, _v, file) => {
    if (!file) throw new DomainError("VALIDATION_FAILED", "Choose the contract text to upload.");
    const ctx = ctxOf(c);
    const view = await getContractView(ctx, c.req.param("id")!);
    await attachContractDraft(ctx, view.contract.id, (await storeFormFile(c, file, view.contract.classification, "contract.pdf")).id);
  });
  action("submit", "submit", async (c) => submitForIpReview(ctxOf(c), c.req.param("id")!));
  action("return-to-draft", "returned", async (c, values) => {
    await returnContractToDraft(ctxOf(c), c.req.param("id")!, parseForm(ReturnToDraftInput, { reason: values.reason }));
  });
  action("review", "review", async (c, values) => {
    const ctx = ctxOf(c);
    const view = await getContractView(ctx, c.req.param("id")!);
    const input = parseForm(ReviewInput, {
      checklist: view.checklist.map((item) => ({ item, result: values[`result.${item}`], note: values[`note.${item}`] })),
      findings: values.findings,
      decision: values.decision,
      conditions: values.conditions,
    });
    const { signatureRequestId } = await recordIpReview(ctx, view.contract.id, input);
    return `/signatures/${signatureRequestId}/sign`;
  });
  action("signing", "signing", async (c, values) => {
    const signers = [0, 1, 2].filter((i) => values[`signer.${i}`]).map((i) => ({ userId: values[`signer.${i}`], meaning: values[`meaning.${i}`] || "signed" }));
    await sendContractForSigning(ctxOf(c), c.req.param("id")!, parseForm(SendForSigningInput, { signers }));
  });
  action("scan", "scan", async (c, values, file) => {
    if (!file) throw new DomainError("VALIDATION_FAILED", "Choose the scan of the signed contract.");
    const ctx = ctxOf(c);
    const view = await getContractView(ctx, c.req.param("id")!);
    const stored = await storeFormFile(c, file, view.contract.classification, "contract.pdf");
    await uploadSignedScan(ctx, view.contract.id, { fileId: stored.id, signedOn: values.signedOn ?? "" });
  });
  action("status", "status", async (c, values) => {
    await changeContractStatus(ctxOf(c), c.req.param("id")!, parseForm(StatusChangeInput, { status: values.status, on: values.on, reason: values.reason || undefined }));
  });

  return app;
}
