import { describe, expect, it } from "vitest";
import { parseCsv } from "../../../src/core/records/import/csv";
import { eq } from "drizzle-orm";
import { contracts } from "../../../src/db/schema/contracts";
import { jobs } from "../../../src/db/schema/jobs";
import { records } from "../../../src/db/schema/records";
import { errorCode, startHarness, type Client } from "../../support/app";
import { expectJson } from "./support";

const h = await startHarness();
const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", username: "wang.fang", clearance: "confidential" });
const legal = await h.user({ roles: ["legal"], displayName: "李娜", username: "li.na", clearance: "confidential" });
const ipm = await h.signIn(ipManager);
const legalClient = await h.signIn(legal);
const employeeClient = await h.signIn(await h.user({ roles: ["employee"] }));

interface Batch {
  batch: { id: string; status: string; totalRows: number; processedRows: number; importedRows: number; failedRows: number; error: string | null };
  failedRows: { line: number; error: string }[];
  percent: number;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

async function startImport(client: Client, kind: string, body: Uint8Array, mode = "valid-rows") {
  return client.request(`/api/v1/imports?kind=${kind}&mode=${mode}&filename=${encodeURIComponent("台账.csv")}`, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: new Uint8Array(body),
  });
}

/** Polls the import (it runs in the background) until it is no longer queued or running. */
async function finished(client: Client, id: string): Promise<Batch> {
  for (let i = 0; i < 600; i++) {
    const b = await expectJson<Batch>(await client.get(`/api/v1/imports/${id}`), 200);
    if (b.batch.status !== "queued" && b.batch.status !== "running") return b;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("import did not finish");
}

describe("CSV", () => {
  it("parses quoted fields with commas, doubled quotes and line breaks, CRLF, a BOM and tabs", () => {
    expect(parseCsv('a,b\r\n"x, y","he said ""hi"""\r\n"multi\nline",z\r\n\r\n')).toEqual([
      { line: 1, cells: ["a", "b"] },
      { line: 2, cells: ["x, y", 'he said "hi"'] },
      { line: 3, cells: ["multi\nline", "z"] },
    ]);
    expect(parseCsv("a\tb\n1\t2").map((r) => r.cells)).toEqual([["a", "b"], ["1", "2"]]);
    expect(() => parseCsv('a,b\n"open,1')).toThrow(/not closed/);
  });
});

describe("CSV import", () => {
  it("imports paper records with Chinese headers, reports each failed row with its reason, and shows progress", async () => {
    const csv = [
      "\ufeff类别代码,题名,日期,责任者,密级,库房,柜号,盒号,关联人员,备注,无关的列",
      "R-7.3.2.7-01,2019 年知识产权培训签到表,2019/4/12,知识产权办公室,内部,档案室 A,3,12,wang.fang,纸质原件,x",
      "R-7.3.2.7-01,2020 年知识产权培训签到表,2020年5月8日,知识产权办公室,,档案室 A,3,13,,,",
      "R-0-00,未知类别,2020-01-01,某人,,档案室 A,,,,,",
      "R-13.2-01,日期错误,2020-02-30,内审组,,档案室 A,,,,,",
      "R-13.2-01,缺少位置,2020-03-01,内审组,,,,,,,",
      'R-13.2-01,"题名, 含逗号",2021-03-01,内审组,绝密,档案室 B,,,,,',
      "R-13.2-01,\u202efdp.exe 内审报告,2021-03-01,内审组,,档案室 B,,,,,",
    ].join("\r\n");
    const res = await startImport(ipm, "records", utf8(csv));
    const started = await expectJson<{ batch: { id: string }; ignoredColumns: string[] }>(res, 202);
    expect(started.ignoredColumns).toEqual(["无关的列"]);
    const done = await finished(ipm, started.batch.id);
    expect(done.batch).toMatchObject({ status: "completed", totalRows: 7, processedRows: 7, importedRows: 2, failedRows: 5 });
    expect(done.percent).toBe(100);
    expect(done.failedRows.map((r) => r.line)).toEqual([4, 5, 6, 7, 8]);
    expect(done.failedRows[0]!.error).toMatch(/R-0-00/);
    expect(done.failedRows[1]!.error).toMatch(/2020-02-30/);
    expect(done.failedRows[2]!.error).toMatch(/location/);
    expect(done.failedRows[3]!.error).toMatch(/clearance/);
    expect(done.failedRows[4]!.error).toMatch(/^题名 title contains U\+202E, an invisible character that changes the direction of the text/);
    const list = await expectJson<{ items: { record: { title: string; recordDate: string; paperRoom: string; dueOn: string } }[] }>(await ipm.get("/api/v1/records?q=培训签到表"), 200);
    expect(list.items.map((i) => i.record.recordDate).sort()).toEqual(["2019-04-12", "2020-05-08"]);
    expect(list.items.find((i) => i.record.recordDate === "2019-04-12")!.record.dueOn).toBe("2029-04-12");
    const report = new Uint8Array(await (await ipm.get(`/api/v1/imports/${started.batch.id}/report.csv`)).arrayBuffer());
    expect([...report.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(report);
    expect(text).toMatch(/^行号/);
    expect(text).toMatch(/\n4,failed,/);
    expect(text).toMatch(/\n2,imported,,rec_/);
    // the embedded database's planner statistics are refreshed right after the bulk insert, once per import
    const analyse = await h.deps.db.select().from(jobs).where(eq(jobs.dedupeKey, `database-analyze:import:${started.batch.id}`));
    expect(analyse).toHaveLength(1);
    expect(analyse[0]!.payload).toEqual({ reason: "csv-import" });
  });

  it("refuses a file in GBK, a file missing columns, and an empty file with a clear 422, storing nothing", async () => {
    const before = (await h.deps.db.select().from(records)).length;
    // "题名" etc. encoded in GBK/GB18030 (what Excel on Chinese Windows writes by default)
    const gbk = new Uint8Array([0xc0, 0xe0, 0xb1, 0xf0, 0xb4, 0xfa, 0xc2, 0xeb, 0x2c, 0xcc, 0xe2, 0xc3, 0xfb, 0x0d, 0x0a]);
    const bad = await startImport(ipm, "records", gbk);
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("BAD_ENCODING");
    expect(body.error.message).toMatch(/GBK\/GB18030/);
    expect(body.error.message).toMatch(/CSV UTF-8/);

    const missing = await startImport(ipm, "records", utf8("题名,日期\n某记录,2020-01-01\n"));
    expect(missing.status).toBe(422);
    const m = (await missing.json()) as { error: { code: string; message: string } };
    expect(m.error.code).toBe("MISSING_COLUMNS");
    expect(m.error.message).toMatch(/类别代码/);
    expect(m.error.message).toMatch(/责任者/);

    expect(await errorCode(await startImport(ipm, "records", utf8("")))).toBe("MISSING_COLUMNS");
    expect(await errorCode(await startImport(ipm, "records", utf8("类别代码,题名,日期,责任者\n")))).toBe("VALIDATION_FAILED");
    expect(await errorCode(await startImport(employeeClient, "records", utf8("类别代码,题名,日期,责任者\n")))).toBe("FORBIDDEN");
    expect(await errorCode(await startImport(ipm, "records", utf8('类别代码,题名,日期,责任者\n"R-13.2-01,未闭合')))).toBe("VALIDATION_FAILED");
    expect((await h.deps.db.select().from(records)).length).toBe(before);
  });

  it("imports nothing in all-or-nothing mode when a row fails, and says which", async () => {
    const csv = "合同编号,合同名称,合同类型,相对方\nHT-A-001,甲合同,合作开发,某大学\nHT-A-002,乙合同,不存在的类型,某公司\n";
    const started = await expectJson<{ batch: { id: string; status: string } }>(await startImport(legalClient, "contracts", utf8(csv), "all-or-nothing"), 202);
    expect(started.batch.status).toBe("failed");
    const b = await finished(legalClient, started.batch.id);
    expect(b.batch).toMatchObject({ importedRows: 0, failedRows: 1 });
    expect(b.batch.error).toMatch(/nothing was imported/);
    expect(b.failedRows).toEqual([{ line: 3, error: expect.stringMatching(/不存在的类型/), data: expect.anything() }]);
    expect((await h.deps.db.select().from(contracts)).length).toBe(0);
  });

  it("imports an existing contract register: drafts, and contracts signed before Custos with their paper original", async () => {
    const csv = [
      "合同编号,合同名称,合同类型,相对方,金额,密级,生效日期,终止日期,签订日期,状态,负责人,成果归属,保密义务,库房,柜号,盒号",
      "HT-2019-007,专利许可合同,许可引进,甲公司；乙研究所,\"350,000\",秘密,2019-05-01,2024-04-30,2019-04-20,已到期,li.na,归许可方,五年,合同档案室,2,19",
      "HT-2025-031,技术服务合同,服务/代理外包,丙代理所,80000,内部,2025-01-01,2027-12-31,2024-12-20,履行中,,,,合同档案室,3,25",
      "HT-2026-002,联合研发合同（草拟）,合作开发,丁大学,,内部,,,,草拟,,,,,,",
      "HT-2026-002,重复编号,合作开发,丁大学,,内部,,,,草拟,,,,,,",
      "HT-2020-011,缺少原件位置,并购,戊公司,,内部,,,2020-01-01,已签署,,,,,,",
      // a decimal comma (or a typo): refused, never read as 120
      'HT-2026-009,金额含糊,其他,己公司,"1,20",内部,,,,草拟,,,,,,',
    ].join("\n");
    const started = await expectJson<{ batch: { id: string } }>(await startImport(legalClient, "contracts", utf8(csv)), 202);
    const b = await finished(legalClient, started.batch.id);
    expect(b.batch).toMatchObject({ status: "completed", importedRows: 3, failedRows: 3 });
    expect(b.failedRows.map((r) => r.line)).toEqual([5, 6, 7]);
    expect(b.failedRows[2]!.error).toMatch(/“1,20” is not an amount/);
    expect(b.failedRows[0]!.error).toMatch(/appears again \(first on line 4\)/);
    expect(b.failedRows[1]!.error).toMatch(/paper original/);
    const register = (
      await expectJson<{ items: { id: string; number: string; status: string; signingMethod: string | null; signedRecordId: string | null; valueAmount: string | null }[] }>(
        await legalClient.get("/api/v1/contracts?limit=200"),
        200,
      )
    ).items;
    const expired = register.find((c) => c.number === "HT-2019-007")!;
    expect(expired).toMatchObject({ status: "expired", signingMethod: "legacy", valueAmount: "350000.00" });
    const rec = await expectJson<{ record: { dueOn: string; paperRoom: string; contentSha256: string | null } }>(await legalClient.get(`/api/v1/records/${expired.signedRecordId}`), 200);
    expect(rec.record).toMatchObject({ dueOn: "2054-04-30", paperRoom: "合同档案室", contentSha256: null });
    expect(register.find((c) => c.number === "HT-2025-031")).toMatchObject({ status: "in-force" });
    expect(register.find((c) => c.number === "HT-2026-002")).toMatchObject({ status: "draft", signedRecordId: null });
    // a row whose number was imported already is refused on the next import
    const again = await expectJson<{ batch: { id: string } }>(await startImport(legalClient, "contracts", utf8("合同编号,合同名称,合同类型,相对方\nHT-2019-007,x,其他,y\n")), 202);
    expect((await finished(legalClient, again.batch.id)).failedRows[0]!.error).toMatch(/already in the register/);
  });

  it("imports a large record list in the background at a useful rate", async () => {
    const n = 2000;
    const lines = ["类别代码,题名,日期,责任者,库房,盒号"];
    for (let i = 0; i < n; i++) lines.push(`R-13.4-01,纠正措施记录 ${i},2018-01-${String((i % 28) + 1).padStart(2, "0")},质量部,档案室 C,${Math.floor(i / 50)}`);
    const t0 = performance.now();
    const started = await expectJson<{ batch: { id: string } }>(await startImport(ipm, "records", utf8(lines.join("\n"))), 202);
    const seen = new Set<number>();
    let b: Batch;
    for (;;) {
      b = await expectJson<Batch>(await ipm.get(`/api/v1/imports/${started.batch.id}`), 200);
      seen.add(b.batch.processedRows);
      if (b.batch.status === "completed" || b.batch.status === "failed") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    expect(b.batch).toMatchObject({ status: "completed", importedRows: n, failedRows: 0 });
    expect(seen.size).toBeGreaterThan(2); // progress was visible along the way
    console.log(`CSV import: ${n} records in ${seconds.toFixed(1)} s = ${Math.round(n / seconds)} rows/s (${h.database.kind})`);
  });
});
