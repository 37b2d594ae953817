import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DemoClient, type DemoUser } from "./http-client";

interface Item {
  id: string;
  number: string;
  state: string;
  dueOn: string | null;
  signatureRequestId: string | null;
  recordId: string | null;
  data: Record<string, unknown>;
}

interface View {
  item: Item;
  history: unknown[];
  links: { direction: string; kind: string; targetId: string; relation: string | null; display: string | null }[];
}

const M = "/api/v1/m/improvement";

async function sign(client: DemoClient, user: DemoUser, requestId: string) {
  await client.readDocument({ requestId });
  return client.json<{ completed: boolean }>("POST", `/api/v1/signature-requests/${requestId}/sign`, { pin: user.pin, consent: true });
}

const linkedItem = (view: View, relation: string) => {
  const link = view.links.find((l) => l.direction === "to" && l.kind === "item" && (l.relation ?? "").includes(relation));
  if (!link) throw new Error(`${view.item.number} has no “${relation}” link`);
  return link.targetId;
};

/**
 * The improvement part of the demo (13.2, 13.5.2): the IP manager plans the year's internal audit
 * (clause 7.3 in R&D audited by 李娜 of legal, 9.1 in legal by 王芳), the top manager approves it
 * with a signature, which opens the auditors' checklists; 李娜 finds research notebooks not archived
 * (一般不符合 ○), which becomes a nonconformity; the IP manager reviews it and raises a corrective
 * action for 张伟, who analyses the cause, decides and carries out the actions and records their
 * results with the evidence linked; the IP manager, not the implementer, signs the effectiveness
 * review and the action is closed with its record (corrective-action.json: the item, its history in
 * words and its links both ways). The audit report is signed by the lead auditor and approved by
 * the top manager.
 */
