import { and, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { ItemLinkRow, ItemRow } from "../../db/schema/items";
import { items } from "../../db/schema/items";
import type { SignatureRequestRow } from "../../db/schema/signatures";
import { newId } from "../../lib/ids";
import { findVisible } from "../access/policy";
import { audit } from "../audit/service";
import { requirePrincipal } from "../auth/guard";
import { clearedFor, hasRole, type Classification, type Principal, type Role } from "../auth/permissions";
import { inTransaction, type ServiceContext, type TxContext } from "../context";
import { DomainError, notFound } from "../errors";
import { ensureBlob } from "../files/repo";
import { findDepartment } from "../organisation/repo";
import { insertDeclaredRecord } from "../records/declare";
import { ensureBuiltInClass } from "../records/file-plan";
import { checkContentNatures } from "../records/natures";
import { listRecordIdsLinkedTo } from "../records/repo";
import { openSignatureRequest } from "../signatures/requests/create";
import { displayNames, findUser } from "../users/repo";
import { itemPolicy, itemRule } from "./access";
import type { ItemDescription, RecordType, SignerSpec, Transition } from "./define";
import { itemEventsOf } from "./events";
import { objectOf, type Field } from "./fields";
import { renderItemPdf } from "./pdf";
import * as repo from "./repo";

/** The record type of an id, or NOT_FOUND (an unknown type is nothing to the caller). */
export function recordTypeOf(ctx: Pick<ServiceContext, "registry">, typeId: string): RecordType<any> {
  const type = ctx.registry.recordType(typeId);
  if (!type) throw notFound(`The record type ${typeId}`);
  return type;
}

/** The item access policy of this registry (built once per registry from its record types). */
const policies = new WeakMap<object, ReturnType<typeof itemPolicy>>();
export function itemPolicyOf(ctx: Pick<ServiceContext, "registry">) {
  let policy = policies.get(ctx.registry);
  if (!policy) {
    policy = (ctx.registry.policy("item") as ReturnType<typeof itemPolicy> | undefined) ?? itemPolicy(ctx.registry.recordTypes);
    policies.set(ctx.registry, policy);
  }
  return policy;
}

/** The fields set at a transition (not when an item is created). */
function transitionFields(type: RecordType<any>): Set<string> {
  return new Set((type.workflow?.transitions ?? []).flatMap((t) => [...(t.inputs ?? [])]));
}

/** The fields a person enters (all but the computed ones). */
export function enteredFields(type: RecordType<any>): [string, Field<any>][] {
  return (Object.entries(type.fields) as [string, Field<any>][]).filter(([, f]) => !f.options.computed);
}

/** What creating an item takes: its entered fields, those entered later by the workflow optional (computed ones refused). */
export function createSchema(type: RecordType<any>): z.ZodType<Record<string, unknown>> {
  const later = transitionFields(type);
  const fields: Record<string, Field<any>> = Object.fromEntries(enteredFields(type).map(([k, f]) => [k, later.has(k) ? f.optional() : f]));
  return objectOf(fields);
}

/** Every field, each optional: what an item's metadata must satisfy at any step (what is there has the right shape); without computed ones, what an edit may change. */
function partialSchema(type: RecordType<any>, opts: { computed: boolean } = { computed: true }): z.ZodType<Record<string, unknown>> {
  const fields = opts.computed ? (Object.entries(type.fields) as [string, Field<any>][]) : enteredFields(type);
  return objectOf(Object.fromEntries(fields.map(([k, f]) => [k, f.optional()])));
}

/** The metadata without its computed fields (what the entered-field schemas check). */
function withoutComputed(type: RecordType<any>, data: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([k]) => !(type.fields[k] as Field<any> | undefined)?.options.computed));
}

/** The schema of a transition's inputs: exactly its input fields (required ones as declared in `requires`). */
export function transitionSchema(type: RecordType<any>, transition: Transition<any>): z.ZodType<Record<string, unknown>> {
  const fields: Record<string, Field<any>> = {};
  for (const name of transition.inputs ?? []) {
    const f = type.fields[name] as Field<any>;
    if (f.options.computed) throw new Error(`${type.id}: ${name} is computed and cannot be an input of “${transition.action}”.`);
    fields[name] = (transition.requires ?? []).includes(name) ? f : f.optional();
  }
  return objectOf(fields);
}

function invalid(message: string, issues?: z.core.$ZodIssue[]): DomainError {
  return new DomainError("VALIDATION_FAILED", message, issues ? { issues: issues.map((i) => ({ path: i.path.join("."), message: i.message })) } : undefined);
}

function parseWith(schema: z.ZodType<Record<string, unknown>>, input: unknown, what: string): Record<string, unknown> {
  const parsed = schema.safeParse(input ?? {});
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw invalid(`${what}: ${first.path.join(".") || "(body)"} — ${first.message}`, parsed.error.issues);
  }
  return parsed.data;
}

