import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import type { TestUser } from "../support/app";
import { readEveryPage, startBrowserHarness } from "../support/browser";
import { declare, expectJson } from "../core/records/support";

/**
 * Clause 13 through the generated pages: the IP manager plans the year's internal audit, the top
 * manager approves it with a signature, the auditor records the checklist with a finding, the IP
 * manager raises the corrective action, its owner analyses and implements it, and another IP
 * manager signs its effectiveness review: the action is closed, with its record.
 */
const b = await startBrowserHarness();
const { h } = b;
const admin = await h.signIn(await h.user({ roles: ["admin"], displayName: "管理员" }));
const dept = async (code: string, name: string) => (await expectJson<{ id: string }>(await admin.post("/api/v1/departments", { code, name, nameEn: code }), 201)).id;
const ipo = await dept("IPO", "知识产权办公室");
const rnd = await dept("RND", "研发中心");
const leg = await dept("LEG", "法务部");
const top = await h.user({ roles: ["top-manager"], displayName: "周总", departmentId: ipo, clearance: "secret" });
const ipm = await h.user({ roles: ["ip-manager"], displayName: "王芳", departmentId: ipo, clearance: "secret" });
const reviewer = await h.user({ roles: ["ip-manager"], displayName: "赵敏", departmentId: ipo, clearance: "secret" });
const auditor = await h.user({ roles: ["legal"], displayName: "李娜", departmentId: leg, clearance: "secret" });
const owner = await h.user({ roles: ["employee"], displayName: "张伟", departmentId: rnd });
const ipmApi = await h.signIn(ipm);
const classes = await expectJson<{ id: string }[]>(await ipmApi.get("/api/v1/record-classes"), 200);
const evidence = await declare(ipmApi, { classId: classes[0]!.id, title: "研发记录本归档清单" });

/** The form of one workflow action on an item page. */
const actionForm = (page: Page, action: string) => page.locator("form", { has: page.locator(`button[data-action="${action}"]`) });

async function takeAction(page: Page, action: string, fill: (form: ReturnType<typeof actionForm>) => Promise<void> = async () => {}) {
  const form = actionForm(page, action);
  await fill(form);
  await form.locator(`button[data-action="${action}"]`).click();
  await page.waitForURL(new RegExp(`\\?done=action&action=${action}$`)).catch(async (e) => {
    throw new Error(`${action}: ${(await page.locator(".flash").allTextContents()).join(" ")} (${String(e)})`);
  });
}

/** The signer reads the document through in the ceremony and signs with their signing PIN. */
async function signCeremony(user: TestUser, requestId: string) {
  const page = await b.signedInPage(user);
  await page.goto(`/signatures/${requestId}/sign`);
  await readEveryPage(page);
  await page.getByLabel(/我已阅读并理解全文/).check();
  await page.getByLabel("签名密码", { exact: true }).fill(user.pin);
  await page.getByRole("button", { name: "签署", exact: true }).click();
  await page.waitForURL(/\?msg=signed$/);
  await page.context().close();
}

const pendingRequest = async (page: Page) => (await page.getByRole("link", { name: "查看签署请求" }).getAttribute("href"))!.split("/").pop()!;
const state = async (page: Page) => (await page.locator("[data-testid=item-state]").textContent())?.trim();
/** The item a link row of the page names (by the number shown), found through the API as the IP manager. */
async function linkedId(page: Page, typePath: string, prefix: string) {
  const display = await page.locator("table tr", { hasText: prefix }).first().locator("td").nth(2).textContent();
  const number = display!.trim().split(" ")[0]!;
  const found = await expectJson<{ items: { id: string; number: string }[] }>(await ipmApi.get(`/api/v1/m/improvement/${typePath}?q=${encodeURIComponent(number)}`), 200);
  return found.items.find((i) => i.number === number)!.id;
}

