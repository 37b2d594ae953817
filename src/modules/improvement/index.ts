import { defineModule } from "../../core/items/define";
import { auditChecklist, auditProgramme, auditReport } from "./audit";
import { correctiveAction, nonconformity } from "./findings";
import { analysisReport } from "./analysis";
import { inspectionRecord } from "./inspection";
import { managementReview } from "./review";
import { improvementWorkItems } from "./work";

/**
 * 13 Improvement: internal audit (programme, checklists, report), findings and corrective actions,
 * the management review, supervision and inspection records, analysis reports to top management.
 * Each line of `recordTypes` is one record type.
 */
export const improvementModule = defineModule({
  name: "improvement",
  title: { zh: "改进", en: "Improvement" },
  recordTypes: [
    auditProgramme,
    auditChecklist,
    auditReport,
    nonconformity,
    correctiveAction,
    managementReview,
    inspectionRecord,
    analysisReport,
  ],
  extension: { workItems: improvementWorkItems },
});