/** People and departments the metadata names must exist (and hold the roles a person field asks for). */
async function checkReferences(t: Pick<ServiceContext, "db">, type: Pick<RecordType<any>, "fields">, data: Record<string, unknown>, only?: Iterable<string>): Promise<void> {
  const names = only ? new Set(only) : undefined;
  for (const [k, f] of Object.entries(type.fields) as [string, Field<any>][]) {
    if (names && !names.has(k)) continue;
    const v = data[k];
    if (v === undefined || v === null) continue;
    // the people and departments the rows of a child collection name, too
    if (f.widget === "list" && f.options.row) for (const row of v as Record<string, unknown>[]) await checkReferences(t, { fields: f.options.row }, row);
    const ids = f.widget === "person" ? [String(v)] : f.widget === "people" ? (v as string[]) : [];
    for (const id of ids) {
      const user = await findUser(t.db, id);
      if (!user || !user.active) throw new DomainError("INVALID_REFERENCE", `${f.label.en} (${f.label.zh}): no active person ${id}.`, { field: k });
      if (f.options.roles?.length && !hasRole({ roles: user.roles as Role[] }, ...f.options.roles)) {
        throw new DomainError("VALIDATION_FAILED", `${f.label.en}: ${user.displayName} does not hold the role this needs (${f.options.roles.join(", ")}).`, { field: k });
      }
    }
    if (f.widget === "department" && !(await findDepartment(t.db, String(v)))) {
      throw new DomainError("INVALID_REFERENCE", `${f.label.en} (${f.label.zh}): no department ${String(v)}.`, { field: k });
    }
  }
}

/** The typed columns of an item from its metadata. */
function columnsOf(type: RecordType<any>, data: Record<string, unknown>, createdBy: string) {
  const d: ItemDescription = type.describe(data as never);
  const people = [...new Set([createdBy, d.ownerId, ...(d.people ?? [])].filter((x): x is string => !!x))];
  return {
    title: d.title.slice(0, 500),
    itemDate: d.date,
    dueOn: d.dueOn ?? null,
    ownerId: d.ownerId ?? null,
    departmentId: d.departmentId ?? null,
    people,
    search: [d.title, ...(d.searchText ?? [])].filter(Boolean).join(" "),
  };
}

/** The indexed values of an item: its indexed fields, and every row of its child collections. */
function indexedValues(type: RecordType<any>, data: Record<string, unknown>) {
  const out: { field: string; seq: number; textValue: string | null; dateValue: string | null; numValue: string | null }[] = [];
  const valueOf = (f: Field<any>, v: unknown) => ({
    textValue: f.widget === "date" || f.widget === "number" ? null : typeof v === "string" ? v : typeof v === "boolean" ? String(v) : null,
    dateValue: f.widget === "date" && typeof v === "string" ? v : null,
    numValue: f.widget === "number" && typeof v === "number" ? String(v) : null,
  });
  for (const [k, f] of Object.entries(type.fields) as [string, Field<any>][]) {
    const v = data[k];
    if (v === undefined || v === null) continue;
    if (f.widget === "list" && f.options.row) {
      (v as Record<string, unknown>[]).forEach((row, i) => {
        for (const [rk, rf] of Object.entries(f.options.row!)) {
          if (rf.options.indexed && row[rk] !== undefined && row[rk] !== null) out.push({ field: `${k}.${rk}`, seq: i + 1, ...valueOf(rf, row[rk]) });
        }
      });
    } else if (f.options.indexed) {
      out.push({ field: k, seq: 0, ...valueOf(f, v) });
    }
  }
  return out;
}

/** What changed between two versions of the metadata, field by field (in the type's order when given). */
function changes(before: Record<string, unknown>, after: Record<string, unknown>, order?: string[]) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (order) keys.sort((x, y) => (order.indexOf(x) >>> 0) - (order.indexOf(y) >>> 0));
  for (const k of keys) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k] ?? null;
      a[k] = after[k] ?? null;
    }
  }
  return { before: b, after: a };
}

const year = (d: string) => Number(d.slice(0, 4));

/** Creates an item of a type (its creators' roles), validated against the type's schema; audited as `<type>.created`. */
export async function createItem(ctx: ServiceContext, typeId: string, input: { data: unknown; classification?: Classification }): Promise<ItemRow> {
  const p = requirePrincipal(ctx);
  const type = recordTypeOf(ctx, typeId);
  if (!type.permissions.create.length) {
    throw new DomainError("FORBIDDEN", `A ${type.title.en} is made by its module's own steps, never created directly.`, { roles: [] });
  }
  if (!hasRole(p, ...type.permissions.create)) {
    throw new DomainError("FORBIDDEN", `Only ${type.permissions.create.join(", ")} may create a ${type.title.en}.`, { roles: type.permissions.create });
  }
  return inTransaction(ctx, (t) => createItemIn(t, typeId, input, p.id));
}

/**
 * Creates an item inside the caller's transaction, for a workflow's effect (a management review's
 * decision becomes a corrective action): the person is whoever took the step that made it, so the
 * type's creator roles are not asked for; the metadata is checked as always.
 */
