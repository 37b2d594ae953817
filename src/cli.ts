import { parseArgs } from "node:util";
import type { Runtime } from "./boot";

// Modules are imported by the command that needs them: verify-package and verify-pdf run on an
// auditor's machine without a database or configuration, and load none of that.

const USAGE = `Usage: npm run custos -- <command> [options]

Commands:
  migrate                      apply database migrations
  verify-package FILE.zip      check an audit package offline (no server or database needed);
      --root-fingerprint FP    the root certificate fingerprint obtained independently
      --json                   print the result as JSON
  verify-pdf FILE.pdf          verify a PDF's signatures offline, as the server does (no server or
                               database needed); exit 0 only if every signature is valid
      --root ca.pem            the root certificate you trust (without it nothing is trusted, exit 1)
      --json                   print the report as JSON
  verify-audit                 recompute the audit hash chain; exit 1 if it is broken
  create-user                  create a user
      --username NAME          (required)
      --name "DISPLAY NAME"    (required)
      --roles r1,r2            admin, top-manager, ip-manager, ip-staff, legal, employee, auditor
      --clearance LEVEL        public | internal | secret | confidential | top-secret (default internal)
      --department CODE        department code
      --password PASSWORD      (default: generated and printed once)
      --locale zh-CN|en
  reset-admin                  give an administrator a new generated password (printed once, to be
                               changed at next sign-in); ends their sessions, revokes their API
                               tokens, reactivates the account; creates it if there is none
      --username NAME          (default admin)

With the embedded database (no DATABASE_URL) commands cannot run while the server runs.
Configuration comes from the same environment variables as the server (see README).`;

async function withRuntime<T>(command: string, fn: (rt: Runtime) => Promise<T>): Promise<T> {
  const { openRuntime } = await import("./boot");
  const { loadConfig } = await import("./config");
  const { silentLogger } = await import("./core/context");
  const runtime = await openRuntime(loadConfig(process.env), { logger: silentLogger, holder: { role: "cli", command } });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "verify-package": {
      const { runVerifyPackage } = await import("./core/audit-package/verify-cli");
      return runVerifyPackage(rest);
    }
    case "verify-pdf": {
      const { runVerifyPdf } = await import("./core/signatures/verify-pdf-cli");
      return runVerifyPdf(rest);
    }
    case "migrate":
      await withRuntime("migrate", async () => undefined);
      console.log("Migrations applied.");
      return 0;
    case "verify-audit": {
      const { verifyAuditChain } = await import("./core/audit/service");
      const report = await withRuntime("verify-audit", (rt) => verifyAuditChain(rt.deps.db));
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
      const { DomainError } = await import("./core/errors");
      const { CreateUserInput } = await import("./core/users/schemas");
      const { createUserAsSystem } = await import("./core/users/service");
      const { listDepartments } = await import("./core/organisation/repo");
      return withRuntime("create-user", async (rt) => {
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
        console.log("The password must be changed at first sign-in.");
        return 0;
      });
    }
    case "reset-admin": {
      const { values } = parseArgs({ args: rest, options: { username: { type: "string", default: "admin" } } });
      const { CreateUserInput } = await import("./core/users/schemas");
      const { resetAdminAsSystem } = await import("./core/users/service");
      const username = CreateUserInput.shape.username.safeParse(values.username);
      if (!username.success) {
        for (const issue of username.error.issues) console.error(`--username: ${issue.message}`);
        return 2;
      }
      return withRuntime("reset-admin", async (rt) => {
        const result = await resetAdminAsSystem(rt.deps, username.data);
        if (result.created) {
          console.log(`Created the administrator ${result.user.username} (${result.user.id}).`);
        } else {
          console.log(
            `Reset the password of ${result.user.username} (${result.user.id})` +
              (result.reactivated ? "; the account was deactivated and is active again" : "") +
              "; their sessions ended and their API tokens were revoked.",
          );
        }
        console.log(`Password (shown once): ${result.password}`);
        console.log("It must be changed at the next sign-in.");
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
    // by name: the classes live in modules this command may not have loaded
    const name = (err as { name?: string; constructor?: { name?: string } })?.constructor?.name;
    if (["ConfigError", "DatabaseUnsuitableError", "DomainError", "DataDirLockedError"].includes(name ?? "")) {
      console.error(err.message);
    } else {
      console.error(err);
    }
    process.exit(1);
  },
);
