import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { rowsOf } from "../../db/sql";
import type { ServiceContext } from "../context";
import { DomainError, notFound } from "../errors";
import { requireEvidenceReader, type EvidenceReader } from "./access";
import { evidenceRelation } from "./source";
import type { EvidenceItem, EvidenceKind, EvidenceRef, EvidenceSelection } from "./types";
import { evidenceRetrieved } from "./events";

/** A package or report holds at most this many items; ask for a narrower clause or period beyond it. */
export const MAX_ITEMS = 20_000;

/**
 * The evidence items of a selection, as the caller may see them: chosen refs (each must be
 * visible, else NOT_FOUND naming it), or everything for some clause rows within a period. Each
 * item carries its stored files, its metadata and the audit objects whose events belong with it.
 */
export async function resolveEvidence(ctx: ServiceContext, selection: EvidenceSelection): Promise<EvidenceItem[]> {
  const reader = await requireEvidenceReader(ctx);
  const refs = await selectRefs(ctx, reader, selection);
  if (refs.length === 0) throw new DomainError("VALIDATION_FAILED", "The selection is empty: choose items, or clauses and a period that hold evidence.");
  const items = await loadItems(reader, ctx.db, refs);
  await reader.recordAccess(evidenceRetrieved, { selection: { ...selection, refs: selection.refs?.length }, items: items.length });
  return items;
}

async function selectRefs(ctx: ServiceContext, reader: EvidenceReader, selection: EvidenceSelection): Promise<EvidenceRef[]> {
  const relation = evidenceRelation(reader.env);
  if (selection.refs?.length) {
    const kinds = new Set(ctx.registry.evidenceSources.filter((s) => !s.onlyWhenAsked).map((s) => s.kind));
    for (const ref of selection.refs) {
      if (!kinds.has(ref.kind)) throw new DomainError("VALIDATION_FAILED", `Unknown evidence kind “${ref.kind}”.`);
    }
    const pairs = sql.join(
      selection.refs.map((r) => sql`(${r.kind}, ${r.id})`),
      sql`, `,
    );
    const found = rowsOf<{ kind: EvidenceKind; id: string }>(
      await ctx.db.execute(sql`select ev.kind, ev.id from ${relation} ev where (ev.kind, ev.id) in (${pairs})`),
    );
    const key = (r: EvidenceRef) => `${r.kind}:${r.id}`;
    const visible = new Set(found.map(key));
    const missing = selection.refs.find((r) => !visible.has(key(r)));
    if (missing) throw notFound(`Evidence ${missing.kind} ${missing.id}`);
    return [...new Map(selection.refs.map((r) => [key(r), r])).values()];
  }
  if (!selection.clauses?.length && !selection.from && !selection.to) {
    throw new DomainError("VALIDATION_FAILED", "The selection is empty: choose items, or clauses and a period.");
  }
  for (const clause of selection.clauses ?? []) reader.assertWithinGrant({ clause });
  reader.assertWithinGrant({ from: selection.from, to: selection.to });
  const numbers = selection.clauses?.length ? reader.clauseNumbersOf(selection.clauses) : undefined;
  if (selection.clauses?.length && numbers === undefined) throw new DomainError("VALIDATION_FAILED", "A clause of the selection is not in the registry.");
  const filtered = evidenceRelation(reader.env, { from: selection.from, to: selection.to, clauseNumbers: numbers });
  const rows = rowsOf<{ kind: EvidenceKind; id: string }>(
    await ctx.db.execute(sql`select ev.kind, ev.id from ${filtered} ev order by ev.item_date, ev.id limit ${MAX_ITEMS + 1}`),
  );
  if (rows.length > MAX_ITEMS) throw new DomainError("VALIDATION_FAILED", `More than ${MAX_ITEMS} items match; narrow the clauses or the period.`);
  return rows;
}

/** The items of each kind, loaded by their sources (what the reader may see was checked when the refs were chosen). */
async function loadItems(reader: EvidenceReader, db: Db, refs: EvidenceRef[]): Promise<EvidenceItem[]> {
  const out = new Map<string, EvidenceItem>();
  for (const source of reader.env.registry.evidenceSources) {
    const ids = refs.filter((r) => r.kind === source.kind).map((r) => r.id);
    if (!ids.length) continue;
    for (const item of await source.load(db, ids, reader.env)) out.set(`${item.kind}:${item.id}`, item);
  }
  return refs.map((r) => out.get(`${r.kind}:${r.id}`)).filter((i): i is EvidenceItem => !!i);
}
