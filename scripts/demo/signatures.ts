import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DemoClient, type DemoUser } from "./http-client";

/**
 * The e-signature part of the demo: the IP manager sends the new employee's IP declaration
 * (employee signs, then the IP manager approves) and non-compete agreement (employee, then the
 * company through its top manager) built from templates; each signer reads, consents,
 * re-authenticates and signs. Writes ca.pem, tsa.pem, ip-declaration-signed.pdf and
 * non-compete-signed.pdf, and checks them with Custos's verifier.
 */
export async function signatureDemo(baseUrl: string, outDir: string, demo: Record<string, unknown>) {
  const users = demo.users as Record<string, DemoUser>;
  const client = async (u: DemoUser) => {
    const c = new DemoClient(baseUrl);
    await c.signIn(u.username, u.password);
    return c;
  };
  const ipManager = await client(users.ipManager!);
  const employee = await client(users.employee!);
  const topManager = await client(users.topManager!);

  const employeeFields = {
    employeeName: "张伟",
    idNumber: "11010519491231002X",
    department: "研发中心",
    position: "高级研发工程师",
  };
  const declaration = await ipManager.json<{ id: string }>("POST", "/api/v1/signature-requests", {
    title: "知识产权声明 — 张伟",
    subjectUserId: users.employee!.id,
    source: {
      kind: "template",
      templateId: "ip-declaration",
      values: { ...employeeFields, startDate: "2026-11-02", previousEmployer: "北京某某科技有限公司", priorIp: "无" },
    },
    signers: [
      { userId: users.employee!.id, meaning: "signed" },
      { userId: users.ipManager!.id, meaning: "approved" },
    ],
  });
  const nonCompete = await ipManager.json<{ id: string }>("POST", "/api/v1/signature-requests", {
    title: "竞业限制协议 — 张伟",
    subjectUserId: users.employee!.id,
    source: {
      kind: "template",
      templateId: "non-compete",
      values: {
        ...employeeFields,
        restrictedScope: "与本公司存在竞争关系的知识产权管理软件的研发、生产和销售",
        restrictedRegion: "中华人民共和国境内",
        restrictionMonths: 12,
        monthlyCompensation: 8000,
        liquidatedDamages: 200000,
      },
    },
    signers: [
      { userId: users.employee!.id, meaning: "signed" },
      { userId: users.topManager!.id, meaning: "signed" },
    ],
  });

  const signAs = async (c: DemoClient, u: DemoUser, requestId: string) => {
    await c.readDocument({ requestId });
    return c.json<{ completed: boolean }>("POST", `/api/v1/signature-requests/${requestId}/sign`, { pin: u.pin, consent: true });
  };
  await signAs(employee, users.employee!, declaration.id);
  await signAs(ipManager, users.ipManager!, declaration.id);
  await signAs(employee, users.employee!, nonCompete.id);
  const done = await signAs(topManager, users.topManager!, nonCompete.id);
  if (!done.completed) throw new Error("the non-compete agreement is not complete");

  const save = async (requestId: string, name: string) => {
    const res = await employee.request("GET", `/api/v1/signature-requests/${requestId}/document?version=final`);
    if (!res.ok) throw new Error(`download of ${name} failed: ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    await writeFile(join(outDir, name), bytes);
    const report = await employee.json<{ ok: boolean; signatures: { signerName: string; subFilter: string | null; chain: string; timestamp: { valid: boolean } | null }[] }>(
      "POST",
      "/api/v1/signatures/verify",
      bytes,
      { "content-type": "application/pdf" },
    );
    if (!report.ok) throw new Error(`${name} does not verify: ${JSON.stringify(report.signatures)}`);
    // PAdES B-LTA: the file ends with a document timestamp over everything, DSS included
    if (report.signatures[report.signatures.length - 1]?.subFilter !== "ETSI.RFC3161") throw new Error(`${name} does not end with a document timestamp`);
    const signatures = report.signatures.filter((s) => s.subFilter !== "ETSI.RFC3161");
    return { requestId, file: name, level: "B-LTA", signatures: signatures.map((s) => ({ signer: s.signerName, chain: s.chain, timestamped: s.timestamp?.valid ?? false })) };
  };
  const result = [await save(declaration.id, "ip-declaration-signed.pdf"), await save(nonCompete.id, "non-compete-signed.pdf")];
  await writeFile(join(outDir, "ca.pem"), await (await fetch(`${baseUrl}/pki/ca.pem`)).text());
  await writeFile(join(outDir, "tsa.pem"), await (await fetch(`${baseUrl}/pki/tsa.pem`)).text());
  return result;
}
