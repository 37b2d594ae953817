import type { DestructionRecordRow, DisposalRow, RecordRow } from "../../db/schema/records";
import { newId } from "../../lib/ids";
import { queryEvents } from "../audit/repo";
import { audit } from "../audit/service";
import { requireRole } from "../auth/guard";
import { CLASSIFICATIONS, classificationRank, clearedFor, hasRole, visibleClassifications, type Classification } from "../auth/permissions";
import { requireReauth } from "../auth/service";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError, notFound } from "../errors";
import { getOrganisationProfile } from "../organisation/service";
import { findUser, listUsers } from "../users/repo";
import { ensureBlob } from "../files/repo";
import { disposalPolicy, recordVisibility, requireVisibleRecords } from "./access";
import { findVisible } from "../access/policy";
import { chinaDay, today } from "./dates";
import { insertDeclaredRecord, paperLocation } from "./declare";
import * as drepo from "./disposal-repo";
import { holdsCovering } from "./holds";
import { checkContentNatures } from "./natures";
import { renderReportPdf, type ReportSection } from "./report-pdf";
import * as repo from "./repo";
import type { DecideDisposalInput, ProposeDisposalInput } from "./schemas";
import { BUILT_IN_CLASS, HOLD_READ_ROLES } from "./vocabulary";
import { zipStream, type ZipEntry } from "./zip-stream";
import { disposalCancelled, disposalCompleted, disposalCopiesFound, disposalExecuted, disposalProposed, recordDestroyed, recordTransferred } from "./events";
import { disposalApproved, disposalPackageDownloaded, disposalRejected } from "./events";
import { z } from "zod";
import { defineJob, enqueue } from "../jobs/define";

/** The two approvals a disposal needs. */
export const APPROVER_ROLES = ["ip-manager", "legal"] as const;
type ApproverRole = (typeof APPROVER_ROLES)[number];

const highest = (levels: string[]): Classification =>
  CLASSIFICATIONS[Math.max(0, ...levels.map((l) => classificationRank(l as Classification)))]!;

/**
 * The disposal list: active records the caller may see whose due date has come (today in China
 * Standard Time), with their class's disposition, the holds that block them and any open disposal
 * they are already in.
 */
export async function listDueRecords(ctx: ServiceContext) {
  const p = requireRole(ctx, ...HOLD_READ_ROLES);
  const { rows } = await repo.searchRecords(
    ctx.db,
    [...repo.recordQueryConditions({ status: "active", dueBefore: today(ctx.clock) }), ...recordVisibility(p)],
    { limit: 5000, offset: 0 },
  );
  const ids = rows.map((r) => r.record.id);
  const holds = await holdsCovering(ctx.db, ids);
  const open = new Map((await drepo.findOpenDisposalsOf(ctx.db, ids)).map((o) => [o.recordId, o.number]));
  return rows
    .map((r) => ({
      ...r,
      holds: (holds.get(r.record.id) ?? []).map((h) => ({ id: h.id, matter: h.matter })),
      inDisposal: open.get(r.record.id) ?? null,
    }))
    .sort((a, b) => (a.record.dueOn ?? "").localeCompare(b.record.dueOn ?? ""));
}

