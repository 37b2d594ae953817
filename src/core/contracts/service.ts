import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { contracts, type ContractRow } from "../../db/schema/contracts";
import { signatureRequests } from "../../db/schema/signatures";
import { newId } from "../../lib/ids";
import { queryEvents } from "../audit/repo";
import { audit } from "../audit/service";
import { requirePrincipal, requireRole } from "../auth/guard";
import { clearedFor, hasRole, readableClassifications, visibleClassifications, type Classification, type Principal } from "../auth/permissions";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError, notFound } from "../errors";
import { auditGrantRead } from "../evidence/grants";
import { getFile } from "../files/service";
import { findDepartment } from "../organisation/repo";
import { today } from "../records/dates";
import { applyRetentionEvent } from "../records/retention";
import { findUser, listUsers } from "../users/repo";
import * as repo from "./repo";
import type { ContractQuery, CreateContractInput, StatusChangeInput, UpdateContractInput } from "./schemas";
import { CONTRACT_READ_ROLES, CONTRACT_WRITE_ROLES, IP_TERMS, REVIEWER_ROLES, checklistForType, type ContractType } from "./vocabulary";
import { contractCreated, contractDraftAttached, contractReturnedToDraft, contractSubmittedForReview, contractUpdated } from "./events";
import { detectFormat } from "../records/natures";
import { signablePageCount } from "../signatures/requests/create";
import { cancelRequestIn } from "../signatures/requests/sign";
import * as signatureRepo from "../signatures/repo";
import { contractExpired, contractInForce, contractTerminated } from "./events";
import { contractOpened, contractSearched } from "../evidence/events";
import { tablePolicy } from "../access/policy";
import { z } from "zod";
import { defineJob } from "../jobs/define";

/** Number, title, counterparties and type: what contract search looks in. */
function searchTextOf(c: Pick<ContractRow, "number" | "title" | "counterparties" | "notes">): string {
  const names = (c.counterparties as { name: string }[]).map((x) => x.name);
  return [c.number, c.title, ...names, c.notes].filter(Boolean).join(" ");
}

function cleanTerms(terms: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(IP_TERMS.filter((k) => terms[k]).map((k) => [k, terms[k]!]));
}

/** The date a contract counts under in an audit period: signed, else effective, else registered (China time). */
export const contractAuditDate = sql`coalesce(${contracts.signedOn}, ${contracts.effectiveOn}, (${contracts.createdAt} at time zone 'Asia/Shanghai')::date)`;

/**
 * Contract visibility: register roles within clearance; a grant-bound auditor the contracts their
 * grant covers (clause 4.3.3, its period and classification ceiling); the owner within clearance.
 */
export function contractVisibility(p: Principal): SQL[] {
  if (p.auditScope !== undefined) {
    const scope = p.auditScope;
    const levels = readableClassifications(p);
    if (!scope || !scope.coversContracts || !levels.length) return [sql`false`];
    const where = [inArray(contracts.classification, levels)];
    if (scope.periodFrom) where.push(sql`${contractAuditDate} >= ${scope.periodFrom}::date`);
    if (scope.periodTo) where.push(sql`${contractAuditDate} <= ${scope.periodTo}::date`);
    return where;
  }
  const within = inArray(contracts.classification, visibleClassifications(p.clearance));
  return hasRole(p, ...CONTRACT_READ_ROLES) ? [within] : [and(within, eq(contracts.ownerId, p.id))!];
}

export async function loadVisibleContract(ctx: ServiceContext, id: string): Promise<{ p: Principal; contract: ContractRow }> {
  const p = requirePrincipal(ctx);
  const contract = await repo.findContract(ctx.db, id);
  if (!contract) throw notFound("The contract");
  if (p.auditScope !== undefined) {
    const [visible] = await ctx.db.select({ id: contracts.id }).from(contracts).where(and(eq(contracts.id, id), ...contractVisibility(p)));
    if (!visible) throw notFound("The contract");
    return { p, contract };
  }
  if (!clearedFor(p.clearance, contract.classification as Classification)) throw notFound("The contract");
  if (!hasRole(p, ...CONTRACT_READ_ROLES) && contract.ownerId !== p.id) throw notFound("The contract");
  return { p, contract };
}

