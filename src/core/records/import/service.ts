import { z } from "zod";
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client";
import { departments } from "../../../db/schema/organisation";
import { importBatches, importRows, type ImportBatchRow, type ImportRowRow } from "../../../db/schema/records";
import { users } from "../../../db/schema/users";
import { newId } from "../../../lib/ids";
import { audit } from "../../audit/service";
import { requirePrincipal, requireRole } from "../../auth/guard";
import { clearedFor, hasRole, type Classification, type Principal } from "../../auth/permissions";
import { inTransaction, systemContext, type AppDeps, type ServiceContext, type TxContext } from "../../context";
import { newContractRow } from "../../contracts/service";
import * as contractRepo from "../../contracts/repo";
import { CONTRACT_WRITE_ROLES, IP_TERMS, type ContractType } from "../../contracts/vocabulary";
import { normaliseAmount } from "../../contracts/schemas";
import { DomainError, mapDatabaseError, notFound } from "../../errors";
import { ensureBlob } from "../../files/repo";
import type { BlobBody } from "../../storage/blob-store";
import { today } from "../dates";
import { insertDeclaredRecord, paperLocation } from "../declare";
import { paperNatures } from "../natures";
import * as repo from "../repo";
import { applyRetentionEvent } from "../retention";
import { BUILT_IN_CLASS, RECORD_WRITE_ROLES } from "../vocabulary";
import { CONTRACT_COLUMNS, RECORD_COLUMNS, cellsOf, mapHeader, parseClassification, parseContractStatus, parseContractType, parseDate } from "./columns";
import { decodeUtf8, parseCsv, toCsv } from "./csv";
import { importCompleted, importStarted } from "../events";
import { contractImported } from "../../contracts/events";
import { defineJob, enqueue } from "../../jobs/define";
import { databaseAnalyzeJob } from "../../maintenance/jobs";
import { findVisible } from "../../access/policy";
import { importPolicy } from "../access";
import { bidiControlsIn, bidiMessage } from "../../text";

export type ImportKind = "contracts" | "records";
export type ImportMode = "valid-rows" | "all-or-nothing";

/** Largest CSV accepted, and most data rows. */
export const IMPORT_LIMITS = { maxBytes: 20 * 1024 * 1024, maxRows: 50_000 } as const;
/** Rows imported per transaction (each row in its own savepoint); progress moves by this much. */
const CHUNK = 100;