/** Checks, in the caller's transaction with the records locked, that each may be disposed of now. */
async function checkDisposable(t: TxContext, rows: RecordRow[], action: "destroy" | "transfer", disposalId?: string): Promise<void> {
  const day = today(t.clock);
  const classes = new Map((await repo.listClasses(t.db)).map((c) => [c.id, c]));
  for (const r of rows) {
    if (r.status !== "active") throw new DomainError("INVALID_STATE", `Record ${r.number} is already ${r.status}.`, { recordId: r.id });
    const cls = classes.get(r.classId)!;
    if (cls.disposition === "permanent" || !r.dueOn) {
      throw new DomainError("NOT_DUE", `Record ${r.number} has no due date (${cls.disposition === "permanent" ? "kept permanently" : "its retention trigger has not happened yet"}); it cannot be disposed of.`, { recordId: r.id });
    }
    if (r.dueOn > day) throw new DomainError("NOT_DUE", `Record ${r.number} is kept until ${r.dueOn}; it cannot be disposed of before then.`, { recordId: r.id, dueOn: r.dueOn });
    const allowed = cls.disposition === "review" || cls.disposition === action;
    if (!allowed) {
      throw new DomainError("VALIDATION_FAILED", `Record ${r.number}'s class ${cls.code} says “${cls.disposition}” at the end of retention, not “${action}”.`, { recordId: r.id });
    }
  }
  const holds = await holdsCovering(t.db, rows.map((r) => r.id));
  const held = rows.find((r) => holds.has(r.id));
  if (held) {
    throw new DomainError(
      "UNDER_LEGAL_HOLD",
      `Record ${held.number} is under legal hold (${holds.get(held.id)!.map((h) => h.matter).join("; ")}); it cannot be disposed of until the hold is released.`,
      { recordId: held.id, holdIds: holds.get(held.id)!.map((h) => h.id) },
    );
  }
  const open = await drepo.findOpenDisposalsOf(t.db, rows.map((r) => r.id), disposalId);
  if (open[0]) throw new DomainError("CONFLICT", `Record ${rows.find((r) => r.id === open[0]!.recordId)!.number} is already in disposal ${open[0].number}.`);
  if (action === "destroy") {
    const ids = rows.map((r) => r.id);
    for (const r of rows) {
      if (!r.contentSha256) continue;
      const keepers = await drepo.listKeepersOfBlob(t.db, r.contentSha256, ids);
      if (keepers[0]) {
        throw new DomainError("IN_USE", `The content of record ${r.number} is also the content of record ${keepers[0].number}, which is kept longer; destroy them together or not at all.`, { recordId: r.id });
      }
      const revisions = await drepo.listRevisionsUsingBlob(t.db, r.contentSha256);
      if (revisions[0]) {
        throw new DomainError("IN_USE", `The content of record ${r.number} is a revision of a controlled document, which is kept under document control; withdraw it there.`, { recordId: r.id });
      }
    }
  }
}

/**
 * Proposes destroying or transferring due records (IP manager). Refused with a clear error when a
 * record is not due yet (NOT_DUE), under legal hold (UNDER_LEGAL_HOLD), kept permanently, already
 * in another disposal, or shares its content with a record kept longer.
 */
export async function proposeDisposal(ctx: ServiceContext, input: ProposeDisposalInput): Promise<DisposalRow> {
  const p = requireRole(ctx, "ip-manager");
  if (input.action === "transfer" && !input.recipient) {
    throw new DomainError("VALIDATION_FAILED", "Name the archive or organisation that receives the transferred records.", { field: "recipient" });
  }
  await requireVisibleRecords(ctx, input.recordIds);
  return inTransaction(ctx, async (t) => {
    const rows = await repo.findRecordsByIds(t.db, [...new Set(input.recordIds)], true);
    await checkDisposable(t, rows, input.action);
    const now = t.clock.now();
    const seq = await drepo.nextDisposalSeq(t.db);
    const disposal: DisposalRow = {
      id: newId("dsp"),
      number: `D${today(t.clock).slice(0, 4)}-${String(seq).padStart(4, "0")}`,
      action: input.action,
      status: "pending",
      reason: input.reason,
      recipient: input.recipient ?? null,
      classification: highest(rows.map((r) => r.classification)),
      proposedBy: p.id,
      proposedAt: now,
      executedBy: null,
      executedAt: null,
      completedAt: null,
      certificateRecordId: null,
      exportSha256: null,
      closedReason: null,
      updatedAt: now,
    };
    await drepo.insertDisposal(t.db, disposal, rows.map((r) => r.id));
    audit(t, disposalProposed, disposal.id, { number: disposal.number, action: disposal.action, reason: disposal.reason, recipient: disposal.recipient, records: rows.map((r) => ({ id: r.id, number: r.number, dueOn: r.dueOn })) });
    return disposal;
  });
}

/** A disposal the caller may see (the disposal policy: every record it covers visible to them), else NOT_FOUND. */
async function loadVisibleDisposal(ctx: ServiceContext, id: string): Promise<DisposalRow> {
  const p = requireRole(ctx, ...HOLD_READ_ROLES);
  const d = await findVisible(ctx.db, disposalPolicy, p, id);
  if (!d) throw notFound("The disposal");
  return d;
}

export async function listDisposals(ctx: ServiceContext) {
  const p = requireRole(ctx, ...HOLD_READ_ROLES);
  return drepo.listDisposals(ctx.db, disposalPolicy.rule(p));
}

