/**
 * `npm run demo -- <dir>`: starts a fresh embedded Custos in a temporary data directory, drives the
 * main flows over HTTP exactly as a client would, and writes what a user takes away into <dir>
 * (see ../shared/DEMO.md). Exits non-zero if any step fails.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { serve } from "@hono/node-server";
import { createApp } from "../src/app";
import { openRuntime } from "../src/boot";
import { loadConfig } from "../src/config";
import { silentLogger } from "../src/core/context";
import { ensureInitialAdmin } from "../src/core/users/service";
import { DemoClient } from "./demo/http-client";
import { auditPackageDemo } from "./demo/audit";
import { documentDemo } from "./demo/documents";
import { improvementDemo } from "./demo/improvement";
import { recordsDemo } from "./demo/records";
import { reviewDemo } from "./demo/review";
import { evidenceMatrixDemo } from "./demo/evidence";
import { nameOrganisationDemo, objectivesDemo } from "./demo/objectives";
import { signatureDemo } from "./demo/signatures";
import { longTermDemo } from "./demo/long-term";

/** Demo users' passwords and signing PINs (documented in demo.json so a person can sign in and look around). */
const demoPassword = (displayName: string) => `${displayName}的演示密码2026`;
const demoPin = (displayName: string) => `${displayName}签名2468`;
/** The password the administrator types when creating a person: they must replace it at first sign-in. */
const initialPassword = (displayName: string) => `${displayName}的初始密码-管理员设定`;

