import { and, inArray } from "drizzle-orm";
import { caseFiles, records } from "../../db/schema/records";
import type { Extension } from "../registry";
import { casePolicy, disposalPolicy, filePlanPolicy, importPolicy, legalHoldPolicy, recordClassPolicy, recordPolicy } from "./access";
import { declareSignedTemplate } from "./completion";
import { disposalCompleteJob } from "./disposal";
import { recordEvents } from "./events";
import { externalDocumentEvidence, recordEvidence } from "./evidence";
import { fixityCheckJob } from "./fixity";
import { csvImportJob } from "./import/service";
import * as repo from "./repo";
import { retentionSweepJob } from "./sweep";

/** Records and external documents (4.3.2.2), case files (10.2), legal holds, retention and disposal. */
export const recordsExtension: Extension = {
  name: "records",
  events: recordEvents,
  policies: [recordPolicy, casePolicy, legalHoldPolicy, disposalPolicy, importPolicy, recordClassPolicy, filePlanPolicy],
  // a request from a template (IP declaration, non-compete …): once signed, the PDF is declared a record
  signatureSources: [{ kind: "template", afterCompleted: declareSignedTemplate }],
  evidenceSources: [recordEvidence, externalDocumentEvidence],
  jobs: [retentionSweepJob, fixityCheckJob, disposalCompleteJob, csvImportJob],
  linkKinds: [
    {
      kind: "record",
      label: { zh: "记录", en: "Record" },
      objectType: "record",
      exists: async (db, id) => !!(await repo.findRecord(db, id)),
      describe: async (db, p, ids) =>
        new Map((await db.select({ id: records.id, number: records.number, title: records.title }).from(records).where(and(inArray(records.id, ids), recordPolicy.rule(p)))).map((r) => [r.id, `${r.number} ${r.title}`])),
    },
    {
      kind: "case",
      label: { zh: "案件", en: "Case file" },
      objectType: "case",
      exists: async (db, id) => !!(await repo.findCase(db, id)),
      describe: async (db, p, ids) =>
        new Map((await db.select({ id: caseFiles.id, number: caseFiles.number, title: caseFiles.title }).from(caseFiles).where(and(inArray(caseFiles.id, ids), casePolicy.rule(p)))).map((c) => [c.id, `${c.number} ${c.title}`])),
    },
    // IP assets are named by their number (e.g. a patent number) until an asset register exists
    { kind: "ip-asset", label: { zh: "知识产权（编号）", en: "IP asset (by number)" }, exists: async (_db, id) => id.trim().length > 0 },
  ],
};