/** A disposal with its records, approvals, destruction records and purge state. */
export async function getDisposal(ctx: ServiceContext, id: string) {
  const d = await loadVisibleDisposal(ctx, id);
  const p = ctx.principal!;
  const ids = await drepo.listDisposalRecordIds(ctx.db, id);
  const approvals = await drepo.listApprovals(ctx.db, id);
  const proposer = await findUser(ctx.db, d.proposedBy);
  const decided = new Set(approvals.map((a) => a.role));
  const myRoles = APPROVER_ROLES.filter((r) => hasRole(p, r) && !decided.has(r));
  const pending = d.status === "pending";
  return {
    disposal: d,
    proposedByName: proposer?.displayName ?? d.proposedBy,
    records: await repo.listRecordRows(ctx.db, ids),
    approvals,
    destructions: await drepo.listDestructionRecords(ctx.db, id),
    purges: await drepo.listPurges(ctx.db, id),
    mayDecide: pending && d.proposedBy !== p.id && myRoles.length > 0 && !approvals.some((a) => a.userId === p.id),
    isProposer: d.proposedBy === p.id,
    otherApprovers: pending ? await possibleApprovers(ctx, d, approvals) : [],
    mayCancel: d.status === "pending" && (d.proposedBy === p.id || hasRole(p, "ip-manager")),
  };
}

/**
 * For each approval a pending disposal still needs, the active people who could give it: holding
 * the role, cleared for the disposal's classification, not its proposer and not already decided.
 * An empty list for a role means nobody can: the page says an admin must grant the role.
 */
async function possibleApprovers(ctx: ServiceContext, d: DisposalRow, approvals: { role: string; userId: string }[]) {
  const decided = new Set(approvals.map((a) => a.role));
  const deciders = new Set(approvals.map((a) => a.userId));
  const users = (await listUsers(ctx.db)).filter(
    (u) => u.active && u.id !== d.proposedBy && !deciders.has(u.id) && clearedFor(u.clearance as Classification, d.classification as Classification),
  );
  return APPROVER_ROLES.filter((r) => !decided.has(r)).map((role) => ({
    role,
    people: users.filter((u) => (u.roles as string[]).includes(role)).map((u) => ({ id: u.id, displayName: u.displayName })),
  }));
}

/** Cancels a pending disposal (its proposer or an IP manager), with a reason. */
export async function cancelDisposal(ctx: ServiceContext, id: string, reason: string): Promise<void> {
  const p = requireRole(ctx, "ip-manager", "legal");
  await loadVisibleDisposal(ctx, id);
  if (!reason.trim()) throw new DomainError("VALIDATION_FAILED", "Say why the disposal is cancelled.", { field: "reason" });
  await inTransaction(ctx, async (t) => {
    const d = (await drepo.findDisposal(t.db, id, true))!;
    if (d.status !== "pending") throw new DomainError("INVALID_STATE", `The disposal is ${d.status}; only a pending one can be cancelled.`);
    if (d.proposedBy !== p.id && !hasRole(p, "ip-manager")) throw new DomainError("FORBIDDEN", "Only the proposer or an IP manager can cancel a disposal.");
    await drepo.updateDisposal(t.db, id, { status: "cancelled", closedReason: reason, updatedAt: t.clock.now() });
    audit(t, disposalCancelled, id, { reason });
  });
}

/**
 * An approval (or rejection) by an IP manager or legal, confirmed with the person's own password.
 * Never by the disposal's proposer (OWN_PROPOSAL, whatever roles they hold, admins too): the
 * IP-manager approval then comes from another IP manager. One decision per role, by two different people; the disposal row is locked, so two people
 * approving for the same role at the same moment cannot both succeed (the second gets CONFLICT).
 * The second approval executes the disposal in the same transaction (records re-checked: due, not
 * held); the bytes are deleted and the certificate made right after commit.
 */
