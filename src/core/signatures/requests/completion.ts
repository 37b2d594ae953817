import type { SignatureRequestRow } from "../../../db/schema/signatures";
import type { TxContext } from "../../context";
import { onReviewClosed, onReviewSigned, onRevisionApproved } from "../../documents/revisions";
import { onAcknowledged } from "../../documents/acknowledgements";
import { onContractReviewClosed, onContractReviewSigned, onContractSigned } from "../../contracts/signing";
import { declareSignedTemplate } from "../../records/completion";

/**
 * Where the module a request came from takes over, inside the signing transaction: after each
 * signature, when the last signer has signed, and when the request is declined or withdrawn. Each
 * module adds its cases here; otherwise the signature core knows nothing of documents, records or
 * contracts.
 */
export async function afterSignature(t: TxContext, request: SignatureRequestRow, stepDone: boolean): Promise<void> {
  switch (request.sourceKind) {
    case "document-revision":
      return onReviewSigned(t, request, stepDone);
    default:
      return;
  }
}

/** The last signer has signed. */
export async function afterRequestCompleted(t: TxContext, request: SignatureRequestRow): Promise<void> {
  switch (request.sourceKind) {
    case "document-revision":
      return onRevisionApproved(t, request);
    case "document-acknowledgement":
      return onAcknowledged(t, request);
    case "template":
      return declareSignedTemplate(t, request);
    case "contract":
      return onContractSigned(t, request);
    case "contract-review":
      return onContractReviewSigned(t, request);
    default:
      return;
  }
}

/** A signer declined, or the requester withdrew the request. */
export async function afterRequestClosed(t: TxContext, request: SignatureRequestRow): Promise<void> {
  switch (request.sourceKind) {
    case "document-revision":
      return onReviewClosed(t, request);
    case "contract-review":
      return onContractReviewClosed(t, request);
    default:
      return;
  }
}
