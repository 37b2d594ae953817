import { and, inArray, isNull, lte, sql } from "drizzle-orm";
import { z } from "zod";
import { items } from "../../db/schema/items";
import type { Classification } from "../auth/permissions";
import { audit } from "../audit/service";
import { inTransaction } from "../context";
import type { EvidenceSource } from "../evidence/source";
import type { EvidenceItem } from "../evidence/types";
import { defineJob } from "../jobs/define";
import type { Extension } from "../registry";
import { displayNames } from "../users/repo";
import { itemPolicy } from "./access";
import type { Module, RecordType } from "./define";
import { allItemEvents, itemEventsOf } from "./events";
import { findRecordsByIds } from "../records/repo";
import * as repo from "./repo";
import { onItemSignaturesClosed, onItemSignaturesCompleted } from "./service";

const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** A record type's items as evidence of its clauses (each type is a kind of evidence of its own). */
function itemEvidence(type: RecordType<any>, policy: ReturnType<typeof itemPolicy>): EvidenceSource {
  return {
    kind: type.id,
    label: type.title,
    states: type.workflow?.states ?? {},
    branch: ({ access }) => ({
      from: sql`${items}`,
      id: sql`${items.id}`,
      reference: sql`${items.number}`,
      title: sql`${items.title}`,
      clauses: sql`${sql.param([...type.clauses])}::text[]`,
      classification: sql`${items.classification}`,
      date: sql`${items.itemDate}`,
      state: sql`${items.state}`,
      department: sql`${items.departmentId}`,
      search: sql`${items.searchText}`,
      involves: (person) => sql`${person} = any(${items.people})`,
      people: (id) => sql`select unnest(people) as person from items where id = ${id}`,
      visible: sql`${items.type} = ${type.id} and ${policy.rule(access.principal)}`,
      auditorExtra: sql`${items.type} = ${type.id} and ${policy.rule(access.principal)}`,
    }),
    clausesInUse: async () => type.clauses,
    async load(db, ids) {
      const rows = await repo.findItemsByIds(db, ids);
      const who = await displayNames(db, rows.flatMap((r) => r.people));
      const files = new Map<string, { sha256: string; size: number | null }>();
      const recordIds = rows.map((r) => r.recordId).filter((x): x is string => !!x);
      if (recordIds.length) {
        for (const rec of await findRecordsByIds(db, recordIds)) if (rec.contentSha256 && rec.status === "active") files.set(rec.id, { sha256: rec.contentSha256, size: rec.contentSize });
      }
      return rows.map((r): EvidenceItem => {
        const file = r.recordId ? files.get(r.recordId) : undefined;
        return {
          kind: type.id,
          id: r.id,
          reference: r.number,
          title: r.title,
          clauses: [...type.clauses],
          classification: r.classification as Classification,
          date: r.itemDate,
          state: r.state,
          people: r.people.map((id) => ({ id, displayName: who.get(id) ?? id })),
          departmentIds: r.departmentId ? [r.departmentId] : [],
          files: file ? [{ role: "record", sha256: file.sha256, size: file.size, filename: `${r.number}.pdf`, mediaType: "application/pdf" }] : [],
          metadata: { number: r.number, type: type.id, state: r.state, data: r.data, dueOn: r.dueOn, closedAt: r.closedAt, recordId: r.recordId },
          auditObjects: [{ type: "item", id: r.id }],
        };
      });
    },
  };
}

/** Daily at 07:00 China time: people are reminded of items due within a week (an audit event each, shown on their dashboard). */
const itemRemindersJob = defineJob({
  kind: "item-reminders",
  payload: z.object({}),
  dailyAtHourCst: 7,
  run: async ({ ctx }) => {
    const today = chinaDay(ctx.clock.now());
    const until = new Date(Date.parse(`${today}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    const types = ctx.registry.recordTypes;
    if (!types.length) return { reminded: 0 };
    const due = await ctx.db
      .select({ id: items.id, type: items.type, dueOn: items.dueOn, ownerId: items.ownerId, people: items.people })
      .from(items)
      .where(and(inArray(items.type, types.map((t) => t.id)), isNull(items.closedAt), lte(items.dueOn, until)));
    let reminded = 0;
    for (const row of due) {
      const type = ctx.registry.recordType(row.type)!;
      await inTransaction(ctx, async (t) => {
        audit(t, itemEventsOf(type).reminded, row.id, { dueOn: row.dueOn!, people: row.ownerId ? [row.ownerId] : row.people });
      });
      reminded++;
    }
    return { reminded, until };
  },
});

/**
 * What the module framework plugs into the core for the given record types: the item access
 * policy, every type's audit events and evidence, the signature source that completes workflow
 * transitions, the "item" link kind, and the due-date reminders.
 */
export function itemsExtension(types: readonly RecordType<any>[]): Extension {
  const policy = itemPolicy(types);
  return {
    name: "items",
    policies: [policy],
    events: types.flatMap((t) => allItemEvents(itemEventsOf(t))),
    signatureSources: [{ kind: "item", partOfSource: true, afterCompleted: onItemSignaturesCompleted, afterClosed: onItemSignaturesClosed }],
    evidenceSources: types.map((t) => itemEvidence(t, policy)),
    jobs: [itemRemindersJob],
    linkKinds: [
      {
        kind: "item",
        label: { zh: "管理体系事项", en: "Management-system item" },
        objectType: "item",
        exists: async (db, id) => !!(await repo.findItem(db, id)),
        async describe(db, p, ids) {
          if (!ids.length) return new Map();
          const rows = await db.select({ id: items.id, number: items.number, title: items.title }).from(items).where(and(inArray(items.id, ids), policy.rule(p)));
          return new Map(rows.map((r) => [r.id, `${r.number} ${r.title}`]));
        },
      },
    ],
  };
}

/** A module as an extension of the core: its record types (and whatever else it registers). */
export function moduleExtension(m: Module): Extension {
  return { ...m.extension, name: m.name, title: m.title, recordTypes: m.recordTypes };
}

