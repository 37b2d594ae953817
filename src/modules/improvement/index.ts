import { defineModule } from "../../core/items/define";
import { auditChecklist, auditProgramme, auditReport } from "./audit";
import { correctiveAction, nonconformity } from "./findings";

/**
 * 13 Improvement: internal audit (programme, checklists, report), findings and corrective actions,
 * management review, inspections and analysis. Each line of `recordTypes` is one record type.
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
  ],
});