async function checkRefs(ctx: ServiceContext, input: { ownerId?: string; departmentId?: string; effectiveOn?: string; endOn?: string }): Promise<void> {
  if (input.ownerId) {
    const owner = await findUser(ctx.db, input.ownerId);
    if (!owner || !owner.active) throw new DomainError("INVALID_REFERENCE", "The contract owner is not an active user.", { field: "ownerId" });
  }
  if (input.departmentId && !(await findDepartment(ctx.db, input.departmentId))) {
    throw new DomainError("INVALID_REFERENCE", "The department does not exist.", { field: "departmentId" });
  }
  if (input.effectiveOn && input.endOn && input.endOn < input.effectiveOn) {
    throw new DomainError("VALIDATION_FAILED", "The end date cannot be before the effective date.", { field: "endOn" });
  }
}

/** Builds a register row (in draft) from validated input; used by the API and the CSV import. */
export function newContractRow(p: Pick<Principal, "id">, input: CreateContractInput & { number: string }, now: Date): ContractRow {
  const row: ContractRow = {
    id: newId("ctr"),
    number: input.number,
    title: input.title,
    type: input.type,
    counterparties: input.counterparties,
    departmentId: input.departmentId ?? null,
    ownerId: input.ownerId ?? p.id,
    classification: input.classification,
    valueAmount: input.valueAmount ?? null,
    currency: input.currency,
    effectiveOn: input.effectiveOn ?? null,
    endOn: input.endOn ?? null,
    signedOn: null,
    ipTerms: cleanTerms(input.ipTerms),
    notes: input.notes ?? null,
    status: "draft",
    draftSha256: null,
    draftFilename: null,
    draftMediaType: null,
    signingMethod: null,
    signatureRequestId: null,
    signedSha256: null,
    signedRecordId: null,
    terminatedOn: null,
    terminationReason: null,
    searchText: "",
    createdBy: p.id,
    createdAt: now,
    updatedAt: now,
  };
  row.searchText = searchTextOf(row);
  return row;
}

/** Enters a contract in the register, in draft (legal, IP manager, IP staff). */
export async function createContract(ctx: ServiceContext, input: CreateContractInput): Promise<ContractRow> {
  const p = requireRole(ctx, ...CONTRACT_WRITE_ROLES);
  if (!clearedFor(p.clearance, input.classification)) throw notFound("A classification level you may use");
  await checkRefs(ctx, input);
  return inTransaction(ctx, async (t) => {
    const number = input.number ?? `HT${today(t.clock).slice(0, 4)}-${String(await repo.nextContractSeq(t.db)).padStart(4, "0")}`;
    const row = newContractRow(p, { ...input, number }, t.clock.now());
    await repo.insertContract(t.db, row);
    const { searchText: _s, ...after } = row;
    audit(t, contractCreated, row.id, { after });
    return row;
  });
}

const TERMS_FIELDS = ["title", "type", "counterparties", "departmentId", "ownerId", "classification", "valueAmount", "currency", "ipTerms", "notes"] as const;
const DATE_FIELDS = ["effectiveOn", "endOn"] as const;

/**
 * Edits a register entry. Terms (parties, type, IP terms …) change only in draft: once reviewed,
 * a change would bypass the IP review. Dates may be corrected until the contract has ended. Old and
 * new values go into the audit event.
 */
