import { Hono } from "hono";
import { requirePrincipal } from "../core/auth/guard";
import { hasRole } from "../core/auth/permissions";
import { recordIpReview } from "../core/contracts/review";
import { ContractQuery, CreateContractInput, ReviewInput, SendForSigningInput, StatusChangeInput } from "../core/contracts/schemas";
import { attachContractDraft, changeContractStatus, createContract, getContractView, listContracts, submitForIpReview } from "../core/contracts/service";
import { sendContractForSigning, uploadSignedScan } from "../core/contracts/signing";
import { CONTRACT_WRITE_ROLES, IP_TERMS } from "../core/contracts/vocabulary";
import { DomainError } from "../core/errors";
import { uploadFile } from "../core/files/service";
import { listDirectory } from "../core/users/service";
import { ctxOf, type AppContext, type AppEnv } from "../http/env";
import { validationError } from "../http/errors";
import type { StagedFile } from "../http/multipart";
import type { Flash } from "./layout";
import { errorStatusOf, errorText, pageContext, readUploadForm, stagedBody } from "./page";
import { ContractPage, ContractsPage, NewContractPage } from "./pages/contracts";

/** A form's text fields and its uploaded file (already streamed into storage), if any. */
async function formOf(c: AppContext): Promise<{ values: Record<string, string>; file: StagedFile | null }> {
  const form = await readUploadForm(c);
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(form.values)) values[k] = Array.isArray(v) ? (v[0] ?? "") : v;
  return { values, file: Object.values(form.files)[0] ?? null };
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } }, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw validationError(r.error as never);
  return r.data;
}

const upload = async (c: AppContext, file: StagedFile, classification: string) =>
  uploadFile(ctxOf(c), {
    body: await stagedBody(c, file),
    filename: file.filename || "contract.pdf",
    mediaType: file.mediaType,
    classification: classification as "internal",
  });

/** Pages of the contract register: list, new contract, contract (IP review, signing, status). */
export function contractPages() {
  const app = new Hono<AppEnv>();
  const fail = (c: AppContext, err: unknown): Flash => ({ kind: "error", text: errorText(err, c.get("locale")) });

  app.get("/contracts", async (c) => {
    const ctx = ctxOf(c);
    const p = requirePrincipal(ctx);
    const query = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v));
    const parsed = ContractQuery.safeParse(query);
    return c.html(<ContractsPage page={pageContext(c)} contracts={await listContracts(ctx, parsed.success ? parsed.data : {})} query={query} canCreate={hasRole(p, ...CONTRACT_WRITE_ROLES)} />);
  });

  app.get("/contracts/new", (c) => c.html(<NewContractPage page={pageContext(c)} />));
  app.post("/contracts/new", async (c) => {
    const { values, file } = await formOf(c);
    const ctx = ctxOf(c);
    try {
      const input = parse(CreateContractInput, {
        ...values,
        counterparties: (values.counterparties ?? "")
          .split(/\r?\n|[;；]/)
          .map((s) => s.trim())
          .filter(Boolean)
          .map((name) => ({ name })),
        ipTerms: Object.fromEntries(IP_TERMS.map((k) => [k, values[`ipTerms.${k}`] ?? ""])),
      });
      const contract = await createContract(ctx, input);
      if (file) await attachContractDraft(ctx, contract.id, (await upload(c, file, contract.classification)).id);
      return c.redirect(`/contracts/${contract.id}`, 303);
    } catch (err) {
      return c.html(<NewContractPage page={pageContext(c)} values={values} flash={fail(c, err)} />, errorStatusOf(err) as 400);
    }
  });

  const contractPage = async (c: AppContext, flash?: Flash, status = 200) => {
    const ctx = ctxOf(c);
    return c.html(<ContractPage page={pageContext(c)} view={await getContractView(ctx, c.req.param("id")!)} people={await listDirectory(ctx)} flash={flash} />, status as 200);
  };
  app.get("/contracts/:id", (c) => contractPage(c));

  /** Runs a form action and goes back to the contract, or shows the error on it. */
  const action = (path: string, run: (c: AppContext, values: Record<string, string>, file: StagedFile | null) => Promise<string | void>) =>
    app.post(`/contracts/:id/${path}`, async (c) => {
      const { values, file } = await formOf(c);
      try {
        const next = await run(c, values, file);
        return c.redirect(next ?? `/contracts/${c.req.param("id")}`, 303);
      } catch (err) {
        return contractPage(c, fail(c, err), errorStatusOf(err));
      }
    });

  action("draft", async (c, _v, file) => {
    if (!file) throw new DomainError("VALIDATION_FAILED", "Choose the contract text to upload.");
    const ctx = ctxOf(c);
    const view = await getContractView(ctx, c.req.param("id")!);
    await attachContractDraft(ctx, view.contract.id, (await upload(c, file, view.contract.classification)).id);
  });
  action("submit", async (c) => submitForIpReview(ctxOf(c), c.req.param("id")!));
  action("review", async (c, values) => {
    const ctx = ctxOf(c);
    const view = await getContractView(ctx, c.req.param("id")!);
    const input = parse(ReviewInput, {
      checklist: view.checklist.map((item) => ({ item, result: values[`result.${item}`], note: values[`note.${item}`] })),
      findings: values.findings,
      decision: values.decision,
      conditions: values.conditions,
    });
    const { signatureRequestId } = await recordIpReview(ctx, view.contract.id, input);
    return `/signatures/${signatureRequestId}/sign`;
  });
  action("signing", async (c, values) => {
    const signers = [0, 1, 2].filter((i) => values[`signer.${i}`]).map((i) => ({ userId: values[`signer.${i}`], meaning: values[`meaning.${i}`] || "signed" }));
    await sendContractForSigning(ctxOf(c), c.req.param("id")!, parse(SendForSigningInput, { signers }));
  });
  action("scan", async (c, values, file) => {
    if (!file) throw new DomainError("VALIDATION_FAILED", "Choose the scan of the signed contract.");
    const ctx = ctxOf(c);
    const view = await getContractView(ctx, c.req.param("id")!);
    const stored = await upload(c, file, view.contract.classification);
    await uploadSignedScan(ctx, view.contract.id, { fileId: stored.id, signedOn: values.signedOn ?? "" });
  });
  action("status", async (c, values) => {
    await changeContractStatus(ctxOf(c), c.req.param("id")!, parse(StatusChangeInput, { status: values.status, on: values.on, reason: values.reason || undefined }));
  });

  return app;
}