export async function decideDisposal(ctx: ServiceContext, id: string, input: DecideDisposalInput) {
  const p = requireRole(ctx, ...APPROVER_ROLES);
  const proposal = await loadVisibleDisposal(ctx, id);
  if (proposal.proposedBy === p.id) {
    throw new DomainError("OWN_PROPOSAL", "You proposed this disposal, so you cannot approve or reject it: another IP manager and legal decide (cancel it if you no longer want it).");
  }
  await requireReauth(ctx, input.password);
  const outcome = await inTransaction(ctx, async (t) => {
    const d = (await drepo.findDisposal(t.db, id, true))!;
    if (d.status !== "pending") throw new DomainError("CONFLICT", `The disposal is already ${d.status}.`);
    const approvals = await drepo.listApprovals(t.db, id);
    if (approvals.some((a) => a.userId === p.id)) {
      throw new DomainError("CONFLICT", "You have decided on this disposal already; the other approval must come from someone else.");
    }
    const decided = new Set(approvals.map((a) => a.role));
    const role = APPROVER_ROLES.find((r) => hasRole(p, r) && !decided.has(r)) as ApproverRole | undefined;
    if (!role) {
      throw new DomainError("CONFLICT", `The ${APPROVER_ROLES.filter((r) => hasRole(p, r)).join(" and ")} decision on this disposal has been given already.`);
    }
    const now = t.clock.now();
    await drepo.insertApproval(t.db, { id: newId("dap"), disposalId: id, role, userId: p.id, decision: input.decision, comment: input.comment ?? null, decidedAt: now });
    audit(t, input.decision === "approved" ? disposalApproved : disposalRejected, id, { role, comment: input.comment ?? null });
    if (input.decision === "rejected") {
      await drepo.updateDisposal(t.db, id, { status: "rejected", closedReason: input.comment ?? `rejected by ${role}`, updatedAt: now });
      return { executed: false };
    }
    if (decided.size + 1 < APPROVER_ROLES.length) return { executed: false };
    await executeDisposal(t, d);
    return { executed: true };
  });
  if (outcome.executed) {
    await completeDisposal(ctx, id).catch((err) =>
      ctx.logger.error("disposal completion deferred to the job queue", { disposalId: id, error: err instanceof Error ? err.message : String(err) }),
    );
  }
  return getDisposal(ctx, id);
}

/** A record's metadata as it stands: what a destruction record keeps and a transfer package carries. */
async function metadataSnapshot(db: TxContext["db"] | ServiceContext["db"], r: RecordRow) {
  const cls = (await repo.findClass(db, r.classId))!;
  const links = await repo.listLinks(db, [r.id]);
  const external = await repo.findExternalDocument(db, r.id);
  const { searchText: _s, ...record } = r;
  return {
    record,
    class: { code: cls.code, name: cls.name, nameEn: cls.nameEn, clause: cls.clause, retentionAmount: cls.retentionAmount, retentionUnit: cls.retentionUnit, trigger: cls.trigger, disposition: cls.disposition },
    links: links.map((l) => ({ kind: l.kind, targetId: l.targetId, label: l.label })),
    external: external ?? null,
    paper: paperLocation({ room: r.paperRoom, cabinet: r.paperCabinet, box: r.paperBox }),
  };
}

/** Marks the records destroyed (or transferred), writes the destruction records and the purge list. */
async function executeDisposal(t: TxContext, d: DisposalRow): Promise<void> {
  const ids = await drepo.listDisposalRecordIds(t.db, d.id);
  const rows = await repo.findRecordsByIds(t.db, ids, true);
  await checkDisposable(t, rows, d.action as "destroy" | "transfer", d.id);
  const now = t.clock.now();
  const approvals = (await drepo.listApprovals(t.db, d.id)).map((a) => ({ role: a.role, userId: a.userId, name: a.name, decidedAt: a.decidedAt }));
  await drepo.updateDisposal(t.db, d.id, { status: "executing", executedBy: t.actor.userId, executedAt: now, updatedAt: now });
  const classes = new Map((await repo.listClasses(t.db)).map((c) => [c.id, c]));
  if (d.action === "destroy") {
    const destructions: DestructionRecordRow[] = [];
    const purge = new Set<string>();
    for (const r of rows) {
      const cls = classes.get(r.classId)!;
      destructions.push({
        id: newId("dst"),
        disposalId: d.id,
        recordId: r.id,
        recordNumber: r.number,
        title: r.title,
        classCode: cls.code,
        clause: cls.clause,
        classification: r.classification,
        contentSha256: r.contentSha256,
        contentSize: r.contentSize,
        dueOn: r.dueOn!,
        approvals,
        metadata: await metadataSnapshot(t.db, r),
        storage: t.storage.kind,
        destroyedBy: t.actor.userId!,
        destroyedAt: now,
      });
      if (r.contentSha256) {
        purge.add(r.contentSha256);
        // a signed result's renewed versions (archive time stamps) are the same content
        for (const sha of await drepo.listArchiveVersions(t.db, r.contentSha256)) purge.add(sha);
      }
      const requestId = await drepo.findProducingRequestId(t.db, r);
      if (requestId) {
        for (const sha of await drepo.listRequestBlobs(t.db, requestId)) {
          const keepers = await drepo.listKeepersOfBlob(t.db, sha, ids);
          const revisions = await drepo.listRevisionsUsingBlob(t.db, sha);
          if (keepers.length === 0 && revisions.length === 0) {
            purge.add(sha);
            for (const renewed of await drepo.listArchiveVersions(t.db, sha)) purge.add(renewed);
          }
        }
      }
      await repo.updateRecord(t.db, r.id, { status: "destroyed", disposedAt: now, updatedAt: now });
      audit(t, recordDestroyed, r.id, { disposalId: d.id, disposal: d.number, contentSha256: r.contentSha256, dueOn: r.dueOn });
    }
    await drepo.insertDestructionRecords(t.db, destructions);
    await drepo.insertPurges(t.db, [...purge].map((sha256) => ({ sha256, disposalId: d.id, requestedAt: now, purgedAt: null, storageKind: null })));
  } else {
    for (const r of rows) {
      await repo.updateRecord(t.db, r.id, { status: "transferred", disposedAt: now, updatedAt: now });
      audit(t, recordTransferred, r.id, { disposalId: d.id, disposal: d.number, recipient: d.recipient });
    }
  }
  audit(t, disposalExecuted, d.id, { action: d.action, records: rows.map((r) => r.number), approvals: approvals.map((a) => ({ role: a.role, userId: a.userId })) });
  // if this process stops before the bytes are gone and the certificate is made, the queue finishes it
  await enqueue(t, disposalCompleteJob, { disposalId: d.id }, { runAt: new Date(now.getTime() + 60_000), dedupeKey: `disposal-complete:${d.id}` });
}