async function readAll(body: BlobBody, max: number): Promise<Uint8Array> {
  if (body instanceof Uint8Array) {
    if (body.byteLength > max) throw new DomainError("PAYLOAD_TOO_LARGE", `The CSV file is larger than ${max / 1048576} MB; split it into smaller files.`);
    return body;
  }
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > max) throw new DomainError("PAYLOAD_TOO_LARGE", `The CSV file is larger than ${max / 1048576} MB; split it into smaller files.`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

interface Lookups {
  classes: Map<string, { id: string; defaultClassification: string }>;
  departments: Map<string, string>;
  users: Map<string, string>;
  contracts: Map<string, string>;
}

async function loadLookups(db: Db): Promise<Lookups> {
  const classes = new Map((await repo.listClasses(db)).map((c) => [c.code.toLowerCase(), { id: c.id, defaultClassification: c.defaultClassification }]));
  const deps = new Map((await db.select({ id: departments.id, code: departments.code }).from(departments)).map((d) => [d.code.toLowerCase(), d.id]));
  const people = new Map((await db.select({ id: users.id, username: users.username }).from(users).where(eq(users.active, true))).map((u) => [u.username, u.id]));
  return { classes, departments: deps, users: people, contracts: new Map() };
}

type RowOutcome = { line: number; data: Record<string, unknown>; error: string | null };

function clearance(p: Principal, level: Classification): Classification {
  if (!clearedFor(p.clearance, level)) throw new Error(`密级 ${level} is above your clearance`);
  return level;
}

/** A row's titles and names must not carry invisible direction characters (they make a name display as another). */
function refuseBidi(fields: Record<string, string>): void {
  for (const [field, value] of Object.entries(fields)) {
    const controls = bidiControlsIn(value);
    if (controls) throw new Error(`${field} ${bidiMessage(controls)}`);
  }
}

function recordRow(p: Principal, v: Record<string, string>, look: Lookups, line: number, filename: string): Record<string, unknown> {
  const cls = look.classes.get((v.classCode ?? "").toLowerCase());
  if (!cls) throw new Error(`类别代码 class “${v.classCode}” is not in the file plan`);
  if (!v.title) throw new Error("题名 title is empty");
  if (!v.author) throw new Error("责任者 author is empty");
  refuseBidi({ "题名 title": v.title, "责任者 author": v.author });
  const paper = { room: v.paperRoom || null, cabinet: v.paperCabinet || null, box: v.paperBox || null };
  if (!paperLocation(paper)) throw new Error("give the paper original's location (库房, 柜号 or 盒号): imported records are paper records");
  const departmentId = v.department ? look.departments.get(v.department.toLowerCase()) : undefined;
  if (v.department && !departmentId) throw new Error(`部门 department “${v.department}” does not exist (use its code)`);
  const personId = v.person ? look.users.get(v.person.toLowerCase()) : undefined;
  if (v.person && !personId) throw new Error(`关联人员 person “${v.person}” is not an active username`);
  return {
    classId: cls.id,
    title: v.title.slice(0, 300),
    recordDate: parseDate(v.recordDate ?? "", "日期 date"),
    author: v.author.slice(0, 200),
    classification: clearance(p, v.classification ? parseClassification(v.classification) : (cls.defaultClassification as Classification)),
    departmentId: departmentId ?? null,
    paper,
    description: v.description || null,
    personId: personId ?? null,
    contractNumber: v.contractNumber || null,
    provenance: `imported from ${filename} line ${line} by ${p.displayName} (${p.username})`,
  };
}

function contractRow(p: Principal, v: Record<string, string>, look: Lookups): Record<string, unknown> {
  if (!v.number) throw new Error("合同编号 number is empty");
  if (!v.title) throw new Error("合同名称 title is empty");
  refuseBidi({ "合同名称 title": v.title, "相对方 counterparties": v.counterparties ?? "" });
  const type = parseContractType(v.type ?? "");
  const counterparties = (v.counterparties ?? "")
    .split(/[;；、|]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => ({ name: name.slice(0, 300) }));
  if (counterparties.length === 0) throw new Error("相对方 counterparties is empty");
  // the API's reading: commas only as thousands separators ("1,20" is ambiguous and refused, not 120)
  const valueAmount = v.valueAmount ? ((normaliseAmount(v.valueAmount) as string | undefined) ?? null) : null;
  if (valueAmount && !/^\d{1,16}(\.\d{1,2})?$/.test(valueAmount)) throw new Error(`金额 value “${v.valueAmount}” is not an amount`);
  const currency = (v.currency || "CNY").toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`币种 currency “${v.currency}” is not a code such as CNY`);
  const effectiveOn = v.effectiveOn ? parseDate(v.effectiveOn, "生效日期 effective date") : null;
  const endOn = v.endOn ? parseDate(v.endOn, "终止日期 end date") : null;
  if (effectiveOn && endOn && endOn < effectiveOn) throw new Error("终止日期 end date is before 生效日期 effective date");
  const signedOn = v.signedOn ? parseDate(v.signedOn, "签订日期 signed date") : null;
  const status = v.status ? parseContractStatus(v.status) : "draft";
  const paper = { room: v.paperRoom || null, cabinet: v.paperCabinet || null, box: v.paperBox || null };
  if (status !== "draft") {
    if (!signedOn) throw new Error("a contract signed before Custos needs its 签订日期 signed date");
    if (!paperLocation(paper)) throw new Error("a contract signed before Custos needs the location of its paper original (库房, 柜号 or 盒号)");
    if ((status === "expired" || status === "terminated") && !endOn) throw new Error("an expired or terminated contract needs its 终止日期 end date");
  }
  const ownerId = v.owner ? look.users.get(v.owner.toLowerCase()) : p.id;
  if (!ownerId) throw new Error(`负责人 owner “${v.owner}” is not an active username`);
  const departmentId = v.department ? look.departments.get(v.department.toLowerCase()) : undefined;
  if (v.department && !departmentId) throw new Error(`部门 department “${v.department}” does not exist (use its code)`);
  return {
    number: v.number.slice(0, 60),
    title: v.title.slice(0, 300),
    type,
    counterparties,
    valueAmount,
    currency,
    classification: clearance(p, v.classification ? parseClassification(v.classification) : "internal"),
    effectiveOn,
    endOn,
    signedOn,
    status,
    ownerId,
    departmentId: departmentId ?? null,
    ipTerms: Object.fromEntries(IP_TERMS.filter((k) => v[k]).map((k) => [k, v[k]])),
    paper,
    notes: v.notes || null,
  };
}

