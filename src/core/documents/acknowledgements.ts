import { principalOf } from "../auth/service";
import { z } from "zod";
import { eq } from "drizzle-orm";
import type { DocumentRevisionRow, DocumentRow } from "../../db/schema/documents";
import { signatureRequests, type SignatureRequestRow } from "../../db/schema/signatures";
import { newId } from "../../lib/ids";
import { queryEvents } from "../audit/repo";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { clearedFor, type Classification } from "../auth/permissions";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError } from "../errors";
import { ensureBlob } from "../files/repo";
import { listDepartments } from "../organisation/repo";
import { getOrganisationProfile } from "../organisation/service";
import { openSignatureRequest, signablePageCount } from "../signatures/requests/create";
import { cancelRequestIn } from "../signatures/requests/sign";
import { getTemplate, renderTemplatePdf } from "../templates/index";
import { listUsers } from "../users/repo";
import { loadCategory, loadVisibleDocument, maySeeDocument } from "./access";
import { effectiveDateOf } from "./numbering";
import * as repo from "./repo";
import { documentAcknowledged, documentAcknowledgementRequired } from "./events";
import { defineJob, enqueue } from "../jobs/define";

/**
 * Distribution: the IP manager requires the people of named departments (and their
 * sub-departments) to acknowledge the effective revision of a policy, procedure or regulation.
 * Each person gets a policy acknowledgement (方针确认书) to e-sign with meaning 确认; people already
 * asked for this revision are not asked twice, and people not cleared for the document (nor
 * granted it by name) are named in the answer instead of asked. A new revision starts a new round
 * ({@link reopenAcknowledgements}).
 */
export async function requireAcknowledgement(ctx: ServiceContext, documentId: string, input: { departmentIds: string[]; dueAt?: string }) {
  requireRole(ctx, "ip-manager", "admin");
  const { doc } = await loadVisibleDocument(ctx, documentId);
  const category = await loadCategory(ctx, doc.categoryId);
  if (!category.acknowledgeable) throw new DomainError("INVALID_STATE", `Documents of category “${category.name}” are not distributed for acknowledgement.`);
  if (!doc.effectiveRevisionId) throw new DomainError("INVALID_STATE", "Only an effective revision can be distributed for acknowledgement.");
  const revision = (await repo.findRevision(ctx.db, doc.effectiveRevisionId))!;
  const departments = await listDepartments(ctx.db);
  const unknown = input.departmentIds.filter((id) => !departments.some((d) => d.id === id));
  if (unknown.length) throw new DomainError("INVALID_REFERENCE", "Some departments do not exist.", { departmentIds: unknown });
  return inTransaction(ctx, (t) => distribute(t, doc, revision, { departmentIds: input.departmentIds, dueAt: input.dueAt ? new Date(input.dueAt) : null, requestedBy: t.actor.userId! }));
}

/** Asks the people of the departments (and sub-departments) to acknowledge `revision`, in the caller's transaction. */
async function distribute(
  t: TxContext,
  doc: DocumentRow,
  revision: DocumentRevisionRow,
  input: { departmentIds: string[]; dueAt: Date | null; requestedBy: string },
) {
  const departments = await listDepartments(t.db);
  const included = new Set(input.departmentIds);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of departments) if (d.parentId && included.has(d.parentId) && !included.has(d.id)) (included.add(d.id), (grew = true));
  }
  const already = new Set((await repo.listAcknowledgements(t.db, revision.id)).map((a) => a.ack.userId));
  const candidates = (await listUsers(t.db)).filter((u) => u.active && u.departmentId && included.has(u.departmentId) && !already.has(u.id));
  const people: typeof candidates = [];
  const notCleared: string[] = [];
  for (const u of candidates) {
    if (await maySeeDocument(t, principalOf(u), doc.id)) people.push(u);
    else notCleared.push(u.displayName);
  }
  const template = await getTemplate("policy-acknowledgement");
  const organisation = await getOrganisationProfile(t.db);
  const deptName = new Map(departments.map((d) => [d.id, d.name]));
  for (const person of people) {
    const pdf = await renderTemplatePdf(
      template,
      {
        employeeName: person.displayName,
        department: deptName.get(person.departmentId!)!,
        position: person.position ?? "（未登记 not recorded）",
        policyTitle: doc.title,
        policyNumber: doc.number,
        policyRevision: revision.label,
        policyEffectiveDate: effectiveDateOf(revision)!,
      },
      { organisation, createdAt: t.clock.now() },
    );
    const put = await t.storage.put(pdf);
    await ensureBlob(t.db, put.sha256, put.size, t.clock.now());
    const ackId = newId("ack");
    const request = await openSignatureRequest(t, {
      title: `方针确认 ${doc.number} ${doc.title} ${revision.label}`,
      classification: doc.classification as Classification,
      pdfSha256: put.sha256,
      pageCount: signablePageCount(pdf),
      sourceKind: "document-acknowledgement",
      sourceId: ackId,
      template: { id: template.id, revision: template.revision, values: {} },
      subjectUserId: person.id,
      dueAt: input.dueAt,
      signers: [{ userId: person.id, meaning: "acknowledged", visibleStamp: true }],
      requestedBy: input.requestedBy,
    });
    await repo.insertAcknowledgement(t.db, {
      id: ackId,
      documentId: doc.id,
      revisionId: revision.id,
      userId: person.id,
      departmentId: person.departmentId!,
      signatureRequestId: request.id,
      requestedBy: input.requestedBy,
      requestedAt: t.clock.now(),
      acknowledgedAt: null,
    });
  }
  audit(t, documentAcknowledgementRequired, doc.id, { revisionId: revision.id, label: revision.label, departmentIds: input.departmentIds, people: people.length, notCleared });
  return { revisionId: revision.id, requested: people.length, alreadyAsked: already.size, notCleared };
}


