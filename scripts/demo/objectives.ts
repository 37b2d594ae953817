import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DemoClient, type DemoUser } from "./http-client";

interface Item {
  id: string;
  number: string;
  state: string;
  signatureRequestId: string | null;
  data: Record<string, any>;
}

/** The organisation the demo names at its start (the organisation module's profile, adopted by the admin). */
export const DEMO_ORGANISATION = {
  name: "北京智创科技有限公司",
  nameEn: "Beijing Zhichuang Technology Co., Ltd.",
  industry: "软件和信息技术服务业",
  size: "small",
  stage: "pilot",
};

const M = "/api/v1/m/organisation";

/**
 * The first-run step of the demo: the administrator records the organisation's profile and adopts
 * it, which names the organisation; every certificate, PDF and package made afterwards carries
 * the name.
 */
export async function nameOrganisationDemo(admin: DemoClient) {
  const today = new Date().toISOString().slice(0, 10);
  const profile = await admin.json<Item>("POST", `${M}/profile`, { data: { ...DEMO_ORGANISATION, effectiveOn: today } });
  const adopted = await admin.json<Item>("POST", `${M}/profile/${profile.id}/actions/adopt`, {});
  const org = await admin.json<{ name: string; nameEn: string | null; named: boolean }>("GET", "/api/v1/organisation");
  if (org.name !== DEMO_ORGANISATION.name || !org.named) throw new Error(`the organisation was not renamed: ${JSON.stringify(org)}`);
  return { profile: adopted.number, ...org };
}

/**
 * Policy and objectives (4.2): the IP manager drafts the IP policy and the top manager issues it
 * with their signature; the employee and the IP manager acknowledge it and the coverage report
 * shows who has not yet. Two objectives are set: the share of new employees with a signed IP
 * declaration (computed from the signature requests of the e-signature step) and the R&D centre's
 * patent filings (cascaded from the company's, acknowledged and measured by hand by its owner).
 * Writes objectives.json: each objective with its measured values and status.
 */
