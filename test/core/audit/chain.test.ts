import { sql } from "drizzle-orm";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { readerPolicy } from "../../../src/core/access/policy";
import { auditEvent } from "../../../src/core/audit/events";
import { audit, verifyAuditChain } from "../../../src/core/audit/service";
import { GENESIS_HASH, hashEvent } from "../../../src/core/audit/chain";
import { inTransaction, systemContext } from "../../../src/core/context";
import type { Extension } from "../../../src/core/registry";
import { auditEvents } from "../../../src/db/schema/audit";
import { errorCode, startHarness } from "../../support/app";

/** A kind of object and event only these tests know: the chain takes whatever is registered. */
const thingEvent = auditEvent("test.event", "thing", { zh: "测试", en: "Test" }, z.strictObject({ i: z.number().optional(), 名称: z.string().optional() }));
export const thingExtension: Extension = { name: "test-things", events: [thingEvent], policies: [readerPolicy("thing", () => true)] };

const h = await startHarness({ extensions: [thingExtension] });

async function append(n: number, label = "test", harness = h) {
  const ctx = systemContext(harness.deps);
  for (let i = 0; i < n; i++) {
    await inTransaction(ctx, async (t) => audit(t, thingEvent, `${label}-${i}`, { i, 名称: "知识产权" }));
  }
}

async function tamper(statement: ReturnType<typeof sql>) {
  await h.deps.db.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
    await tx.execute(statement);
    await tx.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
  });
}

describe("audit chain", () => {
  it("links each event to the previous one by hash, from the genesis hash", async () => {
    await append(3, "link");
    const rows = await h.deps.db.select().from(auditEvents).orderBy(auditEvents.seq);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    for (const r of rows) expect(hashEvent(r.prevHash, r)).toBe(r.hash);
    const report = await verifyAuditChain(h.deps.db);
    expect(report).toMatchObject({ ok: true, checked: rows.length, headHash: rows.at(-1)!.hash });
  });

  it("stays linear under concurrent writers", async () => {
    const ctx = systemContext(h.deps);
    await Promise.all(Array.from({ length: 12 }, (_, i) => inTransaction(ctx, async (t) => audit(t, thingEvent, `c-${i}`, {}))));
    const rows = await h.deps.db.select({ seq: auditEvents.seq }).from(auditEvents).orderBy(auditEvents.seq);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect((await verifyAuditChain(h.deps.db)).ok).toBe(true);
  });

  it("is refused UPDATE, DELETE and TRUNCATE by the database", async () => {
    const refusal = async (q: ReturnType<typeof sql>) => {
      const err = (await h.deps.db.execute(q).then(() => null, (e: Error) => e)) as (Error & { cause?: Error }) | null;
      return `${err?.message ?? ""} ${err?.cause?.message ?? ""}`;
    };
    expect(await refusal(sql`update audit_events set action = 'x' where seq = 1`)).toMatch(/append-only: UPDATE/);
    expect(await refusal(sql`delete from audit_events where seq = 1`)).toMatch(/append-only: DELETE/);
    expect(await refusal(sql`truncate audit_events`)).toMatch(/append-only: TRUNCATE/);
    expect((await verifyAuditChain(h.deps.db)).ok).toBe(true);
  });

  it("names the first broken event when a row was altered in SQL (trigger disabled)", async () => {
    await append(4, "tamper");
    // read in pages of 3, every event is checked
    const whole = await verifyAuditChain(h.deps.db, { pageSize: 3 });
    const [{ count }] = (await h.deps.db.select({ count: sql<number>`count(*)::int` }).from(auditEvents)) as [{ count: number }];
    expect(whole).toMatchObject({ ok: true, checked: count, headSeq: count });
    const [victim] = await h.deps.db
      .select({ seq: auditEvents.seq })
      .from(auditEvents)
      .where(sql`${auditEvents.objectId} = 'tamper-1'`);
    await tamper(sql`update audit_events set data = '{"i": 99}'::jsonb where seq = ${victim!.seq}`);
    const report = await verifyAuditChain(h.deps.db, { pageSize: 3 });
    expect(report.ok).toBe(false);
    expect(report.firstBroken).toMatchObject({ seq: victim!.seq, reason: "hash-mismatch" });
    expect(report.checked).toBe(victim!.seq - 1);

    const admin = await h.user({ roles: ["admin"] });
    const client = await h.signIn(admin);
    const res = await client.get("/api/v1/audit/verify");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; firstBroken: { seq: number } };
    expect(body.ok).toBe(false);
    expect(body.firstBroken.seq).toBe(victim!.seq);
  });

  it("reports a deleted event as a gap", async () => {
    const fresh = await startHarness({ extensions: [thingExtension] });
    await append(3, "gap", fresh);
    await fresh.deps.db.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_no_update_delete`);
      await tx.execute(sql`delete from audit_events where seq = 2`);
      await tx.execute(sql`alter table audit_events enable trigger audit_events_no_update_delete`);
    });
    const report = await verifyAuditChain(fresh.deps.db);
    expect(report.firstBroken).toMatchObject({ seq: 3, reason: "gap" });
  });

  it("lets only admins and auditors run verification, and only admins list events", async () => {
    const employee = await h.signIn(await h.user({ roles: ["employee"] }));
    expect(await errorCode(await employee.get("/api/v1/audit/verify"))).toBe("FORBIDDEN");
    expect(await errorCode(await employee.get("/api/v1/audit/events"))).toBe("FORBIDDEN");
    const auditor = await h.signIn(await h.user({ roles: ["auditor"] }));
    expect((await auditor.get("/api/v1/audit/verify")).status).toBe(200);
    expect(await errorCode(await h.anonymous().get("/api/v1/audit/verify"))).toBe("UNAUTHENTICATED");
  });
});