/** Withdraws the acknowledgement requests still pending for a revision (in the caller's transaction). */
async function withdrawPending(t: TxContext, revisionId: string, reason: string): Promise<void> {
  for (const { ack } of await repo.listAcknowledgements(t.db, revisionId)) {
    if (ack.acknowledgedAt) continue;
    const [request] = await t.db.select({ status: signatureRequests.status }).from(signatureRequests).where(eq(signatureRequests.id, ack.signatureRequestId));
    if (request?.status === "pending") await cancelRequestIn(t, ack.signatureRequestId, reason);
  }
}

/**
 * A new revision came into force (inside that transaction): acknowledgements still pending for the
 * revision it supersedes are withdrawn now, and a background job asks the departments that were
 * asked then again for the new one (rendering one PDF per person is not done in the approver's
 * signing transaction, nor does it need anyone signed in).
 */
export async function reopenAcknowledgements(t: TxContext, doc: DocumentRow, previous: DocumentRevisionRow, next: DocumentRevisionRow): Promise<void> {
  if ((await repo.listAcknowledgements(t.db, previous.id)).length === 0) return;
  await withdrawPending(t, previous.id, `${previous.label} 版已被 ${next.label} 版替代 (superseded by ${next.label})`);
  await enqueue(t, acknowledgementReopenJob, { documentId: doc.id, previousRevisionId: previous.id, revisionId: next.id }, { dedupeKey: `acknowledgement-reopen:${next.id}` });
}

/** The document was withdrawn: nobody is asked any more to acknowledge it (in the caller's transaction). */
export async function withdrawAcknowledgements(t: TxContext, revisionId: string, reason: string): Promise<void> {
  await withdrawPending(t, revisionId, `文件已作废 (withdrawn): ${reason}`);
}

/**
 * The job: the departments named when the previous revision was distributed (as its audit events
 * record them) are asked to acknowledge the revision now in force, in the name of whoever asked
 * last time. Nothing happens if that revision is no longer in force.
 */
export async function runAcknowledgementReopen(ctx: ServiceContext, payload: { documentId: string; previousRevisionId: string; revisionId: string }) {
  return inTransaction(ctx, async (t) => {
    const doc = await repo.findDocument(t.db, payload.documentId, true);
    if (!doc || doc.effectiveRevisionId !== payload.revisionId) return { asked: 0, skipped: "no longer in force" };
    const revision = (await repo.findRevision(t.db, payload.revisionId))!;
    const earlier = await repo.listAcknowledgements(t.db, payload.previousRevisionId);
    if (earlier.length === 0) return { asked: 0 };
    const rounds = (await queryEvents(t.db, { objectType: "document", objectId: doc.id, action: "document.acknowledgement_required", limit: 1000 })).filter(
      (e) => (e.data as { revisionId?: string }).revisionId === payload.previousRevisionId,
    );
    const existing = new Set((await listDepartments(t.db)).map((d) => d.id));
    const named = rounds.flatMap((e) => (e.data as { departmentIds?: string[] }).departmentIds ?? []);
    const departmentIds = [...new Set(named.length ? named : earlier.map((e) => e.ack.departmentId).filter((d): d is string => !!d))].filter((d) => existing.has(d));
    const requestedBy = earlier.sort((a, b) => b.ack.requestedAt.getTime() - a.ack.requestedAt.getTime())[0]!.ack.requestedBy;
    const result = await distribute(t, doc, revision, { departmentIds, dueAt: null, requestedBy });
    return { asked: result.requested, notCleared: result.notCleared.length };
  });
}

/** The person signed their acknowledgement. */
export async function onAcknowledged(t: TxContext, request: SignatureRequestRow): Promise<void> {
  const ack = await repo.findAcknowledgementByRequest(t.db, request.id);
  if (!ack) return;
  await repo.markAcknowledged(t.db, ack.id, t.clock.now());
  audit(t, documentAcknowledged, ack.documentId, { revisionId: ack.revisionId, userId: ack.userId, signatureRequestId: request.id });
}

/** Who has and has not acknowledged the effective revision. */
export async function acknowledgementStatus(ctx: ServiceContext, documentId: string) {
  const { doc } = await loadVisibleDocument(ctx, documentId);
  if (!doc.effectiveRevisionId) return { revisionId: null, acknowledged: [], pending: [] };
  const rows = await repo.listAcknowledgements(ctx.db, doc.effectiveRevisionId);
  const view = rows.map((r) => ({
    userId: r.ack.userId,
    displayName: r.displayName,
    department: r.departmentName,
    requestedAt: r.ack.requestedAt,
    acknowledgedAt: r.ack.acknowledgedAt,
    signatureRequestId: r.ack.signatureRequestId,
  }));
  return {
    revisionId: doc.effectiveRevisionId,
    acknowledged: view.filter((v) => v.acknowledgedAt),
    pending: view.filter((v) => !v.acknowledgedAt),
  };
}

/** The background job that asks again, for a revision that came into force, the departments asked for the one it superseded. */
export const acknowledgementReopenJob = defineJob({
  kind: "acknowledgement-reopen",
  payload: z.object({ documentId: z.string(), previousRevisionId: z.string(), revisionId: z.string() }),
  run: ({ ctx, payload }) => runAcknowledgementReopen(ctx, payload),
});