export async function updateContract(ctx: ServiceContext, id: string, input: UpdateContractInput): Promise<ContractRow> {
  const p = requireRole(ctx, ...CONTRACT_WRITE_ROLES);
  await loadVisibleContract(ctx, id);
  if (input.classification && !clearedFor(p.clearance, input.classification)) throw notFound("A classification level you may use");
  await checkRefs(ctx, input);
  return inTransaction(ctx, async (t) => {
    const c = (await repo.findContract(t.db, id, true))!;
    const patch: Partial<ContractRow> = {};
    const before: Record<string, unknown> = {};
    for (const key of [...TERMS_FIELDS, ...DATE_FIELDS]) {
      let value = (input as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (key === "ipTerms") value = cleanTerms(value as Record<string, string>);
      if (JSON.stringify(value) === JSON.stringify(c[key])) continue;
      if ((TERMS_FIELDS as readonly string[]).includes(key) && c.status !== "draft") {
        throw new DomainError("INVALID_STATE", `The contract is ${c.status}; its terms change only in draft (a change must go through IP review again).`, { field: key });
      }
      if (c.status === "expired" || c.status === "terminated") throw new DomainError("INVALID_STATE", `The contract is ${c.status}; its register entry is closed.`);
      before[key] = c[key];
      (patch as Record<string, unknown>)[key] = value;
    }
    if (Object.keys(patch).length === 0) throw new DomainError("VALIDATION_FAILED", "Nothing changes; edit at least one field.");
    const merged = { ...c, ...patch };
    if (merged.effectiveOn && merged.endOn && merged.endOn < merged.effectiveOn) {
      throw new DomainError("VALIDATION_FAILED", "The end date cannot be before the effective date.", { field: "endOn" });
    }
    await repo.updateContract(t.db, id, { ...patch, searchText: searchTextOf(merged), updatedAt: t.clock.now() });
    audit(t, contractUpdated, id, { reason: input.reason, before, after: patch });
    return (await repo.findContract(t.db, id))!;
  });
}

/**
 * The contract text must be what it says: a PDF that can be signed (parsed, not encrypted) or a
 * Word document (its main part present). A text file named ".pdf" passed IP review before and
 * then could never be sent for signing.
 */
async function requireContractText(ctx: ServiceContext, file: { sha256: string; filename: string }): Promise<void> {
  const bytes = await ctx.storage.getBytes(file.sha256);
  const format = detectFormat(bytes);
  const claimed = /\.pdf$/i.test(file.filename) ? "pdf" : /\.docx$/i.test(file.filename) ? "docx" : null;
  if (format === "pdf") signablePageCount(bytes);
  else if (format !== "docx") {
    if (claimed === "pdf") throw new DomainError("NOT_A_PDF", `${file.filename} is not a PDF (its content is not one); export the contract as PDF and upload it again.`);
    if (claimed === "docx") throw new DomainError("UNREADABLE_CONTENT", `${file.filename} is not a Word document (it has no main document part); save it again from Word as .docx and upload it.`);
    throw new DomainError("UNREADABLE_CONTENT", `${file.filename} is neither a PDF nor a Word document (.docx); attach the contract text in one of those formats.`);
  }
  if (claimed && claimed !== format) {
    throw new DomainError("UNREADABLE_CONTENT", `${file.filename} is named .${claimed} but is a ${format === "pdf" ? "PDF" : "Word document"}; rename it to match and upload it again.`);
  }
}

/** Attaches the contract text under negotiation (a file you uploaded: PDF or Word); in draft only. */
export async function attachContractDraft(ctx: ServiceContext, id: string, fileId: string): Promise<ContractRow> {
  requireRole(ctx, ...CONTRACT_WRITE_ROLES);
  await loadVisibleContract(ctx, id);
  const file = await getFile(ctx, fileId);
  await requireContractText(ctx, file);
  return inTransaction(ctx, async (t) => {
    const c = (await repo.findContract(t.db, id, true))!;
    if (c.status !== "draft") throw new DomainError("INVALID_STATE", `The contract is ${c.status}; its text changes only in draft.`);
    await repo.updateContract(t.db, id, { draftSha256: file.sha256, draftFilename: file.filename, draftMediaType: file.mediaType, updatedAt: t.clock.now() });
    audit(t, contractDraftAttached, id, { before: c.draftSha256, after: { sha256: file.sha256, filename: file.filename, fileId } });
    return (await repo.findContract(t.db, id))!;
  });
}

/** Who may do a contract's IP review: an active legal or IP manager cleared for it, other than the person who entered it. */
export function mayReviewContract(reviewer: { id: string; roles: readonly string[]; clearance: string; active?: boolean }, contract: Pick<ContractRow, "createdBy" | "classification">): boolean {
  return (
    reviewer.active !== false &&
    reviewer.id !== contract.createdBy &&
    REVIEWER_ROLES.some((r) => reviewer.roles.includes(r)) &&
    clearedFor(reviewer.clearance as Classification, contract.classification as Classification)
  );
}

/**
 * Sends a draft to IP review (draft → ip-review); the contract text must be attached, and someone
 * must be able to review it: a confidential contract sent to reviewers none of whom may read it
 * waited for good, invisible to all of them.
 */
export async function submitForIpReview(ctx: ServiceContext, id: string): Promise<void> {
  requireRole(ctx, ...CONTRACT_WRITE_ROLES);
  const { contract } = await loadVisibleContract(ctx, id);
  if (!(await listUsers(ctx.db)).some((u) => mayReviewContract(u, contract))) {
    throw new DomainError(
      "UNPROCESSABLE",
      `Nobody can review contract ${contract.number} for IP: no active legal or IP manager other than the person who entered it is cleared for ${contract.classification}. Ask an admin to raise a reviewer's clearance, or lower the contract's classification.`,
      { rule: "reviewer-cleared" },
    );
  }
  await inTransaction(ctx, async (t) => {
    const c = (await repo.findContract(t.db, id, true))!;
    if (c.status !== "draft") throw new DomainError("INVALID_STATE", `The contract is ${c.status}; only a draft goes to IP review.`);
    if (!c.draftSha256) throw new DomainError("VALIDATION_FAILED", "Attach the contract text before sending it to IP review.", { field: "draft" });
    await repo.updateContract(t.db, id, { status: "ip-review", updatedAt: t.clock.now() });
    audit(t, contractSubmittedForReview, id, { before: { status: c.status }, after: { status: "ip-review" } });
  });
}

/**
 * Takes a contract in IP review, or approved but not out for signing, back to draft with a reason
 * (the text must change, or it cannot be signed as it is). A review still awaiting its reviewer's
 * signature is withdrawn; a signed review stays on file but no longer approves the contract, which
 * goes through IP review again.
 */
export async function returnContractToDraft(ctx: ServiceContext, id: string, input: { reason: string }): Promise<ContractRow> {
  requireRole(ctx, ...CONTRACT_WRITE_ROLES);
  await loadVisibleContract(ctx, id);
  return inTransaction(ctx, async (t) => {
    const c = (await repo.findContract(t.db, id, true))!;
    if (c.status !== "ip-review" && c.status !== "approved") {
      throw new DomainError("INVALID_STATE", `The contract is ${c.status}; only a contract in IP review, or approved and not signed, returns to draft.`);
    }
    if (c.signatureRequestId) {
      const request = await signatureRepo.findRequest(t.db, c.signatureRequestId);
      if (request?.status === "pending") {
        throw new DomainError("CONFLICT", `Contract ${c.number} is out for e-signature (request ${request.id}); cancel that request first.`);
      }
    }
    const withdrawn: string[] = [];
    for (const review of await repo.listReviews(t.db, id)) {
      if (review.status !== "awaiting-signature" || !review.signatureRequestId) continue;
      await cancelRequestIn(t, review.signatureRequestId, `contract returned to draft: ${input.reason}`);
      withdrawn.push(review.id);
    }
    await repo.updateContract(t.db, id, { status: "draft", updatedAt: t.clock.now() });
    audit(t, contractReturnedToDraft, id, { reason: input.reason, withdrawnReviews: withdrawn, before: { status: c.status }, after: { status: "draft" } });
    return (await repo.findContract(t.db, id))!;
  });
}

/** Moves a contract along after signing: in force, expired, terminated (with a reason). The end starts the retention of its records. */
export async function changeContractStatus(ctx: ServiceContext, id: string, input: StatusChangeInput): Promise<ContractRow> {
  requireRole(ctx, ...CONTRACT_WRITE_ROLES);
  await loadVisibleContract(ctx, id);
  if (input.on > today(ctx.clock)) throw new DomainError("VALIDATION_FAILED", "The date cannot be in the future.", { field: "on" });
  if (input.status === "terminated" && !input.reason) throw new DomainError("VALIDATION_FAILED", "Say why the contract was terminated.", { field: "reason" });
  return inTransaction(ctx, async (t) => {
    const c = (await repo.findContract(t.db, id, true))!;
    await moveStatus(t, c, input.status, input.on, input.reason ?? null);
    return (await repo.findContract(t.db, id))!;
  });
}

const NEXT: Record<string, string[]> = { signed: ["in-force", "expired", "terminated"], "in-force": ["expired", "terminated"] };

async function moveStatus(t: TxContext, c: ContractRow, status: "in-force" | "expired" | "terminated", on: string, reason: string | null): Promise<void> {
  if (c.status === "draft" || c.status === "ip-review" || c.status === "approved") {
    throw new DomainError("INVALID_STATE", `The contract is ${c.status}; it is not signed yet.`);
  }
  if (!NEXT[c.status]?.includes(status)) throw new DomainError("INVALID_STATE", `A contract that is ${c.status} cannot become ${status}.`);
  const patch: Partial<ContractRow> = { status, updatedAt: t.clock.now() };
  if (status === "terminated") Object.assign(patch, { terminatedOn: on, terminationReason: reason });
  if (status === "expired" && !c.endOn) patch.endOn = on;
  await repo.updateContract(t.db, c.id, patch);
  const event = status === "in-force" ? contractInForce : status === "expired" ? contractExpired : contractTerminated;
  audit(t, event, c.id, { before: { status: c.status }, after: { status, on, reason } });
  if (status !== "in-force") await applyRetentionEvent(t, { trigger: "contract-end", subjectId: c.id, occurredOn: status === "expired" ? (c.endOn ?? on) : on, note: reason });
}

/**
 * Daily: signed contracts whose effective date has come are in force; contracts in force whose
 * end date has passed have expired (and the retention of their records starts).
 */
export async function advanceContracts(ctx: ServiceContext): Promise<{ inForce: string[]; expired: string[] }> {
  const day = today(ctx.clock);
  const out = { inForce: [] as string[], expired: [] as string[] };
  for (const c of await repo.listContractsToAdvance(ctx.db, day)) {
    await inTransaction(ctx, async (t) => {
      const locked = (await repo.findContract(t.db, c.id, true))!;
      if (locked.status === "signed" && locked.effectiveOn && locked.effectiveOn <= day) {
        await moveStatus(t, locked, "in-force", locked.effectiveOn, null);
        out.inForce.push(locked.number);
        locked.status = "in-force";
      }
      if (locked.status === "in-force" && locked.endOn && locked.endOn < day) {
        await moveStatus(t, locked, "expired", locked.endOn, null);
        out.expired.push(locked.number);
      }
    });
  }
  return out;
}

/** One page of the register (default 50, newest first) and the number of entries that match. */
export async function listContracts(ctx: ServiceContext, q: Partial<ContractQuery>) {
  const p = requirePrincipal(ctx);
  const found = await repo.searchContracts(ctx.db, q, contractVisibility(p));
  await auditGrantRead(ctx, contractSearched, { query: { ...q }, found: found.total });
  return { total: found.total, items: found.rows };
}

/** The register by status, counting every entry the caller may see at these classifications (not one page). */
export async function countContractsByStatus(ctx: ServiceContext, classifications: string[]): Promise<Map<string, number>> {
  const p = requirePrincipal(ctx);
  const counts = await repo.countContractsByStatus(ctx.db, contractVisibility(p), classifications);
  await auditGrantRead(ctx, contractSearched, { query: { countByStatus: true }, found: [...counts.values()].reduce((a, b) => a + b, 0) });
  return counts;
}

/** A contract with its reviews, signing request, history, and what the caller may do next. */
export async function getContractView(ctx: ServiceContext, id: string) {
  const { p, contract } = await loadVisibleContract(ctx, id);
  await auditGrantRead(ctx, contractOpened, { contractId: id, number: contract.number });
  const reviews = await repo.listReviews(ctx.db, id);
  const owner = await findUser(ctx.db, contract.ownerId);
  const [signing] = contract.signatureRequestId
    ? await ctx.db.select({ id: signatureRequests.id, status: signatureRequests.status }).from(signatureRequests).where(eq(signatureRequests.id, contract.signatureRequestId))
    : [];
  const history = await queryEvents(ctx.db, { objectType: "contract", objectId: id, limit: 300 });
  const writer = hasRole(p, ...CONTRACT_WRITE_ROLES);
  const pendingReview = reviews.find((r) => r.status === "awaiting-signature");
  return {
    contract,
    ownerName: owner?.displayName ?? contract.ownerId,
    checklist: checklistForType[contract.type as ContractType],
    reviews,
    signing: signing ?? null,
    history: history.map((e) => ({ seq: e.seq, at: e.occurredAt, actor: e.actorLabel, actorId: e.actorId, action: e.action, data: e.data })),
    may: {
      edit: writer && contract.status === "draft",
      submit: writer && contract.status === "draft" && !!contract.draftSha256,
      returnToDraft: writer && (contract.status === "ip-review" || contract.status === "approved") && signing?.status !== "pending",
      review: mayReviewContract(p, contract) && contract.status === "ip-review" && !pendingReview,
      sign: writer && contract.status === "approved" && signing?.status !== "pending",
      advance: writer && (contract.status === "signed" || contract.status === "in-force"),
    },
    pendingReview: pendingReview ?? null,
  };
}

/** Contracts: see {@link contractVisibility}. */
export const contractPolicy = tablePolicy({ objectType: "contract", table: contracts, id: contracts.id, classification: contracts.classification, rule: (p) => and(...contractVisibility(p))! });

/** Daily at 00:00 China time: signed contracts come into force and contracts past their end expire. */
export const contractDatesJob = defineJob({
  kind: "contract-dates",
  payload: z.object({}),
  dailyAtHourCst: 0,
  run: async ({ ctx }) => ({ ...(await advanceContracts(ctx)) }),
});