const fmtTime = (d: Date | string | null) => (d ? `${new Date(new Date(d).getTime() + 8 * 3_600_000).toISOString().replace("T", " ").slice(0, 19)} (UTC+8)` : "—");

/** The certificate (destruction) or transfer list as a bilingual PDF. */
async function renderCertificate(ctx: ServiceContext, d: DisposalRow): Promise<Uint8Array> {
  const organisation = await getOrganisationProfile(ctx.db);
  const approvals = await drepo.listApprovals(ctx.db, d.id);
  const proposer = await findUser(ctx.db, d.proposedBy);
  const executor = d.executedBy ? await findUser(ctx.db, d.executedBy) : undefined;
  const destroy = d.action === "destroy";
  const sections: ReportSection[] = [
    {
      heading: { zh: "处置", en: "Disposal" },
      fields: [
        { label: { zh: "处置单号", en: "Disposal number" }, value: d.number },
        { label: { zh: "处置方式", en: "Action" }, value: destroy ? "销毁 Destruction" : `移交 Transfer → ${d.recipient}` },
        { label: { zh: "理由", en: "Reason" }, value: d.reason },
        { label: { zh: "提出人", en: "Proposed by" }, value: `${proposer?.displayName ?? d.proposedBy} · ${fmtTime(d.proposedAt)}` },
        ...approvals.map((a) => ({
          label: a.role === "legal" ? { zh: "法务批准", en: "Approved (legal)" } : { zh: "知识产权管理者批准", en: "Approved (IP manager)" },
          value: `${a.name} · ${fmtTime(a.decidedAt)}${a.comment ? ` · ${a.comment}` : ""}（经本人密码确认 confirmed with own password）`,
        })),
        { label: { zh: "执行时间", en: "Executed" }, value: `${executor?.displayName ?? "—"} · ${fmtTime(d.executedAt)}` },
      ],
    },
  ];
  if (destroy) {
    const destructions = await drepo.listDestructionRecords(ctx.db, d.id);
    const purges = await drepo.listPurges(ctx.db, d.id);
    sections.push({
      heading: { zh: "销毁的记录", en: "Records destroyed" },
      table: {
        columns: [
          { zh: "档号", en: "No." },
          { zh: "题名", en: "Title" },
          { zh: "类别/条款", en: "Class" },
          { zh: "到期", en: "Due" },
          { zh: "内容 SHA-256", en: "Content" },
        ],
        widths: [2.2, 4, 2.2, 1.8, 5],
        rows: destructions.map((x) => [x.recordNumber, x.title, `${x.classCode} (${x.clause})`, x.dueOn, x.contentSha256 ? `${x.contentSha256} · ${x.contentSize} B` : "纸质 paper"]),
      },
    });
    sections.push({
      heading: { zh: "存储删除确认", en: "Deletion from storage" },
      table: {
        columns: [
          { zh: "SHA-256", en: "Blob" },
          { zh: "存储", en: "Store" },
          { zh: "确认删除时间", en: "Confirmed gone" },
        ],
        widths: [6, 1.5, 3],
        rows: purges.map((x) => [x.sha256, x.storageKind ?? "—", fmtTime(x.purgedAt)]),
      },
      paragraphs: [
        "上述记录的电子内容（含签署过程中的各版本）已从存储中删除，并经再次读取确认不存在；记录的元数据、审计事件及本证明永久保存。",
        "The electronic content of the records above (with every version made while it was signed) was deleted from storage and confirmed absent by reading it back; the records' metadata, audit events and this certificate are kept permanently.",
      ],
    });
  } else {
    const rows = await repo.listRecordRows(ctx.db, await drepo.listDisposalRecordIds(ctx.db, d.id));
    sections.push({
      heading: { zh: "移交的记录", en: "Records transferred" },
      table: {
        columns: [
          { zh: "档号", en: "No." },
          { zh: "题名", en: "Title" },
          { zh: "类别", en: "Class" },
          { zh: "内容 SHA-256", en: "Content" },
        ],
        widths: [2.2, 4.5, 2.2, 5],
        rows: rows.map((r) => [r.record.number, r.record.title, `${r.classCode} (${r.clause})`, r.record.contentSha256 ?? "纸质 paper"]),
      },
      paragraphs: ["移交包（内容及元数据）见处置单所附 zip 文件。The transfer package (content and metadata) is the zip attached to the disposal."],
    });
  }
  return renderReportPdf({
    title: destroy ? { zh: "档案销毁证明", en: "Certificate of Destruction" } : { zh: "档案移交清单", en: "Transfer List" },
    organisation,
    headerLine: `${d.number} · GB/T 29490 4.3.2.2 · Custos`,
    sections,
    createdAt: d.executedAt ?? ctx.clock.now(),
    keywords: [d.number, "4.3.2.2"],
  });
}

