import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DemoClient, type DemoUser } from "./http-client";

interface Item {
  id: string;
  number: string;
  state: string;
  signatureRequestId: string | null;
  recordId: string | null;
  data: Record<string, unknown>;
}

const M = "/api/v1/m/improvement";

async function sign(client: DemoClient, user: DemoUser, requestId: string) {
  await client.readDocument({ requestId });
  return client.json<{ completed: boolean }>("POST", `/api/v1/signature-requests/${requestId}/sign`, { pin: user.pin, consent: true });
}

/** pdfsig's verdicts on a PDF, trusting the demo's root certificate (null when poppler or NSS tools are not installed). */
async function pdfsig(pdf: Uint8Array, caPem: string): Promise<{ valid: boolean; trusted: boolean; signer: string | null }[] | null> {
  const has = (tool: string) => spawnSync("which", [tool]).status === 0;
  if (!has("pdfsig") || !has("certutil")) return null;
  const dir = await mkdtemp(join(tmpdir(), "custos-demo-pdfsig-"));
  try {
    await writeFile(join(dir, "ca.pem"), caPem);
    await writeFile(join(dir, "doc.pdf"), pdf);
    execFileSync("certutil", ["-N", "--empty-password", "-d", `sql:${dir}`]);
    execFileSync("certutil", ["-A", "-n", "custos-root", "-t", "CT,C,C", "-i", join(dir, "ca.pem"), "-d", `sql:${dir}`]);
    const out = spawnSync("pdfsig", ["-nssdir", `sql:${dir}`, join(dir, "doc.pdf")], { encoding: "utf8" });
    return `${out.stdout}${out.stderr}`
      .split(/^Signature #\d+:$/m)
      .slice(1)
      // pdfsig lists the document timestamp (B-LTA) without verifying RFC 3161 tokens: it is checked by our verifier above
      .filter((block) => !/Signature Field Name: Custos_DocTimeStamp_/.test(block))
      .map((block) => ({
        valid: block.includes("Signature is Valid."),
        trusted: block.includes("Certificate is Trusted."),
        signer: /Signer Certificate Common Name: (.*)$/m.exec(block)?.[1]?.trim() ?? null,
      }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The improvement part of the demo (13.2–13.4):
 * - the IP manager records the quarter's supervision and inspection (13.3 a–e); the top manager
 *   acknowledges it with a signature;
 * - the IP manager reports the analysis of the quarter to the top manager (13.4), compiled from the
 *   inspection records of the period; the top manager acknowledges it;
 * - the management review (13.2): the IP manager plans it and compiles its inputs from live data
 *   (objectives and policy when installed, contracts and cases, earlier audits and open corrective
 *   actions) with the business plans and trends entered; the top manager records the outputs as
 *   decisions (an action becomes a corrective action when that type is installed) and signs the
 *   minutes (management-review.pdf, verified by the API and, where installed, by pdfsig).
 */
export async function reviewDemo(baseUrl: string, outDir: string, demo: Record<string, unknown>) {
  const users = demo.users as Record<string, DemoUser>;
  const client = async (u: DemoUser) => {
    const c = new DemoClient(baseUrl);
    await c.signIn(u.username, u.password);
    return c;
  };
  const ipm = await client(users.ipManager!);
  const top = await client(users.topManager!);
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const quarterStart = `${today.slice(0, 4)}-01-01`;

  // ── 13.3: the quarter's supervision and inspection, acknowledged by the top manager ──
  const inspection = await ipm.json<Item>("POST", `${M}/inspection`, {
    data: {
      subject: `${today.slice(0, 4)} 年知识产权管理体系监督检查（年末）`,
      inspectedOn: today,
      stage: "试点阶段",
      topManagerId: users.topManager!.id,
      inspectorIds: [users.ipManager!.id, users.legal!.id],
      lawChanges: "《专利法实施细则》修订施行：开放许可、专利期限补偿等规定需纳入专利管理程序。",
      procedures: "合同知识产权审查程序运行正常（联合研发合同已审查后签署）；专利台账更新滞后约一个月。",
      objectives: "发明专利申请量完成年度目标的 40%；合同审查覆盖率 100%。",
      incidents: "收到某科技有限公司专利侵权起诉一件，已立案应诉并对相关记录实施法律保全。",
      opinions: "研发中心建议简化发明披露表；法务部建议对外合作合同统一使用知识产权条款模板。",
      conclusion: "体系运行基本有效；专利台账须于下月底前补齐，并修订专利申请管理程序。",
    },
  });
  await ipm.json("POST", `${M}/inspection/${inspection.id}/actions/submit`, {});
  const inspectionWaiting = await top.json<Item>("POST", `${M}/inspection/${inspection.id}/actions/acknowledge`, {});
  await sign(top, users.topManager!, inspectionWaiting.signatureRequestId!);

  // ── 13.4: the analysis reported to the top manager ──
  const analysis = await ipm.json<Item>("POST", `${M}/analysis-report`, {
    data: {
      title: `${today.slice(0, 4)} 年度知识产权管理体系分析报告`,
      periodFrom: quarterStart,
      periodTo: today,
      topManagerId: users.topManager!.id,
      external: false,
      effects: "合同知识产权审查覆盖率 100%；知识产权声明与竞业限制协议全部电子签署并归档。",
      problems: "专利台账更新滞后；发明披露表填写负担较重，影响披露积极性。",
      suggestions: "修订专利台账管理程序（按月更新、部门确认）；将年度发明专利申请目标维持 30 件并按季度跟踪。",
    },
  });
  const reported = await ipm.json<Item>("POST", `${M}/analysis-report/${analysis.id}/actions/report`, {});
  const analysisWaiting = await top.json<Item>("POST", `${M}/analysis-report/${analysis.id}/actions/acknowledge`, {});
  await sign(top, users.topManager!, analysisWaiting.signatureRequestId!);

  // ── 13.2: the management review ──
  const review = await ipm.json<Item>("POST", `${M}/management-review`, {
    classification: "secret",
    data: {
      title: `${today.slice(0, 4)} 年度知识产权管理评审`,
      reviewOn: today,
      chairId: users.topManager!.id,
      participantIds: [users.ipManager!.id, users.legal!.id],
    },
  });
  const compiled = await ipm.json<Item>("POST", `${M}/management-review/${review.id}/actions/compile`, {
    data: {
      businessPlans: "本年度推出新型储能材料产品线，与某某大学联合研发；计划进入欧洲市场。",
      ipSituation: "核心专利 12 件、注册商标 8 件；一件专利侵权诉讼在审，判决驳回原告请求，风险可控。",
      trends: "固态电池相关国家标准草案发布；欧盟电池法规生效，对材料溯源与专利许可提出新要求。",
      auditNotes: `本年度监督检查 ${inspection.number} 与分析报告 ${analysis.number} 已经最高管理者确认。`,
    },
  });
  const catalogue = await ipm.json<{ id: string }[]>("GET", "/api/v1/m");
  const decisions: Record<string, unknown>[] = [
    { output: "b", kind: "action", text: "修订专利台账管理程序：按月更新，由部门负责人确认", ownerId: users.ipManager!.id, dueOn: addDays(today, 60) },
    { output: "a", kind: "record", text: "维持年度发明专利申请目标 30 件，按季度跟踪" },
    { output: "c", kind: "record", text: "增设一名专职知识产权工程师，预算纳入下年度计划" },
  ];
  if (catalogue.some((t) => t.id === "organisation.objective")) {
    const objectives = await ipm.json<{ items: { id: string; title: string }[] }>("GET", "/api/v1/m/organisation/objective?limit=1");
    if (objectives.items[0]) decisions[1] = { ...decisions[1], kind: "objective-change", itemId: objectives.items[0].id };
  }
  const decided = await top.json<Item>("POST", `${M}/management-review/${review.id}/actions/decide`, {
    data: { conclusion: "知识产权管理体系总体适宜、充分、有效；专利台账管理需改进，资源需补充。", decisions },
  });
  if (decided.state !== "decided") throw new Error(`the management review is ${decided.state}, not decided`);
  const waiting = await ipm.json<Item>("POST", `${M}/management-review/${review.id}/actions/approve`, {});
  await sign(top, users.topManager!, waiting.signatureRequestId!);
  const view = await top.json<{ item: Item; links: { kind: string; targetId: string; relation: string | null; display: string | null }[] }>("GET", `${M}/management-review/${review.id}`);
  if (view.item.state !== "approved" || !view.item.recordId) throw new Error(`the management review is ${view.item.state}, without its record`);
  const pdf = new Uint8Array(await (await top.request("GET", `/api/v1/records/${view.item.recordId}/content`)).arrayBuffer());
  await writeFile(join(outDir, "management-review.pdf"), pdf);

  const verified = await top.json<{ ok: boolean; signatures: { signerName: string; subFilter: string | null; chain: string; integrity: { signatureValid: boolean } }[] }>(
    "POST",
    "/api/v1/signatures/verify",
    pdf,
    { "content-type": "application/pdf" },
  );
  // B-LTA: the top manager's signature, then the document timestamp over the whole file
  if (verified.signatures[verified.signatures.length - 1]?.subFilter !== "ETSI.RFC3161") throw new Error("management-review.pdf does not end with a document timestamp");
  const report = { ok: verified.ok, signatures: verified.signatures.filter((s) => s.subFilter !== "ETSI.RFC3161") };
  if (!report.ok || report.signatures.length !== 1 || report.signatures[0]!.signerName !== users.topManager!.displayName || report.signatures[0]!.chain !== "trusted") {
    throw new Error(`management-review.pdf signatures: ${JSON.stringify(report.signatures)}`);
  }
  const caPath = join(outDir, "ca.pem");
  const caPem = existsSync(caPath) ? await readFile(caPath, "utf8") : await (await fetch(`${baseUrl}/pki/ca.pem`)).text();
  const verdicts = await pdfsig(pdf, caPem);
  if (verdicts && !(verdicts.length === 1 && verdicts[0]!.valid && verdicts[0]!.trusted)) throw new Error(`pdfsig on management-review.pdf: ${JSON.stringify(verdicts)}`);

  return {
    inspection: { id: inspection.id, number: inspection.number, acknowledgedBy: users.topManager!.displayName },
    analysis: { id: analysis.id, number: analysis.number, basis: reported.data.basis },
    managementReview: {
      id: review.id,
      number: review.number,
      recordId: view.item.recordId,
      compiled: {
        openCorrectiveActions: compiled.data.openCorrectiveActions ?? null,
        objectivesOffTrack: compiled.data.objectivesOffTrack ?? null,
        inputs: compiled.data.compiledInputs,
      },
      decisions: decisions.map((d) => d.text),
      links: view.links.map((l) => ({ relation: l.relation, to: l.display })),
      signedBy: report.signatures.map((s) => s.signerName),
      pdfsig: verdicts ?? "pdfsig not installed",
      file: "management-review.pdf",
    },
  };
}

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