/**
 * Starts a CSV import of records (paper records with their location) or contracts (the existing
 * register). The whole file is checked first: bad encoding (BAD_ENCODING), missing columns
 * (MISSING_COLUMNS) or a malformed file refuse it with nothing stored. Then every row is checked
 * and kept with its outcome: in "all-or-nothing" mode one bad row means nothing is imported; in
 * "valid-rows" mode the good rows are imported in the background (progress is visible) and the
 * bad ones listed with the reason. The source file is kept.
 */
export async function startImport(
  ctx: ServiceContext,
  input: { kind: ImportKind; mode: ImportMode; filename: string; body: BlobBody },
): Promise<{ batch: ImportBatchRow; ignoredColumns: string[]; queued: boolean }> {
  const p = input.kind === "records" ? requireRole(ctx, ...RECORD_WRITE_ROLES) : requireRole(ctx, ...CONTRACT_WRITE_ROLES);
  const bytes = await readAll(input.body, IMPORT_LIMITS.maxBytes);
  const text = decodeUtf8(bytes);
  const rows = parseCsv(text);
  if (rows.length === 0) throw new DomainError("MISSING_COLUMNS", "The file is empty; the first line must name the columns.");
  const { index, ignored } = mapHeader(rows[0]!.cells, input.kind === "records" ? RECORD_COLUMNS : CONTRACT_COLUMNS);
  const data = rows.slice(1);
  if (data.length === 0) throw new DomainError("VALIDATION_FAILED", "The file has a header line but no rows to import.");
  if (data.length > IMPORT_LIMITS.maxRows) throw new DomainError("PAYLOAD_TOO_LARGE", `The file has ${data.length} rows; import at most ${IMPORT_LIMITS.maxRows} at a time.`);
  const look = await loadLookups(ctx.db);
  const outcomes: RowOutcome[] = [];
  const seenNumbers = new Map<string, number>();
  for (const row of data) {
    const v = cellsOf(row.cells, index);
    try {
      const parsed = input.kind === "records" ? recordRow(p, v, look, row.line, input.filename) : contractRow(p, v, look);
      if (input.kind === "contracts") {
        const number = parsed.number as string;
        const earlier = seenNumbers.get(number);
        if (earlier) throw new Error(`合同编号 ${number} appears again (first on line ${earlier})`);
        seenNumbers.set(number, row.line);
      }
      outcomes.push({ line: row.line, data: parsed, error: null });
    } catch (err) {
      outcomes.push({ line: row.line, data: v, error: err instanceof Error ? err.message : String(err) });
    }
  }
  if (input.kind === "contracts") {
    const existing = await contractRepo.listContractNumbers(ctx.db, outcomes.filter((o) => !o.error).map((o) => o.data.number as string));
    for (const o of outcomes) if (!o.error && existing.has(o.data.number as string)) o.error = `合同编号 ${o.data.number} is already in the register`;
  } else {
    const numbers = [...new Set(outcomes.filter((o) => !o.error && o.data.contractNumber).map((o) => o.data.contractNumber as string))];
    for (const n of numbers) {
      const c = await contractRepo.findContractByNumber(ctx.db, n);
      if (c) look.contracts.set(n, c.id);
    }
    for (const o of outcomes) {
      if (o.error || !o.data.contractNumber) continue;
      const id = look.contracts.get(o.data.contractNumber as string);
      if (!id) o.error = `合同编号 contract ${o.data.contractNumber} is not in the register`;
      else o.data.contractId = id;
    }
  }
  const failed = outcomes.filter((o) => o.error).length;
  const rejectAll = input.mode === "all-or-nothing" && failed > 0;
  const put = await ctx.storage.put(bytes);
  const now = ctx.clock.now();
  const batch: ImportBatchRow = {
    id: newId("imp"),
    kind: input.kind,
    mode: input.mode,
    status: rejectAll || failed === outcomes.length ? "failed" : "queued",
    filename: input.filename,
    sourceSha256: put.sha256,
    totalRows: outcomes.length,
    processedRows: failed + (rejectAll ? outcomes.length - failed : 0),
    importedRows: 0,
    failedRows: failed,
    error: rejectAll
      ? `${failed} row(s) failed their checks; in all-or-nothing mode nothing was imported. Fix them and import the file again.`
      : failed === outcomes.length
        ? "No row passed its checks; nothing was imported."
        : null,
    createdBy: p.id,
    createdAt: now,
    finishedAt: rejectAll || failed === outcomes.length ? now : null,
  };
  await inTransaction(ctx, async (t) => {
    await ensureBlob(t.db, put.sha256, put.size, now);
    await t.db.insert(importBatches).values(batch);
    const rowsToInsert: ImportRowRow[] = outcomes.map((o) => ({
      batchId: batch.id,
      line: o.line,
      status: o.error ? "failed" : rejectAll ? "skipped" : "pending",
      data: o.data,
      error: o.error,
      objectId: null,
    }));
    for (let i = 0; i < rowsToInsert.length; i += 1000) await t.db.insert(importRows).values(rowsToInsert.slice(i, i + 1000));
    audit(t, importStarted, batch.id, { kind: batch.kind, mode: batch.mode, filename: batch.filename, sha256: put.sha256, rows: outcomes.length, failedChecks: failed, status: batch.status, ignoredColumns: ignored });
    if (batch.status === "queued") await enqueue(t, csvImportJob, { batchId: batch.id }, { dedupeKey: `csv-import:${batch.id}` });
  });
  return { batch, ignoredColumns: ignored, queued: batch.status === "queued" };
}