/** The transfer package: every record's content and metadata, the list, a manifest. */
async function buildTransferPackage(ctx: ServiceContext, d: DisposalRow, listPdf: Uint8Array): Promise<{ sha256: string; size: number }> {
  const ids = await drepo.listDisposalRecordIds(ctx.db, d.id);
  const rows = await repo.findRecordsByIds(ctx.db, ids);
  const views: (Awaited<ReturnType<typeof metadataSnapshot>> & { history: unknown[] })[] = [];
  for (const r of rows) {
    const history = await queryEvents(ctx.db, { objectType: "record", objectId: r.id, limit: 1000 });
    views.push({ ...(await metadataSnapshot(ctx.db, r)), history: history.map((e) => ({ seq: e.seq, at: e.occurredAt, actor: e.actorLabel, action: e.action, data: e.data, hash: e.hash })) });
  }
  const manifest = {
    disposal: { number: d.number, recipient: d.recipient, reason: d.reason, executedAt: d.executedAt, approvals: await drepo.listApprovals(ctx.db, d.id) },
    organisation: await getOrganisationProfile(ctx.db),
    records: rows.map((r) => ({ number: r.number, title: r.title, contentSha256: r.contentSha256, size: r.contentSize, path: r.contentSha256 ? `${r.number}/${r.contentFilename ?? "content"}` : null })),
  };
  const storage = ctx.storage;
  async function* entries(): AsyncIterable<ZipEntry> {
    yield { name: "manifest.json", data: new TextEncoder().encode(JSON.stringify(manifest, null, 2)) };
    yield { name: "transfer-list.pdf", data: listPdf };
    for (const view of views) {
      const r = view.record;
      yield { name: `${r.number}/metadata.json`, data: new TextEncoder().encode(JSON.stringify(view, null, 2)) };
      if (r.contentSha256) {
        const fixity = await storage.verify(r.contentSha256);
        if (!fixity.ok) throw new DomainError("INTEGRITY_FAILURE", `The content of record ${r.number} no longer matches its hash; it was not exported.`);
        yield { name: `${r.number}/${r.contentFilename ?? "content"}`, data: (await storage.get(r.contentSha256)) as unknown as AsyncIterable<Uint8Array> };
      }
    }
  }
  const put = await ctx.storage.put(zipStream(entries(), d.executedAt ?? ctx.clock.now()));
  await ensureBlob(ctx.db, put.sha256, put.size, ctx.clock.now());
  return put;
}

