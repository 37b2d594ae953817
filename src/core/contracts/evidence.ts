import { inArray, sql } from "drizzle-orm";
import { contractReviews, contracts } from "../../db/schema/contracts";
import type { Classification } from "../auth/permissions";
import { localDate } from "../documents/numbering";
import type { EvidenceSource, FoundGap } from "../evidence/source";
import type { EvidenceItem } from "../evidence/types";
import { displayNames } from "../users/repo";
import { rowsOf } from "../../db/sql";
import { contractAuditDate, contractPolicy } from "./service";
import { CONTRACT_CLAUSE, contractStatusLabels } from "./vocabulary";

/** Contracts (4.3.3) with their IP review and signed copy. */
export const contractEvidence: EvidenceSource = {
  kind: "contract",
  label: { zh: "合同", en: "Contract" },
  states: contractStatusLabels,
  branch: ({ access }) => ({
    from: sql`${contracts}`,
    id: sql`${contracts.id}`,
    reference: sql`${contracts.number}`,
    title: sql`${contracts.title}`,
    clauses: sql`array[${CONTRACT_CLAUSE}::text]`,
    classification: sql`${contracts.classification}`,
    date: contractAuditDate,
    state: sql`${contracts.status}`,
    department: sql`${contracts.departmentId}`,
    search: sql`${contracts.searchText}`,
    involves: (person) => sql`${contracts.ownerId} = ${person}`,
    people: (id) => sql`select owner_id as person from contracts where id = ${id}`,
    visible: contractPolicy.rule(access.principal),
  }),
  clausesInUse: async () => [CONTRACT_CLAUSE],
  async load(db, ids) {
    if (!ids.length) return [];
    const rows = await db.select().from(contracts).where(inArray(contracts.id, ids));
    const reviews = await db.select().from(contractReviews).where(inArray(contractReviews.contractId, ids));
    const who = await displayNames(db, [...rows.map((c) => c.ownerId), ...reviews.map((r) => r.reviewerId)]);
    return rows.map((ct): EvidenceItem => {
      const review = reviews.filter((r) => r.contractId === ct.id).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
      return {
        kind: "contract",
        id: ct.id,
        reference: ct.number,
        title: ct.title,
        clauses: [CONTRACT_CLAUSE],
        classification: ct.classification as Classification,
        date: ct.signedOn ?? ct.effectiveOn ?? localDate(ct.createdAt),
        state: ct.status,
        people: [{ id: ct.ownerId, displayName: who.get(ct.ownerId) ?? ct.ownerId }],
        departmentIds: ct.departmentId ? [ct.departmentId] : [],
        files: [
          ...(ct.signedSha256 ? [{ role: "signed", sha256: ct.signedSha256, size: null, filename: `${ct.number}-signed.pdf`, mediaType: "application/pdf" }] : []),
          ...(ct.draftSha256 && ct.draftSha256 !== ct.signedSha256
            ? [{ role: "draft", sha256: ct.draftSha256, size: null, filename: ct.draftFilename ?? `${ct.number}-draft`, mediaType: ct.draftMediaType ?? "application/octet-stream" }]
            : []),
          ...(review?.reportSha256 ? [{ role: "ip-review", sha256: review.reportSha256, size: null, filename: `${ct.number}-ip-review.pdf`, mediaType: "application/pdf" }] : []),
        ],
        metadata: {
          number: ct.number,
          type: ct.type,
          counterparties: ct.counterparties,
          value: ct.valueAmount ? `${ct.valueAmount} ${ct.currency}` : null,
          effectiveOn: ct.effectiveOn,
          endOn: ct.endOn,
          signedOn: ct.signedOn,
          status: ct.status,
          ipTerms: ct.ipTerms,
          signingMethod: ct.signingMethod,
          ipReview: review ? { reviewer: who.get(review.reviewerId), decision: review.decision, findings: review.findings, status: review.status, signedAt: review.signedAt } : null,
        },
        auditObjects: [{ type: "contract", id: ct.id }, ...(ct.signatureRequestId ? [{ type: "signature_request", id: ct.signatureRequestId }] : [])],
      };
    });
  },
  /** Contracts signed within the period without a (passed, signed) IP review, among those the reader may see. */
  async gaps(ctx, { access }, { from, to }) {
    const signedWithin = [...(from ? [sql`${contractAuditDate} >= ${from}::date`] : []), ...(to ? [sql`${contractAuditDate} <= ${to}::date`] : [])];
    const unreviewed = rowsOf<{ id: string; number: string; title: string }>(
      await ctx.db.execute(sql`
        select ${contracts.id} as id, ${contracts.number} as number, ${contracts.title} as title from ${contracts}
        where ${contracts.status} in ('signed','in-force','expired','terminated')
          and ${sql.join([contractPolicy.rule(access.principal), ...signedWithin], sql` and `)}
          and not exists (select 1 from contract_reviews r where r.contract_id = ${contracts.id} and r.status = 'signed' and r.decision <> 'reject')
        order by ${contracts.number}`),
    );
    return unreviewed.map(
      (ct): FoundGap => ({
        clauses: [CONTRACT_CLAUSE],
        kind: "contract-without-ip-review",
        message: `${ct.number} ${ct.title}：签订前没有知识产权审查记录 signed without an IP review`,
        count: 1,
        refs: [{ type: "contract", id: ct.id, label: ct.number }],
      }),
    );
  },
};