/** Imports one checked row, in the caller's (nested) transaction. Returns the id of what it created. */
async function importOne(t: TxContext, kind: ImportKind, data: Record<string, unknown>, line: number, filename: string): Promise<string> {
  if (kind === "records") {
    const paper = data.paper as { room: string | null; cabinet: string | null; box: string | null };
    const record = await insertDeclaredRecord(t, {
      classId: data.classId as string,
      title: data.title as string,
      description: data.description as string | null,
      recordDate: data.recordDate as string,
      author: data.author as string,
      departmentId: data.departmentId as string | null,
      classification: data.classification as Classification,
      paper,
      sourceKind: "import",
      sourceId: `${filename}#${line}`,
      natures: paperNatures(t, { location: paperLocation(paper)!, provenance: { description: data.provenance as string } }),
      links: [
        ...(data.personId ? [{ kind: "user" as const, targetId: data.personId as string }] : []),
        ...(data.contractId ? [{ kind: "contract" as const, targetId: data.contractId as string }] : []),
      ],
    });
    return record.id;
  }
  const status = data.status as string;
  const row = newContractRow({ id: t.actor.userId! }, {
    number: data.number as string,
    title: data.title as string,
    type: data.type as ContractType,
    counterparties: data.counterparties as { name: string }[],
    ownerId: data.ownerId as string,
    departmentId: (data.departmentId as string | null) ?? undefined,
    classification: data.classification as Classification,
    valueAmount: (data.valueAmount as string | null) ?? undefined,
    currency: data.currency as string,
    effectiveOn: (data.effectiveOn as string | null) ?? undefined,
    endOn: (data.endOn as string | null) ?? undefined,
    ipTerms: data.ipTerms as Record<string, string>,
    notes: (data.notes as string | null) ?? undefined,
  }, t.clock.now());
  await contractRepo.insertContract(t.db, row);
  audit(t, contractImported, row.id, { filename, line, status, after: { ...row, searchText: undefined } });
  if (status !== "draft") {
    // signed before Custos existed: its paper original becomes the signed contract's record; no IP review was recorded here
    const paper = data.paper as { room: string | null; cabinet: string | null; box: string | null };
    const record = await insertDeclaredRecord(t, {
      classId: BUILT_IN_CLASS.signedContracts,
      title: `${row.number} ${row.title}（已签署，纸质原件）`,
      recordDate: data.signedOn as string,
      author: (row.counterparties as { name: string }[]).map((c) => c.name).join("、"),
      departmentId: row.departmentId,
      classification: row.classification as Classification,
      paper,
      sourceKind: "contract",
      sourceId: row.id,
      natures: paperNatures(t, { location: paperLocation(paper)!, provenance: { description: `paper original of contract ${row.number}, signed ${data.signedOn}, imported from ${filename} line ${line}` } }),
      links: [{ kind: "contract", targetId: row.id }],
    });
    const end = data.endOn as string | null;
    await contractRepo.updateContract(t.db, row.id, {
      status,
      signingMethod: "legacy",
      signedOn: data.signedOn as string,
      signedRecordId: record.id,
      ...(status === "terminated" ? { terminatedOn: end, terminationReason: "imported as terminated" } : {}),
    });
    if ((status === "expired" || status === "terminated") && end) {
      await applyRetentionEvent(t, { trigger: "contract-end", subjectId: row.id, occurredOn: end, note: `imported from ${filename} line ${line}` });
    }
  }
  return row.id;
}