/**
 * Finishes an executed disposal: deletes each blob from storage and confirms it is gone (local or
 * S3), renders the certificate (or, for a transfer, the list and the export package) and declares
 * it as a permanently kept record. Idempotent; the job queue retries it until it succeeds.
 */
export async function completeDisposal(ctx: ServiceContext, id: string): Promise<void> {
  const d = await drepo.findDisposal(ctx.db, id);
  if (!d || d.status !== "executing") return;
  const actor = { userId: d.executedBy, label: (await findUser(ctx.db, d.executedBy!))?.username ?? "system" };
  const as: ServiceContext = { ...ctx, actor };
  if (d.action === "destroy") await purgePackagesHolding(as, d);
  for (const purge of await drepo.listPurges(ctx.db, id)) {
    if (purge.purgedAt) continue;
    await ctx.storage.delete(purge.sha256);
    if (await ctx.storage.stat(purge.sha256)) throw new DomainError("UNAVAILABLE", `Blob ${purge.sha256} is still in storage after deletion; will retry.`);
    await drepo.markPurged(ctx.db, purge.sha256, ctx.clock.now(), ctx.storage.kind);
  }
  const pdf = await renderCertificate(as, d);
  const put = await ctx.storage.put(pdf);
  await ensureBlob(ctx.db, put.sha256, put.size, ctx.clock.now());
  const exported = d.action === "transfer" ? await buildTransferPackage(as, d, pdf) : null;
  const natures = await checkContentNatures(as, {
    sha256: put.sha256,
    size: put.size,
    provenance: { description: `generated by Custos when disposal ${d.number} was executed` },
  });
  const ids = await drepo.listDisposalRecordIds(ctx.db, id);
  await inTransaction(as, async (t) => {
    const locked = (await drepo.findDisposal(t.db, id, true))!;
    if (locked.status !== "executing") return;
    const record = await insertDeclaredRecord(t, {
      classId: BUILT_IN_CLASS.disposalRecords,
      title: `${d.action === "destroy" ? "档案销毁证明" : "档案移交清单"} ${d.number}`,
      recordDate: chinaDay(d.executedAt!),
      author: (await getOrganisationProfile(t.db)).name,
      classification: d.classification as Classification,
      content: { sha256: put.sha256, size: put.size, filename: d.action === "destroy" ? "destruction-certificate.pdf" : "transfer-list.pdf", mediaType: "application/pdf" },
      sourceKind: "disposal",
      sourceId: d.id,
      natures,
      links: ids.map((recordId) => ({ kind: "record" as const, targetId: recordId })),
    });
    const now = t.clock.now();
    await drepo.updateDisposal(t.db, id, { status: "completed", completedAt: now, certificateRecordId: record.id, exportSha256: exported?.sha256 ?? null, updatedAt: now });
    audit(t, disposalCompleted, id, { certificateRecordId: record.id, certificateSha256: put.sha256, exportSha256: exported?.sha256 ?? null, purged: (await drepo.listPurges(t.db, id)).map((p) => p.sha256) });
  });
}

/** How much of the beginning of a destroyed blob is looked for in the packages (all of it when smaller). */
const PACKAGE_NEEDLE_BYTES = 64 * 1024;

/**
 * Audit packages and transfer packages keep the files they export as they are (ZIP entries
 * stored, not compressed): the bytes of a record are inside every package that exported it. Before
 * the blobs of a destruction are deleted, each stored package is read for the beginning of each
 * blob still to be deleted; a package that holds one is added to the disposal's purges (and
 * deleted with them), with an audit event naming it. Runs again on a retry: packages found before
 * are in the purge list already.
 */
