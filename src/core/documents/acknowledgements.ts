import type { SignatureRequestRow } from "../../db/schema/signatures";
import { newId } from "../../lib/ids";
import { appendAuditEvent } from "../audit/service";
import { requireRole } from "../auth/guard";
import type { Classification } from "../auth/permissions";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError } from "../errors";
import { ensureBlob } from "../files/repo";
import { listDepartments } from "../organisation/repo";
import { getOrganisationProfile } from "../organisation/service";
import { openSignatureRequest, signablePageCount } from "../signatures/requests/create";
import { getTemplate, renderTemplatePdf } from "../templates/index";
import { listUsers } from "../users/repo";
import { loadCategory, loadVisibleDocument } from "./access";
import { effectiveDateOf } from "./numbering";
import * as repo from "./repo";

/**
 * Distribution: the IP manager requires the people of named departments (and their
 * sub-departments) to acknowledge the effective revision of a policy, procedure or regulation.
 * Each person gets a policy acknowledgement (方针确认书) to e-sign with meaning 确认; people already
 * asked for this revision are not asked twice. A new revision starts a new round.
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
  const included = new Set(input.departmentIds);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of departments) if (d.parentId && included.has(d.parentId) && !included.has(d.id)) (included.add(d.id), (grew = true));
  }
  const already = new Set((await repo.listAcknowledgements(ctx.db, revision.id)).map((a) => a.ack.userId));
  const people = (await listUsers(ctx.db)).filter((u) => u.active && u.departmentId && included.has(u.departmentId) && !already.has(u.id));
  const template = await getTemplate("policy-acknowledgement");
  const organisation = await getOrganisationProfile(ctx.db);
  const deptName = new Map(departments.map((d) => [d.id, d.name]));
  const prepared: { userId: string; departmentId: string; sha256: string; pages: number }[] = [];
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
      { organisation, createdAt: ctx.clock.now() },
    );
    const put = await ctx.storage.put(pdf);
    prepared.push({ userId: person.id, departmentId: person.departmentId!, sha256: put.sha256, pages: signablePageCount(pdf) });
    await ensureBlob(ctx.db, put.sha256, put.size, ctx.clock.now());
  }
  return inTransaction(ctx, async (t) => {
    for (const item of prepared) {
      const ackId = newId("ack");
      const request = await openSignatureRequest(t, {
        title: `方针确认 ${doc.number} ${doc.title} ${revision.label}`,
        classification: doc.classification as Classification,
        pdfSha256: item.sha256,
        pageCount: item.pages,
        sourceKind: "document-acknowledgement",
        sourceId: ackId,
        template: { id: template.id, revision: template.revision, values: {} },
        subjectUserId: item.userId,
        dueAt: input.dueAt ? new Date(input.dueAt) : null,
        signers: [{ userId: item.userId, meaning: "acknowledged", visibleStamp: true }],
      });
      await repo.insertAcknowledgement(t.db, {
        id: ackId,
        documentId,
        revisionId: revision.id,
        userId: item.userId,
        departmentId: item.departmentId,
        signatureRequestId: request.id,
        requestedBy: t.actor.userId!,
        requestedAt: t.clock.now(),
        acknowledgedAt: null,
      });
    }
    await appendAuditEvent(t.db, t, {
      action: "document.acknowledgement_required",
      objectType: "document",
      objectId: documentId,
      data: { revisionId: revision.id, label: revision.label, departmentIds: input.departmentIds, people: prepared.length },
    });
    return { revisionId: revision.id, requested: prepared.length, alreadyAsked: already.size };
  });
}

/** The person signed their acknowledgement. */
export async function onAcknowledged(t: TxContext, request: SignatureRequestRow): Promise<void> {
  const ack = await repo.findAcknowledgementByRequest(t.db, request.id);
  if (!ack) return;
  await repo.markAcknowledged(t.db, ack.id, t.clock.now());
  await appendAuditEvent(t.db, t, {
    action: "document.acknowledged",
    objectType: "document",
    objectId: ack.documentId,
    data: { revisionId: ack.revisionId, userId: ack.userId, signatureRequestId: request.id },
  });
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
