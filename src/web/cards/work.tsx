import { hasRole } from "../../core/auth/permissions";
import type { ServiceContext } from "../../core/context";
import { listContracts } from "../../core/contracts/service";
import { REVIEWER_ROLES } from "../../core/contracts/vocabulary";
import { reviewsDue } from "../../core/documents/periodic-review";
import { splitTypeId } from "../../core/items/define";
import { itemsDueBy, itemsWaitingFor } from "../../core/items/service";
import { getDisposal, listDisposals, listDueRecords } from "../../core/records/disposal";
import { HOLD_READ_ROLES } from "../../core/records/vocabulary";
import { listMySignatureRequests } from "../../core/signatures/requests/access";
import { extensionWorkItems, type WorkContribution, type WorkItem } from "../../core/work";

/** A source of dashboard work: one area's things waiting for the person and its deadlines. */
export type WorkSource = (ctx: ServiceContext) => Promise<WorkContribution>;

const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const SIGNATURES = { zh: "电子签名", en: "Signatures" };
const DOCUMENTS = { zh: "受控文件", en: "Documents" };
const ACKNOWLEDGE = { zh: "文件确认", en: "Acknowledgement" };
const RECORDS = { zh: "档案记录", en: "Records" };
const CONTRACTS = { zh: "合同", en: "Contracts" };

/**
 * Documents waiting for my signature: a revision to review or approve (opened on its review page),
 * a document to acknowledge, anything else to sign.
 */
const signatures: WorkSource = async (ctx) => {
  const inbox = await listMySignatureRequests(ctx);
  return {
    waiting: inbox.toSign.map((r) => ({
      area: r.source.kind === "document-revision" ? DOCUMENTS : r.source.kind === "document-acknowledgement" ? ACKNOWLEDGE : SIGNATURES,
      title: r.title,
      href: r.source.kind === "document-revision" && r.source.id ? `/revisions/${r.source.id}/review` : `/signatures/${r.id}/sign`,
      dueOn: r.dueAt ? chinaDay(r.dueAt) : null,
      overdue: r.overdue,
    })),
  };
};

/** Documents whose periodic review is overdue or due within 30 days (those the person may see). */
const periodicReviews: WorkSource = async (ctx) => ({
  due: (await reviewsDue(ctx)).map((d) => ({ area: DOCUMENTS, title: `${d.number} ${d.title}`, href: `/documents/${d.id}`, dueOn: d.nextReviewDue, overdue: d.overdue })),
});

/** Disposals waiting for my decision; records due for disposal (and how many of them are held). */
const records: WorkSource = async (ctx) => {
  const p = ctx.principal;
  if (!p || !hasRole(p, ...HOLD_READ_ROLES)) return {};
  const waiting: WorkItem[] = [];
  for (const d of (await listDisposals(ctx)).filter((x) => x.status === "pending")) {
    if ((await getDisposal(ctx, d.id)).mayDecide) waiting.push({ area: RECORDS, title: { zh: `批准处置单 ${d.number}`, en: `Decide on disposal ${d.number}` }, href: `/records/disposals/${d.id}` });
  }
  const due = await listDueRecords(ctx);
  const held = due.filter((d) => d.holds.length > 0).length;
  const today = chinaDay(ctx.clock.now());
  return {
    waiting,
    due: due.length
      ? [{ area: RECORDS, title: { zh: `${due.length} 份记录保管期满待处置（其中 ${held} 份保全中）`, en: `${due.length} records past their retention, due for disposal (${held} under legal hold)` }, href: "/records/disposal", dueOn: today, overdue: true }]
      : [],
  };
};

/** Contracts waiting for an IP review by me (not ones I entered), and approved contracts of mine to send for signing. */
const contracts: WorkSource = async (ctx) => {
  const p = ctx.principal;
  if (!p) return {};
  const inReview = hasRole(p, ...REVIEWER_ROLES) ? (await listContracts(ctx, { status: "ip-review", limit: 200 })).items.filter((c) => c.createdBy !== p.id) : [];
  const approved = (await listContracts(ctx, { status: "approved", limit: 200 })).items.filter((c) => c.createdBy === p.id || hasRole(p, ...REVIEWER_ROLES));
  return {
    waiting: [
      ...inReview.map((c) => ({ area: CONTRACTS, title: { zh: `知识产权审查：${c.number} ${c.title}`, en: `IP review: ${c.number} ${c.title}` }, href: `/contracts/${c.id}` })),
      ...approved.map((c) => ({ area: CONTRACTS, title: { zh: `发起签署：${c.number} ${c.title}`, en: `Send for signing: ${c.number} ${c.title}` }, href: `/contracts/${c.id}` })),
    ],
  };
};

/** The modules' items: a workflow step that is mine to take, and items I own or am named in that are due within a week or overdue. */
const moduleItems: WorkSource = async (ctx) => {
  if (!ctx.principal || !ctx.registry.recordTypes.length) return {};
  const today = chinaDay(ctx.clock.now());
  const waiting = await itemsWaitingFor(ctx, 30);
  const due = (await itemsDueBy(ctx, addDays(today, 7), 30)).filter((i) => !waiting.some((w) => w.id === i.id));
  const toWork = (i: (typeof waiting)[number]): WorkItem => {
    const type = ctx.registry.recordType(i.type)!;
    const { module, type: name } = splitTypeId(type.id);
    const state = type.workflow?.states[i.state];
    return {
      area: type.title,
      title: state ? { zh: `${i.number} ${i.title} · ${state.zh}`, en: `${i.number} ${i.title} · ${state.en}` } : `${i.number} ${i.title}`,
      href: `/m/${module}/${name}/${i.id}`,
      dueOn: i.dueOn,
      overdue: !!i.dueOn && i.dueOn < today,
    };
  };
  return { waiting: waiting.map(toWork), due: due.map(toWork) };
};

/** The dashboard's work sources, in order; the modules' own `workItems` hooks come after them. */
export const workSources: WorkSource[] = [signatures, moduleItems, contracts, records, periodicReviews, extensionWorkItems];

/** Everything waiting for the person and every deadline, each list overdue first, then by due day. */
export async function collectWork(ctx: ServiceContext): Promise<{ waiting: WorkItem[]; due: WorkItem[] }> {
  const parts = await Promise.all(workSources.map((s) => s(ctx)));
  const order = (a: WorkItem, b: WorkItem) => Number(!!b.overdue) - Number(!!a.overdue) || (a.dueOn ?? "9999").localeCompare(b.dueOn ?? "9999");
  const seen = new Set<string>();
  const waiting = parts.flatMap((p) => p.waiting ?? []).filter((w) => !seen.has(w.href) && seen.add(w.href));
  const due = parts.flatMap((p) => p.due ?? []).filter((w) => !seen.has(w.href));
  return { waiting: waiting.sort(order), due: due.sort(order) };
}