export async function createItemIn(t: TxContext, typeId: string, input: { data: unknown; classification?: Classification }, createdBy: string): Promise<ItemRow> {
  const type = recordTypeOf(t, typeId);
  const creator = await findUser(t.db, createdBy);
  if (!creator) throw notFound("The person creating the item");
  const classification = input.classification ?? type.classification;
  if (!clearedFor(creator.clearance as Classification, classification)) throw notFound("A classification level you may use");
  const data = parseWith(createSchema(type), input.data, type.title.en);
  await checkReferences(t, type, data);
  const events = itemEventsOf(type);
  const p = { id: createdBy };
  return inTransaction(t, async (t) => {
    const now = t.clock.now();
    const cols = columnsOf(type, data, p.id);
    const number = `${type.numberPrefix}-${year(cols.itemDate)}-${String(await repo.takeItemSeq(t.db, type.id, year(cols.itemDate))).padStart(4, "0")}`;
    const state = type.workflow?.initial ?? "recorded";
    const row: ItemRow = {
      id: newId("itm"),
      type: type.id,
      number,
      state,
      title: cols.title,
      itemDate: cols.itemDate,
      dueOn: cols.dueOn,
      ownerId: cols.ownerId,
      departmentId: cols.departmentId,
      classification,
      people: cols.people,
      searchText: `${number} ${cols.search}`,
      data,
      version: 1,
      pending: null,
      signatureRequestId: null,
      recordId: null,
      closedAt: null,
      createdBy: p.id,
      createdAt: now,
      updatedAt: now,
    };
    await repo.insertItem(t.db, row);
    await repo.insertVersion(t.db, { itemId: row.id, version: 1, action: "created", state, data, comment: null, changedBy: p.id, changedAt: now });
    await repo.replaceValues(t.db, row.id, type.id, indexedValues(type, data));
    audit(t, events.created, row.id, { number, state, classification, data });
    if (type.workflow?.final.includes(state) || !type.workflow) {
      // a type without a workflow (or born final) is a record at once: the item points to it, like one closed by its workflow
      row.recordId = await declareItemRecord(t, type, row, null);
      row.closedAt = now;
      await repo.updateItem(t.db, row.id, { recordId: row.recordId, closedAt: now });
    }
    return row;
  });
}

/** The item if the caller may see it (the item policy's SQL rule), with its type; otherwise NOT_FOUND. */
export async function loadVisibleItem(ctx: ServiceContext, id: string, lock = false): Promise<{ p: Principal; item: ItemRow; type: RecordType<any> }> {
  const p = requirePrincipal(ctx);
  const item = await findVisible(ctx.db, itemPolicyOf(ctx), p, id, { lock });
  if (!item) throw notFound("The item");
  return { p, item, type: recordTypeOf(ctx, item.type) };
}

/** Whether `p` may take `transition` on `item` (by role, or as the person it names). */
export function mayTake(p: Principal, item: Pick<ItemRow, "createdBy" | "ownerId" | "data">, transition: Transition<any>): boolean {
  if (transition.roles?.length && hasRole(p, ...transition.roles)) return true;
  if (transition.by === "creator") return item.createdBy === p.id;
  if (transition.by === "owner") return item.ownerId === p.id;
  if (transition.by) {
    const v = (item.data as Record<string, unknown>)[transition.by];
    return v === p.id || (Array.isArray(v) && v.includes(p.id));
  }
  return false;
}

/** The transitions `p` may take on the item now. */
export function availableActions(type: RecordType<any>, item: ItemRow, p: Principal): Transition<any>[] {
  if (item.pending) return [];
  return (type.workflow?.transitions ?? []).filter((t) => (typeof t.from === "string" ? [t.from] : t.from).includes(item.state) && mayTake(p, item, t));
}

/** Who may take a transition, in words for a refusal. */
function whoMay(type: RecordType<any>, t: Transition<any>): string {
  const parts: string[] = [...(t.roles ?? [])];
  if (t.by === "creator") parts.push("the person who created it");
  else if (t.by === "owner") parts.push("its owner");
  else if (t.by) parts.push(`the person named as ${(type.fields[t.by] as Field<any>)?.label.en ?? t.by}`);
  return parts.join(" or ");
}

/** Edits the metadata while the item is in an editable state (its creator, owner or creators' roles); a new version, audited. */
export async function updateItem(ctx: ServiceContext, id: string, patch: unknown): Promise<ItemRow> {
  const { p, type } = await loadVisibleItem(ctx, id);
  return inTransaction(ctx, async (t) => {
    const item = (await repo.findItem(t.db, id, true))!;
    const editable = type.workflow?.editable ?? [type.workflow?.initial ?? "recorded"];
    if (!editable.includes(item.state) || item.pending) {
      throw new DomainError("INVALID_STATE", `A ${type.title.en} can be edited only while it is ${editable.map((s) => type.workflow?.states[s]?.en ?? s).join(" or ")}.`);
    }
    if (!(item.createdBy === p.id || item.ownerId === p.id || hasRole(p, ...type.permissions.create))) {
      throw new DomainError("FORBIDDEN", `Only its creator, its owner or ${type.permissions.create.join(", ")} may edit this ${type.title.en}.`);
    }
    const fieldsPatch = parseWith(partialSchema(type, { computed: false }), patch, type.title.en);
    const next = { ...(item.data as Record<string, unknown>), ...fieldsPatch };
    parseWith(createSchema(type), withoutComputed(type, next), type.title.en);
    await checkReferences(t, type, next, Object.keys(fieldsPatch));
    const diff = changes(item.data as Record<string, unknown>, next);
    if (Object.keys(diff.after).length === 0) return item;
    const updated = await writeVersion(t, type, item, { state: item.state, data: next, action: "updated", comment: null, by: p.id });
    audit(t, itemEventsOf(type).updated, id, { version: updated.version, ...diff });
    return updated;
  });
}

