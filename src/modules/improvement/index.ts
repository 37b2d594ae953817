import { defineModule } from "../../core/items/define";
import { analysisReport } from "./analysis";
import { inspectionRecord } from "./inspection";
import { managementReview } from "./review";

/** Continual improvement (13): the management review, supervision and inspection records, analysis reports to top management. */
export const improvementModule = defineModule({
  name: "improvement",
  title: { zh: "改进", en: "Improvement" },
  recordTypes: [
    managementReview,
    inspectionRecord,
    analysisReport,
  ],
});
