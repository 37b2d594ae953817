import { and, eq, inArray } from "drizzle-orm";
import { contracts } from "../../db/schema/contracts";
import type { Extension } from "../registry";
import { contractEvents } from "./events";
import { contractEvidence } from "./evidence";
import { contractDatesJob, contractPolicy } from "./service";
import { onContractReviewClosed, onContractReviewSigned, onContractSigned } from "./signing";

/** The contract register (4.3.3): IP review before signing, e-signing, retention from the contract's end. */
export const contractsExtension: Extension = {
  name: "contracts",
  events: contractEvents,
  policies: [contractPolicy],
  signatureSources: [
    { kind: "contract", partOfSource: true, afterCompleted: onContractSigned },
    { kind: "contract-review", partOfSource: true, afterCompleted: onContractReviewSigned, afterClosed: onContractReviewClosed },
  ],
  evidenceSources: [contractEvidence],
  jobs: [contractDatesJob],
  linkKinds: [
    {
      kind: "contract",
      label: { zh: "合同", en: "Contract" },
      objectType: "contract",
      exists: async (db, id) => (await db.select({ id: contracts.id }).from(contracts).where(eq(contracts.id, id)).limit(1)).length > 0,
      describe: async (db, p, ids) =>
        new Map(
          (await db.select({ id: contracts.id, number: contracts.number, title: contracts.title }).from(contracts).where(and(inArray(contracts.id, ids), contractPolicy.rule(p)))).map((c) => [c.id, `${c.number} ${c.title}`]),
        ),
    },
  ],
};