it("a finding goes from the audit programme to a closed corrective action through the pages", async () => {
  // the IP manager plans the audit: one line, the auditor from legal audits clause 7.3 in R&D
  const manager = await b.signedInPage(ipm);
  await manager.goto("/m/improvement/audit-programme/new");
  await manager.locator('[name="year"]').fill("2026");
  await manager.locator('[name="title"]').fill("知识产权管理体系内部审核");
  await manager.locator('[name="scope"]').fill("验证体系运行的符合性；范围：研发中心；准则：GB/T 29490。");
  await manager.locator('[name="leadAuditorId"]').selectOption(ipm.id);
  await manager.locator('[name="plan.0.clause"]').fill("7.3");
  await manager.locator('[name="plan.0.departmentId"]').selectOption(rnd);
  await manager.locator('[name="plan.0.plannedOn"]').fill("2026-03-10");
  await manager.locator('[name="plan.0.auditorId"]').selectOption(auditor.id);
  await manager.getByRole("button", { name: "保存" }).click();
  await manager.waitForURL(/\/m\/improvement\/audit-programme\/itm_\w+\?done=created$/);
  const programmeUrl = manager.url().split("?")[0]!;
  expect(await state(manager)).toBe("草拟");

  // the top manager approves it with a signature
  const boss = await b.signedInPage(top);
  await boss.goto(programmeUrl);
  await takeAction(boss, "approve");
  await signCeremony(top, await pendingRequest(boss));
  await boss.goto(programmeUrl);
  expect(await state(boss)).toBe("已批准");
  const checklistId = await linkedId(boss, "audit-checklist", "AC-");

  // the auditor links the evidence and records the checklist: one line does not conform
  const audit = await b.signedInPage(auditor);
  await audit.goto(`/m/improvement/audit-checklist/${checklistId}`);
  await audit.locator('select[name="kind"]').selectOption("record");
  await audit.locator('[name="targetId"]').fill(evidence.id);
  await audit.locator('[name="relation"]').fill("审核证据");
  await audit.getByRole("button", { name: "添加关联" }).click();
  await audit.waitForURL(/\?done=linked$/);
  await takeAction(audit, "record", async (form) => {
    await form.locator('[name="auditedOn"]').fill("2026-03-10");
    await form.locator('[name="lines.0.requirement"]').fill("研发记录按规定归档");
    await form.locator('[name="lines.0.judgement"]').selectOption("minor");
    await form.locator('[name="lines.0.finding"]').fill("3 本研发记录本未按期归档。");
  });
  expect(await state(audit)).toBe("已审核");
  expect(await audit.locator("body").textContent()).toContain("研发记录本归档清单");
  const ncId = await linkedId(audit, "nonconformity", "NC-");

  // the IP manager reviews the finding and raises the corrective action for 张伟
  await manager.goto(`/m/improvement/nonconformity/${ncId}`);
  await takeAction(manager, "raise-action", async (form) => {
    await form.locator('[name="review"]').fill("属实，须整改。");
    await form.locator('[name="ownerId"]').selectOption(owner.id);
    await form.locator('[name="dueOn"]').fill("2026-04-30");
  });
  expect(await state(manager)).toBe("已提出纠正措施");
  const caId = await linkedId(manager, "corrective-action", "CA-");
  const caUrl = `/m/improvement/corrective-action/${caId}`;

  // the owner finds it waiting for them, analyses it and (with the evidence linked) records the results
  const responsible = await b.signedInPage(owner);
  expect(await responsible.locator("body").textContent()).toContain("研发记录按规定归档");
  await responsible.goto(caUrl);
  expect(await responsible.locator("body").textContent()).toContain("被关联自");
  await takeAction(responsible, "analyse", async (form) => {
    await form.locator('[name="cause"]').fill("项目组不清楚归档期限。");
    await form.locator('[name="actionNeeded"]').fill("防止其他项目组逾期。");
    await form.locator('[name="plan"]').fill("增加季度归档提醒与抽查。");
  });
  await manager.goto(caUrl);
  await manager.locator('select[name="kind"]').selectOption("record");
  await manager.locator('[name="targetId"]').fill(evidence.id);
  await manager.getByRole("button", { name: "添加关联" }).click();
  await manager.waitForURL(/\?done=linked$/);
  await responsible.goto(caUrl);
  await takeAction(responsible, "implement", async (form) => {
    await form.locator('[name="results"]').fill("已增加提醒并完成抽查。");
  });
  expect(await state(responsible)).toBe("已实施，待有效性评审");

  // another IP manager signs the effectiveness review: closed, with its record
  await manager.goto(caUrl);
  await takeAction(manager, "verify", async (form) => {
    await form.locator('[name="reviewerId"]').selectOption(reviewer.id);
    await form.locator('[name="effectiveness"]').fill("一个季度无逾期，措施有效。");
  });
  await signCeremony(reviewer, await pendingRequest(manager));
  await manager.goto(caUrl);
  expect(await state(manager)).toBe("已关闭");
  expect(await manager.getByRole("link", { name: "已形成记录" }).count()).toBe(1);
  const history = await manager.locator("table[data-testid=history]").textContent();
  expect(history).toContain("分析原因并确定措施");
  expect(history).toContain("有效性评审：有效，关闭");
});