/** Imports one chunk of rows and records each row's outcome and the batch's counters, in one transaction. */
async function importChunk(ctx: ServiceContext, batch: ImportBatchRow, rows: ImportRowRow[], isolate: boolean): Promise<{ ok: number; bad: number }> {
  return inTransaction(ctx, async (t) => {
    const outcomes: { line: number; status: "imported" | "failed"; objectId: string | null; error: string | null }[] = [];
    for (const row of rows) {
      const run = (tx: TxContext) => importOne(tx, batch.kind as ImportKind, row.data as Record<string, unknown>, row.line, batch.filename);
      if (!isolate) {
        outcomes.push({ line: row.line, status: "imported", objectId: await run(t), error: null });
        continue;
      }
      try {
        const objectId = await t.db.transaction((sp) => run({ ...t, db: sp }));
        outcomes.push({ line: row.line, status: "imported", objectId, error: null });
      } catch (err) {
        const mapped = mapDatabaseError(err);
        outcomes.push({ line: row.line, status: "failed", objectId: null, error: mapped instanceof DomainError ? mapped.message : err instanceof Error ? err.message : String(err) });
      }
    }
    const values = sql.join(
      outcomes.map((o) => sql`(${o.line}::integer, ${o.status}, ${o.objectId}, ${o.error})`),
      sql`, `,
    );
    await t.db.execute(sql`
      update ${importRows} set status = v.status, object_id = v.object_id, error = v.error
      from (values ${values}) as v(line, status, object_id, error)
      where ${importRows.batchId} = ${batch.id} and ${importRows.line} = v.line`);
    const ok = outcomes.filter((o) => o.status === "imported").length;
    const bad = outcomes.length - ok;
    await t.db
      .update(importBatches)
      .set({
        processedRows: sql`${importBatches.processedRows} + ${ok + bad}`,
        importedRows: sql`${importBatches.importedRows} + ${ok}`,
        failedRows: sql`${importBatches.failedRows} + ${bad}`,
      })
      .where(eq(importBatches.id, batch.id));
    return { ok, bad };
  });
}

/**
 * Imports the pending rows of a batch in chunks (the queue's csv-import job). Each row has its own
 * savepoint: a row that fails now (say its contract number was taken meanwhile) is marked failed
 * with the reason, the others go in. Progress is committed after each chunk; a crash resumes from
 * the rows still pending.
 */
