import { parseArgs } from "node:util";
import { exitOnClosedStdout, formatCheckLine } from "../check-lines";

const USAGE = `Usage: custos verify-package <audit-package.zip> [--root-fingerprint AB:CD:…] [--json]

Checks an audit package offline (no server, database or configuration needed): every file's SHA-256
against the manifest, the organisation's signature over the manifest (and that it chains to the
root certificate in the package), every signed PDF against the package's certificates, and the
audit-trail excerpt (each event's hash recomputed, consecutive events linked, the chain head).
Prints one line per check and exits 1 if anything does not match.

  --root-fingerprint FP   the root certificate's SHA-256 fingerprint as you obtained it
                          independently; the package must be signed under that root
  --json                  print the result as JSON instead of lines`;

/**
 * `custos verify-package`: runs the offline verifier and prints a pass/fail line per check in
 * Chinese and English. Returns the exit code: 0 all good, 1 something does not match, 2 usage.
 */
export async function runVerifyPackage(argv: string[], out: (line: string) => void = console.log): Promise<number> {
  exitOnClosedStdout();
  let values: { "root-fingerprint"?: string; json?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { "root-fingerprint": { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    }));
  } catch (err) {
    out(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    out(USAGE);
    return 2;
  }
  const path = positionals[0]!;
  const { verifyAuditPackage } = await import("./verify-package");
  if (values.json) {
    const report = await verifyAuditPackage(path, { expectedRootFingerprint: values["root-fingerprint"] });
    out(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  }
  out(`Custos 审核包验证 / audit package verification: ${path}`);
  const report = await verifyAuditPackage(path, {
    expectedRootFingerprint: values["root-fingerprint"],
    onCheck: (c) => out(formatCheckLine(c)),
  });
  out("");
  if (report.rootFingerprint) {
    out(`根证书 SHA-256 指纹 / root certificate SHA-256 fingerprint:\n  ${report.rootFingerprint}`);
    if (values["root-fingerprint"] === undefined) {
      out("  请与独立获得的指纹比对（或用 --root-fingerprint 让本程序比对）。\n  Compare it with the fingerprint you obtained independently (or pass --root-fingerprint).");
    }
  }
  const { pass, fail, warn } = report.counts;
  out(
    report.ok
      ? `结果 RESULT: 通过 PASS — ${pass} 项检查全部通过${warn ? `，${warn} 项注意` : ""} / all ${pass} checks passed${warn ? `, ${warn} warning(s)` : ""}`
      : `结果 RESULT: 失败 FAIL — ${fail} 项不符，${pass} 项通过 / ${fail} check(s) failed, ${pass} passed`,
  );
  return report.ok ? 0 : 1;
}