/** Writes a new version of the item (its row, its history, its indexed values). */
async function writeVersion(
  t: TxContext,
  type: RecordType<any>,
  item: ItemRow,
  change: { state: string; data: Record<string, unknown>; action: string; comment: string | null; by: string | null; dueOn?: string | null },
): Promise<ItemRow> {
  const now = t.clock.now();
  const cols = columnsOf(type, change.data, item.createdBy);
  const next: ItemRow = {
    ...item,
    state: change.state,
    data: change.data,
    title: cols.title,
    itemDate: cols.itemDate,
    dueOn: change.dueOn !== undefined ? change.dueOn : cols.dueOn,
    ownerId: cols.ownerId,
    departmentId: cols.departmentId,
    people: cols.people,
    searchText: `${item.number} ${cols.search}`,
    version: item.version + 1,
    updatedAt: now,
  };
  await repo.updateItem(t.db, item.id, {
    state: next.state,
    data: next.data,
    title: next.title,
    itemDate: next.itemDate,
    dueOn: next.dueOn,
    ownerId: next.ownerId,
    departmentId: next.departmentId,
    people: next.people,
    searchText: next.searchText,
    version: next.version,
    updatedAt: now,
  });
  await repo.insertVersion(t.db, { itemId: item.id, version: next.version, action: change.action, state: next.state, data: next.data, comment: change.comment, changedBy: change.by, changedAt: now });
  await repo.replaceValues(t.db, item.id, type.id, indexedValues(type, next.data as Record<string, unknown>));
  return next;
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/**
 * Takes a workflow action: it must be allowed from the item's state and for the caller (by role,
 * or as the person the transition names), its inputs must fit the type's schema and leave the
 * fields it requires set, and its guard must allow it. Without signatures the item moves at once
 * (a new version and the audit event `<type>.<action>`); with signatures a request is opened over
 * the item's PDF and the item moves when the last signer has signed. Reaching a final state
 * declares the item's record. Nothing is half-done: every refusal leaves the item as it was.
 */
export async function takeAction(ctx: ServiceContext, id: string, action: string, input: { data?: unknown; comment?: string | null } = {}): Promise<ItemRow> {
  const { p, type } = await loadVisibleItem(ctx, id);
  const transitions = (type.workflow?.transitions ?? []).filter((t) => t.action === action);
  if (!transitions.length) throw notFound(`The action “${action}” of a ${type.title.en}`);
  return inTransaction(ctx, async (t) => {
    const item = (await repo.findItem(t.db, id, true))!;
    if (item.pending) {
      throw new DomainError("INVALID_STATE", `This ${type.title.en} is waiting for the signatures of “${String((item.pending as { action: string }).action)}”; sign or withdraw that first.`);
    }
    const transition = transitions.find((tr) => (typeof tr.from === "string" ? [tr.from] : tr.from).includes(item.state));
    if (!transition) {
      const possible = availableActionsIgnoringRoles(type, item).map((tr) => tr.action);
      throw new DomainError(
        "INVALID_STATE",
        `“${action}” cannot be taken while the ${type.title.en} is ${type.workflow?.states[item.state]?.en ?? item.state}${possible.length ? ` (possible now: ${possible.join(", ")})` : ""}.`,
        { state: item.state, possible },
      );
    }
    if (!mayTake(p, item, transition)) {
      throw new DomainError("FORBIDDEN", `Only ${whoMay(type, transition)} may ${transition.label.en.toLowerCase()} this ${type.title.en}.`, { action });
    }
    const comment = input.comment?.trim() || null;
    if (transition.comment === "required" && !comment) throw new DomainError("VALIDATION_FAILED", `Say why (a comment is required to ${transition.label.en.toLowerCase()}).`, { field: "comment" });
    const inputs = parseWith(transitionSchema(type, transition), input.data, `${type.title.en} — ${transition.label.en}`);
    await checkReferences(t, type, inputs, Object.keys(inputs));
    let next: Record<string, unknown> = { ...(item.data as Record<string, unknown>), ...inputs };
    const missing = (transition.requires ?? []).filter((f) => next[f] === undefined || next[f] === null || next[f] === "");
    if (missing.length) {
      throw new DomainError("VALIDATION_FAILED", `To ${transition.label.en.toLowerCase()}, fill in ${missing.map((f) => (type.fields[f] as Field<any>).label.en).join(", ")}.`, { fields: missing });
    }
    const refusal = await transition.guard?.({ id: item.id, number: item.number, state: item.state, data: item.data as never, createdBy: item.createdBy, ownerId: item.ownerId, classification: item.classification as Classification }, p, next as never, t);
    if (refusal) throw new DomainError("UNPROCESSABLE", refusal, { action, rule: "guard" });
    if (transition.compute) next = { ...next, ...(await transition.compute(t, { id: item.id, number: item.number, state: item.state, data: item.data as never, createdBy: item.createdBy, ownerId: item.ownerId, classification: item.classification as Classification }, next as never, p)) };
    parseWith(partialSchema(type), next, type.title.en);
    if (transition.sign?.length) return requestSignatures(t, type, item, transition, next, comment, p);
    return applyTransition(t, type, item, transition, next, comment, p.id, null);
  });
}

function availableActionsIgnoringRoles(type: RecordType<any>, item: ItemRow): Transition<any>[] {
  return (type.workflow?.transitions ?? []).filter((t) => (typeof t.from === "string" ? [t.from] : t.from).includes(item.state));
}

/** Moves the item: a new version in the target state, the audit event, a due date, and the record if the state is final. */
async function applyTransition(
  t: TxContext,
  type: RecordType<any>,
  item: ItemRow,
  transition: Transition<any>,
  next: Record<string, unknown>,
  comment: string | null,
  by: string | null,
  signed: { requestId: string; sha256: string; size: number } | null,
): Promise<ItemRow> {
  const dueOn = transition.dueAfter ? addDays(chinaDay(t.clock.now()), transition.dueAfter.days) : undefined;
  const moved = await writeVersion(t, type, item, { state: transition.to, data: next, action: transition.action, comment, by, dueOn });
  await repo.updateItem(t.db, item.id, { pending: null, signatureRequestId: signed?.requestId ?? item.signatureRequestId });
  let recordId: string | null = null;
  if (type.workflow?.final.includes(transition.to)) {
    recordId = await declareItemRecord(t, type, moved, signed);
    await repo.updateItem(t.db, item.id, { closedAt: t.clock.now(), recordId });
  }
  await transition.effect?.(t, { id: moved.id, number: moved.number, state: moved.state, data: moved.data as never, createdBy: moved.createdBy, ownerId: moved.ownerId, classification: moved.classification as Classification }, by ?? item.createdBy);
  audit(t, itemEventsOf(type).actions.get(transition.action)!, item.id, {
    from: item.state,
    to: transition.to,
    version: moved.version,
    changes: changes(item.data as Record<string, unknown>, next).after,
    comment,
    signatureRequestId: signed?.requestId ?? null,
    recordId,
  });
  return { ...moved, pending: null, recordId: recordId ?? moved.recordId };
}

/** The people who sign a transition, in order, checked against its rules (roles, "not the implementer" …). */
async function resolveSigners(t: TxContext, type: RecordType<any>, item: ItemRow, specs: readonly SignerSpec<any>[], next: Record<string, unknown>, actor: Principal) {
  const out: { userId: string; meaning: SignerSpec<any>["meaning"]; step: number; name: string }[] = [];
  for (const [i, spec] of specs.entries()) {
    const userId = spec.person ? (next[spec.person] as string | undefined) : actor.id;
    const field = spec.person ? (type.fields[spec.person] as Field<any>) : undefined;
    if (!userId) throw new DomainError("VALIDATION_FAILED", `Name who signs as ${field?.label.en ?? "signer"}.`, { field: spec.person });
    const user = await findUser(t.db, userId);
    if (!user || !user.active) throw new DomainError("INVALID_REFERENCE", `${field?.label.en ?? "The signer"}: no active person ${userId}.`, { field: spec.person });
    if (spec.role && !hasRole({ roles: user.roles as Role[] }, spec.role)) {
      throw new DomainError("FORBIDDEN", `${user.displayName} cannot sign here: this signature needs the ${spec.role} role.`, { field: spec.person, role: spec.role });
    }
    if (spec.notThe) {
      const excluded = spec.notThe === "actor" ? actor.id : spec.notThe === "creator" ? item.createdBy : (next[spec.notThe] as string | undefined);
      if (excluded && excluded === userId) {
        const whom = spec.notThe === "actor" ? "the person asking for it" : spec.notThe === "creator" ? "the person who created it" : (type.fields[spec.notThe] as Field<any>).label.en;
        throw new DomainError("UNPROCESSABLE", `${user.displayName} cannot sign as ${field?.label.en ?? "signer"}: it must be someone other than ${whom}.`, { rule: "notThe", field: spec.person });
      }
    }
    if (!clearedFor(user.clearance as Classification, item.classification as Classification)) {
      throw new DomainError("VALIDATION_FAILED", `${user.displayName} is not cleared to read this ${item.classification} ${type.title.en} and cannot sign it.`, { field: spec.person });
    }
    out.push({ userId, meaning: spec.meaning, step: spec.step ?? i + 1, name: user.displayName });
  }
  return out;
}

/** Opens the signature request of a transition over the item's PDF; the item waits for it (audited `<type>.<action>_requested`). */
async function requestSignatures(t: TxContext, type: RecordType<any>, item: ItemRow, transition: Transition<any>, next: Record<string, unknown>, comment: string | null, actor: Principal): Promise<ItemRow> {
  const signers = await resolveSigners(t, type, item, transition.sign!, next, actor);
  const now = t.clock.now();
  const pdf = await renderItemPdf(t.db, type, { ...item, state: transition.to, version: item.version + 1 }, next, {
    createdAt: now,
    signers: signers.map((s) => ({ name: s.name, meaning: s.meaning })),
  });
  const put = await t.storage.put(pdf);
  await ensureBlob(t.db, put.sha256, put.size, now);
  const request = await openSignatureRequest(t, {
    title: `${type.title.zh} ${item.number}：${transition.label.zh}`,
    classification: item.classification as Classification,
    pdfSha256: put.sha256,
    pageCount: await pageCount(pdf),
    sourceKind: "item",
    sourceId: item.id,
    signers: signers.map((s) => ({ userId: s.userId, meaning: s.meaning, visibleStamp: true, step: s.step })),
  });
  const pending = { action: transition.action, data: next, comment, by: actor.id, at: now.toISOString() };
  await repo.updateItem(t.db, item.id, { pending, signatureRequestId: request.id, updatedAt: now });
  audit(t, itemEventsOf(type).requested.get(transition.action)!, item.id, {
    from: item.state,
    signatureRequestId: request.id,
    signers: signers.map((s) => ({ userId: s.userId, meaning: s.meaning })),
    comment,
  });
  return { ...item, pending, signatureRequestId: request.id };
}

async function pageCount(pdf: Uint8Array): Promise<number> {
  const { PDFDocument } = await import("pdf-lib");
  return (await PDFDocument.load(pdf, { updateMetadata: false })).getPageCount();
}

/** The last signer of a transition signed: the item moves, with the signed PDF as its record if the state is final. */
export async function onItemSignaturesCompleted(t: TxContext, request: SignatureRequestRow): Promise<void> {
  const item = await repo.findItem(t.db, request.sourceId!, true);
  if (!item || item.signatureRequestId !== request.id || !item.pending) return;
  const type = recordTypeOf(t, item.type);
  const pending = item.pending as { action: string; data: Record<string, unknown>; comment: string | null; by: string };
  const transition = (type.workflow?.transitions ?? []).find((tr) => tr.action === pending.action && (typeof tr.from === "string" ? [tr.from] : tr.from).includes(item.state));
  if (!transition) return;
  const size = (await t.storage.stat(request.finalSha256!))?.size ?? 0;
  await applyTransition(t, type, item, transition, pending.data, pending.comment, pending.by, { requestId: request.id, sha256: request.finalSha256!, size });
}

/** A signer declined, or the request was withdrawn: the item stays where it was (audited `<type>.<action>_withdrawn`). */
export async function onItemSignaturesClosed(t: TxContext, request: SignatureRequestRow): Promise<void> {
  const item = await repo.findItem(t.db, request.sourceId!, true);
  if (!item || item.signatureRequestId !== request.id || !item.pending) return;
  const type = recordTypeOf(t, item.type);
  const action = (item.pending as { action: string }).action;
  await repo.updateItem(t.db, item.id, { pending: null, updatedAt: t.clock.now() });
  const event = itemEventsOf(type).withdrawn.get(action);
  if (event) audit(t, event, item.id, { signatureRequestId: request.id, status: request.status, reason: request.closedReason });
}

/** The record class a type's records are declared into (built into the file plan the first time it is needed). */
export function builtInClassOf(type: RecordType<any>) {
  return {
    code: type.retention.code,
    name: type.retention.name?.zh ?? type.title.zh,
    nameEn: type.retention.name?.en ?? type.title.en,
    clause: type.clauses[0],
    description: type.description?.zh,
    retention: type.retention.period,
    disposition: type.retention.disposition,
    defaultClassification: type.classification,
  };
}

/**
 * The item reached a final state: its record is declared in its type's class — the signed PDF when
 * signatures completed it, else the item rendered as a PDF — linked to the item and its people.
 */
async function declareItemRecord(t: TxContext, type: RecordType<any>, item: ItemRow, signed: { requestId: string; sha256: string; size: number } | null): Promise<string> {
  const cls = await ensureBuiltInClass(t, builtInClassOf(type));
  let content = signed;
  if (!content) {
    const pdf = await renderItemPdf(t.db, type, item, item.data as Record<string, unknown>, { createdAt: t.clock.now() });
    const put = await t.storage.put(pdf);
    await ensureBlob(t.db, put.sha256, put.size, t.clock.now());
    content = { requestId: "", sha256: put.sha256, size: put.size };
  }
  const natures = await checkContentNatures(t, {
    sha256: content.sha256,
    size: content.size,
    provenance: { description: `${type.title.en} ${item.number}, ${signed ? `signed in Custos (request ${signed.requestId})` : "rendered by Custos"} when it became ${item.state}` },
  });
  const author = (await findUser(t.db, item.createdBy))?.displayName ?? item.createdBy;
  const record = await insertDeclaredRecord(t, {
    classId: cls.id,
    title: `${item.number} ${item.title}`,
    recordDate: chinaDay(t.clock.now()),
    author,
    departmentId: item.departmentId,
    classification: item.classification as Classification,
    content: { sha256: content.sha256, size: content.size, filename: `${item.number}.pdf`, mediaType: "application/pdf" },
    sourceKind: "item",
    sourceId: item.id,
    natures,
    links: [{ kind: "item", targetId: item.id }, ...item.people.map((id) => ({ kind: "user", targetId: id }))],
    searchExtra: [item.number],
    declaredBy: item.createdBy,
  });
  return record.id;
}

/** The registered, visible targets' names of item links (by their link kinds' rules; null: not the reader's to know). */
async function describeLinks(ctx: ServiceContext, p: Principal, links: { kind: string; targetId: string }[]) {
  const names = new Map<string, string>();
  for (const kind of new Set(links.map((l) => l.kind))) {
    const lk = ctx.registry.linkKind(kind);
    if (!lk?.describe) continue;
    for (const [id, name] of await lk.describe(ctx.db, p, links.filter((l) => l.kind === kind).map((l) => l.targetId))) names.set(`${kind}:${id}`, name);
  }
  return (l: { kind: string; targetId: string }) => (ctx.registry.linkKind(l.kind)?.describe ? (names.get(`${l.kind}:${l.targetId}`) ?? null) : l.targetId);
}

/** Links an item to anything of a registered kind the caller may see (anyone who may read the item may link it); audited. */
export async function addItemLink(ctx: ServiceContext, id: string, input: { kind: string; targetId: string; relation?: string | null }): Promise<ItemLinkRow> {
  const { p } = await loadVisibleItem(ctx, id);
  const lk = ctx.registry.linkKind(input.kind);
  const visible = !lk || ((await lk.exists(ctx.db, input.targetId)) && (!lk.describe || (await lk.describe(ctx.db, p, [input.targetId])).has(input.targetId)));
  if (!visible) throw new DomainError("INVALID_REFERENCE", `No ${input.kind} ${input.targetId} exists.`, { field: "targetId" });
  return inTransaction(ctx, (t) => addItemLinkIn(t, id, input, p.id), { mayWriteNothing: true });
}

/**
 * Links an item inside the caller's transaction, for a workflow's effect (a finding's corrective
 * action is linked to it): the target must exist; the link is audited as `<type>.linked`, by the
 * person who took the step. Links are shown both ways on the item pages.
 */
export async function addItemLinkIn(t: TxContext, id: string, input: { kind: string; targetId: string; relation?: string | null }, by: string): Promise<ItemLinkRow> {
  const item = await repo.findItem(t.db, id);
  if (!item) throw notFound("The item");
  const type = recordTypeOf(t, item.type);
  const lk = t.registry.linkKind(input.kind);
  if (!lk) throw new DomainError("VALIDATION_FAILED", `An item cannot be linked to a “${input.kind}” (known: ${t.registry.linkKindNames.join(", ")}).`, { field: "kind" });
  if (!(await lk.exists(t.db, input.targetId))) throw new DomainError("INVALID_REFERENCE", `No ${input.kind} ${input.targetId} exists.`, { field: "targetId" });
  if (input.kind === "item" && input.targetId === item.id) throw new DomainError("VALIDATION_FAILED", "An item cannot be linked to itself.", { field: "targetId" });
  return inTransaction(
    t,
    async (t) => {
      const row: ItemLinkRow = { id: newId("iln"), itemId: id, kind: input.kind, targetId: input.targetId, relation: input.relation?.trim() || null, createdBy: by, createdAt: t.clock.now() };
      const { row: link, created } = await repo.insertLink(t.db, row);
      // linking what is already linked changes nothing, so it is not an event either
      if (created) audit(t, itemEventsOf(type).linked, id, { kind: link.kind, targetId: link.targetId, relation: link.relation });
      return link;
    },
    { mayWriteNothing: true },
  );
}

/** The links an item holds (to items, records, documents …), for a workflow's guard (e.g. "implemented needs evidence"). */
export async function linksOfItem(t: Pick<ServiceContext, "db">, id: string): Promise<ItemLinkRow[]> {
  return repo.listLinksFrom(t.db, id);
}

/**
 * Items of a type whose indexed field (or child-row field `<list>.<field>`) holds this text, for a
 * workflow's guard or compute inside its transaction (e.g. "the same clause was nonconforming in
 * 2 earlier audits"). It reads regardless of the person: what it finds goes no further than the
 * rule or the computed field that asked.
 */
export async function itemsWithValue(t: Pick<ServiceContext, "db" | "registry">, typeId: string, field: string, value: string): Promise<ItemRow[]> {
  const type = recordTypeOf(t, typeId);
  const [name, sub] = field.split(".") as [string, string | undefined];
  const f = type.fields[name] as Field<any> | undefined;
  const indexed = sub ? f?.options.row?.[sub]?.options.indexed : f?.options.indexed;
  if (!indexed) throw new Error(`${typeId}: ${field} is not an indexed field; mark it .indexed() to look items up by it.`);
  return repo.findItemsByTextValue(t.db, type.id, field, value);
}

/** Removes a link; audited. */
export async function removeItemLink(ctx: ServiceContext, id: string, linkId: string): Promise<void> {
  const { type } = await loadVisibleItem(ctx, id);
  await inTransaction(ctx, async (t) => {
    const row = await repo.deleteLink(t.db, id, linkId);
    if (!row) throw notFound("The link");
    audit(t, itemEventsOf(type).unlinked, id, { kind: row.kind, targetId: row.targetId, relation: row.relation });
  });
}

/** Filters of a register. */
export interface ItemQuery {
  state?: string;
  q?: string;
  from?: string;
  to?: string;
  owner?: string;
  department?: string;
  classification?: Classification;
  dueBefore?: string;
  limit: number;
  offset: number;
}

/** A type's register: what the caller may see, filtered, newest first (total counts only that too). */
export async function listItemsOfType(ctx: ServiceContext, typeId: string, q: ItemQuery) {
  const p = requirePrincipal(ctx);
  const type = recordTypeOf(ctx, typeId);
  const where: SQL[] = [itemRule(ctx.registry.recordTypes, p, type)];
  if (q.state) where.push(eq(items.state, q.state));
  if (q.q) where.push(sql`${items.searchText} ilike ${`%${q.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`}`);
  if (q.from) where.push(gte(items.itemDate, q.from));
  if (q.to) where.push(lte(items.itemDate, q.to));
  if (q.owner) where.push(eq(items.ownerId, q.owner));
  if (q.department) where.push(eq(items.departmentId, q.department));
  if (q.classification) where.push(eq(items.classification, q.classification));
  if (q.dueBefore) where.push(lte(items.dueOn, q.dueBefore));
  const { rows, total } = await repo.listItems(ctx.db, { where, limit: q.limit, offset: q.offset, orderBy: q.dueBefore ? "due" : "newest" });
  return { type, total, items: rows };
}

/**
 * Every item of a type whose metadata holds the given values (newest first), without regard to
 * who asks: for a module's own rules and reports (one acknowledgement per person, the measurements
 * of an objective, a rate over all corrective actions), which decide themselves what they show.
 */
export async function listItemsByFields(db: ServiceContext["db"], typeId: string, match: Record<string, string> = {}, limit = 10_000): Promise<ItemRow[]> {
  const where: SQL[] = [eq(items.type, typeId)];
  for (const [field, value] of Object.entries(match)) where.push(sql`${items.data} ->> ${field} = ${value}`);
  return (await repo.listItems(db, { where, limit, offset: 0 })).rows;
}

/** One history entry in words: who did what, when, and what changed. */
export interface HistoryEntry {
  version: number;
  action: string;
  label: { zh: string; en: string };
  state: string;
  at: Date;
  by: string | null;
  byName: string | null;
  comment: string | null;
  changes: { field: string; label: { zh: string; en: string }; before: unknown; after: unknown }[];
}

/** The item with its history in words, links both ways, what the caller may do now, and its signatures and record. */
export async function getItemView(ctx: ServiceContext, id: string) {
  const { p, item, type } = await loadVisibleItem(ctx, id);
  const versions = await repo.listVersions(ctx.db, id);
  const who = await displayNames(ctx.db, versions.map((v) => v.changedBy ?? "").concat(item.people));
  const label = (action: string) =>
    action === "created" ? { zh: "新建", en: "Created" } : action === "updated" ? { zh: "修改", en: "Changed" } : (type.workflow?.transitions.find((t) => t.action === action)?.label ?? { zh: action, en: action });
  const history: HistoryEntry[] = versions.map((v, i) => {
    const before = i === 0 ? {} : (versions[i - 1]!.data as Record<string, unknown>);
    const diff = changes(before, v.data as Record<string, unknown>, Object.keys(type.fields));
    return {
      version: v.version,
      action: v.action,
      label: label(v.action),
      state: v.state,
      at: v.changedAt,
      by: v.changedBy,
      byName: v.changedBy ? (who.get(v.changedBy) ?? v.changedBy) : null,
      comment: v.comment,
      changes: Object.keys(diff.after).map((field) => ({ field, label: (type.fields[field] as Field<any>)?.label ?? { zh: field, en: field }, before: diff.before[field], after: diff.after[field] })),
    };
  });
  const outgoing = await repo.listLinksFrom(ctx.db, id);
  const incomingItems = await repo.listLinksTo(ctx.db, id);
  // links other items hold to this one, and records linked to it
  const incomingRecords = await listRecordIdsLinkedTo(ctx.db, "item", id);
  const nameOf = await describeLinks(ctx, p, [
    ...outgoing,
    ...incomingItems.map((l) => ({ kind: "item", targetId: l.itemId })),
    ...incomingRecords.map((r) => ({ kind: "record", targetId: r })),
  ]);
  const links = [
    ...outgoing.map((l) => ({ id: l.id, direction: "to" as const, kind: l.kind, targetId: l.targetId, relation: l.relation, display: nameOf(l) })),
    ...incomingItems.map((l) => ({ id: l.id, direction: "from" as const, kind: "item", targetId: l.itemId, relation: l.relation, display: nameOf({ kind: "item", targetId: l.itemId }) })),
    ...incomingRecords.map((r) => ({ id: `record:${r}`, direction: "from" as const, kind: "record", targetId: r, relation: null, display: nameOf({ kind: "record", targetId: r }) })),
  ].filter((l) => l.display !== null);
  return {
    item,
    type,
    history,
    links,
    actions: availableActions(type, item, p),
    mayEdit: (type.workflow?.editable ?? [type.workflow?.initial ?? "recorded"]).includes(item.state) && !item.pending && (item.createdBy === p.id || item.ownerId === p.id || hasRole(p, ...type.permissions.create)),
    names: Object.fromEntries(who),
  };
}

/**
 * What waits for the caller in the modules: items in a state where a transition is theirs to take
 * (by role, or as the person it names), not waiting for signatures, newest due first.
 */
export async function itemsWaitingFor(ctx: ServiceContext, limit = 50): Promise<ItemRow[]> {
  const p = requirePrincipal(ctx);
  const alternatives: SQL[] = [];
  for (const type of ctx.registry.recordTypes) {
    for (const tr of type.workflow?.transitions ?? []) {
      const from = typeof tr.from === "string" ? [tr.from] : [...tr.from];
      const mine: SQL[] = [];
      if (tr.roles?.length && hasRole(p, ...tr.roles)) mine.push(sql`true`);
      if (tr.by === "creator") mine.push(sql`${items.createdBy} = ${p.id}`);
      else if (tr.by === "owner") mine.push(sql`${items.ownerId} = ${p.id}`);
      else if (tr.by) mine.push(sql`(${items.data} ->> ${tr.by} = ${p.id} or coalesce(${items.data} -> ${tr.by}, '[]'::jsonb) ? ${p.id})`);
      if (!mine.length) continue;
      alternatives.push(sql`(${items.type} = ${type.id} and ${items.state} = any(${sql.param(from)}::text[]) and (${sql.join(mine, sql` or `)}))`);
    }
  }
  if (!alternatives.length) return [];
  const { rows } = await repo.listItems(ctx.db, {
    where: [itemPolicyOf(ctx).rule(p), sql`${items.pending} is null`, sql`(${sql.join(alternatives, sql` or `)})`],
    orderBy: "due",
    limit,
    offset: 0,
  });
  return rows;
}

/** Items the caller may see that are due by `until` and not closed (the dashboard's "due soon" and "overdue"). */
export async function itemsDueBy(ctx: ServiceContext, until: string, limit = 50): Promise<ItemRow[]> {
  const p = requirePrincipal(ctx);
  const { rows } = await repo.listItems(ctx.db, {
    where: [itemPolicyOf(ctx).rule(p), sql`${items.dueOn} <= ${until}::date`, sql`${items.closedAt} is null`, sql`(${items.ownerId} = ${p.id} or ${p.id} = any(${items.people}))`],
    orderBy: "due",
    limit,
    offset: 0,
  });
  return rows;
}

/**
 * Brings every record type's class into the file plan (built in, audited once), so the plan shows
 * where the modules' records go before the first one is made. Idempotent; run at start.
 */
export async function syncRecordTypeClasses(ctx: ServiceContext): Promise<number> {
  let created = 0;
  for (const type of ctx.registry.recordTypes) {
    await inTransaction(
      ctx,
      async (t) => {
        const before = t.events.length;
        await ensureBuiltInClass(t, builtInClassOf(type));
        if (t.events.length > before) created++;
      },
      { mayWriteNothing: true },
    );
  }
  return created;
}