async function purgePackagesHolding(ctx: ServiceContext, d: DisposalRow): Promise<void> {
  const purges = await drepo.listPurges(ctx.db, d.id);
  const purgeShas = new Set(purges.map((p) => p.sha256));
  const needles: { sha256: string; bytes: Buffer }[] = [];
  for (const purge of purges) {
    if (purge.purgedAt) continue;
    const head = await readHead(ctx, purge.sha256, PACKAGE_NEEDLE_BYTES);
    if (head && head.length > 0) needles.push({ sha256: purge.sha256, bytes: head });
  }
  if (needles.length === 0) return;
  const copies: { sha256: string; kind: "audit-package" | "transfer-package"; id: string; holds: string[] }[] = [];
  for (const pkg of await drepo.listStoredPackages(ctx.db)) {
    if (purgeShas.has(pkg.sha256) || !(await ctx.storage.stat(pkg.sha256))) continue;
    const holds = await findNeedles(await ctx.storage.get(pkg.sha256), needles);
    if (holds.length) copies.push({ ...pkg, holds });
  }
  if (copies.length === 0) return;
  await inTransaction(ctx, async (t) => {
    const now = t.clock.now();
    await drepo.insertPurges(t.db, [...new Set(copies.map((c) => c.sha256))].map((sha256) => ({ sha256, disposalId: d.id, requestedAt: now, purgedAt: null, storageKind: null })));
    audit(t, disposalCopiesFound, d.id, { copies });
  });
}

/** The first `max` bytes of a stored blob, or null when it is gone. */
async function readHead(ctx: ServiceContext, sha256: string, max: number): Promise<Buffer | null> {
  if (!(await ctx.storage.stat(sha256))) return null;
  const parts: Buffer[] = [];
  let size = 0;
  const stream = await ctx.storage.get(sha256);
  const reader = stream.getReader();
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(parts).subarray(0, max);
}

/** Which of the needles occur in the stream (read once, chunk by chunk, with an overlap so a needle across two chunks is found). */
async function findNeedles(stream: ReadableStream<Uint8Array>, needles: { sha256: string; bytes: Buffer }[]): Promise<string[]> {
  const found = new Set<string>();
  const overlap = Math.max(...needles.map((n) => n.bytes.length)) - 1;
  let tail = Buffer.alloc(0);
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    const window = Buffer.concat([tail, chunk]);
    for (const n of needles) if (!found.has(n.sha256) && window.includes(n.bytes)) found.add(n.sha256);
    if (found.size === needles.length) break;
    tail = window.subarray(Math.max(0, window.length - overlap));
  }
  return [...found];
}

/** Finishes a disposal if the process that executed it stopped before the bytes were gone and the certificate made. */
export const disposalCompleteJob = defineJob({
  kind: "disposal-complete",
  payload: z.object({ disposalId: z.string() }),
  run: async ({ ctx, payload }) => {
    await completeDisposal(ctx, payload.disposalId);
    return {};
  },
});

/** Finishes every disposal left executing (called by the daily sweep and the disposal-complete job). */
export async function resumeUnfinishedDisposals(ctx: ServiceContext): Promise<number> {
  const open = await drepo.listUnfinishedDisposals(ctx.db);
  for (const d of open) await completeDisposal(ctx, d.id);
  return open.length;
}

/** The disposal's certificate record id (to download it as a record) or NOT_FOUND while not complete. */
export async function disposalCertificateRecordId(ctx: ServiceContext, id: string): Promise<string> {
  const d = await loadVisibleDisposal(ctx, id);
  if (!d.certificateRecordId) throw new DomainError("INVALID_STATE", `The disposal is ${d.status}; its certificate exists once it is completed.`);
  return d.certificateRecordId;
}

/** Opens the transfer package of a completed transfer. */
export async function openTransferPackage(ctx: ServiceContext, id: string) {
  const d = await loadVisibleDisposal(ctx, id);
  if (d.action !== "transfer" || !d.exportSha256) throw new DomainError("INVALID_STATE", "Only a completed transfer has an export package.");
  const sha256 = d.exportSha256;
  await refusePurgedPackage(ctx, sha256, "transfer package");
  await inTransaction(ctx, async (t) => audit(t, disposalPackageDownloaded, id, { sha256 }));
  return { disposal: d, stream: await ctx.storage.get(d.exportSha256) };
}

/**
 * Refuses (CONTENT_DESTROYED) to serve a package whose blob a destruction deleted because it held
 * destroyed content.
 */
export async function refusePurgedPackage(ctx: ServiceContext, sha256: string, what: string): Promise<void> {
  const purge = await drepo.findPurge(ctx.db, sha256);
  if (purge?.purgedAt) {
    throw new DomainError(
      "CONTENT_DESTROYED",
      `This ${what} held content that was destroyed under disposal ${purge.disposalNumber}, so it was deleted with it on ${purge.purgedAt.toISOString().slice(0, 10)}; export a new one.`,
    );
  }
}
