import { parseArgs } from "node:util";
import { openRuntime, type Runtime } from "./boot";
import { ConfigError, loadConfig } from "./config";
import { verifyAuditChain } from "./core/audit/service";
import { silentLogger } from "./core/context";
import { DomainError } from "./core/errors";
import { CreateUserInput } from "./core/users/schemas";
import { createUserAsSystem } from "./core/users/service";
import { listDepartments } from "./core/organisation/repo";
import { DatabaseUnsuitableError } from "./db/migrate";

const USAGE = `Usage: npm run custos -- <command> [options]

Commands:
  migrate                      apply database migrations
  verify-audit                 recompute the audit hash chain; exit 1 if it is broken
  create-user                  create a user
      --username NAME          (required)
      --name "DISPLAY NAME"    (required)
      --roles r1,r2            admin, top-manager, ip-manager, ip-staff, legal, employee, auditor
      --clearance LEVEL        public | internal | secret | confidential | top-secret (default internal)
      --department CODE        department code
      --password PASSWORD      (default: generated and printed once)
      --locale zh-CN|en

Configuration comes from the same environment variables as the server (see README).`;

async function withRuntime<T>(fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const runtime = await openRuntime(loadConfig(process.env), { logger: silentLogger });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "migrate":
      await withRuntime(async () => undefined);
      console.log("Migrations applied.");
      return 0;
    case "verify-audit": {
      const report = await withRuntime((rt) => verifyAuditChain(rt.deps.db));
      if (report.ok) {
        console.log(`Audit chain intact: ${report.checked} events verified in ${report.durationMs} ms; head ${report.headHash}`);
        return 0;
      }
      console.error(
        `Audit chain BROKEN at event ${report.firstBroken!.seq} (${report.firstBroken!.reason}): ${report.firstBroken!.message}. ` +
          `${report.checked} events before it verified.`,
      );
      return 1;
    }
    case "create-user": {
      const { values } = parseArgs({
        args: rest,
        options: {
          username: { type: "string" },
          name: { type: "string" },
          roles: { type: "string", default: "employee" },
          clearance: { type: "string", default: "internal" },
          department: { type: "string" },
          password: { type: "string" },
          locale: { type: "string", default: "zh-CN" },
        },
      });
      return withRuntime(async (rt) => {
        let departmentId: string | undefined;
        if (values.department) {
          const dept = (await listDepartments(rt.deps.db)).find((d) => d.code === values.department);
          if (!dept) throw new DomainError("INVALID_REFERENCE", `No department has the code ${values.department}.`);
          departmentId = dept.id;
        }
        const parsed = CreateUserInput.safeParse({
          username: values.username,
          displayName: values.name,
          roles: values.roles!.split(",").map((r) => r.trim()).filter(Boolean),
          clearance: values.clearance,
          departmentId,
          password: values.password,
          locale: values.locale,
        });
        if (!parsed.success) {
          for (const issue of parsed.error.issues) console.error(`--${issue.path.join(".")}: ${issue.message}`);
          return 2;
        }
        const created = await createUserAsSystem(rt.deps, parsed.data);
        console.log(`Created ${created.user.username} (${created.user.id}).`);
        if (created.password) console.log(`Password (shown once): ${created.password}`);
        return 0;
      });
    }
    default:
      console.log(USAGE);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError || err instanceof DatabaseUnsuitableError || err instanceof DomainError) {
      console.error(err.message);
    } else {
      console.error(err);
    }
    process.exit(1);
  },
);