interface Step {
  name: string;
  ms: number;
  result?: unknown;
}

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? "demo-out");
  await mkdir(outDir, { recursive: true });
  const dataDir = await mkdtemp(join(tmpdir(), "custos-demo-"));
  const steps: Step[] = [];
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    process.stdout.write(`• ${name} … `);
    const result = await fn();
    const ms = Math.round(performance.now() - t0);
    steps.push({ name, ms });
    process.stdout.write(`ok (${ms} ms)\n`);
    return result;
  };

  const runtime = await step("start a fresh embedded Custos (PGlite + local blobs)", () =>
    openRuntime(loadConfig({ CUSTOS_DATA_DIR: dataDir }), { logger: silentLogger }),
  );
  const admin = (await ensureInitialAdmin(runtime.deps))!;
  const app = createApp(runtime.deps);
  const server = await new Promise<ReturnType<typeof serve>>((res) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => res(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const demo: Record<string, unknown> = { baseUrl, dataDir, users: {} as Record<string, unknown> };

  try {
    const adminClient = new DemoClient(baseUrl);
    const adminPassword = "演示管理员密码-2026";
    await step("the first administrator signs in and replaces the generated password", async () => {
      await adminClient.signIn(admin.username, admin.password);
      await adminClient.json("POST", "/api/v1/me/password", { currentPassword: admin.password, newPassword: adminPassword });
    });

    demo.organisation = await step("first run: the administrator records the organisation's profile and adopts it, which names the organisation", () => nameOrganisationDemo(adminClient));

    const departments = await step("create the organisation: IP office, R&D, legal", async () => {
      const ipo = await adminClient.json<{ id: string }>("POST", "/api/v1/departments", {
        code: "IPO",
        name: "知识产权办公室",
        nameEn: "IP Office",
        ipDuties: "制定知识产权方针与目标，组织建立、实施和维护知识产权管理体系。",
      });
      const rnd = await adminClient.json<{ id: string }>("POST", "/api/v1/departments", {
        code: "RND",
        name: "研发中心",
        nameEn: "R&D Centre",
        ipDuties: "提交发明披露，保存研发记录，配合专利检索与分析。",
      });
      const legal = await adminClient.json<{ id: string }>("POST", "/api/v1/departments", {
        code: "LEG",
        name: "法务部",
        nameEn: "Legal",
        ipDuties: "审查合同知识产权条款，处理纠纷与外部法律文书。",
      });
      return { ipo: ipo.id, rnd: rnd.id, legal: legal.id };
    });
    demo.departments = departments;

    const people = [
      { key: "topManager", username: "zhou.zong", displayName: "周总", roles: ["top-manager"], departmentId: departments.ipo, clearance: "top-secret" },
      { key: "ipManager", username: "wang.fang", displayName: "王芳", roles: ["ip-manager"], departmentId: departments.ipo, clearance: "confidential" },
      { key: "ipDeputy", username: "chen.jing", displayName: "陈静", roles: ["ip-manager"], departmentId: departments.ipo, clearance: "confidential" },
      { key: "legal", username: "li.na", displayName: "李娜", roles: ["legal"], departmentId: departments.legal, clearance: "confidential" },
      { key: "employee", username: "zhang.wei", displayName: "张伟", roles: ["employee"], departmentId: departments.rnd, clearance: "internal" },
      { key: "auditor", username: "audit.liu", displayName: "刘审核", roles: ["auditor"], departmentId: departments.ipo, clearance: "secret" },
    ] as const;
    await step("create the people through the API (top manager, two IP managers, legal, employee, auditor)", async () => {
      for (const p of people) {
        const created = await adminClient.json<{ user: { id: string } }>("POST", "/api/v1/users", {
          username: p.username,
          displayName: p.displayName,
          password: initialPassword(p.displayName),
          roles: p.roles,
          departmentId: p.departmentId,
          clearance: p.clearance,
        });
        (demo.users as Record<string, unknown>)[p.key] = {
          id: created.user.id,
          username: p.username,
          password: demoPassword(p.displayName),
          pin: demoPin(p.displayName),
          displayName: p.displayName,
          roles: p.roles,
        };
      }
    });

    await step("each person signs in, replaces the password the administrator typed, and chooses a signing PIN only they know", async () => {
      for (const p of people) {
        const client = new DemoClient(baseUrl);
        await client.signIn(p.username, initialPassword(p.displayName));
        await client.json("POST", "/api/v1/me/password", { currentPassword: initialPassword(p.displayName), newPassword: demoPassword(p.displayName) });
        await client.json("PUT", "/api/v1/me/signing-pin", { currentPassword: demoPassword(p.displayName), pin: demoPin(p.displayName) });
      }
    });

    await step("the IP manager signs in and creates an API token for scripts", async () => {
      const ipm = new DemoClient(baseUrl);
      await ipm.signIn("wang.fang", demoPassword("王芳"));
      const token = await ipm.json<{ token: string }>("POST", "/api/v1/me/tokens", { name: "demo script" });
      const bearer = await fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token.token}` } });
      if (!bearer.ok) throw new Error("the API token was not accepted");
    });

    const signed = await step("e-signatures: IP declaration and non-compete for 张伟, signed in order (PAdES B-LTA, visible stamps)", () =>
      signatureDemo(baseUrl, outDir, demo),
    );
    demo.signatures = signed;

    demo.documents = await step("controlled documents: a procedure drafted, reviewed, approved, revised (B supersedes A); IP manual generated", () =>
      documentDemo(baseUrl, outDir, demo),
    );

    demo.records = await step("records: a court judgment filed into its case under legal hold; an approved destruction with its certificate; a contract through IP review to e-signing", () =>
      recordsDemo(baseUrl, outDir, demo),
    );

    demo.internalAudit = await step("internal audit: a finding through its corrective action and an effectiveness review signed by someone else, to closed (corrective-action.json)", () =>
      improvementDemo(baseUrl, outDir, demo),
    );

    demo.objectives = await step("policy and objectives: the policy issued by the top manager's signature and acknowledged; two objectives measured, by an indicator and by hand (objectives.json)", () =>
      objectivesDemo(baseUrl, outDir, demo),
    );

    demo.managementReview = await step("management review: an inspection record and an analysis report acknowledged by the top manager; the review compiled from live data, decided and signed (management-review.pdf)", () =>
      reviewDemo(baseUrl, outDir, demo),
    );

    demo.evidenceMatrix = await step("evidence matrix for the year: every clause with its evidence and gaps (evidence-matrix.pdf)", () =>
      evidenceMatrixDemo(baseUrl, outDir, demo),
    );

    demo.auditPackage = await step("audit package: the auditor, under a grant, exports clauses 7.3.2.4 and 4.3.2.2; the offline verifier checks it", () =>
      auditPackageDemo(baseUrl, outDir, demo),
    );

    const chain = await step("verify the audit chain over HTTP (as the auditor)", async () => {
      const auditor = new DemoClient(baseUrl);
      await auditor.signIn("audit.liu", demoPassword("刘审核"));
      const report = await auditor.json<{ ok: boolean; checked: number; headHash: string }>("GET", "/api/v1/audit/verify");
      if (!report.ok) throw new Error(`audit chain broken: ${JSON.stringify(report)}`);
      return report;
    });
    demo.auditChain = chain;

    demo.longTerm = await step(
      "long-term check of the signed PDFs (IP declaration, non-compete, effective procedure, contract): DSS, document timestamp (openssl ts), pdfsig, the offline verifier, and attacks that it refuses",
      () => longTermDemo(outDir),
    );
  } finally {
    await new Promise((r) => server.close(r));
    await runtime.close();
  }

  demo.steps = steps;
  demo.finishedAt = new Date().toISOString();
  await writeFile(join(outDir, "demo.json"), JSON.stringify(demo, null, 2) + "\n");
  await rm(dataDir, { recursive: true, force: true });
  console.log(`\nDemo finished: artifacts in ${outDir}`);
}

main().catch((err) => {
  console.error("\nDemo FAILED:", err instanceof Error ? err.message : err, err instanceof Error && err.cause ? err.cause : "");
  process.exit(1);
});
