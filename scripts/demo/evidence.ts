import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { DemoClient, type DemoUser } from "./http-client";

/**
 * The evidence matrix of the demo year as the IP manager sees it: every clause of the standard
 * with its evidence count, latest date, people and gaps. Writes evidence-matrix.pdf and returns the
 * summary (how many clauses have evidence, how many gaps). Writes the API's matrix too
 * (evidence-matrix.json), so what the PDF shows can be checked by a program.
 */
export async function evidenceMatrixDemo(baseUrl: string, outDir: string, demo: Record<string, unknown>) {
  const users = demo.users as Record<string, DemoUser>;
  const ipm = new DemoClient(baseUrl);
  await ipm.signIn(users.ipManager!.username, users.ipManager!.password);
  const year = new Date().getUTCFullYear();
  const period = `from=${year}-01-01&to=${year}-12-31`;
  const matrix = await ipm.json<{ summary: { clauses: number; covered: number; gaps: number }; rows: { clause: string; count: number }[] }>(
    "GET",
    `/api/v1/evidence/matrix?${period}`,
  );
  await writeFile(join(outDir, "evidence-matrix.json"), JSON.stringify(matrix, null, 2));
  const pdf = await ipm.request("GET", `/api/v1/evidence/matrix?${period}&format=pdf`);
  if (!pdf.ok) throw new Error(`evidence-matrix.pdf: ${pdf.status}`);
  await writeFile(join(outDir, "evidence-matrix.pdf"), new Uint8Array(await pdf.arrayBuffer()));
  for (const clause of ["4.3.2.1", "7.3.2.4"]) {
    if (!matrix.rows.find((r) => r.clause === clause)?.count) throw new Error(`the matrix shows no evidence for ${clause}`);
  }
  return { period: { from: `${year}-01-01`, to: `${year}-12-31` }, ...matrix.summary };
}