export async function objectivesDemo(baseUrl: string, outDir: string, demo: Record<string, unknown>) {
  const users = demo.users as Record<string, DemoUser>;
  const departments = demo.departments as Record<string, string>;
  const client = async (u: DemoUser) => {
    const c = new DemoClient(baseUrl);
    await c.signIn(u.username, u.password);
    return c;
  };
  const ipManager = await client(users.ipManager!);
  const topManager = await client(users.topManager!);
  const employee = await client(users.employee!);
  const year = new Date().getUTCFullYear();
  const period = { periodStart: `${year}-01-01`, periodEnd: `${year}-12-31` };

  // the policy, issued by the top manager's own signature
  const draft = await ipManager.json<Item>("POST", `${M}/policy`, {
    data: { title: "知识产权方针", revision: "A/0", statement: "尊重知识，激励创新；规范管理，防范风险；有效运用，创造价值。", effectiveOn: `${year}-01-05`, reviewBy: `${year + 1}-01-05` },
  });
  const waiting = await topManager.json<Item>("POST", `${M}/policy/${draft.id}/actions/issue`, {});
  await topManager.readDocument({ requestId: waiting.signatureRequestId! });
  await topManager.json("POST", `/api/v1/signature-requests/${waiting.signatureRequestId}/sign`, { pin: users.topManager!.pin, consent: true });
  const issued = (await ipManager.json<{ item: Item }>("GET", `${M}/policy/${draft.id}`)).item;
  if (issued.state !== "issued") throw new Error(`the policy is ${issued.state}, not issued`);
  await employee.json("POST", `${M}/policy/${draft.id}/acknowledge`);
  await ipManager.json("POST", `${M}/policy/${draft.id}/acknowledge`);
  const coverage = await ipManager.json<{ staff: number; acknowledgedCount: number; coverage: number; acknowledged: { displayName: string }[]; notYet: { displayName: string }[] }>(
    "GET",
    `${M}/policy/${draft.id}/coverage`,
  );

  // objective 1: measured by an indicator over live data
  const assignAndAcknowledge = async (o: Item, owner: DemoClient) => {
    await ipManager.json("POST", `${M}/objective/${o.id}/actions/assign`, {});
    return owner.json<Item>("POST", `${M}/objective/${o.id}/actions/acknowledge`, {});
  };
  const declarations = await ipManager.json<Item>("POST", `${M}/objective`, {
    data: { title: "新入职员工知识产权声明签署率", target: 100, unit: "%", direction: "up", ...period, ownerId: users.ipManager!.id, departmentId: departments.ipo, indicator: "ip-declarations-signed" },
  });
  await assignAndAcknowledge(declarations, ipManager);
  await ipManager.json<Item>("POST", `${M}/objective/${declarations.id}/actions/measure`, { data: {} });

  // objective 2: the company's patent filings, cascaded to R&D, measured by hand
  const company = await ipManager.json<Item>("POST", `${M}/objective`, {
    data: { title: "公司年度发明专利申请量", target: 12, unit: "件", direction: "up", ...period, ownerId: users.ipManager!.id, departmentId: departments.ipo },
  });
  await assignAndAcknowledge(company, ipManager);
  const rnd = await ipManager.json<Item>("POST", `${M}/objective`, {
    data: { title: "研发中心发明专利申请量", target: 8, unit: "件", direction: "up", ...period, parentId: company.id, ownerId: users.employee!.id, departmentId: departments.rnd },
  });
  await assignAndAcknowledge(rnd, employee);
  await employee.json("POST", `${M}/objective/${rnd.id}/actions/measure`, { data: { value: 5, measuredOn: `${year}-06-30`, measurementNote: "上半年提交 5 件" } });
  await employee.json("POST", `${M}/objective/${rnd.id}/actions/measure`, { data: { value: 8, measurementNote: "截至本月累计 8 件" } });
  await ipManager.json("POST", `${M}/objective/${company.id}/actions/measure`, { data: { value: 10, measurementNote: "研发中心 8 件，其他部门 2 件" } });

  const present = async (o: Item) => {
    const view = (await ipManager.json<{ item: Item }>("GET", `${M}/objective/${o.id}`)).item;
    const measurements = await ipManager.json<{ items: Item[] }>("GET", `${M}/objective/${o.id}/measurements`);
    const d = view.data;
    return {
      number: view.number,
      title: d.title,
      target: d.target,
      unit: d.unit,
      direction: d.direction,
      period: { from: d.periodStart, to: d.periodEnd },
      parent: d.parentId ? (d.parentId === company.id ? company.number : d.parentId) : null,
      indicator: d.indicator ?? null,
      state: view.state,
      status: d.status,
      latest: { value: d.lastValue, measuredOn: d.lastMeasuredOn, basis: d.lastBasis ?? null },
      measurements: measurements.items.map((m) => ({ number: m.number, value: m.data.value, measuredOn: m.data.measuredOn, status: m.data.status, source: m.data.source, basis: m.data.basis ?? null, note: m.data.note ?? null })),
    };
  };
  const objectives = [await present(declarations), await present(company), await present(rnd)];
  for (const o of objectives) if (!o.status || !o.measurements.length) throw new Error(`objective ${o.number} has no measured status`);
  const out = {
    organisation: await ipManager.json<{ name: string }>("GET", "/api/v1/organisation"),
    policy: { number: issued.number, revision: issued.data.revision, state: issued.state, coverage: { staff: coverage.staff, acknowledged: coverage.acknowledged.map((a) => a.displayName), notYet: coverage.notYet.map((a) => a.displayName), percent: coverage.coverage } },
    objectives,
  };
  await writeFile(join(outDir, "objectives.json"), JSON.stringify(out, null, 2) + "\n");
  return { policy: out.policy.number, coverage: coverage.coverage, objectives: objectives.map((o) => ({ number: o.number, title: o.title, value: o.latest.value, unit: o.unit, status: o.status })) };
}