export async function improvementDemo(baseUrl: string, outDir: string, demo: Record<string, unknown>) {
  const users = demo.users as Record<string, DemoUser>;
  const departments = demo.departments as { ipo: string; rnd: string; legal: string };
  const client = async (u: DemoUser) => {
    const c = new DemoClient(baseUrl);
    await c.signIn(u.username, u.password);
    return c;
  };
  const ipManager = await client(users.ipManager!);
  const topManager = await client(users.topManager!);
  const legal = await client(users.legal!);
  const employee = await client(users.employee!);
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const year = Number(today.slice(0, 4));
  const inDays = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

  // the year's programme, approved by the top manager
  const programme = await ipManager.json<Item>("POST", `${M}/audit-programme`, {
    data: {
      year,
      title: "知识产权管理体系内部审核",
      scope: "目的：验证知识产权管理体系运行的符合性与有效性。范围：研发中心、法务部。准则：GB/T 29490 及公司知识产权管理手册。",
      leadAuditorId: users.ipManager!.id,
      plan: [
        { clause: "7.3", departmentId: departments.rnd, plannedOn: today, auditorId: users.legal!.id },
        { clause: "9.1", departmentId: departments.legal, plannedOn: today, auditorId: users.ipManager!.id },
      ],
    },
  });
  const approval = await topManager.json<Item>("POST", `${M}/audit-programme/${programme.id}/actions/approve`, {});
  await sign(topManager, users.topManager!, approval.signatureRequestId!);
  const programmeView = await ipManager.json<View>("GET", `${M}/audit-programme/${programme.id}`);
  if (programmeView.item.state !== "approved") throw new Error(`the programme is ${programmeView.item.state}, not approved`);

  // 李娜 audits clause 7.3 in R&D: the evidence she looked at is linked, one line does not conform
  const checklists = await Promise.all(programmeView.links.filter((l) => l.direction === "to").map((l) => ipManager.json<View>("GET", `${M}/audit-checklist/${l.targetId}`)));
  const rnd = checklists.find((c) => c.item.data.clause === "7.3")!.item;
  // a training sign-in sheet on research records (a paper record in the file plan's training class)
  const evidence = await ipManager.json<{ id: string; number: string }>("POST", "/api/v1/records", {
    classId: "rcl_7_3_2_7_01",
    title: `${year} 年《研发记录管理规定》培训签到表`,
    author: "研发中心",
    recordDate: today,
    paperRoom: "研发档案室",
  });
  await ipManager.json("POST", `${M}/audit-checklist/${rnd.id}/links`, { kind: "record", targetId: evidence.id, relation: "审核证据 evidence" });
  await legal.json("POST", `${M}/audit-checklist/${rnd.id}/actions/record`, {
    data: {
      auditedOn: today,
      lines: [
        { requirement: "建立研发活动知识产权管理制度", judgement: "conform", finding: "《研发知识产权管理规定》现行有效，已培训。" },
        { requirement: "研发记录按规定及时归档", judgement: "minor", finding: "抽查 12 本研发记录本，3 本超过季度归档期限未归档。" },
      ],
      summary: "研发中心基本符合 7.3 要求，发现一般不符合 1 项。",
    },
  });
  const nonconformityId = linkedItem(await legal.json<View>("GET", `${M}/audit-checklist/${rnd.id}`), "finding");

  // the IP manager reviews the finding (13.5.2 a) and raises the corrective action for 张伟
  await ipManager.json("POST", `${M}/nonconformity/${nonconformityId}/actions/raise-action`, {
    data: { review: "事实清楚，研发记录未归档可能导致研发成果无法证明，须采取纠正措施。", ownerId: users.employee!.id, dueOn: inDays(30) },
  });
  const nonconformity = await ipManager.json<View>("GET", `${M}/nonconformity/${nonconformityId}`);
  const actionId = linkedItem(nonconformity, "corrective action");

  // 张伟: cause (b), need for action (c), actions decided (d); results recorded with evidence (e)
  await employee.json("POST", `${M}/corrective-action/${actionId}/actions/analyse`, {
    data: {
      cause: "项目组不清楚季度归档期限，也没有到期提醒。",
      correction: "3 本研发记录本已补归档。",
      actionNeeded: "其他项目组存在同样风险，需要防止再次逾期。",
      plan: "修订《研发记录管理规定》，增加季度归档提醒；知识产权专员每季度抽查。",
    },
  });
  await ipManager.json("POST", `${M}/corrective-action/${actionId}/links`, { kind: "record", targetId: evidence.id, relation: "实施证据 evidence" });
  const implemented = await employee.json<Item>("POST", `${M}/corrective-action/${actionId}/actions/implement`, {
    data: { results: "规定已修订发布并培训；归档提醒已上线；首次抽查 12 本全部按期归档（见关联记录）。" },
  });

  // the effectiveness review (f), due 90 days after implementation, signed by someone other than 张伟
  const review = await ipManager.json<Item>("POST", `${M}/corrective-action/${actionId}/actions/verify`, {
    data: { reviewerId: users.ipManager!.id, effectiveness: "复查一个季度的归档记录，无逾期；措施有效，同意关闭。" },
  });
  await sign(ipManager, users.ipManager!, review.signatureRequestId!);
  const closed = await ipManager.json<View>("GET", `${M}/corrective-action/${actionId}`);
  if (closed.item.state !== "closed") throw new Error(`the corrective action is ${closed.item.state}, not closed`);
  await writeFile(join(outDir, "corrective-action.json"), JSON.stringify({ ...closed, nonconformity: nonconformity.item }, null, 2) + "\n");

  // the report: findings counted, signed by the lead auditor, approved by the top manager
  const report = await ipManager.json<Item>("POST", `${M}/audit-report`, {
    data: {
      programme: programme.number,
      title: `${year} 年度内部审核报告`,
      reportedOn: today,
      leadAuditorId: users.ipManager!.id,
      approverId: users.topManager!.id,
      summary: "审核研发中心（7.3）与法务部（9.1）。",
      conclusion: "知识产权管理体系基本符合标准要求并有效运行；研发记录归档的一般不符合已整改并验证有效。",
    },
  });
  const signOff = await ipManager.json<Item>("POST", `${M}/audit-report/${report.id}/actions/sign-off`, {});
  await sign(ipManager, users.ipManager!, signOff.signatureRequestId!);
  await sign(topManager, users.topManager!, signOff.signatureRequestId!);
  const approvedReport = await ipManager.json<View>("GET", `${M}/audit-report/${report.id}`);
  if (approvedReport.item.state !== "approved") throw new Error(`the audit report is ${approvedReport.item.state}, not approved`);

  return {
    programme: programme.number,
    checklist: rnd.number,
    nonconformity: nonconformity.item.number,
    correctiveAction: { number: closed.item.number, state: closed.item.state, recordId: closed.item.recordId, effectivenessDueOn: implemented.dueOn },
    report: { number: approvedReport.item.number, minorCount: approvedReport.item.data.minorCount },
    files: ["corrective-action.json"],
  };
}
