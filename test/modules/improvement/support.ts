import { expect } from "vitest";
import type { Classification, Role } from "../../../src/core/auth/permissions";
import { startHarness, type Client, type TestUser } from "../../support/app";
import { declare, expectJson } from "../../core/records/support";

export const api = {
  programme: "/api/v1/m/improvement/audit-programme",
  checklist: "/api/v1/m/improvement/audit-checklist",
  report: "/api/v1/m/improvement/audit-report",
  nc: "/api/v1/m/improvement/nonconformity",
  ca: "/api/v1/m/improvement/corrective-action",
};

export interface Item {
  id: string;
  number: string;
  state: string;
  dueOn: string | null;
  ownerId: string | null;
  classification: string;
  version: number;
  pending: { action: string } | null;
  signatureRequestId: string | null;
  recordId: string | null;
  data: Record<string, unknown>;
}

export interface View {
  item: Item;
  history: { action: string; state: string; by: string | null; comment: string | null }[];
  links: { direction: "to" | "from"; kind: string; targetId: string; relation: string | null; display: string | null }[];
  actions: { action: string }[];
}

/**
 * An organisation for the improvement module's tests: the IP office, R&D and legal, and the people
 * of an internal audit (top manager, two IP managers, an auditor from legal, an R&D engineer who
 * owns the corrective action, an R&D employee who may not audit R&D, a stranger, a public-cleared
 * employee), each signed in.
 */
export async function improvementHarness() {
  const h = await startHarness();
  const adminUser = await h.user({ roles: ["admin"], displayName: "管理员" });
  const admin = await h.signIn(adminUser);
  const dept = async (code: string, name: string, nameEn: string) => (await expectJson<{ id: string }>(await admin.post("/api/v1/departments", { code, name, nameEn }), 201)).id;
  const ipo = await dept("IPO", "知识产权办公室", "IP Office");
  const rnd = await dept("RND", "研发中心", "R&D Centre");
  const leg = await dept("LEG", "法务部", "Legal");
  const person = async (displayName: string, roles: Role[], departmentId: string, clearance: Classification = "secret") => {
    const user = await h.user({ roles, displayName, departmentId, clearance });
    return { user, client: await h.signIn(user) };
  };
  const top = await person("周总", ["top-manager"], ipo);
  const ipm = await person("王芳", ["ip-manager"], ipo);
  const ipm2 = await person("赵敏", ["ip-manager"], ipo);
  const auditor = await person("李娜", ["legal"], leg);
  const owner = await person("张伟", ["employee"], rnd, "internal");
  const rndAuditor = await person("陈工", ["employee"], rnd, "internal");
  const stranger = await person("路人", ["employee"], leg, "internal");
  const publicOnly = await person("访客", ["employee"], leg, "public");
  // a record to link as evidence (a paper record in the first class of the file plan)
  const classes = await expectJson<{ id: string }[]>(await ipm.client.get("/api/v1/record-classes"), 200);
  const evidence = await declare(ipm.client, { classId: classes[0]!.id, title: "研发记录本归档清单（整改证据）", classification: "internal" });
  return { h, depts: { ipo, rnd, leg }, top, ipm, ipm2, auditor, owner, rndAuditor, stranger, publicOnly, evidence };
}

/** Opens the document (as a signer must) and signs with the password. */
export async function signAs(client: Client, user: TestUser, requestId: string) {
  await client.readDocument(requestId);
  const res = await client.post(`/api/v1/signature-requests/${requestId}/sign`, { pin: user.pin, consent: true });
  expect(res.status, await res.clone().text()).toBe(200);
}

export async function view(client: Client, base: string, id: string): Promise<View> {
  return expectJson<View>(await client.get(`${base}/${id}`), 200);
}

/** The item a link of `from` points to (the first with this relation), as `client` sees it. */
export function linked(v: View, direction: "to" | "from", relation: string): string[] {
  return v.links.filter((l) => l.direction === direction && l.kind === "item" && (l.relation ?? "").includes(relation)).map((l) => l.targetId);
}

export { expectJson };
