import type { ContractRow } from "../../db/schema/contracts";
import type { Classification } from "../auth/permissions";
import type { ContractType } from "./vocabulary";

/**
 * A contract as the API shows it: named columns only, dates as ISO strings; the search text (an
 * index of number, title and parties) stays inside, as does any column not named here.
 */
type ContractStatus = "draft" | "ip-review" | "approved" | "signed" | "in-force" | "expired" | "terminated";

export function presentContract(r: ContractRow) {
  return {
    id: r.id,
    number: r.number,
    title: r.title,
    type: r.type as ContractType,
    counterparties: r.counterparties as { name: string; country?: string; contact?: string }[],
    departmentId: r.departmentId,
    ownerId: r.ownerId,
    classification: r.classification as Classification,
    valueAmount: r.valueAmount,
    currency: r.currency,
    effectiveOn: r.effectiveOn,
    endOn: r.endOn,
    signedOn: r.signedOn,
    ipTerms: r.ipTerms as Record<string, string>,
    notes: r.notes,
    status: r.status as ContractStatus,
    draftSha256: r.draftSha256,
    draftFilename: r.draftFilename,
    draftMediaType: r.draftMediaType,
    signingMethod: r.signingMethod,
    signatureRequestId: r.signatureRequestId,
    signedSha256: r.signedSha256,
    signedRecordId: r.signedRecordId,
    terminatedOn: r.terminatedOn,
    terminationReason: r.terminationReason,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
