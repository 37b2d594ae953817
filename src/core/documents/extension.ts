import { and, eq, inArray } from "drizzle-orm";
import { documentRevisions, documents } from "../../db/schema/documents";
import type { Extension } from "../registry";
import { documentCategoryPolicy, documentPolicy } from "./access";
import { acknowledgementReopenJob, onAcknowledged } from "./acknowledgements";
import { documentEvents } from "./events";
import { documentRevisionEvidence } from "./evidence";
import { onReviewClosed, onReviewSigned, onRevisionApproved, revisionActivationJob } from "./revisions";

/** Controlled documents (4.3.2.1): the register, revisions, review and approval, acknowledgement. */
export const documentsExtension: Extension = {
  name: "documents",
  events: documentEvents,
  policies: [documentPolicy, documentCategoryPolicy],
  signatureSources: [
    { kind: "document-revision", partOfSource: true, afterSignature: onReviewSigned, afterCompleted: onRevisionApproved, afterClosed: onReviewClosed },
    { kind: "document-acknowledgement", clause: "4.3.2.1", afterCompleted: onAcknowledged },
    // signed at once by the reviewer, who records the outcome in the same step (periodic-review.ts)
    { kind: "document-periodic-review", clause: "4.3.2.1" },
  ],
  evidenceSources: [documentRevisionEvidence],
  jobs: [acknowledgementReopenJob, revisionActivationJob],
  linkKinds: [
    {
      kind: "document",
      label: { zh: "受控文件", en: "Controlled document" },
      objectType: "document",
      // a document as a whole, or one revision of it (whose supersession starts its records' retention)
      exists: async (db, id) =>
        (await db.select({ id: documents.id }).from(documents).where(eq(documents.id, id)).limit(1)).length > 0 ||
        (await db.select({ id: documentRevisions.id }).from(documentRevisions).where(eq(documentRevisions.id, id)).limit(1)).length > 0,
      async describe(db, p, ids) {
        const names = new Map<string, string>();
        const visible = and(inArray(documents.id, ids), documentPolicy.rule(p));
        for (const d of await db.select({ id: documents.id, number: documents.number, title: documents.title }).from(documents).where(visible)) {
          names.set(d.id, `${d.number} ${d.title}`);
        }
        const revisions = await db
          .select({ id: documentRevisions.id, label: documentRevisions.label, number: documents.number, title: documents.title })
          .from(documentRevisions)
          .innerJoin(documents, eq(documents.id, documentRevisions.documentId))
          .where(and(inArray(documentRevisions.id, ids), documentPolicy.rule(p)));
        for (const r of revisions) names.set(r.id, `${r.number} ${r.title} ${r.label}`);
        return names;
      },
    },
  ],
};
