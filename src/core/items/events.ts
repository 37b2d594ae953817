import { z } from "zod";
import { auditEvent, Changes, type AuditEventType } from "../audit/events";
import type { RecordType } from "./define";

const nullable = z.string().nullable();

/** The audit events of one record type, generated from its declaration. */
export interface ItemEvents {
  created: AuditEventType<{ number: string; state: string; classification: string; data: object }>;
  updated: AuditEventType<{ version: number; before: object; after: object }>;
  /** One per workflow action: `<type>.<action>`. */
  actions: Map<string, AuditEventType<{ from: string; to: string; version: number; changes: object; comment: string | null; signatureRequestId?: string | null; recordId?: string | null }>>;
  /** A transition that needs signatures was asked for (`<type>.<action>_requested`). */
  requested: Map<string, AuditEventType<{ from: string; signatureRequestId: string; signers: { userId: string; meaning: string }[]; comment: string | null }>>;
  /** Its signature request was declined or withdrawn (`<type>.<action>_withdrawn`). */
  withdrawn: Map<string, AuditEventType<{ signatureRequestId: string; status: string; reason: string | null }>>;
  linked: AuditEventType<{ kind: string; targetId: string; relation: string | null }>;
  unlinked: AuditEventType<{ kind: string; targetId: string; relation: string | null }>;
  reminded: AuditEventType<{ dueOn: string; people: string[] }>;
}

const built = new WeakMap<RecordType<any>, ItemEvents>();

/**
 * The audit events of a record type (their labels name the type and the action), built once per
 * declaration: the registry knows an event by its identity.
 */
export function itemEventsOf(type: RecordType<any>): ItemEvents {
  let events = built.get(type);
  if (!events) {
    events = buildItemEvents(type);
    built.set(type, events);
  }
  return events;
}

function buildItemEvents(type: RecordType<any>): ItemEvents {
  const label = (zh: string, en: string) => ({ zh: `${type.title.zh}：${zh}`, en: `${type.title.en}: ${en}` });
  const actions = new Map();
  const requested = new Map();
  const withdrawn = new Map();
  for (const t of type.workflow?.transitions ?? []) {
    actions.set(
      t.action,
      auditEvent(
        `${type.id}.${t.action}`,
        "item",
        label(t.label.zh, t.label.en),
        z.strictObject({
          from: z.string(),
          to: z.string(),
          version: z.number().int(),
          changes: Changes,
          comment: nullable,
          signatureRequestId: nullable.optional(),
          recordId: nullable.optional(),
        }),
      ),
    );
    if (t.sign?.length) {
      requested.set(
        t.action,
        auditEvent(
          `${type.id}.${t.action}_requested`,
          "item",
          label(`${t.label.zh}（待签署）`, `${t.label.en} (awaiting signatures)`),
          z.strictObject({ from: z.string(), signatureRequestId: z.string(), signers: z.array(z.object({ userId: z.string(), meaning: z.string() })), comment: nullable }),
        ),
      );
      withdrawn.set(
        t.action,
        auditEvent(
          `${type.id}.${t.action}_withdrawn`,
          "item",
          label(`${t.label.zh}（签署未完成）`, `${t.label.en} (signatures not given)`),
          z.strictObject({ signatureRequestId: z.string(), status: z.string(), reason: nullable }),
        ),
      );
    }
  }
  const link = z.strictObject({ kind: z.string(), targetId: z.string(), relation: nullable });
  return {
    created: auditEvent(`${type.id}.created`, "item", label("新建", "created"), z.strictObject({ number: z.string(), state: z.string(), classification: z.string(), data: Changes })),
    updated: auditEvent(`${type.id}.updated`, "item", label("修改", "changed"), z.strictObject({ version: z.number().int(), before: Changes, after: Changes })),
    actions,
    requested,
    withdrawn,
    linked: auditEvent(`${type.id}.linked`, "item", label("添加关联", "link added"), link),
    unlinked: auditEvent(`${type.id}.unlinked`, "item", label("移除关联", "link removed"), link),
    reminded: auditEvent(`${type.id}.reminded`, "item", label("到期提醒", "due reminder"), z.strictObject({ dueOn: z.string(), people: z.array(z.string()) })),
  };
}

/** Every event of an {@link ItemEvents}, for the registry. */
export function allItemEvents(e: ItemEvents): AuditEventType<any>[] {
  return [e.created, e.updated, ...e.actions.values(), ...e.requested.values(), ...e.withdrawn.values(), e.linked, e.unlinked, e.reminded];
}
