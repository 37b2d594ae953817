/**
 * The bilingual check lines the offline verifiers print (`custos verify-package`,
 * `custos verify-pdf`): one line per check, its status, and the finding in Chinese and English.
 */

/** Outcome of one check. */
export type CheckStatus = "pass" | "fail" | "warn" | "info";

/** One line of a verification: what was checked, and the finding in Chinese and English. */
export interface CheckLine {
  status: CheckStatus;
  subject: string;
  zh: string;
  en: string;
}

const LABEL: Record<CheckStatus, string> = {
  pass: "通过 PASS",
  fail: "失败 FAIL",
  warn: "注意 WARN",
  info: "信息 INFO",
};

/** A check as printed: the status and subject, then the Chinese and the English finding. */
export function formatCheckLine(c: CheckLine): string {
  return `${LABEL[c.status]}  ${c.subject}\n           ${c.zh}\n           ${c.en}`;
}

/** Stops quietly when stdout is closed early (piped into head or less), as other command-line tools do. */
export function exitOnClosedStdout(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(1);
    throw err;
  });
}