export async function processImport(deps: AppDeps, batchId: string, heartbeat: () => Promise<void> = async () => {}): Promise<{ imported: number; failed: number }> {
  const [batch] = await deps.db.select().from(importBatches).where(eq(importBatches.id, batchId));
  if (!batch || batch.status === "completed" || batch.status === "failed") return { imported: 0, failed: 0 };
  const [owner] = await deps.db.select({ id: users.id, username: users.username }).from(users).where(eq(users.id, batch.createdBy));
  const ctx: ServiceContext = { ...systemContext(deps), actor: { userId: owner!.id, label: owner!.username } };
  await deps.db.update(importBatches).set({ status: "running" }).where(eq(importBatches.id, batchId));
  let imported = 0;
  let failed = 0;
  for (;;) {
    const pending = await deps.db
      .select()
      .from(importRows)
      .where(and(eq(importRows.batchId, batchId), eq(importRows.status, "pending")))
      .orderBy(asc(importRows.line))
      .limit(CHUNK);
    if (pending.length === 0) break;
    // fast path: the whole chunk in one transaction; if any row fails, redo the chunk with a savepoint per row
    const outcome = await importChunk(ctx, batch, pending, false).catch(() => importChunk(ctx, batch, pending, true));
    imported += outcome.ok;
    failed += outcome.bad;
    await heartbeat();
    // let requests (progress polls above all) in between chunks: the embedded database runs one query at a time
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await inTransaction(ctx, async (t) => {
    const [done] = await t.db.update(importBatches).set({ status: "completed", finishedAt: t.clock.now() }).where(eq(importBatches.id, batchId)).returning();
    audit(t, importCompleted, batchId, { imported: done!.importedRows, failed: done!.failedRows, total: done!.totalRows });
    // thousands of new rows: the embedded database's planner must learn of them now, not at the next hour
    if (done!.importedRows > 0) await enqueue(t, databaseAnalyzeJob, { reason: "csv-import" }, { dedupeKey: `database-analyze:import:${batchId}` });
  });
  return { imported, failed };
}

/** A batch and its failed rows, for its starter and records or contract roles. */
/** An import and its failed rows: only for the person who ran it (its rows may hold anything, at any classification). */
export async function getImportBatch(ctx: ServiceContext, id: string) {
  const p = requirePrincipal(ctx);
  const batch = await findVisible(ctx.db, importPolicy, p, id);
  if (!batch) throw notFound("The import");
  const failedRows = await ctx.db
    .select({ line: importRows.line, error: importRows.error, data: importRows.data })
    .from(importRows)
    .where(and(eq(importRows.batchId, id), eq(importRows.status, "failed")))
    .orderBy(asc(importRows.line))
    .limit(1000);
  return { batch, failedRows, percent: batch.totalRows ? Math.floor((batch.processedRows / batch.totalRows) * 100) : 100, day: today(ctx.clock) };
}

/** Every row's outcome as CSV (line, status, error, created id), to fix and re-import the failed ones. */
export async function importReportCsv(ctx: ServiceContext, id: string): Promise<{ filename: string; csv: string }> {
  const { batch } = await getImportBatch(ctx, id);
  const rows = await ctx.db.select().from(importRows).where(eq(importRows.batchId, id)).orderBy(asc(importRows.line));
  const csv = toCsv([
    ["行号 line", "结果 status", "原因 error", "创建的对象 created id"],
    ...rows.map((r) => [String(r.line), r.status, r.error ?? "", r.objectId ?? ""]),
  ]);
  return { filename: `${batch.filename.replace(/\.csv$/i, "")}-report.csv`, csv };
}

/** Imports a checked CSV file's rows in the background, with progress. */
export const csvImportJob = defineJob({
  kind: "csv-import",
  payload: z.object({ batchId: z.string() }),
  run: ({ ctx, payload, heartbeat }) => processImport(ctx, payload.batchId, heartbeat),
});
