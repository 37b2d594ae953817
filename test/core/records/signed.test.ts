import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { signatureRequests, signatures } from "../../../src/db/schema/signatures";
import { errorCode, startHarness, type Client, type TestUser } from "../../support/app";
import { expectJson, type RecordJson } from "./support";

const h = await startHarness();
const ipManager = await h.user({ roles: ["ip-manager"], displayName: "王芳", clearance: "confidential" });
const legal = await h.user({ roles: ["legal"], displayName: "李娜", clearance: "confidential" });
const employee = await h.user({ roles: ["employee"], displayName: "张伟" });
const ipm = await h.signIn(ipManager);
const legalClient = await h.signIn(legal);
const employeeClient = await h.signIn(employee);

async function sign(client: Client, user: TestUser, id: string) {
  expect((await client.readDocument(id)).status).toBe(200);
  return expectJson<{ completed: boolean }>(await client.post(`/api/v1/signature-requests/${id}/sign`, { pin: user.pin, consent: true }), 200);
}

describe("records from the signing service", () => {
  it("declares a signed IP declaration in its 7.3.2.4 class, linked to the employee; destroying it later deletes every version of it", async () => {
    const request = await expectJson<{ id: string }>(
      await ipm.post("/api/v1/signature-requests", {
        title: "知识产权声明 — 张伟",
        subjectUserId: employee.id,
        source: {
          kind: "template",
          templateId: "ip-declaration",
          values: { employeeName: "张伟", idNumber: "11010519491231002X", department: "研发中心", position: "工程师", startDate: "2026-01-05" },
        },
        signers: [
          { userId: employee.id, meaning: "signed" },
          { userId: ipManager.id, meaning: "approved" },
        ],
      }),
      201,
    );
    await sign(employeeClient, employee, request.id);
    await sign(ipm, ipManager, request.id);

    const found = await expectJson<{ items: { record: RecordJson & { sourceKind: string; sourceId: string }; classCode: string }[] }>(
      await ipm.get(`/api/v1/records?linkedUserId=${employee.id}&clause=7.3.2.4`),
      200,
    );
    expect(found.items).toHaveLength(1);
    const record = found.items[0]!;
    expect(record.classCode).toBe("R-7.3.2.4-02");
    expect(record.record).toMatchObject({ sourceKind: "signature-request", sourceId: request.id, dueOn: null });
    expect(record.record.natures.authenticity!.status).toBe("pass");
    expect(record.record.natures.authenticity!.detail).toMatch(/2 signature\(s\) verified/);
    const [req] = await h.deps.db.select().from(signatureRequests).where(eq(signatureRequests.id, request.id));
    expect(record.record.contentSha256).toBe(req!.finalSha256);
    // the employee sees their own declaration among the records
    expect((await employeeClient.get(`/api/v1/records/${record.record.id}`)).status).toBe(200);

    // the employee leaves; the IP manager shortens the class for this test's sake; the record falls due
    await expectJson(await ipm.post("/api/v1/retention-events", { trigger: "employment-end", subjectId: employee.id, occurredOn: "2026-01-31" }), 200);
    const classId = (await expectJson<{ recordClass: { id: string } }>(await ipm.get(`/api/v1/records/${record.record.id}`), 200)).recordClass.id;
    await expectJson(await ipm.patch(`/api/v1/record-classes/${classId}`, { retentionAmount: 1, retentionUnit: "months", disposition: "destroy", reason: "测试：缩短为一个月" }), 200);
    const due = await expectJson<{ record: RecordJson }>(await ipm.get(`/api/v1/records/${record.record.id}`), 200);
    expect(due.record.dueOn).toBe("2026-02-28");

    const versions = new Set([req!.originalSha256, ...(await h.deps.db.select().from(signatures).where(eq(signatures.requestId, request.id))).flatMap((s) => [s.sha256Before, s.sha256After])]);
    expect(versions.size).toBe(3);
    for (const sha of versions) expect(await h.deps.storage.stat(sha)).not.toBeNull();

    const disposal = await expectJson<{ id: string }>(await ipm.post("/api/v1/disposals", { action: "destroy", recordIds: [record.record.id], reason: "到期销毁" }), 201);
    const otherManager = await h.user({ roles: ["ip-manager"], clearance: "secret" });
    await expectJson(await (await h.signIn(otherManager)).post(`/api/v1/disposals/${disposal.id}/decision`, { decision: "approved", password: otherManager.password }), 200);
    await expectJson(await legalClient.post(`/api/v1/disposals/${disposal.id}/decision`, { decision: "approved", password: legal.password }), 200);
    for (const sha of versions) expect(await h.deps.storage.stat(sha)).toBeNull();
    // the signature request's documents are gone with it; the signature evidence rows remain
    expect(await errorCode(await ipm.get(`/api/v1/records/${record.record.id}/content`))).toBe("CONTENT_DESTROYED");
    expect(await h.deps.db.select().from(signatures).where(eq(signatures.requestId, request.id))).toHaveLength(2);
  });
});
